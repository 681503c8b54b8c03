"""Generating sessions from a rule (holidays skipped), editing single occurrences, and the
conflicts shown before saving: same instructor, same place, a resident booked twice."""

from __future__ import annotations

import json
from datetime import date, time

import pytest
import sqlalchemy as sa

from kesos_desktop.db.models import TrainingSession
from kesos_desktop.domain.enums import TrainingSessionStatus
from kesos_desktop.domain.errors import ConflictError, ValidationError
from kesos_desktop.domain.schedule import ConflictKind
from kesos_desktop.services import training_attendance as attendance
from kesos_desktop.services import training_enrollment as enrollment
from kesos_desktop.services import training_programs as programs
from kesos_desktop.services import training_schedule as schedule
from kesos_desktop.services.training_types import Mark, SessionInput
from tests.factories import admit_resident
from tests.services.test_training_programs import (
    END,
    MWF,
    START,
    TODAY,
    audit_rows,
    make_program,
    program_input,
)

NINE, ELEVEN = time(9), time(11)


def session_days(db, program_id, status=None) -> list[date]:
    with db.read() as s:
        query = sa.select(TrainingSession.day).where(TrainingSession.program_id == program_id)
        if status is not None:
            query = query.where(TrainingSession.status == status)
        return list(s.execute(query.order_by(TrainingSession.day)).scalars())


def new_program(db, actor, **overrides) -> int:
    detail, _ = programs.create_program(db, actor, program_input(**overrides))
    return detail.id


def test_eight_weeks_mon_wed_fri_with_holidays_skipped(db, staff):
    programs.save_holiday(db, staff, date(2026, 12, 25), "Natal")
    programs.save_holiday(db, staff, date(2026, 11, 24), "Selasa libur")  # not a session day
    pid = new_program(db, staff)
    preview = schedule.preview_schedule(db, staff, pid, MWF, NINE, ELEVEN, START, END)
    assert len(preview.slots) == 23 and preview.skipped_holidays == ((date(2026, 12, 25), "Natal"),)
    assert preview.conflicts == () and preview.replaced == 0
    assert session_days(db, pid) == []  # a preview saves nothing
    created, changes = schedule.generate_sessions(db, staff, pid, MWF, NINE, ELEVEN, START, END)
    assert created == 23 and "training_session" in changes.entities
    days = session_days(db, pid)
    assert len(days) == 23 and date(2026, 12, 25) not in days
    detail = programs.get_program(db, staff, pid)
    assert detail.rule_weekdays == frozenset(MWF) and detail.rule_start_time == NINE
    entry = json.loads(audit_rows(db, "training_program")[-1].details)
    assert entry["created"] == 23 and entry["skipped_holidays"] == ["2026-12-25"]


@pytest.mark.parametrize(("args", "field"), [
    ((MWF, ELEVEN, NINE, START, END), "end_time"),
    ((set(), NINE, ELEVEN, START, END), "weekdays"),
    ((MWF, NINE, ELEVEN, END, START), "last_day"),
    ((MWF, NINE, ELEVEN, date(2026, 10, 1), END), "first_day"),
    ((MWF, NINE, ELEVEN, START, date(2027, 1, 31)), "last_day"),
])
def test_bad_rules_save_nothing(db, staff, args, field):
    pid = new_program(db, staff)
    with pytest.raises(ValidationError) as caught:
        schedule.generate_sessions(db, staff, pid, *args)
    assert field in caught.value.field_errors
    assert session_days(db, pid) == []


def test_a_rule_producing_no_sessions_is_refused_in_indonesian(db, staff):
    pid = new_program(db, staff, start_date=date(2026, 11, 2), end_date=date(2026, 11, 6))
    with pytest.raises(ValidationError) as caught:
        schedule.generate_sessions(db, staff, pid, {5, 6}, NINE, ELEVEN, date(2026, 11, 2),
                                   date(2026, 11, 6))
    assert "tidak menghasilkan sesi" in str(caught.value)
    programs.save_holiday(db, staff, date(2026, 11, 4), "Libur")
    with pytest.raises(ValidationError) as caught:
        schedule.generate_sessions(db, staff, pid, {2}, NINE, ELEVEN, date(2026, 11, 2),
                                   date(2026, 11, 6))
    assert "hari libur" in str(caught.value)
    assert session_days(db, pid) == []


