"""Attendance (kehadiran): the roll of a session with H/I/S/A, the per-program matrix with each
resident's percentage, and a resident's attendance history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa

from kesos_desktop.db.base import now
from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import (
    Admission,
    Attendance,
    Enrollment,
    Resident,
    TrainingProgram,
    TrainingSession,
)
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.enums import AttendanceCode, TrainingSessionStatus
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.schedule import meets_minimum
from kesos_desktop.i18n import _
from kesos_desktop.services import audit
from kesos_desktop.services.common import check_version, mark_updated
from kesos_desktop.services.context import requires
from kesos_desktop.services.training_common import (
    attendance_rule,
    load_program_attendance,
    on_roll,
    program_or_404,
    session_or_404,
)
from kesos_desktop.services.training_schedule import session_row
from kesos_desktop.services.training_types import (
    AttendanceHistoryRow,
    AttendanceMatrix,
    Mark,
    MatrixRow,
    MatrixSession,
    Roll,
    RollEntry,
)

CODES = frozenset(AttendanceCode.codes())


def _why_not(item: TrainingSession, today: date) -> str:
    if item.status == TrainingSessionStatus.CANCELLED:
        return _("This session was cancelled; attendance cannot be recorded for it.")
    if item.day > today:
        return _("This session is on {day}, in the future; attendance can be recorded from that "
                 "day on.").format(day=f"{item.day:%d/%m/%Y}")
    return ""


def _roll_entries(session, item: TrainingSession) -> list[RollEntry]:
    marks = {
        eid: (code, note)
        for eid, code, note in session.execute(
            sa.select(Attendance.enrollment_id, Attendance.code, Attendance.note)
            .where(Attendance.session_id == item.id)
        )
    }
    found = session.execute(
        sa.select(Enrollment.id, Enrollment.status, Enrollment.enrolled_on,
                  Admission.terminated_on, Resident.reg_no, Resident.name, Resident.sex)
        .join(Admission, Admission.id == Enrollment.admission_id)
        .join(Resident, Resident.id == Admission.resident_id)
        .where(Enrollment.program_id == item.program_id)
        .order_by(Resident.name, Enrollment.id)
    ).all()
    entries = []
    for eid, status, enrolled_on, left, reg_no, name, sex in found:
        if not on_roll(status, enrolled_on, left, item.day, eid in marks):
            continue
        code, note = marks.get(eid, (None, None))
        entries.append(RollEntry(eid, reg_no, name, sex, None if code is None else str(code),
                                 note or "", status))
    return entries


@requires(Action.TRAINING_VIEW)
def get_roll(db: Database, actor: Actor, session_id: int, today: date | None = None) -> Roll:
    """The roll of one session: everyone enrolled that day, with the marks taken so far."""
    today = today or date.today()
    with db.read() as session:
        item = session_or_404(session, session_id)
        reason = _why_not(item, today)
        return Roll(session_row(session, item.id), tuple(_roll_entries(session, item)),
                    not reason, reason)


@requires(Action.ATTENDANCE_RECORD)
def record_attendance(
    db: Database, actor: Actor, session_id: int, marks: Sequence[Mark],
    expected_version: int | None = None, today: date | None = None,
) -> tuple[dict[str, int], Changes]:
    """Save a roll in one transaction: every mark or none. ``expected_version`` is the session's
    version when the roll was opened; saving bumps it, so two people taking the same roll at
    once do not silently overwrite each other. Returns the counts per code."""
    today = today or date.today()
    with db.write() as session:
        item = session_or_404(session, session_id)
        check_version(item, expected_version)
        if reason := _why_not(item, today):
            raise ValidationError(reason)
        allowed = {entry.enrollment_id for entry in _roll_entries(session, item)}
        seen: set[int] = set()
        for mark in marks:
            if mark.enrollment_id not in allowed:
                raise ValidationError(_("A resident on this roll is not enrolled in the program "
                                        "on that day. Reload the roll."))
            if mark.code is not None and mark.code not in CODES:
                raise ValidationError(_("Attendance codes are H, I, S and A."))
            if mark.enrollment_id in seen:
                raise ValidationError(_("The same resident appears twice on the roll."))
            seen.add(mark.enrollment_id)
        existing = {
            a.enrollment_id: a
            for a in session.execute(
                sa.select(Attendance).where(Attendance.session_id == item.id)
            ).scalars()
        }
        changed = 0
        at = now()
        for mark in marks:
            note = " ".join(mark.note.split())[:200] or None
            row = existing.get(mark.enrollment_id)
            if mark.code is None:
                if row is not None:
                    session.delete(row)
                    changed += 1
                continue
            if row is None:
                session.add(Attendance(session_id=item.id, enrollment_id=mark.enrollment_id,
                                       code=AttendanceCode(mark.code), note=note,
                                       recorded_by_id=actor.id, recorded_at=at))
                changed += 1
            elif str(row.code) != mark.code or (row.note or None) != note:
                row.code, row.note = AttendanceCode(mark.code), note
                row.recorded_by_id, row.recorded_at = actor.id, at
                changed += 1
        counts = {code: 0 for code in AttendanceCode.codes()}
        for mark in marks:
            if mark.code is not None:
                counts[mark.code] += 1
        mark_updated(item, actor.username)  # an UPDATE even if nothing else changed: new version
        session.flush()
        audit.record(session, actor, "record", "attendance", item.id,
                     {"day": item.day, "counts": counts, "changed": changed})
    return counts, Changes.of("attendance")


@requires(Action.TRAINING_VIEW)
def attendance_matrix(
    db: Database, actor: Actor, program_id: int, today: date | None = None
) -> AttendanceMatrix:
    """Residents x sessions of one program, each cell H/I/S/A or empty, with percentages.
    Three queries whatever the size: sessions, participants, marks."""
    today = today or date.today()
    with db.read() as session:
        program = program_or_404(session, program_id)
        attendance = load_program_attendance(session, program_id, today)
        rule = attendance_rule(session)
        people = session.execute(
            sa.select(Enrollment.id, Enrollment.status, Enrollment.enrolled_on, Resident.name,
                      Resident.reg_no)
            .join(Admission, Admission.id == Enrollment.admission_id)
            .join(Resident, Resident.id == Admission.resident_id)
            .where(Enrollment.program_id == program_id)
            .order_by(Resident.name, Enrollment.id)
        ).all()
        rows = []
        for eid, status, enrolled_on, name, reg_no in people:
            stats = attendance.stats(eid, enrolled_on, rule)
            rows.append(MatrixRow(
                enrollment_id=eid, name=name, reg_no=reg_no, status=status,
                enrolled_on=enrolled_on, codes=tuple(attendance.codes_for(eid)),
                held=stats.held, attended=stats.attended, percentage=stats.percentage,
                meets_minimum=meets_minimum(stats.percentage, program.min_attendance_pct),
            ))
        sessions = tuple(
            MatrixSession(sid, day, start, cancelled, attendance.held[sid])
            for sid, day, start, cancelled in attendance.sessions
        )
        return AttendanceMatrix(program.id, program.name, program.min_attendance_pct,
                                rule.counted, sessions, tuple(rows))


@requires(Action.TRAINING_VIEW)
def resident_attendance(
    db: Database, actor: Actor, resident_id: int, today: date | None = None
) -> list[AttendanceHistoryRow]:
    """A person's attendance history over every program and stay, most recent first. Sessions
    held while they were enrolled but without a mark show with code None."""
    today = today or date.today()
    with db.read() as session:
        enrollments = session.execute(
            sa.select(Enrollment.id, Enrollment.program_id, Enrollment.status,
                      Enrollment.enrolled_on, Admission.terminated_on, TrainingProgram.name)
            .join(Admission, Admission.id == Enrollment.admission_id)
            .join(TrainingProgram, TrainingProgram.id == Enrollment.program_id)
            .where(Admission.resident_id == resident_id)
        ).all()
        rows: list[AttendanceHistoryRow] = []
        for eid, pid, status, enrolled_on, left, pname in enrollments:
            marks = {
                sid: (code, note)
                for sid, code, note in session.execute(
                    sa.select(Attendance.session_id, Attendance.code, Attendance.note)
                    .where(Attendance.enrollment_id == eid)
                )
            }
            for s in session.execute(
                sa.select(TrainingSession).where(TrainingSession.program_id == pid,
                                                 TrainingSession.day <= today)
            ).scalars():
                if not on_roll(status, enrolled_on, left, s.day, s.id in marks):
                    continue
                code, note = marks.get(s.id, (None, None))
                rows.append(AttendanceHistoryRow(
                    s.day, s.start_time, s.end_time, pname, None if code is None else str(code),
                    note or "", s.status == TrainingSessionStatus.CANCELLED,
                ))
        rows.sort(key=lambda r: (r.day, r.start_time), reverse=True)
        return rows
