"""Training programs (pelatihan keterampilan), the facility's holiday list and attendance rule."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date

import sqlalchemy as sa

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import Holiday, TrainingProgram, TrainingSession, User
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.enums import ProgramStatus, TrainingSessionStatus
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.schedule import weekdays_from_text
from kesos_desktop.i18n import _
from kesos_desktop.services import audit
from kesos_desktop.services.common import check_version, put_setting
from kesos_desktop.services.context import requires
from kesos_desktop.services.training_common import (
    ATTENDANCE_RULE_KEY,
    attendance_rule,
    instructor_column,
    instructor_label,
    program_or_404,
    seated_counts,
)
from kesos_desktop.services.training_types import (
    AttendanceRuleSetting,
    HolidayRow,
    InstructorChoice,
    ProgramDetail,
    ProgramInput,
    ProgramRow,
)

_INPUT_FIELDS = list(ProgramInput.__dataclass_fields__)


def _clean(data: ProgramInput) -> ProgramInput:
    return replace(
        data,
        name=" ".join(data.name.split()),
        description=data.description.strip(),
        instructor_name="" if data.instructor_user_id else " ".join(data.instructor_name.split()),
        place=" ".join(data.place.split()),
    )


def validate_program(data: ProgramInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.name:
        errors["name"] = _("Enter the program's name.")
    elif len(data.name) > 150:
        errors["name"] = _("The name is too long (at most 150 characters).")
    if data.end_date < data.start_date:
        errors["end_date"] = _("The end date must be on or after the start date.")
    if data.capacity < 1:
        errors["capacity"] = _("The capacity must be at least 1 participant.")
    if not 0 <= data.min_attendance_pct <= 100:
        errors["min_attendance_pct"] = _("The minimum attendance is a percentage from 0 to 100.")
    if data.target_hours < 0:
        errors["target_hours"] = _("Target hours cannot be negative.")
    if data.instructor_user_id is None and not data.instructor_name:
        errors["instructor"] = _("Choose an instructor or type the name of an outside instructor.")
    if len(data.place) > 120:
        errors["place"] = _("The place is too long (at most 120 characters).")
    return errors


def _detail(session, program: TrainingProgram) -> ProgramDetail:
    return ProgramDetail(
        id=program.id, name=program.name, skill_category=program.skill_category,
        description=program.description or "", instructor_user_id=program.instructor_user_id,
        instructor_name=program.instructor_name or "",
        instructor=instructor_label(session, program), place=program.place or "",
        capacity=program.capacity, start_date=program.start_date, end_date=program.end_date,
        target_hours=program.target_hours, min_attendance_pct=program.min_attendance_pct,
        status=program.status, rule_weekdays=weekdays_from_text(program.rule_weekdays),
        rule_start_time=program.rule_start_time, rule_end_time=program.rule_end_time,
        enrolled=seated_counts(session, [program.id]).get(program.id, 0),
        version=program.version, updated_by=program.updated_by,
    )


def _check_instructor(session, data: ProgramInput, errors: dict[str, str]) -> None:
    if data.instructor_user_id is None:
        return
    active = session.execute(
        sa.select(User.active).where(User.id == data.instructor_user_id)
    ).scalar_one_or_none()
    if not active:
        errors["instructor"] = _("The chosen instructor is not an active user.")


@requires(Action.TRAINING_VIEW)
def list_programs(
    db: Database, actor: Actor, text: str = "", status: ProgramStatus | None = None,
    today: date | None = None,
) -> list[ProgramRow]:
    """Every program (newest first), with its numbers; ``text`` searches name, place, instructor."""
    today = today or date.today()
    query = (
        sa.select(TrainingProgram, instructor_column().label("instructor"))
        .outerjoin(User, User.id == TrainingProgram.instructor_user_id)
        .order_by(TrainingProgram.start_date.desc(), TrainingProgram.name)
    )
    if status is not None:
        query = query.where(TrainingProgram.status == status)
    if text.strip():
        like = f"%{text.strip().lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(TrainingProgram.name).like(like),
                sa.func.lower(TrainingProgram.place).like(like),
                sa.func.lower(instructor_column()).like(like),
            )
        )
    with db.read() as session:
        found = session.execute(query).all()
        ids = [p.id for p, _i in found]
        seated = seated_counts(session, ids)
        counts = {}
        if ids:
            not_cancelled = TrainingSession.status != TrainingSessionStatus.CANCELLED
            counts = {
                pid: (total, held, upcoming)
                for pid, total, held, upcoming in session.execute(
                    sa.select(
                        TrainingSession.program_id,
                        sa.func.count(),
                        sa.func.count().filter(TrainingSession.day < today),
                        sa.func.min(TrainingSession.day).filter(TrainingSession.day >= today),
                    )
                    .where(TrainingSession.program_id.in_(ids), not_cancelled)
                    .group_by(TrainingSession.program_id)
                )
            }
        return [
            ProgramRow(
                id=p.id, name=p.name, skill_category=p.skill_category, instructor=instructor,
                place=p.place or "", start_date=p.start_date, end_date=p.end_date,
                status=p.status, capacity=p.capacity, enrolled=seated.get(p.id, 0),
                sessions=counts.get(p.id, (0, 0, None))[0], held=counts.get(p.id, (0, 0, None))[1],
                next_session=counts.get(p.id, (0, 0, None))[2], version=p.version,
            )
            for p, instructor in found
        ]


@requires(Action.TRAINING_VIEW)
def get_program(db: Database, actor: Actor, program_id: int) -> ProgramDetail:
    with db.read() as session:
        return _detail(session, program_or_404(session, program_id))


@requires(Action.TRAINING_VIEW)
def instructor_choices(db: Database, actor: Actor) -> list[InstructorChoice]:
    """Active users who can be named as a program's instructor."""
    with db.read() as session:
        return [
            InstructorChoice(uid, name)
            for uid, name in session.execute(
                sa.select(User.id, User.full_name)
                .where(User.active.is_(True))
                .order_by(User.full_name)
            )
        ]


