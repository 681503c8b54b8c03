"""Home visits (kunjungan rumah) made while preparing a person's return.

Recording the first visit also ticks the "home visit done" item of the readiness checklist.
Contacts after termination are aftercare follow-ups (``aftercare``), not home visits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import HomeVisit, ReadinessItem, ReintegrationPlan
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.enums import FamilyReadiness, ReadinessItemType, ReadinessStatus
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.services import audit
from kesos_desktop.services.common import check_version, get_or_404
from kesos_desktop.services.context import requires
from kesos_desktop.services.reintegration_common import clean, date_problem, invalid, load_stay


@dataclass(frozen=True)
class HomeVisitInput:
    visited_on: date | None
    visitors: str
    people_met: str | None = None
    findings: str | None = None
    family_readiness: FamilyReadiness | None = None
    next_steps: str | None = None


@dataclass(frozen=True)
class HomeVisitDTO:
    id: int
    admission_id: int
    visited_on: date
    visitors: str
    people_met: str | None
    findings: str | None
    family_readiness: FamilyReadiness | None
    next_steps: str | None
    version: int


def _dto(visit: HomeVisit) -> HomeVisitDTO:
    return HomeVisitDTO(
        visit.id, visit.admission_id, visit.visited_on, visit.visitors, visit.people_met,
        visit.findings, FamilyReadiness(visit.family_readiness) if visit.family_readiness else None,
        visit.next_steps, visit.version,
    )


def _validate(data: HomeVisitInput, admission, today: date) -> None:
    errors = {}
    if problem := date_problem(data.visited_on, admission, today):
        errors["visited_on"] = problem
    visitors = (data.visitors or "").strip()
    if not visitors:
        errors["visitors"] = _("Enter who made the visit.")
    elif len(visitors) > 300:
        errors["visitors"] = _("Too long (at most 300 characters).")
    if data.people_met and len(data.people_met.strip()) > 300:
        errors["people_met"] = _("Too long (at most 300 characters).")
    if errors:
        raise invalid(errors)


def _apply(visit: HomeVisit, data: HomeVisitInput, actor: Actor) -> None:
    visit.visited_on = data.visited_on
    visit.visitors = data.visitors.strip()
    visit.people_met = clean(data.people_met)
    visit.findings = clean(data.findings)
    visit.family_readiness = data.family_readiness
    visit.next_steps = clean(data.next_steps)
    visit.updated_by = actor.username


@requires(Action.REINTEGRATION_VIEW)
def list_home_visits(db: Database, actor: Actor, admission_id: int) -> list[HomeVisitDTO]:
    with db.read() as session:
        load_stay(session, admission_id)
        visits = session.execute(
            sa.select(HomeVisit)
            .where(HomeVisit.admission_id == admission_id)
            .order_by(HomeVisit.visited_on.desc(), HomeVisit.id.desc())
        ).scalars()
        return [_dto(v) for v in visits]


def _tick_checklist(session, actor: Actor, admission_id: int, visited_on: date) -> bool:
    """Mark "home visit done" on the plan's checklist if it is still pending."""
    plan_id = session.execute(
        sa.select(ReintegrationPlan.id).where(ReintegrationPlan.admission_id == admission_id)
    ).scalar_one_or_none()
    if plan_id is None:
        return False
    item = session.get(ReadinessItem, (plan_id, ReadinessItemType.HOME_VISIT))
    if item is None:
        item = ReadinessItem(plan_id=plan_id, item=ReadinessItemType.HOME_VISIT)
        session.add(item)
    elif item.status != ReadinessStatus.PENDING:
        return False
    item.status = ReadinessStatus.DONE
    item.done_on = visited_on
    item.done_by_id = actor.id
    item.updated_by = actor.username
    session.flush()
    audit.record(session, actor, "update", "readiness_item",
                 f"{plan_id}/{ReadinessItemType.HOME_VISIT.value}", {
                     "admission_id": admission_id, "item": ReadinessItemType.HOME_VISIT,
                     "status": [ReadinessStatus.PENDING, ReadinessStatus.DONE],
                     "done_on": visited_on, "done_by_id": actor.id, "by": "home_visit",
                 })
    return True


@requires(Action.REINTEGRATION_MANAGE)
def add_home_visit(
    db: Database, actor: Actor, admission_id: int, data: HomeVisitInput, today: date | None = None
) -> tuple[HomeVisitDTO, Changes]:
    today = today or date.today()
    with db.write() as session:
        admission = load_stay(session, admission_id, for_update=True)
        _validate(data, admission, today)
        visit = HomeVisit(admission_id=admission_id)
        _apply(visit, data, actor)
        session.add(visit)
        session.flush()
        ticked = _tick_checklist(session, actor, admission_id, data.visited_on)
        audit.record(session, actor, "create", "home_visit", visit.id, {
            "admission_id": admission_id, "visited_on": visit.visited_on,
            "family_readiness": visit.family_readiness, "checklist_ticked": ticked,
        })
        return _dto(visit), Changes.of("reintegration", "home_visit")


@requires(Action.REINTEGRATION_MANAGE)
def update_home_visit(
    db: Database,
    actor: Actor,
    visit_id: int,
    data: HomeVisitInput,
    expected_version: int | None = None,
    today: date | None = None,
) -> tuple[HomeVisitDTO, Changes]:
    today = today or date.today()
    with db.write() as session:
        visit = get_or_404(session, HomeVisit, visit_id, _("The home visit"))
        check_version(visit, expected_version)
        admission = load_stay(session, visit.admission_id)
        _validate(data, admission, today)
        before = {"visited_on": visit.visited_on, "visitors": visit.visitors,
                  "family_readiness": visit.family_readiness}
        texts = (visit.people_met, visit.findings, visit.next_steps)
        _apply(visit, data, actor)
        session.flush()
        changed = audit.diff(before, {"visited_on": visit.visited_on, "visitors": visit.visitors,
                                      "family_readiness": visit.family_readiness})
        if texts != (visit.people_met, visit.findings, visit.next_steps):
            changed["text"] = "changed"
        audit.record(session, actor, "update", "home_visit", visit.id,
                     {"admission_id": visit.admission_id, **changed})
        return _dto(visit), Changes.of("reintegration", "home_visit")
