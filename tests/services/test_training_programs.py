"""Training programs, holidays and the attendance rule setting; helpers for the other training
service tests (imported from here by name)."""

from __future__ import annotations

import json
from datetime import date, time

import pytest
import sqlalchemy as sa

from kesos_desktop.db.models import AuditEntry, TrainingProgram
from kesos_desktop.domain.enums import ProgramStatus, SkillCategory
from kesos_desktop.domain.errors import ConflictError, PermissionDenied, ValidationError
from kesos_desktop.services import training_programs as programs
from kesos_desktop.services import training_schedule as schedule
from kesos_desktop.services.training_types import AttendanceRuleSetting, ProgramInput

TODAY = date(2026, 11, 23)  # a Monday
START, END = date(2026, 11, 2), date(2026, 12, 27)
MWF = {0, 2, 4}


def program_input(**overrides) -> ProgramInput:
    values = dict(
        name="Menjahit Dasar", skill_category=SkillCategory.SEWING, start_date=START,
        end_date=END, capacity=10, instructor_name="Ibu Ani Fiktif", place="Ruang Jahit",
        target_hours=48,
    )
    values.update(overrides)
    return ProgramInput(**values)


def make_program(db, actor, weekdays=MWF, start=time(9), end=time(11), **overrides) -> int:
    """A program with its sessions generated (Mon/Wed/Fri 09-11 by default)."""
    detail, _ = programs.create_program(db, actor, program_input(**overrides))
    if weekdays:
        data = program_input(**overrides)
        schedule.generate_sessions(db, actor, detail.id, weekdays, start, end,
                                   data.start_date, data.end_date, allow_conflicts=True)
    return detail.id


def audit_rows(db, entity: str) -> list[AuditEntry]:
    with db.read() as session:
        return list(session.execute(
            sa.select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)
        ).scalars())


# ------------------------------------------------------------------------------ tests


def test_create_and_read_a_program(db, staff):
    detail, changes = programs.create_program(db, staff, program_input(name="  Menjahit   Dasar "))
    assert detail.name == "Menjahit Dasar" and detail.instructor == "Ibu Ani Fiktif"
    assert detail.min_attendance_pct == 80 and detail.status == ProgramStatus.PLANNED
    assert "training_program" in changes.entities
    assert programs.get_program(db, staff, detail.id) == detail
    [row] = programs.list_programs(db, staff, today=TODAY)
    assert (row.name, row.enrolled, row.sessions, row.next_session) == ("Menjahit Dasar", 0, 0, None)
    [entry] = audit_rows(db, "training_program")
    assert entry.action == "create" and json.loads(entry.details)["name"] == "Menjahit Dasar"


def test_instructor_can_be_a_user(db, staff, admin):
    detail, _ = programs.create_program(
        db, staff, program_input(instructor_user_id=staff.id, instructor_name="ignored"))
    assert detail.instructor == staff.full_name and detail.instructor_name == ""
    assert staff.id in [c.user_id for c in programs.instructor_choices(db, staff)]
    assert programs.list_programs(db, staff, text=staff.full_name.split()[0].lower())


@pytest.mark.parametrize(("overrides", "field"), [
    ({"name": "  "}, "name"),
    ({"end_date": date(2026, 11, 1)}, "end_date"),
    ({"capacity": 0}, "capacity"),
    ({"min_attendance_pct": 101}, "min_attendance_pct"),
    ({"target_hours": -1}, "target_hours"),
    ({"instructor_name": " "}, "instructor"),
])
def test_bad_program_input_is_refused_with_a_field_message(db, staff, overrides, field):
    with pytest.raises(ValidationError) as caught:
        programs.create_program(db, staff, program_input(**overrides))
    assert field in caught.value.field_errors
    with db.read() as session:
        assert session.execute(sa.select(sa.func.count(TrainingProgram.id))).scalar_one() == 0


