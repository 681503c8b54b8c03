"""Reintegration (resosialisasi): the plan per stay, its readiness checklist, and the board.

Home visits are in ``reintegration_visits``; termination in ``termination``; aftercare
(bimbingan lanjut) in ``aftercare``; the outcome figures in ``reintegration_stats``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import (
    Admission,
    HomeVisit,
    ReadinessItem,
    ReintegrationPlan,
    Resident,
    Room,
    User,
)
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.enums import (
    DestinationType,
    ReadinessItemType,
    ReadinessStatus,
    Stage,
)
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _, format_date
from kesos_desktop.services import audit
from kesos_desktop.services.common import check_version
from kesos_desktop.services.context import requires
from kesos_desktop.services.reintegration_common import (
    StayInfo,
    Worker,
    check_worker,
    clean,
    date_problem,
    invalid,
    load_stay,
    stay_info,
)

__all__ = [
    "BoardRow", "PlanDTO", "PlanInput", "Progress", "ReadinessItemDTO", "StayInfo", "Worker",
    "board", "get_plan", "get_stay", "list_workers", "save_plan", "set_readiness",
]


@dataclass(frozen=True)
class Progress:
    """Checklist progress: items done out of the items that apply (not-applicable ones excluded)."""

    done: int
    applicable: int
    not_applicable: int = 0

    @property
    def text(self) -> str:
        return f"{self.done}/{self.applicable}"

    @property
    def complete(self) -> bool:
        return self.applicable > 0 and self.done >= self.applicable


@dataclass(frozen=True)
class ReadinessItemDTO:
    item: ReadinessItemType
    status: ReadinessStatus
    done_on: date | None
    done_by_id: int | None
    done_by: str | None
    na_reason: str | None
    version: int  # 0: not stored yet (an item type added after the plan was made)


@dataclass(frozen=True)
class PlanInput:
    destination_type: DestinationType | None
    destination_address: str | None = None
    contact_persons: str | None = None
    target_date: date | None = None
    responsible_id: int | None = None


@dataclass(frozen=True)
class PlanDTO:
    id: int
    admission_id: int
    destination_type: DestinationType
    destination_address: str | None
    contact_persons: str | None
    target_date: date | None
    responsible_id: int | None
    responsible: str | None
    items: tuple[ReadinessItemDTO, ...]
    version: int

    @property
    def progress(self) -> Progress:
        done = sum(1 for i in self.items if i.status == ReadinessStatus.DONE)
        na = sum(1 for i in self.items if i.status == ReadinessStatus.NOT_APPLICABLE)
        return Progress(done, len(self.items) - na, na)


@dataclass(frozen=True)
class BoardRow:
    """A current stay with its reintegration plan's state (plan fields None when no plan yet)."""

    admission_id: int
    resident_id: int
    reg_no: str
    name: str
    stage: Stage
    admitted_on: date
    room_name: str | None
    destination_type: DestinationType | None
    target_date: date | None
    responsible: str | None
    progress: Progress | None
    last_visit_on: date | None


# ----------------------------------------------------------------------------- reading


@requires(Action.REINTEGRATION_VIEW)
def get_stay(db: Database, actor: Actor, admission_id: int) -> StayInfo:
    with db.read() as session:
        return stay_info(session, load_stay(session, admission_id))


@requires(Action.REINTEGRATION_VIEW)
def list_workers(db: Database, actor: Actor) -> list[Worker]:
    """Active users, for "responsible worker" and "done by" choices."""
    with db.read() as session:
        rows = session.execute(
            sa.select(User.id, User.full_name).where(User.active.is_(True)).order_by(User.full_name)
        )
        return [Worker(id_, name) for id_, name in rows]


def _items(session, plan: ReintegrationPlan) -> tuple[ReadinessItemDTO, ...]:
    stored = {
        row.item: row
        for row in session.execute(
            sa.select(ReadinessItem).where(ReadinessItem.plan_id == plan.id)
        ).scalars()
    }
    names = dict(
        session.execute(
            sa.select(User.id, User.full_name).where(
                User.id.in_([r.done_by_id for r in stored.values() if r.done_by_id])
            )
        ).all()
    )
    items = []
    for item in ReadinessItemType:
        row = stored.get(item)
        if row is None:
            items.append(ReadinessItemDTO(item, ReadinessStatus.PENDING, None, None, None, None, 0))
            continue
        items.append(
            ReadinessItemDTO(
                item, ReadinessStatus(row.status), row.done_on, row.done_by_id,
                names.get(row.done_by_id), row.na_reason, row.version,
            )
        )
    return tuple(items)


