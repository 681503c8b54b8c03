"""Figures for the first screen after login (Dasbor), and the logged-in user's reminders.

Everything is counted in SQL (group-by and count queries), so the dashboard stays fast at
100,000 residents and a million attendance rows. Sections the user may not see are left empty.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import (
    Admission,
    Assessment,
    CounselingSession,
    FacilityProfile,
    FollowUp,
    InterventionPlan,
    Resident,
    ResidentCategory,
    Room,
    SessionParticipant,
    StageChange,
    TrainingProgram,
    TrainingSession,
)
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.enums import (
    AftercareStatus,
    CounselingStatus,
    PpksCategory,
    Role,
    Stage,
    TrainingSessionStatus,
)
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.services.common import get_setting
from kesos_desktop.services.context import requires
from kesos_desktop.services.counseling_caseload import (
    ASSESSMENT_DUE_DEFAULT,
    ASSESSMENT_DUE_SETTING,
)
from kesos_desktop.services.resident_search import lacks_consent

NEAR_FULL = 0.9  # a room at 90 % of its beds or more is "near capacity"


@dataclass(frozen=True)
class FacilitySummary:
    """Kept for callers of the first dashboard: name, capacity and this month's movement."""

    facility_name: str
    capacity: int
    current_residents: int
    admitted_this_month: int
    terminated_this_month: int
    today: date


@dataclass(frozen=True)
class TodaySession:
    program_id: int
    program: str
    start: time
    end: time
    place: str


@dataclass(frozen=True)
class RoomLoad:
    room_id: int
    name: str
    occupied: int
    capacity: int


@dataclass(frozen=True)
class DashboardData:
    today: date
    facility_name: str
    capacity: int
    current_residents: int
    admitted_this_month: int
    admitted_last_month: int
    terminated_this_month: int
    terminated_last_month: int
    by_category: list[tuple[PpksCategory, int]] = field(default_factory=list)
    by_stage: list[tuple[Stage, int]] = field(default_factory=list)
    training_today: list[TodaySession] | None = None  # None: not allowed to see
    counseling_today: int | None = None
    my_counseling_today: int | None = None
    followups_due_week: int | None = None
    followups_overdue: int | None = None
    no_assessment: int | None = None
    assessment_due_days: int = ASSESSMENT_DUE_DEFAULT
    plans_past_review: int | None = None
    rooms_near_capacity: list[RoomLoad] = field(default_factory=list)
    without_consent: int | None = None  # current residents with no consent on record (UU PDP)


@dataclass(frozen=True)
class Reminder:
    kind: str  # "followup", "counseling", "assessment", "plan"
    text: str
    due_on: date | None
    page: str
    target: dict


def _month_bounds(day: date) -> tuple[date, date, date, date]:
    start = day.replace(day=1)
    last_end = start - timedelta(days=1)
    return start, day, last_end.replace(day=1), last_end


def _open():
    return Admission.terminated_on.is_(None)


def _count(session: Session, query) -> int:
    return session.execute(query).scalar_one()


def _assessment_overdue_condition(session: Session, today: date):
    days = int(get_setting(session, ASSESSMENT_DUE_SETTING, ASSESSMENT_DUE_DEFAULT))
    entered = (
        sa.select(sa.func.max(StageChange.changed_on))
        .where(StageChange.admission_id == Admission.id, StageChange.to_stage == Stage.ASSESSMENT)
        .scalar_subquery()
    )
    since = sa.func.coalesce(entered, Admission.admitted_on)
    return days, sa.and_(
        _open(), Admission.stage == Stage.ASSESSMENT,
        ~sa.exists().where(Assessment.admission_id == Admission.id),
        since < today - timedelta(days=days),
    )


def _latest_review_on():
    """The review date of the stay's latest plan version: one probe of
    ix_intervention_plan_review (0006) per open stay, no join of every plan version."""
    return (sa.select(InterventionPlan.review_on).where(InterventionPlan.admission_id == Admission.id)
            .order_by(InterventionPlan.plan_version.desc()).limit(1).scalar_subquery())


def _plans_past_review(session: Session, today: date) -> int:
    return _count(session, sa.select(sa.func.count()).select_from(Admission)
                  .where(_open(), _latest_review_on() < today))


def _open_stays_by_stage(session: Session, actor: Actor, today: date) -> tuple[dict, int | None, int | None, int]:
    """One pass over the open stays, grouped by stage: how many, and (when the user may see
    them) how many lack consent and how many wait too long for an assessment. Replaces four
    COUNT queries over the same rows. Returns (stages, without_consent, no_assessment, days)."""
    columns = [Admission.stage, sa.func.count()]
    consent = actor.can(Action.RESIDENT_VIEW)
    assessment = actor.can(Action.COUNSELING_VIEW)
    if consent:
        columns.append(sa.func.count(sa.case((lacks_consent(Admission.resident_id), 1))))
    days = ASSESSMENT_DUE_DEFAULT
    if assessment:
        days, overdue = _assessment_overdue_condition(session, today)
        columns.append(sa.func.count(sa.case((overdue, 1))))
    rows = session.execute(sa.select(*columns).where(_open()).group_by(Admission.stage)).all()
    stages = {Stage(row[0]): row[1] for row in rows}
    without = sum(row[2] for row in rows) if consent else None
    waiting = sum(row[-1] for row in rows) if assessment else None
    return stages, without, waiting, days


