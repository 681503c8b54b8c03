"""Bringing a training schedule and attendance in from Excel: resolving each row against the
database and writing a whole file in one transaction.

The spreadsheet side (reading, parsing cells, the place of each problem) is in
``excel/import_training.py``; this module owns the permission checks, the look-ups (programs by
name, sessions by program + day + start, participants by registration number or name) and the
transaction. The rules are the training services' own: ``training_schedule``'s validation,
conflict and holiday checks for a session, ``training_attendance``'s roll rules for a mark.
Re-importing the same file finds every row already there and writes nothing (idempotent).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, time

import sqlalchemy as sa
from sqlalchemy.orm import Session

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
from kesos_desktop.domain.enums import AttendanceCode, ProgramStatus, TrainingSessionStatus
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.services import audit
from kesos_desktop.services.common import mark_updated
from kesos_desktop.services.context import require, requires
from kesos_desktop.services.resident_import import ImportCancelled
from kesos_desktop.services.training_attendance import _why_not
from kesos_desktop.services.training_common import instructor_label, on_roll
from kesos_desktop.services.training_schedule import (
    _active_residents,
    _bookings,
    _candidate,
    _holidays,
    _validate_session,
    describe,
    find_conflicts_sorted,
)
from kesos_desktop.services.training_types import SessionInput

NEW, UPDATE, SAME, DUPLICATE, ERROR = "new", "update", "same", "duplicate", "error"
__all__ = ["ImportCancelled"]


@dataclass(frozen=True)
class SessionLine:
    """One parsed row of a schedule file."""

    row: int
    program: str
    day: date
    start: time
    end: time
    topic: str = ""
    place: str = ""
    instructor: str = ""


@dataclass(frozen=True)
class MarkLine:
    """One parsed row of an attendance file; ``start`` picks the session when a day has two."""

    row: int
    program: str
    day: date
    code: str
    reg_no: str = ""
    name: str = ""
    start: time | None = None
    note: str = ""


@dataclass
class Verdict:
    """What the database says of a row: status, problems as (field, message), and the ids."""

    status: str = NEW
    problems: list[tuple[str, str]] = field(default_factory=list)
    program_id: int | None = None
    session_id: int | None = None  # the existing session (schedule) or the roll's (attendance)
    enrollment_id: int | None = None
    duplicate_of_row: int | None = None
    label: str = ""  # the program (schedule) or the participant (attendance), as registered

    def fail(self, name: str, message: str) -> None:
        self.problems.append((name, message))
        self.status = ERROR


@dataclass
class TrainingCounts:
    new: int = 0
    updated: int = 0
    skipped: int = 0
    changes: Changes = field(default_factory=Changes)


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _programs(session: Session, names: set[str]) -> dict[str, list[TrainingProgram]]:
    """Programs by normalised name (a name may be shared: the row is then ambiguous)."""
    found: dict[str, list[TrainingProgram]] = defaultdict(list)
    wanted = sorted({_norm(n) for n in names if n})
    if not wanted:
        return found
    for program in session.execute(sa.select(TrainingProgram)).scalars():
        if _norm(program.name) in wanted:
            found[_norm(program.name)].append(program)
    return found


def _program_for(line, programs, verdict: Verdict) -> TrainingProgram | None:
    matches = programs.get(_norm(line.program), [])
    if not line.program:
        verdict.fail("program", _("Enter the training program's name."))
    elif not matches:
        verdict.fail("program", _("There is no training program named {name}. Create it on the "
                                  "Training page first, or correct the name.").format(name=line.program))
    elif len(matches) > 1:
        verdict.fail("program", _("{n} programs are named {name}; rename one so the file can say "
                                  "which.").format(n=len(matches), name=line.program))
    else:
        verdict.program_id, verdict.label = matches[0].id, matches[0].name
        return matches[0]
    return None


# ------------------------------------------------------------------------- the schedule


def _existing_sessions(session: Session, program_ids, days) -> dict[tuple, TrainingSession]:
    if not program_ids or not days:
        return {}
    found = session.execute(sa.select(TrainingSession).where(
        TrainingSession.program_id.in_(sorted(program_ids)),
        TrainingSession.day.between(min(days), max(days)))).scalars()
    return {(s.program_id, s.day, s.start_time): s for s in found}


def _differs(item: TrainingSession, line: SessionLine) -> bool:
    return (item.end_time != line.end or (item.place or "") != line.place.strip()
            or (item.topic or "") != line.topic.strip())


def _check_schedule(session: Session, lines: Sequence[SessionLine]) -> list[Verdict]:
    programs = _programs(session, {line.program for line in lines})
    verdicts = [Verdict() for _line in lines]
    chosen: dict[int, TrainingProgram] = {}
    teachers: dict[int, str] = {}
    for line, verdict in zip(lines, verdicts, strict=True):
        program = _program_for(line, programs, verdict)
        if program is None:
            continue
        chosen[line.row] = program
        data = SessionInput(line.day, line.start, line.end, line.place, line.topic)
        for name, message in _validate_session(program, data).items():
            verdict.fail({"end_time": "end", "start_time": "start"}.get(name, name), message)
        if program.id not in teachers:  # one look-up per program, not per row
            teachers[program.id] = instructor_label(session, program)
        teacher = teachers[program.id]
        if line.instructor and _norm(line.instructor) != _norm(teacher):
            verdict.fail("instructor", _("The instructor of {program} is {name}; a session cannot "
                                         "have another one. Leave the cell empty or change the "
                                         "program.").format(program=program.name, name=teacher or "-"))
    seen: dict[tuple, int] = {}
    for line, verdict in zip(lines, verdicts, strict=True):
        if verdict.status == ERROR:
            continue
        key = (verdict.program_id, line.day, line.start)
        if key in seen:
            verdict.status, verdict.duplicate_of_row = DUPLICATE, seen[key]
        else:
            seen[key] = line.row
    valid = [(line, v) for line, v in zip(lines, verdicts, strict=True) if v.status == NEW]
    existing = _existing_sessions(session, {v.program_id for _l, v in valid},
                                  [line.day for line, _v in valid])
    for line, verdict in valid:
        item = existing.get((verdict.program_id, line.day, line.start))
        if item is not None:
            verdict.session_id = item.id
            verdict.status = UPDATE if _differs(item, line) else SAME
    for line, verdict in valid:  # a finished program's sessions may be listed, not changed
        if verdict.status in (NEW, UPDATE) and chosen[line.row].status in (
                ProgramStatus.CANCELLED, ProgramStatus.FINISHED):
            verdict.fail("program", _("This program is finished or cancelled; its schedule can no "
                                      "longer be changed."))
    _check_conflicts(session, [(line, v, chosen[line.row]) for line, v in valid
                               if v.status in (NEW, UPDATE)])
    return verdicts


def _check_conflicts(session: Session, rows: list[tuple[SessionLine, Verdict, TrainingProgram]]) -> None:
    """Conflicts with the sessions already planned and between the file's own rows, and days on
    the holiday list: the warnings the schedule dialogs show, here an error of the row."""
    if not rows:
        return
    first, last = min(line.day for line, *_r in rows), max(line.day for line, *_r in rows)
    admissions = _active_residents(session, sorted({p.id for *_r, p in rows}))
    candidates = [_candidate(p, line.day, line.start, line.end, line.place.strip(),
                             admissions.get(p.id, frozenset()), v.session_id or -line.row)
                  for line, v, p in rows]
    replaced = {v.session_id for _l, v, _p in rows if v.session_id is not None}
    conflicts = find_conflicts_sorted(candidates, _bookings(session, first, last, replaced))
    by_key: dict[int, list] = defaultdict(list)
    for conflict, text in zip(conflicts, describe(session, conflicts), strict=True):
        by_key[(conflict.day, conflict.start)].append(text)
    holidays = _holidays(session, first, last)
    for line, verdict, _program in rows:
        for text in by_key.get((line.day, line.start), []):
            verdict.fail("start", _("Conflict: {what}").format(what=text))
        if line.day in holidays:
            verdict.fail("day", _("{day} is on the holiday list ({name}).").format(
                day=f"{line.day:%d/%m/%Y}", name=holidays[line.day]))


@requires(Action.TRAINING_MANAGE)
def check_schedule(db: Database, actor: Actor, lines: Sequence[SessionLine]) -> list[Verdict]:
    """Each row's verdict (new, update, same, duplicate within the file, error); nothing written."""
    require(db, actor, Action.EXCEL_IMPORT)
    with db.read() as session:
        return _check_schedule(session, lines)