def test_regenerating_keeps_held_cancelled_and_extra_sessions(db, staff):
    pid = make_program(db, staff)
    _rid, aid = admit_resident(db, "Budi Fiktif")
    eid, _ = enrollment.enroll(db, staff, pid, aid, enrolled_on=START, today=TODAY)
    first = schedule.list_sessions(db, staff, pid)
    held, cancelled = first[0], first[1]
    attendance.record_attendance(db, staff, held.id, [Mark(eid, "H")], today=TODAY)
    schedule.cancel_session(db, staff, cancelled.id, "Instruktur sakit")
    extra, _ = schedule.add_session(db, staff, pid, SessionInput(date(2026, 11, 7), NINE, ELEVEN),
                                    allow_conflicts=True)
    preview = schedule.preview_schedule(db, staff, pid, {1, 3}, time(13), time(15), START, END)
    assert preview.replaced == 22 and preview.kept == 3
    schedule.generate_sessions(db, staff, pid, {1, 3}, time(13), time(15), START, END)
    rows = schedule.list_sessions(db, staff, pid)
    ids = {r.id for r in rows}
    assert {held.id, cancelled.id, extra.id} <= ids
    regular = [r for r in rows if not r.is_extra and r.id not in (held.id, cancelled.id)]
    assert {r.day.weekday() for r in regular} == {1, 3}
    assert all(r.start_time == time(13) for r in regular)


def test_conflicts_same_instructor_same_place_and_resident(db, staff):
    _r1, budi = admit_resident(db, "Budi Fiktif")
    _r2, siti = admit_resident(db, "Siti Fiktif")
    sewing = make_program(db, staff, instructor_name="Ibu Ani", place="Ruang Jahit")
    enrollment.enroll(db, staff, sewing, budi, enrolled_on=START, today=TODAY)
    cooking = new_program(db, staff, name="Tata Boga", instructor_name="Pak Budi", place="Dapur")
    enrollment.enroll(db, staff, cooking, budi, enrolled_on=START, today=TODAY)
    enrollment.enroll(db, staff, cooking, siti, enrolled_on=START, today=TODAY)
    # Tata Boga on Mondays 10-12: overlaps Menjahit (Mon 9-11) through Budi only
    preview = schedule.preview_schedule(db, staff, cooking, {0}, time(10), time(12), START, END)
    kinds = {c.kind for c in preview.conflicts}
    assert kinds == {ConflictKind.RESIDENT}
    assert len(preview.conflicts) == 8
    assert "Budi Fiktif" in preview.conflict_lines[0] and "Siti" not in preview.conflict_lines[0]
    with pytest.raises(ValidationError):
        schedule.generate_sessions(db, staff, cooking, {0}, time(10), time(12), START, END)
    assert session_days(db, cooking) == []
    # with the user's go-ahead it saves
    created, _ = schedule.generate_sessions(db, staff, cooking, {0}, time(10), time(12), START,
                                            END, allow_conflicts=True)
    assert created == 8
    # a third program with the same instructor as Menjahit, in the same room
    third = new_program(db, staff, name="Bordir", instructor_name=" ibu  ani ", place="ruang jahit")
    check = schedule.check_session(db, staff, third, SessionInput(date(2026, 11, 25), time(10),
                                                                  time(12)))
    assert {c.kind for c in check.conflicts} == {ConflictKind.INSTRUCTOR, ConflictKind.PLACE}
    assert all("Menjahit Dasar" in line for line in check.conflict_lines)
    # the place can be overridden per session: then only the instructor conflicts
    check = schedule.check_session(db, staff, third, SessionInput(date(2026, 11, 25), time(10),
                                                                  time(12), place="Aula"))
    assert {c.kind for c in check.conflicts} == {ConflictKind.INSTRUCTOR}
    # touching times do not conflict
    check = schedule.check_session(db, staff, third, SessionInput(date(2026, 11, 25), ELEVEN,
                                                                  time(12)))
    assert check.conflicts == ()


def test_cancelled_sessions_do_not_conflict(db, staff):
    pid = make_program(db, staff, weekdays={2})
    [first, *_rest] = schedule.list_sessions(db, staff, pid)
    other = new_program(db, staff, name="Lain", place="Ruang Jahit", instructor_name="X")
    data = SessionInput(first.day, NINE, ELEVEN)
    assert schedule.check_session(db, staff, other, data).conflicts
    schedule.cancel_session(db, staff, first.id, "Banjir", first.version)
    assert schedule.check_session(db, staff, other, data).conflicts == ()