@requires(Action.TRAINING_MANAGE)
def create_program(db: Database, actor: Actor, data: ProgramInput) -> tuple[ProgramDetail, Changes]:
    data = _clean(data)
    errors = validate_program(data)
    with db.write() as session:
        _check_instructor(session, data, errors)
        if errors:
            raise ValidationError(_("Please correct the marked fields."), errors)
        values = asdict(data)
        values["instructor_name"] = data.instructor_name or None
        values["description"] = data.description or None
        program = TrainingProgram(**values, updated_by=actor.username)
        session.add(program)
        session.flush()
        audit.record(session, actor, "create", "training_program", program.id, {
            "name": program.name, "skill_category": program.skill_category,
            "start_date": program.start_date, "end_date": program.end_date,
            "capacity": program.capacity,
        })
        return _detail(session, program), Changes.of("training_program")


@requires(Action.TRAINING_MANAGE)
def update_program(
    db: Database, actor: Actor, program_id: int, data: ProgramInput,
    expected_version: int | None = None,
) -> tuple[ProgramDetail, Changes]:
    data = _clean(data)
    errors = validate_program(data)
    with db.write() as session:
        program = program_or_404(session, program_id)
        check_version(program, expected_version)
        _check_instructor(session, data, errors)
        seated = seated_counts(session, [program.id]).get(program.id, 0)
        if data.capacity < seated and "capacity" not in errors:
            errors["capacity"] = _(
                "{n} residents are already enrolled; the capacity cannot be lower than that."
            ).format(n=seated)
        outside = session.execute(
            sa.select(sa.func.count(TrainingSession.id)).where(
                TrainingSession.program_id == program.id,
                TrainingSession.status != TrainingSessionStatus.CANCELLED,
                sa.or_(TrainingSession.day < data.start_date, TrainingSession.day > data.end_date))
        ).scalar_one()
        if outside and "end_date" not in errors:
            errors["end_date"] = _(
                "{n} sessions fall outside these dates; move or cancel them first."
            ).format(n=outside)
        if errors:
            raise ValidationError(_("Please correct the marked fields."), errors)
        before = {f: getattr(program, f) for f in _INPUT_FIELDS}
        after = asdict(data)
        after["instructor_name"] = data.instructor_name or None
        after["description"] = data.description or None
        for key, value in after.items():
            setattr(program, key, value)
        program.updated_by = actor.username
        session.flush()
        changed = audit.diff(before, after)
        changed.pop("description", None)  # free text: say that it changed, not what it says
        if (before["description"] or None) != after["description"]:
            changed["description"] = ["…", "…"]
        audit.record(session, actor, "update", "training_program", program.id, changed)
        return _detail(session, program), Changes.of("training_program")