def test_end_before_start_message_is_indonesian(db, staff):
    with pytest.raises(ValidationError) as caught:
        programs.create_program(db, staff, program_input(end_date=date(2026, 10, 1)))
    assert caught.value.field_errors["end_date"] == (
        "Tanggal selesai harus sama dengan atau setelah tanggal mulai.")


def test_update_with_optimistic_locking_and_audit_diff(db, staff, admin):
    detail, _ = programs.create_program(db, staff, program_input())
    updated, _ = programs.update_program(
        db, staff, detail.id, program_input(capacity=15, place="Aula"), detail.version)
    assert (updated.capacity, updated.place, updated.version) == (15, "Aula", detail.version + 1)
    with pytest.raises(ConflictError):
        programs.update_program(db, admin, detail.id, program_input(capacity=12), detail.version)
    details = json.loads(audit_rows(db, "training_program")[-1].details)
    assert details == {"capacity": [10, 15], "place": ["Ruang Jahit", "Aula"]}


def test_counselor_may_view_but_not_manage(db, counselor, staff):
    programs.create_program(db, staff, program_input())
    assert len(programs.list_programs(db, counselor)) == 1
    with pytest.raises(PermissionDenied):
        programs.create_program(db, counselor, program_input(name="Lain"))


def test_list_filters_and_counts(db, staff):
    make_program(db, staff)
    make_program(db, staff, name="Tata Boga", weekdays={1}, place="Dapur",
                 skill_category=SkillCategory.COOKING, status=ProgramStatus.RUNNING)
    rows = {r.name: r for r in programs.list_programs(db, staff, today=TODAY)}
    assert rows["Menjahit Dasar"].sessions == 24 and rows["Menjahit Dasar"].held == 9
    assert rows["Menjahit Dasar"].next_session == TODAY
    assert rows["Tata Boga"].next_session == date(2026, 11, 24)
    assert [r.name for r in programs.list_programs(db, staff, text="dapur")] == ["Tata Boga"]
    assert [r.name for r in programs.list_programs(db, staff, status=ProgramStatus.RUNNING)] == [
        "Tata Boga"]


def test_holidays_listed_renamed_removed_and_audited(db, staff):
    programs.save_holiday(db, staff, date(2026, 12, 25), "Natal")
    programs.save_holiday(db, staff, date(2026, 12, 25), "Hari Raya Natal")
    programs.save_holiday(db, staff, date(2027, 1, 1), "Tahun Baru")
    rows = programs.list_holidays(db, staff, first=date(2026, 12, 1), last=date(2026, 12, 31))
    assert [(r.day, r.name) for r in rows] == [(date(2026, 12, 25), "Hari Raya Natal")]
    programs.remove_holiday(db, staff, date(2027, 1, 1))
    assert len(programs.list_holidays(db, staff)) == 1
    assert [e.action for e in audit_rows(db, "holiday")] == ["create", "update", "create", "delete"]
    with pytest.raises(ValidationError):
        programs.save_holiday(db, staff, date(2027, 1, 2), "   ")


def test_attendance_rule_setting_is_admin_only(db, admin, staff):
    assert programs.get_attendance_rule(db, staff) == AttendanceRuleSetting(False, False)
    with pytest.raises(PermissionDenied):
        programs.set_attendance_rule(db, staff, AttendanceRuleSetting(True, True))
    programs.set_attendance_rule(db, admin, AttendanceRuleSetting(excused_counts=True))
    assert programs.get_attendance_rule(db, staff) == AttendanceRuleSetting(True, False)


def test_dates_cannot_shrink_past_existing_sessions(db, staff):
    pid = make_program(db, staff)
    with pytest.raises(ValidationError) as caught:
        programs.update_program(db, staff, pid, program_input(end_date=date(2026, 12, 1)))
    assert "end_date" in caught.value.field_errors
    assert programs.get_program(db, staff, pid).end_date == END
