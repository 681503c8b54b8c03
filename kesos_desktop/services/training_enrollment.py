"""Enrollment of residents (per stay) in training programs: capacity, stop with a reason,
conflicts with the resident's other trainings, and the trainings shown in a resident's file."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import Admission, Enrollment, Resident, Room, TrainingProgram
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.enums import EnrollmentStatus, ProgramStatus, TrainingSessionStatus
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.schedule import Booking, meets_minimum
from kesos_desktop.i18n import _
from kesos_desktop.services import audit
from kesos_desktop.services.common import check_version, get_or_404
from kesos_desktop.services.context import requires
from kesos_desktop.services.training_common import (
    SEATED,
    attendance_rule,
    enrollment_or_404,
    load_program_attendance,
    program_or_404,
    seated_counts,
)
from kesos_desktop.services.training_types import (
    AdmissionChoice,
    EnrollmentRow,
    ResidentTraining,
    SessionCheck,
)

ACTIVE = EnrollmentStatus.ACTIVE


@requires(Action.TRAINING_VIEW)
def enrollable_admissions(
    db: Database, actor: Actor, text: str = "", limit: int = 50, program_id: int | None = None
) -> list[AdmissionChoice]:
    """Current stays (not terminated) whose name or registration number contains ``text``.
    With ``program_id``, marks who is already enrolled there (active or completed)."""
    query = (
        sa.select(Admission.id, Resident.id, Resident.reg_no, Resident.name, Resident.sex,
                  Room.name)
        .join(Resident, Resident.id == Admission.resident_id)
        .outerjoin(Room, Room.id == Admission.room_id)
        .where(Admission.terminated_on.is_(None), Resident.anonymized_at.is_(None))
        .order_by(Resident.name, Admission.id)
        .limit(max(1, min(limit, 500)))
    )
    words = text.strip().lower().split()
    for word in words:
        like = f"%{word}%"
        query = query.where(sa.or_(sa.func.lower(Resident.name).like(like),
                                   sa.func.lower(Resident.reg_no).like(like),
                                   sa.func.lower(sa.func.coalesce(Resident.alias, "")).like(like)))
    with db.read() as session:
        found = session.execute(query).all()
        here: set[int] = set()
        if program_id is not None and found:
            here = set(session.execute(
                sa.select(Enrollment.admission_id).where(
                    Enrollment.program_id == program_id, Enrollment.status.in_(SEATED),
                    Enrollment.admission_id.in_([row[0] for row in found]))
            ).scalars())
    return [
        AdmissionChoice(aid, rid, reg_no, name, sex, room or "", aid in here)
        for aid, rid, reg_no, name, sex, room in found
    ]


def _resident_conflicts(session: Session, program: TrainingProgram, admission_id: int,
                        today: date) -> tuple:
    """Upcoming sessions of ``program`` that overlap the resident's other active trainings."""
    from kesos_desktop.db.models import TrainingSession
    from kesos_desktop.services.training_schedule import _bookings, describe, find_conflicts_sorted

    first = max(today, program.start_date)
    if first > program.end_date:
        return (), ()
    mine = session.execute(
        sa.select(TrainingSession.id, TrainingSession.day, TrainingSession.start_time,
                  TrainingSession.end_time)
        .where(TrainingSession.program_id == program.id,
               TrainingSession.status != TrainingSessionStatus.CANCELLED,
               TrainingSession.day.between(first, program.end_date))
    ).all()
    if not mine:
        return (), ()
    own = {row.id for row in mine}
    others = [b for b in _bookings(session, first, program.end_date, own)
              if b.program_id != program.id and admission_id in b.admission_ids]
    candidates = [
        Booking(day, start, end, program.id, program.name, sid,
                admission_ids=frozenset({admission_id}))
        for sid, day, start, end in mine
    ]
    conflicts = find_conflicts_sorted(candidates, others)
    return tuple(conflicts), describe(session, conflicts)


@requires(Action.TRAINING_VIEW)
def enrollment_conflicts(
    db: Database, actor: Actor, program_id: int, admission_id: int, today: date | None = None
) -> SessionCheck:
    """The resident's other trainings that overlap this program's upcoming sessions."""
    with db.read() as session:
        program = program_or_404(session, program_id)
        conflicts, lines = _resident_conflicts(session, program, admission_id,
                                               today or date.today())
    return SessionCheck(conflicts, lines)


