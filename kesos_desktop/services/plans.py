"""Intervention plans (rencana intervensi): goals, ATENSI services, responsible worker, review.

A revision never overwrites: it adds the next ``plan_version`` with a reason, and every earlier
version stays readable. Between revisions, the goals of the current version record their
progress (status and progress notes), each change audited.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.orm import Session

from kesos_desktop.db.models import Admission, InterventionPlan, PlanGoal, PlanService, Resident
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.enums import AssessmentDomain, AtensiService, GoalStatus
from kesos_desktop.domain.errors import ConflictError, ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.services import audit
from kesos_desktop.services.common import check_version, get_or_404, mark_updated
from kesos_desktop.services.context import requires
from kesos_desktop.services.counseling_common import active_counselor, clean, user_names
from kesos_desktop.services.counseling_dto import GoalView, PlanInput, PlanVersionRow, PlanView

ENTITY = "intervention_plan"
MAX_TEXT = 2_000


def _latest_version(session: Session, admission_id: int) -> int:
    return session.execute(
        sa.select(sa.func.coalesce(sa.func.max(InterventionPlan.plan_version), 0))
        .where(InterventionPlan.admission_id == admission_id)
    ).scalar_one()


def _validate(session: Session, data: PlanInput, today: date) -> None:
    errors: dict[str, str] = {}
    stay = session.execute(
        sa.select(Admission.admitted_on).where(Admission.id == data.admission_id)
    ).first()
    if stay is None:
        errors["admission_id"] = _("Choose the resident the plan is for.")
    elif data.drawn_up_on < stay.admitted_on:
        errors["drawn_up_on"] = _("The plan date is before the admission date.")
    if data.drawn_up_on > today:
        errors["drawn_up_on"] = _("A plan cannot be dated in the future.")
    if data.review_on is not None and data.review_on < data.drawn_up_on:
        errors["review_on"] = _("The review date cannot be before the plan date.")
    if not active_counselor(session, data.responsible_id):
        errors["responsible_id"] = _("Choose an active social worker as the responsible worker.")
    if not data.goals:
        errors["goals"] = _("Add at least one goal.")
    for number, goal in enumerate(data.goals, start=1):
        if not (goal.description or "").strip():
            errors["goals"] = _("Goal {n}: describe the goal.").format(n=number)
        elif len(goal.description) > MAX_TEXT or len(goal.progress_notes or "") > MAX_TEXT:
            errors["goals"] = _("Goal {n}: a text may have at most {max} characters.").format(
                n=number, max=MAX_TEXT)
        elif goal.target_date is not None and goal.target_date < data.drawn_up_on:
            errors["goals"] = _("Goal {n}: the target date is before the plan date.").format(n=number)
    if not data.services:
        errors["services"] = _("Choose at least one ATENSI service.")
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)


def _insert(session: Session, actor: Actor, data: PlanInput, version: int, reason: str | None) -> InterventionPlan:
    plan = InterventionPlan(
        admission_id=data.admission_id, plan_version=version, responsible_id=data.responsible_id,
        drawn_up_on=data.drawn_up_on, review_on=data.review_on, revision_reason=clean(reason),
        updated_by=actor.username,
    )
    session.add(plan)
    try:
        session.flush()
    except exc.IntegrityError as error:
        raise ConflictError(
            _("Someone else saved a version of this plan at the same time. Reload the plan and "
              "make your revision again.")
        ) from error
    for goal in data.goals:
        session.add(PlanGoal(
            plan_id=plan.id, domain=goal.domain, description=goal.description.strip(),
            target_date=goal.target_date, status=goal.status, progress_notes=clean(goal.progress_notes),
        ))
    for service in sorted(set(data.services), key=list(AtensiService).index):
        session.add(PlanService(plan_id=plan.id, service=service))
    session.flush()
    return plan


def _view(session: Session, plan: InterventionPlan) -> PlanView:
    goals = session.execute(
        sa.select(PlanGoal).where(PlanGoal.plan_id == plan.id).order_by(PlanGoal.id)
    ).scalars()
    services = session.execute(
        sa.select(PlanService.service).where(PlanService.plan_id == plan.id)
    ).scalars()
    order = list(AtensiService)
    name = session.execute(
        sa.select(Resident.name).join(Admission, Admission.resident_id == Resident.id)
        .where(Admission.id == plan.admission_id)
    ).scalar_one()
    return PlanView(
        id=plan.id, admission_id=plan.admission_id, resident_name=name,
        plan_version=plan.plan_version, responsible_id=plan.responsible_id,
        responsible_name=user_names(session, [plan.responsible_id]).get(plan.responsible_id, "?"),
        drawn_up_on=plan.drawn_up_on, review_on=plan.review_on,
        revision_reason=plan.revision_reason,
        goals=tuple(
            GoalView(g.id, AssessmentDomain(g.domain), g.description, g.target_date,
                     GoalStatus(g.status), g.progress_notes)
            for g in goals
        ),
        services=tuple(sorted((AtensiService(s) for s in services), key=order.index)),
        is_current=plan.plan_version == _latest_version(session, plan.admission_id),
        updated_at=plan.updated_at, version=plan.version,
    )


def _summary(data: PlanInput) -> dict:
    return {"admission_id": data.admission_id, "goals": len(data.goals),
            "services": sorted(s.value for s in data.services), "responsible_id": data.responsible_id}


@requires(Action.PLAN_WRITE)
def create_plan(db, actor: Actor, data: PlanInput, today: date | None = None) -> tuple[PlanView, Changes]:
    """The first plan of a stay (version 1)."""
    today = today or date.today()
    with db.write() as session:
        _validate(session, data, today)
        if _latest_version(session, data.admission_id):
            raise ValidationError(_("This stay already has a plan. Revise it to make a new version."))
        plan = _insert(session, actor, data, 1, None)
        audit.record(session, actor, "create", ENTITY, plan.id, {**_summary(data), "plan_version": 1})
        return _view(session, plan), Changes.of(ENTITY)


@requires(Action.PLAN_WRITE)
def revise_plan(
    db, actor: Actor, data: PlanInput, reason: str, expected_plan_version: int,
    today: date | None = None,
) -> tuple[PlanView, Changes]:
    """A new version of the stay's plan; the earlier versions stay as they were."""
    today = today or date.today()
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for the revision."),
                              {"reason": _("Give the reason for the revision.")})
    with db.write() as session:
        _validate(session, data, today)
        latest = _latest_version(session, data.admission_id)
        if not latest:
            raise ValidationError(_("This stay has no plan yet. Make the first plan."))
        if latest != expected_plan_version:
            raise ConflictError(
                _("The plan was revised by someone else (now version {n}) after you opened it. "
                  "Open it again and make your revision on the latest version.").format(n=latest)
            )
        plan = _insert(session, actor, data, latest + 1, reason)
        audit.record(session, actor, "revise", ENTITY, plan.id,
                     {**_summary(data), "plan_version": latest + 1})
        return _view(session, plan), Changes.of(ENTITY)