def _still_valid(verdicts: list[Verdict], expected: list[str]) -> None:
    for verdict, status in zip(verdicts, expected, strict=True):
        if verdict.status != status:
            raise ValidationError(_("The schedule or the participants changed meanwhile on another "
                                    "workstation; check the file again."))


@requires(Action.TRAINING_MANAGE)
def write_schedule(db: Database, actor: Actor, lines: Sequence[SessionLine], expected: Sequence[str],
                   source: str, progress: Callable[[int, int], None] | None = None,
                   cancelled: Callable[[], bool] | None = None) -> TrainingCounts:
    """Add the new sessions and update the changed ones, all in one transaction. ``expected``
    is each line's status from the preview; a line whose status changed meanwhile aborts all."""
    require(db, actor, Action.EXCEL_IMPORT)
    counts = TrainingCounts(changes=Changes.of("training_session"))
    with db.write() as session:
        verdicts = _check_schedule(session, lines)
        _still_valid(verdicts, list(expected))
        for n, (line, verdict) in enumerate(zip(lines, verdicts, strict=True), start=1):
            if verdict.status == NEW:
                item = TrainingSession(
                    program_id=verdict.program_id, day=line.day, start_time=line.start,
                    end_time=line.end, place=line.place.strip() or None,
                    topic=line.topic.strip() or None, status=TrainingSessionStatus.SCHEDULED,
                    is_extra=False, updated_by=actor.username)
                session.add(item)
                counts.new += 1
            elif verdict.status == UPDATE:
                item = session.get(TrainingSession, verdict.session_id)
                item.end_time = line.end
                item.place, item.topic = line.place.strip() or None, line.topic.strip() or None
                item.updated_by = actor.username
                counts.updated += 1
            else:
                counts.skipped += 1
            _tick(n, len(lines), progress, cancelled)
        session.flush()
        audit.record(session, actor, "import", "training_session", None, {
            "file": source, "new": counts.new, "updated": counts.updated, "skipped": counts.skipped})
    return counts