@requires(Action.TRAINING_MANAGE)
def enroll(
    db: Database, actor: Actor, program_id: int, admission_id: int,
    enrolled_on: date | None = None, allow_conflicts: bool = False, today: date | None = None,
) -> tuple[int, Changes]:
    """Enroll one current stay. Capacity counts active and completed participants; a resident
    who stopped earlier is enrolled again on the same record. Returns the enrollment id."""
    today = today or date.today()
    enrolled_on = enrolled_on or today
    with db.write() as session:
        program = program_or_404(session, program_id, lock=True)
        admission = get_or_404(session, Admission, admission_id, _("The stay"))
        name = session.execute(
            sa.select(Resident.name).where(Resident.id == admission.resident_id)).scalar_one()
        if admission.terminated_on is not None:
            raise ValidationError(_(
                "{name} left the facility on {day}; only residents currently in the facility can "
                "be enrolled.").format(name=name, day=f"{admission.terminated_on:%d/%m/%Y}"))
        if program.status in (ProgramStatus.CANCELLED, ProgramStatus.FINISHED):
            raise ValidationError(_("This program is {status}; no one can be enrolled any more.")
                                  .format(status=program.status.label.lower()))
        if enrolled_on < admission.admitted_on:
            raise ValidationError(_("The enrollment date cannot be before the resident's "
                                    "admission ({day}).").format(
                                        day=f"{admission.admitted_on:%d/%m/%Y}"))
        if enrolled_on > program.end_date:
            raise ValidationError(_("The program ended on {day}.").format(
                day=f"{program.end_date:%d/%m/%Y}"))
        existing = session.execute(
            sa.select(Enrollment).where(Enrollment.program_id == program.id,
                                        Enrollment.admission_id == admission.id)
        ).scalar_one_or_none()
        if existing is not None and existing.status in SEATED:
            raise ValidationError(_("{name} is already enrolled in {program}.").format(
                name=name, program=program.name))
        seated = seated_counts(session, [program.id]).get(program.id, 0)
        if seated >= program.capacity:
            raise ValidationError(_(
                "{program} is full: {n} of {capacity} places are taken. Raise the capacity or "
                "stop another participant first.").format(
                    program=program.name, n=seated, capacity=program.capacity))
        conflicts, lines = _resident_conflicts(session, program, admission.id, today)
        if conflicts and not allow_conflicts:
            raise ValidationError(
                _("Look at these warnings before saving:") + "\n" + "\n".join(lines))
        if existing is None:
            existing = Enrollment(program_id=program.id, admission_id=admission.id,
                                  enrolled_on=enrolled_on, status=ACTIVE,
                                  updated_by=actor.username)
            session.add(existing)
            action = "create"
        else:
            existing.status, existing.stop_reason = ACTIVE, None
            existing.enrolled_on = enrolled_on
            existing.updated_by = actor.username
            action = "reenroll"
        session.flush()
        audit.record(session, actor, action, "enrollment", existing.id, {
            "program_id": program.id, "admission_id": admission.id, "enrolled_on": enrolled_on,
            "conflicts_accepted": len(conflicts),
        })
        return existing.id, Changes.of("enrollment")


@requires(Action.TRAINING_MANAGE)
def stop_enrollment(
    db: Database, actor: Actor, enrollment_id: int, reason: str,
    expected_version: int | None = None,
) -> Changes:
    """Berhenti: the resident leaves the program (a reason is required); the attendance stays."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError(_("Say why the resident stops the program."),
                              {"reason": _("Say why the resident stops the program.")})
    with db.write() as session:
        enrollment = enrollment_or_404(session, enrollment_id)
        check_version(enrollment, expected_version)
        if enrollment.status != ACTIVE:
            raise ValidationError(_("Only an active participant can stop."))
        enrollment.status = EnrollmentStatus.STOPPED
        enrollment.stop_reason = reason[:200]
        enrollment.updated_by = actor.username
        audit.record(session, actor, "stop", "enrollment", enrollment.id,
                     {"reason": enrollment.stop_reason})
    return Changes.of("enrollment")


@requires(Action.TRAINING_MANAGE)
def set_competent(
    db: Database, actor: Actor, enrollment_id: int, competent: bool | None,
    expected_version: int | None = None,
) -> Changes:
    """Record the instructor's judgement: competent (kompeten), not yet, or not assessed."""
    with db.write() as session:
        enrollment = enrollment_or_404(session, enrollment_id)
        check_version(enrollment, expected_version)
        if enrollment.status == EnrollmentStatus.COMPLETED:
            raise ValidationError(_("The certificate has already been issued; the assessment can "
                                    "no longer change."))
        audit.record(session, actor, "assess", "enrollment", enrollment.id,
                     {"competent": [enrollment.competent, competent]})
        enrollment.competent = competent
        enrollment.updated_by = actor.username
    return Changes.of("enrollment")