@requires(Action.PLAN_WRITE)
def update_goal(
    db, actor: Actor, goal_id: int, status: GoalStatus, progress_notes: str | None,
    expected_version: int | None = None,
) -> tuple[PlanView, Changes]:
    """Record a goal's progress on the current plan version (an earlier version is history)."""
    if progress_notes and len(progress_notes) > MAX_TEXT:
        raise ValidationError(_("A text may have at most {n} characters.").format(n=MAX_TEXT))
    with db.write() as session:
        goal = get_or_404(session, PlanGoal, goal_id, _("The goal"))
        plan = session.get(InterventionPlan, goal.plan_id)
        check_version(plan, expected_version)
        if plan.plan_version != _latest_version(session, plan.admission_id):
            raise ValidationError(
                _("This is an earlier version of the plan; it is kept as it was. Open the current "
                  "version to record progress.")
            )
        audit.record(session, actor, "update_goal", ENTITY, plan.id, {
            "goal_id": goal.id, "status": [str(goal.status), str(status)],
            "progress_notes": "updated" if clean(progress_notes) != goal.progress_notes else "same",
        })
        goal.status = status
        goal.progress_notes = clean(progress_notes)
        mark_updated(plan, actor.username)  # a new optimistic-lock version of the plan
        session.flush()
        return _view(session, plan), Changes.of(ENTITY)


@requires(Action.PLAN_VIEW)
def list_plan_versions(db, actor: Actor, admission_id: int) -> list[PlanVersionRow]:
    """Every version of a stay's plan, newest first."""
    with db.read() as session:
        plans = list(session.execute(
            sa.select(InterventionPlan).where(InterventionPlan.admission_id == admission_id)
            .order_by(InterventionPlan.plan_version.desc())
        ).scalars())
        counts = {
            r[0]: (r[1], r[2] or 0)
            for r in session.execute(
                sa.select(PlanGoal.plan_id, sa.func.count(PlanGoal.id),
                          sa.func.sum(sa.case((PlanGoal.status == GoalStatus.ACHIEVED, 1), else_=0)))
                .where(PlanGoal.plan_id.in_([p.id for p in plans])).group_by(PlanGoal.plan_id)
            )
        } if plans else {}
        names = user_names(session, (p.responsible_id for p in plans))
        latest = plans[0].plan_version if plans else None
        return [
            PlanVersionRow(p.id, p.plan_version, p.drawn_up_on, p.review_on,
                           names.get(p.responsible_id, "?"), *counts.get(p.id, (0, 0)),
                           is_current=p.plan_version == latest)
            for p in plans
        ]


@requires(Action.PLAN_VIEW)
def get_plan(db, actor: Actor, plan_id: int) -> PlanView:
    with db.read() as session:
        return _view(session, get_or_404(session, InterventionPlan, plan_id, _("The plan")))


@requires(Action.PLAN_VIEW)
def current_plan(db, actor: Actor, admission_id: int) -> PlanView | None:
    with db.read() as session:
        plan = session.execute(
            sa.select(InterventionPlan).where(InterventionPlan.admission_id == admission_id)
            .order_by(InterventionPlan.plan_version.desc()).limit(1)
        ).scalar_one_or_none()
        return _view(session, plan) if plan else None