@requires(Action.FACILITY_VIEW)
def facility_summary(db: Database, actor: Actor, today: date | None = None) -> FacilitySummary:
    data = load(db, actor, today)
    return FacilitySummary(data.facility_name, data.capacity, data.current_residents,
                           data.admitted_this_month, data.terminated_this_month, data.today)


@requires(Action.FACILITY_VIEW)
def load(db: Database, actor: Actor, today: date | None = None) -> DashboardData:
    today = today or date.today()
    start, end, last_start, last_end = _month_bounds(today)
    with db.read() as session:
        profile = session.get(FacilityProfile, 1)
        stages, without_consent, no_assessment, days = _open_stays_by_stage(session, actor, today)
        current = sum(stages.values())
        movement = session.execute(sa.select(
            sa.func.count(sa.case((Admission.admitted_on.between(start, end), 1))),
            sa.func.count(sa.case((Admission.admitted_on.between(last_start, last_end), 1))),
            sa.func.count(sa.case((Admission.terminated_on.between(start, end), 1))),
            sa.func.count(sa.case((Admission.terminated_on.between(last_start, last_end), 1))),
        ).where(sa.or_(Admission.admitted_on >= last_start, Admission.terminated_on >= last_start))).one()
        values: dict = {}
        if actor.can(Action.RESIDENT_VIEW):
            values["by_category"] = [
                (PpksCategory(c), n) for c, n in session.execute(
                    sa.select(ResidentCategory.category, sa.func.count(Admission.id))
                    .join(Admission, Admission.resident_id == ResidentCategory.resident_id)
                    .where(_open()).group_by(ResidentCategory.category)
                    .order_by(sa.func.count(Admission.id).desc()))]
            values["by_stage"] = [(stage, stages.get(stage, 0)) for stage in Stage if stages.get(stage)]
            values["without_consent"] = without_consent
        if actor.can(Action.TRAINING_VIEW):
            values["training_today"] = [
                TodaySession(pid, name, s, e, place or program_place or "")
                for pid, name, s, e, place, program_place in session.execute(
                    sa.select(TrainingProgram.id, TrainingProgram.name, TrainingSession.start_time,
                              TrainingSession.end_time, TrainingSession.place, TrainingProgram.place)
                    .join(TrainingProgram, TrainingProgram.id == TrainingSession.program_id)
                    .where(TrainingSession.day == today,
                           TrainingSession.status == TrainingSessionStatus.SCHEDULED)
                    .order_by(TrainingSession.start_time, TrainingProgram.name))]
        if actor.can(Action.COUNSELING_VIEW):
            everyone, mine = session.execute(sa.select(
                sa.func.count(), sa.func.count(sa.case((CounselingSession.counselor_id == actor.id, 1))),
            ).where(CounselingSession.held_on == today,
                    CounselingSession.status != CounselingStatus.CANCELLED)).one()
            values["counseling_today"] = everyone
            if actor.role == Role.COUNSELOR:
                values["my_counseling_today"] = mine
            values["assessment_due_days"] = days
            values["no_assessment"] = no_assessment
        if actor.can(Action.PLAN_VIEW):
            values["plans_past_review"] = _plans_past_review(session, today)
        if actor.can(Action.REINTEGRATION_VIEW):
            week_end = today + timedelta(days=6 - today.weekday())
            pending = sa.and_(FollowUp.done_on.is_(None), Admission.aftercare_status == AftercareStatus.ACTIVE)
            due = session.execute(sa.select(
                sa.func.count(sa.case((FollowUp.due_on < today, 1))),
                sa.func.count(sa.case((FollowUp.due_on.between(today, week_end), 1))),
            ).join(Admission, Admission.id == FollowUp.admission_id).where(pending, FollowUp.due_on <= week_end)).one()
            values["followups_overdue"], values["followups_due_week"] = due
        if actor.can(Action.ROOM_VIEW):
            occupied = (sa.select(Admission.room_id, sa.func.count(Admission.id).label("n"))
                        .where(_open(), Admission.room_id.is_not(None)).group_by(Admission.room_id).subquery())
            values["rooms_near_capacity"] = [
                RoomLoad(rid, name, n, cap) for rid, name, n, cap in session.execute(
                    sa.select(Room.id, Room.name, occupied.c.n, Room.capacity)
                    .join(occupied, occupied.c.room_id == Room.id)
                    .where(Room.active.is_(True), Room.capacity > 0, occupied.c.n >= Room.capacity * NEAR_FULL)
                    .order_by((occupied.c.n * 1.0 / Room.capacity).desc(), Room.name))]
    return DashboardData(
        today=today, facility_name=profile.name if profile else "", capacity=profile.capacity if profile else 0,
        current_residents=current, admitted_this_month=movement[0], admitted_last_month=movement[1],
        terminated_this_month=movement[2], terminated_last_month=movement[3], **values)