def enrollment_rows(session: Session, program_id: int, today: date,
                    enrollment_id: int | None = None) -> list[EnrollmentRow]:
    program = program_or_404(session, program_id)
    query = (
        sa.select(Enrollment, Resident.id, Resident.reg_no, Resident.name, Resident.sex,
                  Room.name, Admission.terminated_on)
        .join(Admission, Admission.id == Enrollment.admission_id)
        .join(Resident, Resident.id == Admission.resident_id)
        .outerjoin(Room, Room.id == Admission.room_id)
        .where(Enrollment.program_id == program_id)
        .order_by(Resident.name, Enrollment.id)
    )
    if enrollment_id is not None:
        query = query.where(Enrollment.id == enrollment_id)
    found = session.execute(query).all()
    attendance = load_program_attendance(session, program_id, today)
    rule = attendance_rule(session)
    rows = []
    for e, rid, reg_no, name, sex, room, left in found:
        stats = attendance.stats(e.id, e.enrolled_on, rule)
        rows.append(EnrollmentRow(
            id=e.id, program_id=program.id, program_name=program.name,
            admission_id=e.admission_id, resident_id=rid, reg_no=reg_no, name=name, sex=sex,
            room=room or "", enrolled_on=e.enrolled_on, status=e.status,
            stop_reason=e.stop_reason or "", competent=e.competent,
            completed_on=e.completed_on, certificate_no=e.certificate_no or "",
            held=stats.held, attended=stats.attended, percentage=stats.percentage,
            meets_minimum=meets_minimum(stats.percentage, program.min_attendance_pct),
            resident_left=left is not None, version=e.version,
        ))
    return rows


@requires(Action.TRAINING_VIEW)
def list_enrollments(
    db: Database, actor: Actor, program_id: int, today: date | None = None
) -> list[EnrollmentRow]:
    """The participants of a program with their attendance so far."""
    with db.read() as session:
        return enrollment_rows(session, program_id, today or date.today())


@requires(Action.TRAINING_VIEW)
def resident_trainings(
    db: Database, actor: Actor, resident_id: int, today: date | None = None
) -> list[ResidentTraining]:
    """Every training of a person, over all their stays (for the resident file and timeline)."""
    today = today or date.today()
    with db.read() as session:
        found = session.execute(
            sa.select(Enrollment, TrainingProgram)
            .join(Admission, Admission.id == Enrollment.admission_id)
            .join(TrainingProgram, TrainingProgram.id == Enrollment.program_id)
            .where(Admission.resident_id == resident_id)
            .order_by(TrainingProgram.start_date.desc(), TrainingProgram.name)
        ).all()
        rule = attendance_rule(session)
        result = []
        for e, p in found:
            stats = load_program_attendance(session, p.id, today).stats(e.id, e.enrolled_on, rule)
            result.append(ResidentTraining(
                enrollment_id=e.id, program_id=p.id, program_name=p.name,
                skill_category=p.skill_category, start_date=p.start_date, end_date=p.end_date,
                enrolled_on=e.enrolled_on, status=e.status, percentage=stats.percentage,
                completed_on=e.completed_on, certificate_no=e.certificate_no or "",
                stop_reason=e.stop_reason or "",
            ))
        return result


@requires(Action.TRAINING_VIEW)
def current_stay(db: Database, actor: Actor, resident_id: int) -> int | None:
    """The person's open stay (admission id), or None when they are not in the facility."""
    with db.read() as session:
        return session.execute(
            sa.select(Admission.id).where(Admission.resident_id == resident_id,
                                          Admission.terminated_on.is_(None))
            .order_by(Admission.admitted_on.desc()).limit(1)
        ).scalar_one_or_none()
