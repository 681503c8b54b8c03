"""Training sessions: generated from a weekly rule (holidays skipped), single occurrences edited,
cancelled or added, and the conflicts (instructor, place, resident) shown before saving."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, time

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import (
    Admission,
    Attendance,
    Enrollment,
    Holiday,
    TrainingProgram,
    TrainingSession,
    User,
)
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.enums import EnrollmentStatus, ProgramStatus, TrainingSessionStatus
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.schedule import (
    Booking,
    Conflict,
    Rule,
    find_conflicts,
    generate,
    instructor_key,
    place_key,
    validate_rule,
    weekdays_to_text,
)
from kesos_desktop.i18n import _
from kesos_desktop.services import audit
from kesos_desktop.services.common import check_version
from kesos_desktop.services.context import requires
from kesos_desktop.services.training_common import (
    SEATED,
    instructor_column,
    on_roll,
    program_or_404,
    roll_counts,
    session_or_404,
)
from kesos_desktop.services.training_types import (
    SchedulePreview,
    SessionCheck,
    SessionInput,
    SessionRow,
)

CANCELLED = TrainingSessionStatus.CANCELLED
SCHEDULED = TrainingSessionStatus.SCHEDULED


# ------------------------------------------------------------------------------ loading


def _rows(session: Session, where, order=True) -> list[SessionRow]:
    query = (
        sa.select(TrainingSession, TrainingProgram.name, TrainingProgram.place,
                  instructor_column().label("instructor"))
        .join(TrainingProgram, TrainingProgram.id == TrainingSession.program_id)
        .outerjoin(User, User.id == TrainingProgram.instructor_user_id)
        .where(where)
    )
    if order:
        query = query.order_by(TrainingSession.day, TrainingSession.start_time, TrainingProgram.name)
    found = session.execute(query).all()
    if not found:
        return []
    program_ids = sorted({s.program_id for s, *_r in found})
    seated: dict[int, list[tuple]] = defaultdict(list)
    for program_id, status, enrolled_on, terminated_on in session.execute(
        sa.select(Enrollment.program_id, Enrollment.status, Enrollment.enrolled_on,
                  Admission.terminated_on)
        .join(Admission, Admission.id == Enrollment.admission_id)
        .where(Enrollment.program_id.in_(program_ids), Enrollment.status.in_(SEATED))
    ):
        seated[program_id].append((status, enrolled_on, terminated_on))
    recorded = roll_counts(session, [s.id for s, *_r in found])
    rows = []
    for s, program_name, program_place, instructor in found:
        on_it = sum(1 for st, on, left in seated[s.program_id] if on_roll(st, on, left, s.day))
        rows.append(SessionRow(
            id=s.id, program_id=s.program_id, program_name=program_name, day=s.day,
            start_time=s.start_time, end_time=s.end_time,
            place=s.place or program_place or "", instructor=instructor or "",
            status=s.status, is_extra=s.is_extra, topic=s.topic or "",
            cancel_reason=s.cancel_reason or "", enrolled=max(on_it, recorded.get(s.id, 0)),
            recorded=recorded.get(s.id, 0), version=s.version,
        ))
    return rows


def session_row(session: Session, session_id: int) -> SessionRow:
    session_or_404(session, session_id)
    return _rows(session, TrainingSession.id == session_id)[0]


def _bookings(session: Session, first: date, last: date, exclude: set[int]) -> list[Booking]:
    """Every non-cancelled session of every program between two days, as conflict detection
    sees it (the instructor, the effective place, the residents actively enrolled)."""
    found = session.execute(
        sa.select(TrainingSession.id, TrainingSession.program_id, TrainingSession.day,
                  TrainingSession.start_time, TrainingSession.end_time, TrainingSession.place,
                  TrainingProgram.name, TrainingProgram.place,
                  TrainingProgram.instructor_user_id, TrainingProgram.instructor_name)
        .join(TrainingProgram, TrainingProgram.id == TrainingSession.program_id)
        .where(TrainingSession.day.between(first, last), TrainingSession.status != CANCELLED)
    ).all()
    program_ids = sorted({row[1] for row in found})
    residents = _active_residents(session, program_ids)
    return [
        Booking(day=day, start=start, end=end, program_id=pid, program_name=pname,
                session_id=sid, instructor_key=instructor_key(uid, iname),
                place_key=place_key(splace or pplace),
                admission_ids=residents.get(pid, frozenset()))
        for sid, pid, day, start, end, splace, pname, pplace, uid, iname in found
        if sid not in exclude
    ]


def _active_residents(session: Session, program_ids: list[int]) -> dict[int, frozenset[int]]:
    if not program_ids:
        return {}
    found: dict[int, set[int]] = defaultdict(set)
    for pid, aid in session.execute(
        sa.select(Enrollment.program_id, Enrollment.admission_id).where(
            Enrollment.program_id.in_(program_ids),
            Enrollment.status == EnrollmentStatus.ACTIVE,
        )
    ):
        found[pid].add(aid)
    return {pid: frozenset(ids) for pid, ids in found.items()}


def resident_names(session: Session, admission_ids) -> dict[int, str]:
    from kesos_desktop.db.models import Resident

    ids = sorted(set(admission_ids))
    if not ids:
        return {}
    return dict(session.execute(
        sa.select(Admission.id, Resident.name)
        .join(Resident, Resident.id == Admission.resident_id)
        .where(Admission.id.in_(ids))
    ).all())


def describe(session: Session, conflicts: list[Conflict]) -> tuple[str, ...]:
    names = resident_names(session, [a for c in conflicts for a in c.admission_ids])
    return tuple(c.describe(names) for c in conflicts)


def _candidate(program: TrainingProgram, day: date, start: time, end: time, place: str,
               admissions: frozenset[int], session_id: int | None = None) -> Booking:
    return Booking(
        day=day, start=start, end=end, program_id=program.id, program_name=program.name,
        session_id=session_id,
        instructor_key=instructor_key(program.instructor_user_id, program.instructor_name),
        place_key=place_key(place or program.place), admission_ids=admissions,
    )


def _holidays(session: Session, first: date, last: date) -> dict[date, str]:
    return dict(session.execute(
        sa.select(Holiday.day, Holiday.name).where(Holiday.day.between(first, last))
    ).all())


def _recorded_ids(session: Session, session_ids: list[int]) -> set[int]:
    if not session_ids:
        return set()
    return set(session.execute(
        sa.select(Attendance.session_id).where(Attendance.session_id.in_(session_ids)).distinct()
    ).scalars())


# ----------------------------------------------------------------------------- the rule


def _rule_errors(program: TrainingProgram, rule: Rule) -> dict[str, str]:
    errors = validate_rule(rule)
    if "last_day" not in errors:
        if rule.first_day < program.start_date:
            errors["first_day"] = _("Sessions cannot start before the program does ({day}).").format(
                day=f"{program.start_date:%d/%m/%Y}")
        if rule.last_day > program.end_date:
            errors["last_day"] = _("Sessions cannot go past the program's end ({day}).").format(
                day=f"{program.end_date:%d/%m/%Y}")
    return errors


def _plan(session: Session, program: TrainingProgram, rule: Rule):
    """What generating ``rule`` does: (new slots, skipped holidays, ids to delete, kept count,
    conflicts). Planned regular sessions without attendance in the rule's range are replaced;
    extra, cancelled and already recorded sessions stay, and no regular session is doubled."""
    errors = _rule_errors(program, rule)
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)
    holidays = _holidays(session, rule.first_day, rule.last_day)
    slots, skipped = generate(rule, holidays)
    existing = session.execute(
        sa.select(TrainingSession.id, TrainingSession.day, TrainingSession.status,
                  TrainingSession.is_extra)
        .where(TrainingSession.program_id == program.id,
               TrainingSession.day.between(rule.first_day, rule.last_day))
    ).all()
    recorded = _recorded_ids(session, [row.id for row in existing])
    replace_ids = {
        sid for sid, _day, status, extra in existing
        if not extra and status == SCHEDULED and sid not in recorded
    }
    kept_regular_days = {
        day for sid, day, _status, extra in existing if not extra and sid not in replace_ids
    }
    slots = [slot for slot in slots if slot.day not in kept_regular_days]
    if not slots:
        if skipped and not kept_regular_days:
            message = _("Every day this rule produces is on the holiday list; no session would "
                        "be created. Choose other days or dates.")
        elif kept_regular_days:
            message = _("Every day of this rule already has a session that was held or cancelled; "
                        "no new session would be created.")
        else:
            message = _("This rule produces no sessions: none of the chosen days of the week "
                        "falls between the start and end dates.")
        raise ValidationError(message, {"weekdays": message})
    admissions = _active_residents(session, [program.id]).get(program.id, frozenset())
    candidates = [
        _candidate(program, slot.day, slot.start, slot.end, "", admissions) for slot in slots
    ]
    bookings = _bookings(session, rule.first_day, rule.last_day, replace_ids)
    conflicts = find_conflicts_sorted(candidates, bookings)
    skipped_named = tuple((day, holidays[day]) for day in skipped)
    return slots, skipped_named, replace_ids, len(existing) - len(replace_ids), conflicts


def find_conflicts_sorted(candidates, bookings) -> list[Conflict]:
    return sorted(find_conflicts(candidates, bookings),
                  key=lambda c: (c.day, c.start, c.kind.value, c.other_program))


def _rule(weekdays, start: time, end: time, first_day: date, last_day: date) -> Rule:
    return Rule(frozenset(weekdays), start, end, first_day, last_day)


@requires(Action.TRAINING_VIEW)
def preview_schedule(
    db: Database, actor: Actor, program_id: int, weekdays, start: time, end: time,
    first_day: date, last_day: date,
) -> SchedulePreview:
    """The sessions a rule would create, the holidays it skips and every conflict: nothing saved."""
    with db.read() as session:
        program = program_or_404(session, program_id)
        slots, skipped, replace_ids, kept, conflicts = _plan(
            session, program, _rule(weekdays, start, end, first_day, last_day))
        return SchedulePreview(tuple(slots), skipped, len(replace_ids), kept, tuple(conflicts),
                               describe(session, conflicts))


@requires(Action.TRAINING_MANAGE)
def generate_sessions(
    db: Database, actor: Actor, program_id: int, weekdays, start: time, end: time,
    first_day: date, last_day: date, allow_conflicts: bool = False,
    expected_version: int | None = None,
) -> tuple[int, Changes]:
    """Save the rule on the program and create its sessions, all in one transaction. Refuses
    when there are conflicts unless ``allow_conflicts`` (the user saw them and went on)."""
    rule = _rule(weekdays, start, end, first_day, last_day)
    with db.write() as session:
        program = program_or_404(session, program_id)
        check_version(program, expected_version)
        if program.status in (ProgramStatus.CANCELLED, ProgramStatus.FINISHED):
            raise ValidationError(_("This program is finished or cancelled; its schedule can no "
                                    "longer be changed."))
        slots, skipped, replace_ids, _kept, conflicts = _plan(session, program, rule)
        if conflicts and not allow_conflicts:
            raise ValidationError(
                _("The schedule has {n} conflict(s); look at them before saving.").format(
                    n=len(conflicts)))
        if replace_ids:
            session.execute(sa.delete(TrainingSession).where(TrainingSession.id.in_(replace_ids)))
        for slot in slots:
            session.add(TrainingSession(
                program_id=program.id, day=slot.day, start_time=slot.start, end_time=slot.end,
                status=SCHEDULED, is_extra=False, updated_by=actor.username,
            ))
        program.rule_weekdays = weekdays_to_text(rule.weekdays)
        program.rule_start_time = start
        program.rule_end_time = end
        program.updated_by = actor.username
        session.flush()
        audit.record(session, actor, "generate_sessions", "training_program", program.id, {
            "weekdays": program.rule_weekdays, "start": f"{start:%H:%M}", "end": f"{end:%H:%M}",
            "first_day": first_day, "last_day": last_day, "created": len(slots),
            "replaced": len(replace_ids), "skipped_holidays": [d for d, _n in skipped],
            "conflicts_accepted": len(conflicts),
        })
    return len(slots), Changes.of("training_session", "training_program")


# ------------------------------------------------------------------- single occurrences


def _validate_session(program: TrainingProgram, data: SessionInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.end_time <= data.start_time:
        errors["end_time"] = _("The end time must be after the start time.")
    if not program.start_date <= data.day <= program.end_date:
        errors["day"] = _("The day must fall within the program's dates ({first} - {last}).").format(
            first=f"{program.start_date:%d/%m/%Y}", last=f"{program.end_date:%d/%m/%Y}")
    if len(data.place.strip()) > 120:
        errors["place"] = _("The place is too long (at most 120 characters).")
    if len(data.topic.strip()) > 200:
        errors["topic"] = _("The topic is too long (at most 200 characters).")
    return errors


def _check(session: Session, program: TrainingProgram, data: SessionInput,
           session_id: int | None) -> SessionCheck:
    admissions = _active_residents(session, [program.id]).get(program.id, frozenset())
    candidate = _candidate(program, data.day, data.start_time, data.end_time, data.place.strip(),
                           admissions, session_id)
    exclude = {session_id} if session_id is not None else set()
    conflicts = find_conflicts_sorted([candidate], _bookings(session, data.day, data.day, exclude))
    holiday = _holidays(session, data.day, data.day).get(data.day)
    line = (_("{day} is on the holiday list ({name}).").format(
        day=f"{data.day:%d/%m/%Y}", name=holiday) if holiday else "")
    return SessionCheck(tuple(conflicts), describe(session, conflicts), line)


def _refuse_unseen(check: SessionCheck, allow_conflicts: bool) -> None:
    if check.warnings and not allow_conflicts:
        raise ValidationError(
            _("Look at these warnings before saving:") + "\n" + "\n".join(check.warnings))


@requires(Action.TRAINING_VIEW)
def check_session(
    db: Database, actor: Actor, program_id: int, data: SessionInput, session_id: int | None = None
) -> SessionCheck:
    """Conflicts and holiday warnings for one session, before saving it."""
    with db.read() as session:
        program = program_or_404(session, program_id)
        if errors := _validate_session(program, data):
            raise ValidationError(_("Please correct the marked fields."), errors)
        return _check(session, program, data, session_id)


@requires(Action.TRAINING_MANAGE)
def add_session(
    db: Database, actor: Actor, program_id: int, data: SessionInput, allow_conflicts: bool = False
) -> tuple[SessionRow, Changes]:
    """An extra session outside the rule (a make-up day, an exam, a visit)."""
    with db.write() as session:
        program = program_or_404(session, program_id)
        if program.status in (ProgramStatus.CANCELLED, ProgramStatus.FINISHED):
            raise ValidationError(_("This program is finished or cancelled; its schedule can no "
                                    "longer be changed."))
        if errors := _validate_session(program, data):
            raise ValidationError(_("Please correct the marked fields."), errors)
        _refuse_unseen(_check(session, program, data, None), allow_conflicts)
        item = TrainingSession(
            program_id=program.id, day=data.day, start_time=data.start_time,
            end_time=data.end_time, place=data.place.strip() or None,
            topic=data.topic.strip() or None, status=SCHEDULED, is_extra=True,
            updated_by=actor.username,
        )
        session.add(item)
        session.flush()
        audit.record(session, actor, "create", "training_session", item.id, {
            "program_id": program.id, "day": data.day, "start": f"{data.start_time:%H:%M}",
            "end": f"{data.end_time:%H:%M}", "extra": True,
        })
        return session_row(session, item.id), Changes.of("training_session")


@requires(Action.TRAINING_MANAGE)
def update_session(
    db: Database, actor: Actor, session_id: int, data: SessionInput,
    expected_version: int | None = None, allow_conflicts: bool = False, today: date | None = None,
) -> tuple[SessionRow, Changes]:
    """Move or edit one occurrence (day, times, place, topic)."""
    today = today or date.today()
    with db.write() as session:
        item = session_or_404(session, session_id)
        check_version(item, expected_version)
        program = program_or_404(session, item.program_id)
        if errors := _validate_session(program, data):
            raise ValidationError(_("Please correct the marked fields."), errors)
        if data.day > today and _recorded_ids(session, [item.id]):
            raise ValidationError(
                _("Attendance was already taken for this session, so it cannot move to a future "
                  "day."), {"day": _("Attendance was already taken for this session.")})
        _refuse_unseen(_check(session, program, data, item.id), allow_conflicts)
        before = {"day": item.day, "start": f"{item.start_time:%H:%M}",
                  "end": f"{item.end_time:%H:%M}", "place": item.place, "topic": item.topic}
        item.day, item.start_time, item.end_time = data.day, data.start_time, data.end_time
        item.place = data.place.strip() or None
        item.topic = data.topic.strip() or None
        item.updated_by = actor.username
        session.flush()
        after = {"day": item.day, "start": f"{item.start_time:%H:%M}",
                 "end": f"{item.end_time:%H:%M}", "place": item.place, "topic": item.topic}
        audit.record(session, actor, "update", "training_session", item.id,
                     audit.diff(before, after))
        return session_row(session, item.id), Changes.of("training_session")


@requires(Action.TRAINING_MANAGE)
def cancel_session(
    db: Database, actor: Actor, session_id: int, reason: str, expected_version: int | None = None
) -> Changes:
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError(_("Say why the session is cancelled."),
                              {"reason": _("Say why the session is cancelled.")})
    with db.write() as session:
        item = session_or_404(session, session_id)
        check_version(item, expected_version)
        if item.status == CANCELLED:
            return Changes()
        if _recorded_ids(session, [item.id]):
            raise ValidationError(_(
                "Attendance was already taken for this session, so it took place and cannot be "
                "cancelled. Clear the roll first if it was recorded by mistake."))
        item.status = CANCELLED
        item.cancel_reason = reason[:200]
        item.updated_by = actor.username
        audit.record(session, actor, "cancel", "training_session", item.id,
                     {"day": item.day, "reason": item.cancel_reason})
    return Changes.of("training_session")


@requires(Action.TRAINING_MANAGE)
def reinstate_session(
    db: Database, actor: Actor, session_id: int, expected_version: int | None = None
) -> Changes:
    """Undo a cancellation."""
    with db.write() as session:
        item = session_or_404(session, session_id)
        check_version(item, expected_version)
        if item.status != CANCELLED:
            return Changes()
        item.status = SCHEDULED
        audit.record(session, actor, "reinstate", "training_session", item.id,
                     {"day": item.day, "was_cancelled_for": item.cancel_reason})
        item.cancel_reason = None
        item.updated_by = actor.username
    return Changes.of("training_session")


def cancel_unrecorded_on(session: Session, actor: Actor, day: date, reason: str) -> int:
    """Cancel every planned session on ``day`` that has no attendance (a new holiday)."""
    ids = list(session.execute(
        sa.select(TrainingSession.id).where(TrainingSession.day == day,
                                            TrainingSession.status == SCHEDULED)
    ).scalars())
    recorded = _recorded_ids(session, ids)
    count = 0
    for sid in ids:
        if sid in recorded:
            continue
        item = session.get(TrainingSession, sid)
        item.status = CANCELLED
        item.cancel_reason = reason[:200]
        item.updated_by = actor.username
        audit.record(session, actor, "cancel", "training_session", sid,
                     {"day": day, "reason": item.cancel_reason})
        count += 1
    return count


# ------------------------------------------------------------------------------ viewing


@requires(Action.TRAINING_VIEW)
def list_sessions(db: Database, actor: Actor, program_id: int) -> list[SessionRow]:
    with db.read() as session:
        program_or_404(session, program_id)
        return _rows(session, TrainingSession.program_id == program_id)


@requires(Action.TRAINING_VIEW)
def sessions_between(
    db: Database, actor: Actor, first: date, last: date, program_id: int | None = None
) -> list[SessionRow]:
    """Sessions of every program (or one) between two days, cancelled ones included."""
    where = TrainingSession.day.between(first, last)
    if program_id is not None:
        where = sa.and_(where, TrainingSession.program_id == program_id)
    with db.read() as session:
        return _rows(session, where)


@requires(Action.TRAINING_VIEW)
def sessions_on(db: Database, actor: Actor, day: date | None = None) -> list[SessionRow]:
    """The "today" view: every session of every program on one day."""
    day = day or date.today()
    with db.read() as session:
        return _rows(session, TrainingSession.day == day)


@requires(Action.TRAINING_VIEW)
def get_session(db: Database, actor: Actor, session_id: int) -> SessionRow:
    with db.read() as session:
        return session_row(session, session_id)