def _without_consent(session: Session) -> int:
    """Current residents without a consent on record (flagged until someone records it)."""
    return _count(session, sa.select(sa.func.count()).select_from(Admission)
                  .where(_open(), lacks_consent(Admission.resident_id)))


@requires(Action.FACILITY_VIEW)
def reminders(db: Database, actor: Actor, today: date | None = None, limit: int = 200) -> list[Reminder]:
    """Due and overdue items for the logged-in user: a counselor's own caseload; for staff
    and administrators, the facility's follow-ups."""
    today = today or date.today()
    mine = actor.role == Role.COUNSELOR
    items: list[Reminder] = []
    with db.read() as session:
        def people(query):
            if mine:
                query = query.where(Admission.case_manager_id == actor.id)
            # the stay's id breaks ties, so the same items are cut off at ``limit`` every time
            return session.execute(query.order_by(sa.text("due"), Admission.id).limit(limit)).all()

        if actor.can(Action.REINTEGRATION_VIEW):
            week_end = today + timedelta(days=6 - today.weekday())
            for admission_id, name, due in people(
                sa.select(Admission.id, Resident.name, FollowUp.due_on.label("due"))
                .select_from(FollowUp)
                .join(Admission, Admission.id == FollowUp.admission_id)
                .join(Resident, Resident.id == Admission.resident_id)
                .where(FollowUp.done_on.is_(None), Admission.aftercare_status == AftercareStatus.ACTIVE,
                       FollowUp.due_on <= week_end)):
                text = (_("Follow-up overdue: {name}") if due < today else _("Follow-up due: {name}")).format(name=name)
                items.append(Reminder("followup", text, due, "reintegration", {"tab": "aftercare", "admission_id": admission_id}))
        if actor.can(Action.COUNSELING_VIEW):
            days, overdue = _assessment_overdue_condition(session, today)
            for admission_id, name, due in people(
                sa.select(Admission.id, Resident.name, Admission.admitted_on.label("due"))
                .join(Resident, Resident.id == Admission.resident_id).where(overdue)):
                items.append(Reminder("assessment", _("No assessment after {n} days: {name}").format(n=days, name=name),
                                      due, "counseling", {"tab": "assessment", "admission_id": admission_id}))
        if actor.can(Action.PLAN_VIEW):
            review_on = _latest_review_on()
            for admission_id, name, due in people(
                sa.select(Admission.id, Resident.name, review_on.label("due"))
                .join(Resident, Resident.id == Admission.resident_id)
                .where(_open(), review_on < today)):
                items.append(Reminder("plan", _("Plan review overdue: {name}").format(name=name), due,
                                      "counseling", {"admission_id": admission_id}))
        if actor.can(Action.RESIDENT_EDIT) and not mine and (n := _without_consent(session)):
            items.append(Reminder("consent", _("{n} current residents without recorded consent")
                                  .format(n=n), None, "residents",
                                  {"status": "current", "without_consent": True}))
        if mine:
            for admission_id, name, due in _next_sessions_overdue(session, actor.id, today, limit):
                items.append(Reminder("counseling", _("Next session overdue: {name}").format(name=name),
                                      due, "counseling", {"admission_id": admission_id}))
    return sorted(items, key=lambda r: (r.due_on or today, r.kind))


def _next_sessions_overdue(session: Session, counselor_id: int, today: date, limit: int):
    """The counselor's current cases whose next session date has passed: the earliest planned
    session, or else the date agreed at the last session held (as the counselor's list counts
    it, in services/counseling_caseload.py), done here in SQL for the badge's speed."""
    def of_this_stay(column, status: CounselingStatus):
        # correlated per stay: each is a few index lookups on session_participant.admission_id
        return (sa.select(column).select_from(CounselingSession)
                .join(SessionParticipant, SessionParticipant.session_id == CounselingSession.id)
                .where(SessionParticipant.admission_id == Admission.id, CounselingSession.status == status))

    planned = of_this_stay(sa.func.min(CounselingSession.held_on), CounselingStatus.PLANNED).scalar_subquery()
    agreed = (of_this_stay(CounselingSession.next_session_on, CounselingStatus.DONE)
              .order_by(CounselingSession.held_on.desc(), CounselingSession.id.desc()).limit(1).scalar_subquery())
    cases = (
        sa.select(Admission.id.label("aid"), Resident.name.label("name"),
                  sa.func.coalesce(planned, agreed).label("due"))
        .join(Resident, Resident.id == Admission.resident_id)
        .where(_open(), Admission.case_manager_id == counselor_id).subquery()
    )
    return session.execute(
        sa.select(cases.c.aid, cases.c.name, cases.c.due).where(cases.c.due < today)
        .order_by(cases.c.due).limit(limit)
    ).all()