def _tick(n: int, total: int, progress, cancelled) -> None:
    if n % 200 == 0 or n == total:
        if cancelled and cancelled():
            raise ImportCancelled()
        if progress:
            progress(n, total)


# ------------------------------------------------------------------------- attendance


def _participants(session: Session, program_ids) -> dict[int, list[tuple]]:
    """Per program: (enrollment id, status, enrolled on, left on, reg_no, name)."""
    found: dict[int, list[tuple]] = defaultdict(list)
    if not program_ids:
        return found
    for row in session.execute(
        sa.select(Enrollment.program_id, Enrollment.id, Enrollment.status, Enrollment.enrolled_on,
                  Admission.terminated_on, Resident.reg_no, Resident.name)
        .join(Admission, Admission.id == Enrollment.admission_id)
        .join(Resident, Resident.id == Admission.resident_id)
        .where(Enrollment.program_id.in_(sorted(program_ids)))
    ):
        found[row[0]].append(tuple(row[1:]))
    return found


def _session_for(line: MarkLine, day_sessions: list[TrainingSession], verdict: Verdict):
    chosen = [s for s in day_sessions if line.start is None or s.start_time == line.start]
    if not chosen:
        verdict.fail("start" if line.start and day_sessions else "day", _(
            "{program} has no session on {day}{at}. Add it to the schedule first.").format(
            program=verdict.label, day=f"{line.day:%d/%m/%Y}",
            at=f" {line.start:%H:%M}" if line.start else ""))
        return None
    if len(chosen) > 1:
        verdict.fail("start", _("{program} has {n} sessions on {day}; fill in the start time.").format(
            program=verdict.label, n=len(chosen), day=f"{line.day:%d/%m/%Y}"))
        return None
    return chosen[0]


