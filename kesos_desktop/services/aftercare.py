"""Aftercare (bimbingan lanjut): follow-ups after termination, and closing aftercare with an outcome.

Termination plans the follow-ups from a facility-wide schedule (months after termination; default
1, 2 and 3). Each follow-up is then done (date, method, the person's condition, notes, next
action); more can be added; aftercare ends with an outcome.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import Admission, FollowUp, Resident, User
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.enums import (
    AftercareOutcome,
    AftercareStatus,
    FollowUpCondition,
    FollowUpMethod,
    TerminationReason,
)
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _, format_date
from kesos_desktop.services import audit
from kesos_desktop.services.common import check_version, get_or_404, get_setting, put_setting
from kesos_desktop.services.context import requires
from kesos_desktop.services.reintegration_common import clean, invalid, load_stay, resident_name

SCHEDULE_KEY = "aftercare.follow_up_months"
DEFAULT_SCHEDULE: tuple[int, ...] = (1, 2, 3)
MAX_MONTHS = 24


# ----------------------------------------------------------------------------- schedule


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day (31 January + 1 = 28/29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def schedule_problem(months: Sequence[int]) -> str | None:
    if not months:
        return _("Give at least one follow-up.")
    if len(months) > 12:
        return _("At most 12 planned follow-ups.")
    if any(not isinstance(m, int) or isinstance(m, bool) or not 1 <= m <= MAX_MONTHS for m in months):
        return _("Each follow-up is 1 to {max} months after termination.").format(max=MAX_MONTHS)
    if len(set(months)) != len(months):
        return _("Each month may appear only once.")
    return None


def read_schedule(session: Session) -> tuple[int, ...]:
    stored = get_setting(session, SCHEDULE_KEY)
    if not isinstance(stored, list) or schedule_problem(stored):
        return DEFAULT_SCHEDULE
    return tuple(sorted(stored))


def follow_up_dates(terminated_on: date, months: Sequence[int]) -> list[date]:
    return [add_months(terminated_on, m) for m in sorted(months)]


def planned_method(position: int) -> FollowUpMethod:
    """The first follow-up is a home visit, later ones a phone call (changeable when done)."""
    return FollowUpMethod.HOME_VISIT if position == 0 else FollowUpMethod.PHONE


@requires(Action.REINTEGRATION_VIEW)
def get_schedule(db: Database, actor: Actor) -> tuple[int, ...]:
    with db.read() as session:
        return read_schedule(session)


@requires(Action.SETTINGS_EDIT)
def set_schedule(db: Database, actor: Actor, months: Sequence[int]) -> Changes:
    """The months after termination at which follow-ups are planned, for future terminations."""
    months = list(months)
    if problem := schedule_problem(months):
        raise ValidationError(problem, {"months": problem})
    with db.write() as session:
        before = list(read_schedule(session))
        put_setting(session, SCHEDULE_KEY, sorted(months))
        audit.record(session, actor, "update", "setting", SCHEDULE_KEY,
                     {"value": [before, sorted(months)]})
    return Changes.of("setting")


def plan_follow_ups(
    session: Session, actor: Actor, admission: Admission, months: Sequence[int] | None = None
) -> list[date]:
    """Add the scheduled follow-ups of a just-terminated stay (inside the caller's transaction)."""
    months = read_schedule(session) if months is None else tuple(months)
    dates = follow_up_dates(admission.terminated_on, months)
    for position, due in enumerate(dates):
        session.add(FollowUp(
            admission_id=admission.id, due_on=due, method=planned_method(position),
            updated_by=actor.username,
        ))
    session.flush()
    return dates


# ----------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class FollowUpRow:
    id: int
    admission_id: int
    resident_id: int
    reg_no: str
    name: str
    terminated_on: date
    termination_reason: TerminationReason
    destination: str | None
    due_on: date
    method: FollowUpMethod
    done_on: date | None
    condition: FollowUpCondition | None
    notes: str | None
    next_action: str | None
    done_by: str | None
    aftercare_status: AftercareStatus
    back_in_facility: bool  # the person has a newer stay that is still open
    version: int

    @property
    def done(self) -> bool:
        return self.done_on is not None

    def overdue_days(self, today: date) -> int:
        return 0 if self.done or self.due_on >= today else (today - self.due_on).days


@dataclass(frozen=True)
class FollowUpResult:
    done_on: date | None
    method: FollowUpMethod
    condition: FollowUpCondition | None
    notes: str | None = None
    next_action: str | None = None


@dataclass(frozen=True)
class DueFollowUps:
    today: date
    week_end: date  # Sunday of this week
    overdue: list[FollowUpRow]
    this_week: list[FollowUpRow]


def _open_stay():
    later = aliased(Admission)
    return (
        sa.select(later.id)
        .where(later.resident_id == Admission.resident_id, later.id != Admission.id,
               later.terminated_on.is_(None))
        .exists()
    )


def _rows_query():
    return (
        sa.select(
            FollowUp, Admission.resident_id, Resident.reg_no, Resident.name, Admission.terminated_on,
            Admission.termination_reason, Admission.termination_destination,
            Admission.aftercare_status, User.full_name, _open_stay().label("back"),
        )
        .join(Admission, Admission.id == FollowUp.admission_id)
        .join(Resident, Resident.id == Admission.resident_id)
        .outerjoin(User, User.id == FollowUp.done_by_id)
    )


def _to_rows(result) -> list[FollowUpRow]:
    rows = []
    for fu, resident_id, reg_no, name, terminated_on, reason, dest, status, done_by, back in result:
        rows.append(FollowUpRow(
            fu.id, fu.admission_id, resident_id, reg_no, name, terminated_on,
            TerminationReason(reason), dest, fu.due_on, FollowUpMethod(fu.method), fu.done_on,
            FollowUpCondition(fu.condition) if fu.condition else None, fu.notes, fu.next_action,
            done_by, AftercareStatus(status), bool(back), fu.version,
        ))
    return rows


@requires(Action.REINTEGRATION_VIEW)
def list_follow_ups(
    db: Database,
    actor: Actor,
    admission_id: int | None = None,
    *,
    only_open: bool = False,
    search: str = "",
) -> list[FollowUpRow]:
    """Follow-ups of one stay (any aftercare status), or of every stay in running aftercare."""
    query = _rows_query().order_by(FollowUp.due_on, Resident.name, FollowUp.id)
    if admission_id is not None:
        query = query.where(FollowUp.admission_id == admission_id)
    else:
        query = query.where(Admission.aftercare_status == AftercareStatus.ACTIVE)
    if only_open:
        query = query.where(FollowUp.done_on.is_(None))
    term = search.strip().lower()
    if term:
        query = query.where(sa.or_(
            sa.func.lower(Resident.name).contains(term, autoescape=True),
            sa.func.lower(Resident.reg_no).contains(term, autoescape=True),
        ))
    with db.read() as session:
        return _to_rows(session.execute(query))


@requires(Action.REINTEGRATION_VIEW)
def due_follow_ups(db: Database, actor: Actor, today: date | None = None) -> DueFollowUps:
    """Follow-ups not yet done in running aftercare: overdue (before today) and due this week."""
    today = today or date.today()
    week_end = today + timedelta(days=6 - today.weekday())
    query = (
        _rows_query()
        .where(Admission.aftercare_status == AftercareStatus.ACTIVE, FollowUp.done_on.is_(None),
               FollowUp.due_on <= week_end)
        .order_by(FollowUp.due_on, Resident.name, FollowUp.id)
    )
    with db.read() as session:
        rows = _to_rows(session.execute(query))
    return DueFollowUps(
        today, week_end,
        overdue=[r for r in rows if r.due_on < today],
        this_week=[r for r in rows if r.due_on >= today],
    )


# ----------------------------------------------------------------------------- writing


def _readmitted_on(session: Session, admission: Admission) -> date | None:
    """Admission date of a newer open stay of the same person, if they are back in the facility."""
    return session.execute(
        sa.select(sa.func.min(Admission.admitted_on)).where(
            Admission.resident_id == admission.resident_id, Admission.id != admission.id,
            Admission.terminated_on.is_(None),
        )
    ).scalar()


def _check_in_aftercare(session: Session, admission: Admission) -> None:
    name = resident_name(session, admission)
    if admission.terminated_on is None:
        raise ValidationError(
            _("{name} is still in the facility. Follow-ups (bimbingan lanjut) begin after "
              "termination.").format(name=name)
        )
    if admission.aftercare_status == AftercareStatus.CLOSED:
        raise ValidationError(
            _("The aftercare of {name} was closed on {date}.").format(
                name=name, date=format_date(admission.aftercare_closed_on)
            )
        )
    if admission.aftercare_status != AftercareStatus.ACTIVE:
        raise ValidationError(
            _("The case of {name} was closed at termination, without aftercare.").format(name=name)
        )


def _result_errors(session, admission: Admission, result: FollowUpResult, today: date) -> dict:
    errors = {}
    if result.done_on is None:
        errors["done_on"] = _("Enter the date of the contact.")
    elif result.done_on > today:
        errors["done_on"] = _("The date cannot be in the future (today is {today}).").format(
            today=format_date(today)
        )
    elif result.done_on < admission.terminated_on:
        errors["done_on"] = _("A follow-up comes after the termination ({date}).").format(
            date=format_date(admission.terminated_on)
        )
    else:
        back = _readmitted_on(session, admission)
        if back is not None and result.done_on >= back:
            errors["done_on"] = _(
                "{name} is back in the facility since {date} (a new stay). Close this aftercare "
                "with the outcome \u201c{outcome}\u201d instead."
            ).format(name=resident_name(session, admission), date=format_date(back),
                     outcome=AftercareOutcome.RETURNED.label)
    if result.method is None:
        errors["method"] = _("Choose how the contact was made.")
    if result.condition is None:
        errors["condition"] = _("Choose the person's condition.")
    return errors


def _apply_result(fu: FollowUp, result: FollowUpResult, actor: Actor) -> None:
    fu.done_on = result.done_on
    fu.method = result.method
    fu.condition = result.condition
    fu.notes = clean(result.notes)
    fu.next_action = clean(result.next_action)
    fu.done_by_id = actor.id
    fu.updated_by = actor.username


def _row(session: Session, fu_id: int) -> FollowUpRow:
    return _to_rows(session.execute(_rows_query().where(FollowUp.id == fu_id)))[0]


@requires(Action.REINTEGRATION_MANAGE)
def add_follow_up(
    db: Database,
    actor: Actor,
    admission_id: int,
    due_on: date | None,
    method: FollowUpMethod | None,
    result: FollowUpResult | None = None,
    today: date | None = None,
) -> tuple[FollowUpRow, Changes]:
    """Plan one more follow-up (or record an unplanned contact at once, with ``result``)."""
    today = today or date.today()
    with db.write() as session:
        admission = load_stay(session, admission_id, for_update=True)
        _check_in_aftercare(session, admission)
        errors = {}
        if due_on is None:
            errors["due_on"] = _("Enter the planned date.")
        elif due_on < admission.terminated_on:
            errors["due_on"] = _("A follow-up comes after the termination ({date}).").format(
                date=format_date(admission.terminated_on)
            )
        if method is None:
            errors["method"] = _("Choose how the contact will be made.")
        if result is not None:
            errors.update(_result_errors(session, admission, result, today))
        elif (back := _readmitted_on(session, admission)) is not None:
            errors["due_on"] = _(
                "{name} is back in the facility since {date} (a new stay)."
            ).format(name=resident_name(session, admission), date=format_date(back))
        if errors:
            raise invalid(errors)
        fu = FollowUp(admission_id=admission_id, due_on=due_on, method=method,
                      updated_by=actor.username)
        if result is not None:
            _apply_result(fu, result, actor)
        session.add(fu)
        session.flush()
        audit.record(session, actor, "create", "follow_up", fu.id, {
            "admission_id": admission_id, "due_on": due_on, "method": fu.method,
            "done_on": fu.done_on, "condition": fu.condition,
        })
        return _row(session, fu.id), Changes.of("follow_up")


@requires(Action.REINTEGRATION_MANAGE)
def record_follow_up(
    db: Database,
    actor: Actor,
    follow_up_id: int,
    result: FollowUpResult,
    expected_version: int | None = None,
    today: date | None = None,
) -> tuple[FollowUpRow, Changes]:
    """Record (or correct) what a follow-up found."""
    today = today or date.today()
    with db.write() as session:
        fu = get_or_404(session, FollowUp, follow_up_id, _("The follow-up"))
        check_version(fu, expected_version)
        admission = load_stay(session, fu.admission_id, for_update=True)
        _check_in_aftercare(session, admission)
        if errors := _result_errors(session, admission, result, today):
            raise invalid(errors)
        before = {"done_on": fu.done_on, "method": fu.method, "condition": fu.condition}
        _apply_result(fu, result, actor)
        session.flush()
        audit.record(session, actor, "update", "follow_up", fu.id, {
            "admission_id": fu.admission_id,
            **audit.diff(before, {"done_on": fu.done_on, "method": fu.method,
                                  "condition": fu.condition}),
        })
        return _row(session, fu.id), Changes.of("follow_up")


@requires(Action.REINTEGRATION_MANAGE)
def reschedule_follow_up(
    db: Database,
    actor: Actor,
    follow_up_id: int,
    due_on: date | None,
    method: FollowUpMethod | None,
    expected_version: int | None = None,
) -> tuple[FollowUpRow, Changes]:
    """Move a follow-up that is not done yet to another date or method."""
    with db.write() as session:
        fu = get_or_404(session, FollowUp, follow_up_id, _("The follow-up"))
        check_version(fu, expected_version)
        admission = load_stay(session, fu.admission_id, for_update=True)
        _check_in_aftercare(session, admission)
        errors = {}
        if fu.done_on is not None:
            raise ValidationError(_("This follow-up is already done; correct its result instead."))
        if due_on is None:
            errors["due_on"] = _("Enter the planned date.")
        elif due_on < admission.terminated_on:
            errors["due_on"] = _("A follow-up comes after the termination ({date}).").format(
                date=format_date(admission.terminated_on)
            )
        if method is None:
            errors["method"] = _("Choose how the contact will be made.")
        if errors:
            raise invalid(errors)
        before = {"due_on": fu.due_on, "method": fu.method}
        fu.due_on, fu.method, fu.updated_by = due_on, method, actor.username
        session.flush()
        audit.record(session, actor, "update", "follow_up", fu.id, {
            "admission_id": fu.admission_id,
            **audit.diff(before, {"due_on": fu.due_on, "method": fu.method}),
        })
        return _row(session, fu.id), Changes.of("follow_up")


@requires(Action.REINTEGRATION_MANAGE)
def close_aftercare(
    db: Database,
    actor: Actor,
    admission_id: int,
    outcome: AftercareOutcome | None,
    closed_on: date | None,
    expected_version: int | None = None,
    today: date | None = None,
) -> Changes:
    """End aftercare with an outcome. Follow-ups not done stay on record but are no longer due."""
    today = today or date.today()
    with db.write() as session:
        admission = load_stay(session, admission_id, for_update=True)
        check_version(admission, expected_version)
        _check_in_aftercare(session, admission)
        errors = {}
        if outcome is None:
            errors["outcome"] = _("Choose the outcome of the aftercare.")
        if closed_on is None:
            errors["closed_on"] = _("Enter the date.")
        elif closed_on > today:
            errors["closed_on"] = _("The date cannot be in the future (today is {today}).").format(
                today=format_date(today)
            )
        elif closed_on < admission.terminated_on:
            errors["closed_on"] = _("Aftercare cannot end before the termination ({date}).").format(
                date=format_date(admission.terminated_on)
            )
        if errors:
            raise invalid(errors)
        _close(session, actor, admission, AftercareOutcome(outcome), closed_on)
    return Changes.of("admission", "follow_up")


def _close(session: Session, actor: Actor, admission: Admission, outcome: AftercareOutcome,
           closed_on: date, note: str | None = None) -> None:
    open_count = session.execute(
        sa.select(sa.func.count(FollowUp.id)).where(
            FollowUp.admission_id == admission.id, FollowUp.done_on.is_(None)
        )
    ).scalar_one()
    admission.aftercare_status = AftercareStatus.CLOSED
    admission.aftercare_outcome = outcome
    admission.aftercare_closed_on = closed_on
    admission.updated_by = actor.username
    session.flush()
    details = {"outcome": outcome, "closed_on": closed_on, "follow_ups_not_done": open_count}
    if note:
        details["by"] = note
    audit.record(session, actor, "close_aftercare", "admission", admission.id, details)


def close_aftercare_for_readmission(
    session: Session, actor: Actor, resident_id: int, readmitted_on: date
) -> list[int]:
    """For the intake service, inside its readmission transaction: close any running aftercare
    of the person's earlier stays with the outcome "returned". Returns the admission ids closed."""
    stays = session.execute(
        sa.select(Admission).where(
            Admission.resident_id == resident_id,
            Admission.aftercare_status == AftercareStatus.ACTIVE,
            Admission.terminated_on.is_not(None),
        )
    ).scalars().all()
    for admission in stays:
        _close(session, actor, admission, AftercareOutcome.RETURNED,
               max(readmitted_on, admission.terminated_on), note="readmission")
    return [a.id for a in stays]
