"""Attendance: the roll (H/I/S/A), refusals for cancelled and future sessions, the matrix with
percentages, and a resident's history."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from kesos_desktop.db.models import Admission, Attendance
from kesos_desktop.domain.enums import TerminationReason
from kesos_desktop.domain.errors import ConflictError, PermissionDenied, ValidationError
from kesos_desktop.services import training_attendance as attendance
from kesos_desktop.services import training_enrollment as enrollment
from kesos_desktop.services import training_programs as programs
from kesos_desktop.services import training_schedule as schedule
from kesos_desktop.services.training_types import AttendanceRuleSetting, Mark
from tests.factories import admit_resident
from tests.services.test_training_programs import START, TODAY, audit_rows, make_program


@pytest.fixture
def course(db, staff):
    """Menjahit Dasar (Mon/Wed/Fri from 2 Nov) with Ani, Budi, Citra enrolled from the start."""
    pid = make_program(db, staff)
    people = {}
    for name in ("Ani Fiktif", "Budi Fiktif", "Citra Fiktif"):
        rid, aid = admit_resident(db, name)
        eid, _ = enrollment.enroll(db, staff, pid, aid, enrolled_on=START, today=TODAY)
        people[name.split()[0]] = (rid, aid, eid)
    sessions = schedule.list_sessions(db, staff, pid)
    return pid, people, sessions


def marks_count(db) -> int:
    with db.read() as session:
        return session.execute(sa.select(sa.func.count()).select_from(Attendance)).scalar_one()


def test_take_a_roll_and_change_it(db, staff, course):
    pid, people, sessions = course
    first = sessions[0]
    roll = attendance.get_roll(db, staff, first.id, today=TODAY)
    assert roll.can_record and [e.name for e in roll.entries] == [
        "Ani Fiktif", "Budi Fiktif", "Citra Fiktif"]
    assert all(e.code is None for e in roll.entries)
    ani, budi, citra = (people[n][2] for n in ("Ani", "Budi", "Citra"))
    counts, changes = attendance.record_attendance(
        db, staff, first.id, [Mark(ani, "H"), Mark(budi, "S", "demam"), Mark(citra, "A")],
        roll.session.version, today=TODAY)
    assert counts == {"H": 1, "I": 0, "S": 1, "A": 1} and "attendance" in changes.entities
    again = attendance.get_roll(db, staff, first.id, today=TODAY)
    assert [(e.code, e.note) for e in again.entries] == [("H", ""), ("S", "demam"), ("A", "")]
    assert again.session.version == roll.session.version + 1 and again.session.recorded == 3
    # clearing a mark and changing another
    attendance.record_attendance(db, staff, first.id, [Mark(citra, None), Mark(budi, "I")],
                                 again.session.version, today=TODAY)
    codes = [e.code for e in attendance.get_roll(db, staff, first.id, today=TODAY).entries]
    assert codes == ["H", "I", None]
    details = json.loads(audit_rows(db, "attendance")[-1].details)
    assert details["changed"] == 2


def test_two_people_taking_the_same_roll_do_not_overwrite_silently(db, staff, admin, course):
    _pid, people, sessions = course
    roll = attendance.get_roll(db, staff, sessions[0].id, today=TODAY)
    ani = people["Ani"][2]
    attendance.record_attendance(db, staff, sessions[0].id, [Mark(ani, "H")], roll.session.version,
                                 today=TODAY)
    with pytest.raises(ConflictError):
        attendance.record_attendance(db, admin, sessions[0].id, [Mark(ani, "A")],
                                     roll.session.version, today=TODAY)


def test_cancelled_and_future_sessions_refuse_attendance(db, staff, course):
    _pid, people, sessions = course
    ani = people["Ani"][2]
    schedule.cancel_session(db, staff, sessions[1].id, "Listrik padam")
    roll = attendance.get_roll(db, staff, sessions[1].id, today=TODAY)
    assert not roll.can_record and "dibatalkan" in roll.reason
    with pytest.raises(ValidationError) as caught:
        attendance.record_attendance(db, staff, sessions[1].id, [Mark(ani, "H")], today=TODAY)
    assert "dibatalkan" in str(caught.value)
    future = next(s for s in sessions if s.day > TODAY)
    with pytest.raises(ValidationError) as caught:
        attendance.record_attendance(db, staff, future.id, [Mark(ani, "H")], today=TODAY)
    assert future.day.strftime("%d/%m/%Y") in str(caught.value)
    today_session = next(s for s in sessions if s.day == TODAY)
    attendance.record_attendance(db, staff, today_session.id, [Mark(ani, "H")], today=TODAY)
    assert marks_count(db) == 1


def test_a_bad_mark_saves_nothing_of_the_roll(db, staff, course):
    _pid, people, sessions = course
    ani, budi = people["Ani"][2], people["Budi"][2]
    with pytest.raises(ValidationError):
        attendance.record_attendance(db, staff, sessions[0].id, [Mark(ani, "H"), Mark(budi, "X")],
                                     today=TODAY)
    with pytest.raises(ValidationError):
        attendance.record_attendance(db, staff, sessions[0].id, [Mark(ani, "H"), Mark(9999, "H")],
                                     today=TODAY)
    assert marks_count(db) == 0


def test_counselor_records_attendance_but_cannot_schedule(db, counselor, course):
    _pid, people, sessions = course
    attendance.record_attendance(db, counselor, sessions[0].id, [Mark(people["Ani"][2], "H")],
                                 today=TODAY)
    with pytest.raises(PermissionDenied):
        schedule.cancel_session(db, counselor, sessions[1].id, "x")


def test_roll_follows_enrollment_dates_stops_and_departures(db, staff, course):
    pid, people, sessions = course
    late_rid, late_aid = admit_resident(db, "Dewi Fiktif")
    enrollment.enroll(db, staff, pid, late_aid, enrolled_on=date(2026, 11, 16), today=TODAY)
    enrollment.stop_enrollment(db, staff, people["Citra"][2], "Pulang kampung")
    with db.write() as session:
        admission = session.get(Admission, people["Budi"][1])
        admission.terminated_on = date(2026, 11, 10)
        admission.termination_reason = TerminationReason.REUNIFIED
    names = lambda sid: [e.name.split()[0] for e in attendance.get_roll(  # noqa: E731
        db, staff, sid, today=TODAY).entries]
    first = sessions[0]  # Mon 2 Nov
    assert names(first.id) == ["Ani", "Budi"]  # Dewi not yet enrolled, Citra stopped
    assert names(next(s.id for s in sessions if s.day == date(2026, 11, 18))) == ["Ani", "Dewi"]


def matrix_by_name(db, actor, pid, today=TODAY):
    matrix = attendance.attendance_matrix(db, actor, pid, today=today)
    return matrix, {r.name.split()[0]: r for r in matrix.rows}


def test_matrix_and_percentages_with_the_i_s_rule(db, staff, admin, course):
    pid, people, sessions = course
    ani, budi, citra = (people[n][2] for n in ("Ani", "Budi", "Citra"))
    past = [s for s in sessions if s.day < TODAY]  # 9 sessions, 2..20 Nov
    assert len(past) == 9
    schedule.cancel_session(db, staff, past[8].id, "Libur mendadak")
    plan = {  # 8 held sessions
        ani: "HHHHHHHA", budi: "HHHHHHIS", citra: "HHHHHAA",  # Citra: one never recorded
    }
    for index, s in enumerate(past[:8]):
        marks = [Mark(eid, codes[index]) for eid, codes in plan.items() if index < len(codes)]
        attendance.record_attendance(db, staff, s.id, marks, today=TODAY)
    matrix, rows = matrix_by_name(db, staff, pid)
    assert len(matrix.sessions) == 24 and matrix.min_attendance_pct == 80
    assert [s.held for s in matrix.sessions].count(True) == 8
    assert matrix.sessions[8].cancelled and not matrix.sessions[8].held
    assert rows["Ani"].codes[:9] == tuple("HHHHHHHA") + (None,)
    assert (rows["Ani"].held, rows["Ani"].attended, rows["Ani"].percentage) == (8, 7, 87.5)
    assert rows["Ani"].meets_minimum
    assert rows["Budi"].percentage == 75.0 and not rows["Budi"].meets_minimum
    assert rows["Citra"].percentage == 62.5  # 5 of 8; the unrecorded session counts as absent
    # today's session counts once its roll is taken
    today_session = next(s for s in sessions if s.day == TODAY)
    attendance.record_attendance(db, staff, today_session.id, [Mark(ani, "H")], today=TODAY)
    _m, rows = matrix_by_name(db, staff, pid)
    assert (rows["Ani"].held, rows["Ani"].attended) == (9, 8)
    assert rows["Budi"].held == 9  # on the roll but not marked: not attended
    # the facility decides that izin and sakit count
    programs.set_attendance_rule(db, admin, AttendanceRuleSetting(excused_counts=True,
                                                                  sick_counts=True))
    matrix, rows = matrix_by_name(db, staff, pid)
    assert matrix.counted_codes == {"H", "I", "S"}
    assert rows["Budi"].attended == 8 and rows["Budi"].percentage == pytest.approx(88.9, 0.01)


def test_late_enrollment_only_counts_sessions_from_its_date(db, staff, course):
    pid, people, sessions = course
    _rid, aid = admit_resident(db, "Dewi Fiktif")
    dewi, _ = enrollment.enroll(db, staff, pid, aid, enrolled_on=date(2026, 11, 16), today=TODAY)
    for s in sessions:
        if date(2026, 11, 16) <= s.day < TODAY:
            attendance.record_attendance(db, staff, s.id, [Mark(dewi, "H")], today=TODAY)
    _m, rows = matrix_by_name(db, staff, pid)
    assert (rows["Dewi"].held, rows["Dewi"].percentage) == (3, 100.0)


def test_resident_history(db, staff, course):
    _pid, people, sessions = course
    rid, _aid, ani = people["Ani"]
    attendance.record_attendance(db, staff, sessions[0].id, [Mark(ani, "H")], today=TODAY)
    attendance.record_attendance(db, staff, sessions[1].id, [Mark(ani, "S", "flu")], today=TODAY)
    rows = attendance.resident_attendance(db, staff, rid, today=TODAY)
    assert len(rows) == 10  # every session up to today while enrolled
    assert rows[0].day == TODAY and rows[0].code is None
    assert (rows[-1].code, rows[-2].code, rows[-2].note) == ("H", "S", "flu")
    assert rows[-1].program_name == "Menjahit Dasar"