def _participant_for(line: MarkLine, people: list[tuple], verdict: Verdict):
    if line.reg_no:
        found = [p for p in people if _norm(p[4] or "") == _norm(line.reg_no)]
        name, where = "reg_no", line.reg_no
    else:
        found = [p for p in people if _norm(p[5]) == _norm(line.name)]
        name, where = "name", line.name
    if not line.reg_no and not line.name:
        verdict.fail("reg_no", _("Fill in the registration number (or the name)."))
        return None
    if not found:
        verdict.fail(name, _("{who} is not a participant of {program}.").format(
            who=where, program=verdict.label))
        return None
    if len(found) > 1:
        verdict.fail(name, _("{n} participants are named {who}; use the registration number.").format(
            n=len(found), who=where))
        return None
    return found[0]


def _check_attendance(session: Session, lines: Sequence[MarkLine], today: date) -> list[Verdict]:
    programs = _programs(session, {line.program for line in lines})
    verdicts = [Verdict() for _line in lines]
    found = [(line, v, _program_for(line, programs, v)) for line, v in zip(lines, verdicts, strict=True)]
    ids = {p.id for *_r, p in found if p is not None}
    days = [line.day for line, _v, p in found if p is not None]
    sessions: dict[tuple, list[TrainingSession]] = defaultdict(list)
    if ids and days:
        for item in session.execute(sa.select(TrainingSession).where(
                TrainingSession.program_id.in_(sorted(ids)),
                TrainingSession.day.between(min(days), max(days)))).scalars():
            sessions[(item.program_id, item.day)].append(item)
    people = _participants(session, ids)
    marks = _marks(session, [s.id for group in sessions.values() for s in group])
    seen: dict[tuple, int] = {}
    for line, verdict, program in found:
        if program is None:
            continue
        if line.code not in AttendanceCode.codes():
            verdict.fail("code", _("Attendance codes are H, I, S and A."))
        item = _session_for(line, sessions.get((program.id, line.day), []), verdict)
        person = _participant_for(line, people.get(program.id, []), verdict)
        if item is None or person is None:
            continue
        verdict.session_id, verdict.enrollment_id = item.id, person[0]
        verdict.label = person[5]
        if reason := _why_not(item, today):
            verdict.fail("day", reason)
        mark = marks.get((item.id, person[0]))
        if not on_roll(person[1], person[2], person[3], item.day, mark is not None):
            verdict.fail(_person_field(line), _("{name} was not enrolled in {program} on {day}.").format(
                name=person[5], program=program.name, day=f"{item.day:%d/%m/%Y}"))
        if verdict.status == ERROR:
            continue
        key = (item.id, person[0])
        if key in seen:
            verdict.status, verdict.duplicate_of_row = DUPLICATE, seen[key]
            continue
        seen[key] = line.row
        if mark is not None:
            # an empty note cell keeps the note recorded (as empty cells do in the residents import)
            same_note = not _note(line.note) or _note(line.note) == mark[1]
            verdict.status = SAME if mark[0] == line.code and same_note else UPDATE
    return verdicts


def _person_field(line: MarkLine) -> str:
    return "reg_no" if line.reg_no else "name"


def _note(text: str) -> str | None:
    return " ".join(text.split())[:200] or None


