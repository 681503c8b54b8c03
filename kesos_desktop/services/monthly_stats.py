"""The monthly report's figures (laporan bulanan), one query set for the PDF and the Excel sheet.

Counts people and stays, never names. A person with several PPKS categories is counted once in
each of them in the category tables, and once in the totals.
"""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import (
    Admission,
    Attendance,
    CounselingSession,
    FollowUp,
    Resident,
    ResidentCategory,
    TrainingSession,
)
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.enums import (
    AttendanceCode,
    CounselingStatus,
    CounselingType,
    FollowUpCondition,
    PpksCategory,
    Sex,
    TerminationReason,
    TrainingSessionStatus,
)
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import N_, _
from kesos_desktop.services.context import requires

AGE_GROUPS = [  # (label, lowest age, highest age)
    (N_("0-5 years"), 0, 5),
    (N_("6-17 years"), 6, 17),
    (N_("18-59 years"), 18, 59),
    (N_("60 years and over"), 60, 200),
]
UNKNOWN_AGE = N_("Age unknown")


@dataclass(frozen=True)
class MonthlyStats:
    year: int
    month: int
    start: date
    end: date
    residents_at_start: int
    residents_at_end: int
    admissions: int
    terminations: int
    admissions_by_category: dict[PpksCategory, dict[Sex, int]]
    terminations_by_category: dict[PpksCategory, dict[Sex, int]]
    admissions_by_sex: dict[Sex, int]
    terminations_by_reason: dict[TerminationReason, int]
    age_groups_at_end: dict[str, dict[Sex, int]]  # label (English source) -> sex -> count
    training_sessions: int
    training_hours: float
    training_attendances: int
    counseling_by_type: dict[CounselingType, int]
    followups_done: int
    followups_by_condition: dict[FollowUpCondition, int]
    followups_overdue_at_end: int
    notes: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any((self.residents_at_start, self.residents_at_end, self.admissions,
                        self.terminations, self.training_sessions, sum(self.counseling_by_type.values()),
                        self.followups_done))


def month_bounds(year: int, month: int) -> tuple[date, date]:
    if not 1 <= month <= 12 or not 2000 <= year <= 2200:
        raise ValidationError(_("Choose a month between January 2000 and December 2200."))
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def parse_month(text: str) -> tuple[int, int]:
    """'2026-10' or '10/2026' -> (2026, 10)."""
    cleaned = text.strip().replace("/", "-")
    parts = cleaned.split("-")
    try:
        if len(parts) == 2 and len(parts[0]) == 4:
            year, month = int(parts[0]), int(parts[1])
        elif len(parts) == 2:
            month, year = int(parts[0]), int(parts[1])
        else:
            raise ValueError
        month_bounds(year, month)
    except (ValueError, ValidationError):
        raise ValidationError(_("Write the month as YYYY-MM, for example 2026-10.")) from None
    return year, month


def _present_on(day: date):
    return sa.and_(Admission.admitted_on <= day,
                   sa.or_(Admission.terminated_on.is_(None), Admission.terminated_on > day))


def _by_category_and_sex(session, condition) -> dict[PpksCategory, dict[Sex, int]]:
    rows = session.execute(
        sa.select(ResidentCategory.category, Resident.sex, sa.func.count(sa.distinct(Admission.id)))
        .join(Resident, Resident.id == Admission.resident_id)
        .join(ResidentCategory, ResidentCategory.resident_id == Resident.id)
        .where(condition)
        .group_by(ResidentCategory.category, Resident.sex)
    ).all()
    table: dict[PpksCategory, dict[Sex, int]] = {}
    for category, sex, count in rows:
        table.setdefault(PpksCategory(category), {Sex.MALE: 0, Sex.FEMALE: 0})[Sex(sex)] = count
    return dict(sorted(table.items(), key=lambda item: list(PpksCategory).index(item[0])))


def _age(birth: date | None, estimated_year: int | None, on: date) -> int | None:
    if birth is not None:
        return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    if estimated_year is not None:
        return on.year - estimated_year
    return None