# ----------------------------------------------------------------------------- holidays


@requires(Action.TRAINING_VIEW)
def list_holidays(
    db: Database, actor: Actor, first: date | None = None, last: date | None = None
) -> list[HolidayRow]:
    query = sa.select(Holiday.day, Holiday.name).order_by(Holiday.day)
    if first is not None:
        query = query.where(Holiday.day >= first)
    if last is not None:
        query = query.where(Holiday.day <= last)
    with db.read() as session:
        return [HolidayRow(day, name) for day, name in session.execute(query)]


@requires(Action.TRAINING_MANAGE)
def save_holiday(
    db: Database, actor: Actor, day: date, name: str, cancel_sessions: bool = False
) -> tuple[int, Changes]:
    """Add (or rename) a non-working day. With ``cancel_sessions``, the planned sessions on that
    day without attendance are cancelled too; returns how many were cancelled."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Enter the holiday's name."), {"name": _("Enter the holiday's name.")})
    if len(name) > 120:
        raise ValidationError(_("The name is too long (at most 120 characters)."))
    cancelled = 0
    with db.write() as session:
        holiday = session.get(Holiday, day)
        if holiday is None:
            session.add(Holiday(day=day, name=name))
            audit.record(session, actor, "create", "holiday", day.isoformat(), {"name": name})
        else:
            audit.record(session, actor, "update", "holiday", day.isoformat(),
                         {"name": [holiday.name, name]})
            holiday.name = name
        if cancel_sessions:
            from kesos_desktop.services.training_schedule import cancel_unrecorded_on

            cancelled = cancel_unrecorded_on(session, actor, day, name)
    changes = ["holiday"] + (["training_session"] if cancelled else [])
    return cancelled, Changes.of(*changes)


@requires(Action.TRAINING_MANAGE)
def remove_holiday(db: Database, actor: Actor, day: date) -> Changes:
    """Sessions cancelled for the holiday stay cancelled (reinstate them one by one if needed)."""
    with db.write() as session:
        holiday = session.get(Holiday, day)
        if holiday is None:
            return Changes()
        audit.record(session, actor, "delete", "holiday", day.isoformat(), {"name": holiday.name})
        session.delete(holiday)
    return Changes.of("holiday")


# ----------------------------------------------------------------------- attendance rule


@requires(Action.TRAINING_VIEW)
def get_attendance_rule(db: Database, actor: Actor) -> AttendanceRuleSetting:
    with db.read() as session:
        rule = attendance_rule(session)
    return AttendanceRuleSetting(rule.excused_counts, rule.sick_counts)


@requires(Action.SETTINGS_EDIT)
def set_attendance_rule(db: Database, actor: Actor, setting: AttendanceRuleSetting) -> Changes:
    """Whether I (izin) and S (sakit) count as attended for completion; H always does."""
    with db.write() as session:
        before = attendance_rule(session)
        put_setting(session, ATTENDANCE_RULE_KEY, {
            "excused_counts": setting.excused_counts, "sick_counts": setting.sick_counts,
        })
        audit.record(session, actor, "update", "setting", ATTENDANCE_RULE_KEY, {
            "excused_counts": [before.excused_counts, setting.excused_counts],
            "sick_counts": [before.sick_counts, setting.sick_counts],
        })
    return Changes.of("setting", "attendance")