def _marks(session: Session, session_ids: list[int]) -> dict[tuple, tuple]:
    found: dict[tuple, tuple] = {}
    for start in range(0, len(session_ids), 500):
        for sid, eid, code, note in session.execute(
            sa.select(Attendance.session_id, Attendance.enrollment_id, Attendance.code, Attendance.note)
            .where(Attendance.session_id.in_(session_ids[start:start + 500]))
        ):
            found[(sid, eid)] = (str(code.value if hasattr(code, "value") else code), note or None)
    return found


@requires(Action.ATTENDANCE_RECORD)
def check_attendance(db: Database, actor: Actor, lines: Sequence[MarkLine],
                     today: date | None = None) -> list[Verdict]:
    """Each row's verdict (new, update, same, duplicate within the file, error); nothing written."""
    require(db, actor, Action.EXCEL_IMPORT)
    with db.read() as session:
        return _check_attendance(session, lines, today or date.today())


@requires(Action.ATTENDANCE_RECORD)
def write_attendance(db: Database, actor: Actor, lines: Sequence[MarkLine], expected: Sequence[str],
                     source: str, progress: Callable[[int, int], None] | None = None,
                     cancelled: Callable[[], bool] | None = None,
                     today: date | None = None) -> TrainingCounts:
    """Record the new and changed marks in one transaction; every roll touched gets a new version
    (as saving it in the roll dialog does) and one audit entry."""
    require(db, actor, Action.EXCEL_IMPORT)
    today = today or date.today()
    counts = TrainingCounts(changes=Changes.of("attendance", "training_session"))
    with db.write() as session:
        verdicts = _check_attendance(session, lines, today)
        _still_valid(verdicts, list(expected))
        at = now()
        per_session: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for n, (line, verdict) in enumerate(zip(lines, verdicts, strict=True), start=1):
            if verdict.status in (NEW, UPDATE):
                note = _note(line.note)
                key = {"session_id": verdict.session_id, "enrollment_id": verdict.enrollment_id}
                row = session.get(Attendance, key) if verdict.status == UPDATE else None
                if row is None:
                    session.add(Attendance(**key, code=AttendanceCode(line.code), note=note,
                                           recorded_by_id=actor.id, recorded_at=at))
                    counts.new += 1
                else:
                    row.code, row.note = AttendanceCode(line.code), note or row.note
                    row.recorded_by_id, row.recorded_at = actor.id, at
                    counts.updated += 1
                per_session[verdict.session_id][line.code] += 1
            else:
                counts.skipped += 1
            _tick(n, len(lines), progress, cancelled)
        for session_id, codes in sorted(per_session.items()):
            item = session.get(TrainingSession, session_id)
            mark_updated(item, actor.username)  # a new version: an open roll dialog notices
            audit.record(session, actor, "record", "attendance", session_id,
                         {"day": item.day, "counts": dict(codes), "import": source})
        session.flush()
    return counts


# ------------------------------------------------------------------- remembered mappings


def _mapping_key(kind: str, header_key: str) -> str:
    import hashlib

    digest = hashlib.sha1(header_key.encode("utf-8")).hexdigest()[:16]
    return f"import.training.{kind}.mapping.{digest}"


@requires(Action.EXCEL_IMPORT)
def remembered_mapping(db: Database, actor: Actor, kind: str, header_key: str) -> dict[str, int] | None:
    """The column mapping last confirmed for a file of this kind with these headers, if any."""
    from kesos_desktop.services.common import get_setting

    with db.read() as session:
        value = get_setting(session, _mapping_key(kind, header_key))
    return {str(k): int(v) for k, v in value.items()} if isinstance(value, dict) else None


@requires(Action.EXCEL_IMPORT)
def remember_mapping(db: Database, actor: Actor, kind: str, header_key: str,
                     mapping: dict[str, int]) -> None:
    from kesos_desktop.services.common import put_setting

    with db.write() as session:
        put_setting(session, _mapping_key(kind, header_key), mapping)
