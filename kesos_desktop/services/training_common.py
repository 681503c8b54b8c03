"""Helpers the training services share. Not entry points: they take an open session."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kesos_desktop.db.models import (
    Attendance,
    Enrollment,
    TrainingProgram,
    TrainingSession,
    User,
)
from kesos_desktop.domain.enums import EnrollmentStatus, TrainingSessionStatus
from kesos_desktop.domain.schedule import (
    AttendanceRule,
    AttendanceStats,
    attendance_stats,
    session_is_held,
)
from kesos_desktop.i18n import _
from kesos_desktop.services.common import get_or_404, get_setting

ATTENDANCE_RULE_KEY = "training.attendance_rule"
CERTIFICATE_PATTERN_KEY = "training.certificate_pattern"
DEFAULT_CERTIFICATE_PATTERN = "SERT/{year}/{seq:04d}"
SEATED = (EnrollmentStatus.ACTIVE, EnrollmentStatus.COMPLETED)  # statuses that take a place


def program_or_404(session: Session, program_id: int, lock: bool = False) -> TrainingProgram:
    if lock and session.get_bind().dialect.name == "postgresql":
        # serialise enrollments of one program across workstations (capacity check)
        program = session.get(TrainingProgram, program_id, with_for_update=True)
        if program is not None:
            return program
    return get_or_404(session, TrainingProgram, program_id, _("The training program"))


def session_or_404(session: Session, session_id: int) -> TrainingSession:
    return get_or_404(session, TrainingSession, session_id, _("The training session"))


def enrollment_or_404(session: Session, enrollment_id: int) -> Enrollment:
    return get_or_404(session, Enrollment, enrollment_id, _("The enrollment"))


def instructor_label(session: Session, program: TrainingProgram) -> str:
    if program.instructor_user_id is not None:
        name = session.execute(
            sa.select(User.full_name).where(User.id == program.instructor_user_id)
        ).scalar_one_or_none()
        if name:
            return name
    return program.instructor_name or ""


def instructor_column():
    """SQL expression: the instructor's name as shown (user's full name or outside name)."""
    return sa.func.coalesce(User.full_name, TrainingProgram.instructor_name, "")


def attendance_rule(session: Session) -> AttendanceRule:
    raw = get_setting(session, ATTENDANCE_RULE_KEY, {}) or {}
    return AttendanceRule(
        excused_counts=bool(raw.get("excused_counts", False)),
        sick_counts=bool(raw.get("sick_counts", False)),
    )


def certificate_pattern(session: Session) -> str:
    return get_setting(session, CERTIFICATE_PATTERN_KEY, DEFAULT_CERTIFICATE_PATTERN)


@dataclass(frozen=True)
class ProgramAttendance:
    """A program's sessions and every mark, loaded in two queries."""

    sessions: list[tuple[int, date, object, bool]]  # (id, day, start_time, cancelled), by date
    held: dict[int, bool]  # session id -> counts for attendance
    marks: dict[tuple[int, int], str]  # (session_id, enrollment_id) -> code

    def codes_for(self, enrollment_id: int) -> list[str | None]:
        return [self.marks.get((sid, enrollment_id)) for sid, *_rest in self.sessions]

    def stats(self, enrollment_id: int, enrolled_on: date, rule: AttendanceRule) -> AttendanceStats:
        """Held sessions from the day of enrollment on (earlier ones do not count against a
        resident who joined late); a held session without a mark counts as not attended."""
        held_codes = [
            self.marks.get((sid, enrollment_id))
            for sid, day, _start, _cancelled in self.sessions
            if self.held[sid] and (day >= enrolled_on or (sid, enrollment_id) in self.marks)
        ]
        return attendance_stats(held_codes, rule)


def load_program_attendance(session: Session, program_id: int, today: date) -> ProgramAttendance:
    rows = session.execute(
        sa.select(
            TrainingSession.id, TrainingSession.day, TrainingSession.start_time,
            TrainingSession.status,
        )
        .where(TrainingSession.program_id == program_id)
        .order_by(TrainingSession.day, TrainingSession.start_time, TrainingSession.id)
    ).all()
    marks: dict[tuple[int, int], str] = {}
    for sid, eid, code in session.execute(
        sa.select(Attendance.session_id, Attendance.enrollment_id, Attendance.code)
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .where(TrainingSession.program_id == program_id)
    ):
        marks[(sid, eid)] = str(code.value if hasattr(code, "value") else code)
    recorded: set[int] = {sid for sid, _eid in marks}
    sessions = [
        (sid, day, start, status == TrainingSessionStatus.CANCELLED)
        for sid, day, start, status in rows
    ]
    held = {
        sid: session_is_held(day, cancelled, sid in recorded, today)
        for sid, day, _start, cancelled in sessions
    }
    return ProgramAttendance(sessions, held, marks)


def roll_counts(session: Session, session_ids: list[int]) -> dict[int, int]:
    """Marks recorded per session."""
    if not session_ids:
        return {}
    counts: dict[int, int] = defaultdict(int)
    for sid, n in session.execute(
        sa.select(Attendance.session_id, sa.func.count())
        .where(Attendance.session_id.in_(session_ids))
        .group_by(Attendance.session_id)
    ):
        counts[sid] = n
    return counts


def seated_counts(session: Session, program_ids: list[int]) -> dict[int, int]:
    """Enrollments that take a place (active or completed) per program."""
    if not program_ids:
        return {}
    return dict(
        session.execute(
            sa.select(Enrollment.program_id, sa.func.count())
            .where(Enrollment.program_id.in_(program_ids), Enrollment.status.in_(SEATED))
            .group_by(Enrollment.program_id)
        ).all()
    )


def percent_text(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"


def on_roll(
    status: EnrollmentStatus, enrolled_on: date, terminated_on: date | None, day: date,
    has_mark: bool = False,
) -> bool:
    """Whether an enrollment is on the roll of a session on ``day``: enrolled by then, not
    stopped, and still in the facility that day. Anyone already marked stays on it."""
    if has_mark:
        return True
    return (
        status in SEATED
        and enrolled_on <= day
        and (terminated_on is None or terminated_on >= day)
    )