def _plan_dto(session, plan: ReintegrationPlan) -> PlanDTO:
    responsible = (
        session.execute(sa.select(User.full_name).where(User.id == plan.responsible_id)).scalar()
        if plan.responsible_id
        else None
    )
    return PlanDTO(
        id=plan.id,
        admission_id=plan.admission_id,
        destination_type=DestinationType(plan.destination_type),
        destination_address=plan.destination_address,
        contact_persons=plan.contact_persons,
        target_date=plan.target_date,
        responsible_id=plan.responsible_id,
        responsible=responsible,
        items=_items(session, plan),
        version=plan.version,
    )


def _plan_of(session, admission_id: int) -> ReintegrationPlan | None:
    return session.execute(
        sa.select(ReintegrationPlan).where(ReintegrationPlan.admission_id == admission_id)
    ).scalar_one_or_none()


@requires(Action.REINTEGRATION_VIEW)
def get_plan(db: Database, actor: Actor, admission_id: int) -> PlanDTO | None:
    with db.read() as session:
        load_stay(session, admission_id)
        plan = _plan_of(session, admission_id)
        return None if plan is None else _plan_dto(session, plan)


@requires(Action.REINTEGRATION_VIEW)
def board(
    db: Database, actor: Actor, stage: Stage | None = Stage.REINTEGRATION, search: str = ""
) -> list[BoardRow]:
    """Current stays (in ``stage``, or every current stay when None) with plan progress.

    ``search`` matches part of the name or the registration number. Current stays are bounded
    by the facility's capacity, so the list is small.
    """
    counts = (
        sa.select(
            ReadinessItem.plan_id,
            sa.func.sum(sa.case((ReadinessItem.status == ReadinessStatus.DONE, 1), else_=0)).label(
                "done"
            ),
            sa.func.sum(
                sa.case((ReadinessItem.status == ReadinessStatus.NOT_APPLICABLE, 1), else_=0)
            ).label("na"),
        )
        .group_by(ReadinessItem.plan_id)
        .subquery()
    )
    visits = (
        sa.select(HomeVisit.admission_id, sa.func.max(HomeVisit.visited_on).label("last_visit"))
        .group_by(HomeVisit.admission_id)
        .subquery()
    )
    query = (
        sa.select(
            Admission.id, Admission.resident_id, Resident.reg_no, Resident.name, Admission.stage,
            Admission.admitted_on, Room.name, ReintegrationPlan.id, ReintegrationPlan.destination_type,
            ReintegrationPlan.target_date, User.full_name, counts.c.done, counts.c.na,
            visits.c.last_visit,
        )
        .join(Resident, Resident.id == Admission.resident_id)
        .outerjoin(Room, Room.id == Admission.room_id)
        .outerjoin(ReintegrationPlan, ReintegrationPlan.admission_id == Admission.id)
        .outerjoin(User, User.id == ReintegrationPlan.responsible_id)
        .outerjoin(counts, counts.c.plan_id == ReintegrationPlan.id)
        .outerjoin(visits, visits.c.admission_id == Admission.id)
        .where(Admission.terminated_on.is_(None))
        .order_by(
            ReintegrationPlan.target_date.is_(None), ReintegrationPlan.target_date, Resident.name
        )
    )
    if stage is not None:
        query = query.where(Admission.stage == stage)
    term = search.strip().lower()
    if term:
        query = query.where(
            sa.or_(
                sa.func.lower(Resident.name).contains(term, autoescape=True),
                sa.func.lower(Resident.reg_no).contains(term, autoescape=True),
            )
        )
    total_items = len(ReadinessItemType)
    rows = []
    with db.read() as session:
        for (adm_id, res_id, reg_no, name, stage_, admitted_on, room, plan_id, dest, target,
             responsible, done, na, last_visit) in session.execute(query):
            progress = (
                None if plan_id is None
                else Progress(int(done or 0), total_items - int(na or 0), int(na or 0))
            )
            rows.append(BoardRow(
                adm_id, res_id, reg_no, name, Stage(stage_), admitted_on, room,
                DestinationType(dest) if dest else None, target, responsible, progress, last_visit,
            ))
    return rows


# ----------------------------------------------------------------------------- writing


def _validate_plan(session, data: PlanInput, admission: Admission) -> dict[str, str]:
    errors = {}
    if data.destination_type is None:
        errors["destination_type"] = _("Choose where the person will go.")
    if data.target_date is not None and data.target_date < admission.admitted_on:
        errors["target_date"] = _("The target date is before the stay began ({date}).").format(
            date=format_date(admission.admitted_on)
        )
    if data.destination_address and len(data.destination_address.strip()) > 400:
        errors["destination_address"] = _("The address is too long (at most 400 characters).")
    try:
        check_worker(session, data.responsible_id, "responsible_id")
    except ValidationError as error:
        errors.update(error.field_errors)
    return errors