def _age_groups(session, end: date) -> dict[str, dict[Sex, int]]:
    groups = {label: {Sex.MALE: 0, Sex.FEMALE: 0} for label, _lo, _hi in AGE_GROUPS}
    groups[UNKNOWN_AGE] = {Sex.MALE: 0, Sex.FEMALE: 0}
    rows = session.execute(
        sa.select(Resident.birth_date, Resident.birth_year_estimated, Resident.sex)
        .join(Admission, Admission.resident_id == Resident.id)
        .where(_present_on(end))
    )
    for birth, estimated, sex in rows:
        age = _age(birth, estimated, end)
        label = next((lbl for lbl, lo, hi in AGE_GROUPS if age is not None and lo <= age <= hi), UNKNOWN_AGE)
        groups[label][Sex(sex)] += 1
    return groups


@requires(Action.REPORT_PRINT)
def monthly_stats(db: Database, actor: Actor, year: int, month: int, today: date | None = None) -> MonthlyStats:
    start, end = month_bounds(year, month)
    held_until = min(end, today or date.today())  # sessions later than today have not happened
    with db.read() as session:
        count = lambda query: session.execute(query).scalar_one()  # noqa: E731
        at_start = count(sa.select(sa.func.count(Admission.id)).where(
            Admission.admitted_on < start,
            sa.or_(Admission.terminated_on.is_(None), Admission.terminated_on >= start)))
        at_end = count(sa.select(sa.func.count(Admission.id)).where(_present_on(end)))
        admitted = Admission.admitted_on.between(start, end)
        terminated = Admission.terminated_on.between(start, end)
        admissions = count(sa.select(sa.func.count(Admission.id)).where(admitted))
        terminations = count(sa.select(sa.func.count(Admission.id)).where(terminated))
        by_sex = Counter({Sex(sex): n for sex, n in session.execute(
            sa.select(Resident.sex, sa.func.count(Admission.id))
            .join(Resident, Resident.id == Admission.resident_id).where(admitted).group_by(Resident.sex))})
        reasons = {TerminationReason(r): n for r, n in session.execute(
            sa.select(Admission.termination_reason, sa.func.count(Admission.id))
            .where(terminated).group_by(Admission.termination_reason))}
        held = sa.and_(TrainingSession.day.between(start, held_until),
                       TrainingSession.status == TrainingSessionStatus.SCHEDULED)
        sessions = session.execute(
            sa.select(TrainingSession.start_time, TrainingSession.end_time).where(held)).all()
        hours = sum(
            (datetime.combine(start, e) - datetime.combine(start, s)).total_seconds() / 3600
            for s, e in sessions)
        attendances = count(
            sa.select(sa.func.count()).select_from(Attendance)
            .join(TrainingSession, TrainingSession.id == Attendance.session_id)
            .where(held, Attendance.code == AttendanceCode.PRESENT))
        counseling = {CounselingType(t): n for t, n in session.execute(
            sa.select(CounselingSession.session_type, sa.func.count(CounselingSession.id))
            .where(CounselingSession.held_on.between(start, end),
                   CounselingSession.status == CounselingStatus.DONE)
            .group_by(CounselingSession.session_type))}
        done = FollowUp.done_on.between(start, end)
        followups = {FollowUpCondition(c): n for c, n in session.execute(
            sa.select(FollowUp.condition, sa.func.count(FollowUp.id)).where(done).group_by(FollowUp.condition))}
        # overdue at the end of the month, in aftercare that was still running then
        overdue = count(sa.select(sa.func.count(FollowUp.id))
                        .join(Admission, Admission.id == FollowUp.admission_id).where(
            FollowUp.due_on <= end, sa.or_(FollowUp.done_on.is_(None), FollowUp.done_on > end),
            sa.or_(Admission.aftercare_closed_on.is_(None), Admission.aftercare_closed_on > end)))
        stats = MonthlyStats(
            year=year, month=month, start=start, end=end,
            residents_at_start=at_start, residents_at_end=at_end,
            admissions=admissions, terminations=terminations,
            admissions_by_category=_by_category_and_sex(session, admitted),
            terminations_by_category=_by_category_and_sex(session, terminated),
            admissions_by_sex={Sex.MALE: by_sex[Sex.MALE], Sex.FEMALE: by_sex[Sex.FEMALE]},
            terminations_by_reason=reasons,
            age_groups_at_end=_age_groups(session, end),
            training_sessions=len(sessions), training_hours=round(hours, 1),
            training_attendances=attendances,
            counseling_by_type={t: counseling.get(t, 0) for t in CounselingType},
            followups_done=sum(followups.values()),
            followups_by_condition={c: followups.get(c, 0) for c in FollowUpCondition},
            followups_overdue_at_end=overdue,
        )
    return stats