def test_extra_session_edit_cancel_reinstate(db, staff, admin):
    pid = make_program(db, staff)
    row, _ = schedule.add_session(db, staff, pid, SessionInput(date(2026, 11, 28), time(8),
                                  time(10), place="Aula", topic="Ujian praktik"))
    assert row.is_extra and row.place == "Aula" and row.topic == "Ujian praktik"
    moved, _ = schedule.update_session(db, staff, row.id, SessionInput(date(2026, 11, 29), time(8),
                                       time(10)), row.version, today=TODAY)
    assert moved.day == date(2026, 11, 29) and moved.place == "Ruang Jahit"
    with pytest.raises(ConflictError):
        schedule.update_session(db, admin, row.id, SessionInput(date(2026, 11, 30), time(13),
                                time(14)), row.version, today=TODAY)
    with pytest.raises(ValidationError):
        schedule.cancel_session(db, staff, row.id, "  ", moved.version)
    schedule.cancel_session(db, staff, row.id, "Hujan", moved.version)
    assert schedule.get_session(db, staff, row.id).status == TrainingSessionStatus.CANCELLED
    schedule.reinstate_session(db, staff, row.id)
    back = schedule.get_session(db, staff, row.id)
    assert back.status == TrainingSessionStatus.SCHEDULED and back.cancel_reason == ""
    assert [e.action for e in audit_rows(db, "training_session")] == [
        "create", "update", "cancel", "reinstate"]


def test_single_session_bad_input(db, staff):
    pid = make_program(db, staff)
    with pytest.raises(ValidationError) as caught:
        schedule.add_session(db, staff, pid, SessionInput(date(2027, 2, 1), NINE, ELEVEN))
    assert "day" in caught.value.field_errors
    with pytest.raises(ValidationError) as caught:
        schedule.add_session(db, staff, pid, SessionInput(date(2026, 11, 28), ELEVEN, NINE))
    assert "end_time" in caught.value.field_errors
    # a holiday is a warning that has to be accepted
    programs.save_holiday(db, staff, date(2026, 11, 28), "Hari Guru")
    with pytest.raises(ValidationError) as caught:
        schedule.add_session(db, staff, pid, SessionInput(date(2026, 11, 28), NINE, ELEVEN))
    assert "Hari Guru" in str(caught.value)
    schedule.add_session(db, staff, pid, SessionInput(date(2026, 11, 28), NINE, ELEVEN),
                         allow_conflicts=True)


def test_a_session_with_attendance_cannot_be_cancelled_or_moved_ahead(db, staff):
    pid = make_program(db, staff)
    _rid, aid = admit_resident(db)
    eid, _ = enrollment.enroll(db, staff, pid, aid, enrolled_on=START, today=TODAY)
    first = schedule.list_sessions(db, staff, pid)[0]
    attendance.record_attendance(db, staff, first.id, [Mark(eid, "H")], today=TODAY)
    with pytest.raises(ValidationError):
        schedule.cancel_session(db, staff, first.id, "Salah")
    with pytest.raises(ValidationError):
        schedule.update_session(db, staff, first.id, SessionInput(date(2026, 11, 30), NINE,
                                                                  ELEVEN), today=TODAY)


def test_new_holiday_can_cancel_that_days_sessions(db, staff):
    pid = make_program(db, staff)
    cancelled, changes = programs.save_holiday(db, staff, date(2026, 11, 25), "Hari Guru",
                                               cancel_sessions=True)
    assert cancelled == 1 and "training_session" in changes.entities
    assert session_days(db, pid, TrainingSessionStatus.CANCELLED) == [date(2026, 11, 25)]
    row = [r for r in schedule.list_sessions(db, staff, pid) if r.cancelled][0]
    assert row.cancel_reason == "Hari Guru"


def test_today_and_week_views(db, staff):
    a = make_program(db, staff)
    make_program(db, staff, name="Tata Boga", weekdays={0}, start=time(13), end=time(15),
                 place="Dapur", instructor_name="Pak Koki")
    _rid, aid = admit_resident(db)
    enrollment.enroll(db, staff, a, aid, enrolled_on=START, today=TODAY)
    today = schedule.sessions_on(db, staff, TODAY)
    assert [(r.program_name, r.start_time, r.enrolled) for r in today] == [
        ("Menjahit Dasar", NINE, 1), ("Tata Boga", time(13), 0)]
    week = schedule.sessions_between(db, staff, TODAY, date(2026, 11, 29))
    assert len(week) == 4
    assert len(schedule.sessions_between(db, staff, TODAY, date(2026, 11, 29), program_id=a)) == 3