def _plan_fields(plan: ReintegrationPlan) -> dict:
    return {
        "destination_type": plan.destination_type,
        "destination_address": plan.destination_address,
        "contact_persons": plan.contact_persons,
        "target_date": plan.target_date,
        "responsible_id": plan.responsible_id,
    }


@requires(Action.REINTEGRATION_MANAGE)
def save_plan(
    db: Database,
    actor: Actor,
    admission_id: int,
    data: PlanInput,
    expected_version: int | None = None,
) -> tuple[PlanDTO, Changes]:
    """Create the stay's plan (with its readiness checklist, all items pending) or update it."""
    with db.write() as session:
        admission = load_stay(session, admission_id, for_update=True)
        if errors := _validate_plan(session, data, admission):
            raise invalid(errors)
        plan = _plan_of(session, admission_id)
        before = {} if plan is None else _plan_fields(plan)
        if plan is None:
            plan = ReintegrationPlan(admission_id=admission_id, destination_type=data.destination_type)
            session.add(plan)
        else:
            check_version(plan, expected_version)
        plan.destination_type = data.destination_type
        plan.destination_address = clean(data.destination_address)
        plan.contact_persons = clean(data.contact_persons)
        plan.target_date = data.target_date
        plan.responsible_id = data.responsible_id
        plan.updated_by = actor.username
        session.flush()
        if not before:
            for item in ReadinessItemType:
                session.add(ReadinessItem(
                    plan_id=plan.id, item=item, status=ReadinessStatus.PENDING,
                    updated_by=actor.username,
                ))
            session.flush()
        changed = audit.diff(before, _plan_fields(plan))
        # Free text (address, contact persons) is named, never copied into the audit trail.
        for key in ("destination_address", "contact_persons"):
            if key in changed:
                changed[key] = "changed"
        audit.record(session, actor, "update" if before else "create", "reintegration_plan",
                     plan.id, {"admission_id": admission_id, **changed})
        return _plan_dto(session, plan), Changes.of("reintegration")


@requires(Action.REINTEGRATION_MANAGE)
def set_readiness(
    db: Database,
    actor: Actor,
    admission_id: int,
    item: ReadinessItemType,
    status: ReadinessStatus,
    *,
    done_on: date | None = None,
    done_by_id: int | None = None,
    na_reason: str | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> tuple[ReadinessItemDTO, Changes]:
    """Mark one checklist item done (when, by whom), not applicable (why), or back to pending."""
    today = today or date.today()
    item = ReadinessItemType(item)
    status = ReadinessStatus(status)
    with db.write() as session:
        admission = load_stay(session, admission_id, for_update=True)
        plan = _plan_of(session, admission_id)
        if plan is None:
            raise ValidationError(_("Make the reintegration plan first; the checklist belongs to it."))
        errors = {}
        reason = clean(na_reason)
        if status == ReadinessStatus.DONE:
            if problem := date_problem(done_on, admission, today):
                errors["done_on"] = problem
            done_by_id = done_by_id or actor.id
            try:
                check_worker(session, done_by_id, "done_by_id")
            except ValidationError as error:
                errors.update(error.field_errors)
        elif status == ReadinessStatus.NOT_APPLICABLE:
            if not reason:
                errors["na_reason"] = _("Say why this item does not apply.")
            elif len(reason) > 200:
                errors["na_reason"] = _("The reason is too long (at most 200 characters).")
        if errors:
            raise ValidationError(
                _("{item}: please correct the marked fields.").format(item=item.label), errors
            )
        row = session.get(ReadinessItem, (plan.id, item))
        if row is None:
            row = ReadinessItem(plan_id=plan.id, item=item)
            session.add(row)
            before_status = None
        else:
            check_version(row, expected_version)
            before_status = row.status
        row.status = status
        row.done_on = done_on if status == ReadinessStatus.DONE else None
        row.done_by_id = done_by_id if status == ReadinessStatus.DONE else None
        row.na_reason = reason if status == ReadinessStatus.NOT_APPLICABLE else None
        row.updated_by = actor.username
        session.flush()
        audit.record(session, actor, "update", "readiness_item", f"{plan.id}/{item.value}", {
            "admission_id": admission_id, "item": item, "status": [before_status, status],
            "done_on": row.done_on, "done_by_id": row.done_by_id,
        })
        dto = next(i for i in _items(session, plan) if i.item == item)
        return dto, Changes.of("reintegration")
