"""Enrollment: current stays only, capacity, stop with a reason, re-enroll, conflicts with the
resident's other trainings, and the trainings listed in a resident's file."""

from __future__ import annotations

from datetime import date, time

import pytest
import sqlalchemy as sa

from kesos_desktop.db.models import Admission, Enrollment
from kesos_desktop.domain.enums import EnrollmentStatus, ProgramStatus, TerminationReason
from kesos_desktop.domain.errors import ConflictError, PermissionDenied, ValidationError
from kesos_desktop.services import training_enrollment as enrollment
from kesos_desktop.services import training_programs as programs
from tests.factories import add_room, admit_resident
from tests.services.test_training_programs import START, TODAY, audit_rows, make_program


def leave(db, admission_id, day=date(2026, 11, 20)) -> None:
    with db.write() as session:
        admission = session.get(Admission, admission_id)
        admission.terminated_on = day
        admission.termination_reason = TerminationReason.REUNIFIED


def count_enrollments(db) -> int:
    with db.read() as session:
        return session.execute(sa.select(sa.func.count(Enrollment.id))).scalar_one()


def test_enrollable_admissions_are_current_stays_found_by_name(db, staff):
    room = add_room(db, "Melati")
    _r, budi = admit_resident(db, "Budi Santoso Fiktif", room_id=room)
    _r, bunga = admit_resident(db, "Bunga Fiktif")
    _r, gone = admit_resident(db, "Budiman Fiktif")
    leave(db, gone)
    found = enrollment.enrollable_admissions(db, staff, "bud", limit=10)
    assert [(c.admission_id, c.room) for c in found] == [(budi, "Melati")]
    assert {c.admission_id for c in enrollment.enrollable_admissions(db, staff, "")} == {budi, bunga}
    pid = make_program(db, staff, weekdays=None)
    enrollment.enroll(db, staff, pid, budi, enrolled_on=START, today=TODAY)
    marked = {c.admission_id: c.enrolled_here
              for c in enrollment.enrollable_admissions(db, staff, "", program_id=pid)}
    assert marked == {budi: True, bunga: False}


def test_enroll_list_and_audit(db, staff):
    pid = make_program(db, staff)
    _r, aid = admit_resident(db, "Budi Fiktif")
    eid, changes = enrollment.enroll(db, staff, pid, aid, enrolled_on=START, today=TODAY)
    assert "enrollment" in changes.entities
    [row] = enrollment.list_enrollments(db, staff, pid, today=TODAY)
    assert (row.id, row.name, row.status, row.held, row.attended) == (
        eid, "Budi Fiktif", EnrollmentStatus.ACTIVE, 9, 0)
    assert row.percentage == 0.0 and not row.meets_minimum
    assert [e.action for e in audit_rows(db, "enrollment")] == ["create"]
    assert programs.get_program(db, staff, pid).enrolled == 1


def test_enrolling_a_resident_who_has_left_is_refused(db, staff):
    pid = make_program(db, staff)
    _r, aid = admit_resident(db, "Budi Fiktif")
    leave(db, aid)
    with pytest.raises(ValidationError) as caught:
        enrollment.enroll(db, staff, pid, aid, today=TODAY)
    assert "Budi Fiktif" in str(caught.value) and "20/11/2026" in str(caught.value)
    assert "keluar" in str(caught.value).lower()
    assert count_enrollments(db) == 0


def test_capacity_is_respected_and_stopping_frees_a_place(db, staff):
    pid = make_program(db, staff, capacity=2)
    ids = [admit_resident(db, f"Peserta {n} Fiktif")[1] for n in range(3)]
    first, _ = enrollment.enroll(db, staff, pid, ids[0], enrolled_on=START, today=TODAY)
    enrollment.enroll(db, staff, pid, ids[1], enrolled_on=START, today=TODAY)
    with pytest.raises(ValidationError) as caught:
        enrollment.enroll(db, staff, pid, ids[2], enrolled_on=START, today=TODAY)
    assert "penuh" in str(caught.value) and "2" in str(caught.value)
    assert count_enrollments(db) == 2
    with pytest.raises(ValidationError):
        enrollment.stop_enrollment(db, staff, first, "   ")
    enrollment.stop_enrollment(db, staff, first, "Pindah ke program lain")
    enrollment.enroll(db, staff, pid, ids[2], enrolled_on=START, today=TODAY)
    rows = {r.admission_id: r for r in enrollment.list_enrollments(db, staff, pid, today=TODAY)}
    assert rows[ids[0]].status == EnrollmentStatus.STOPPED
    assert rows[ids[0]].stop_reason == "Pindah ke program lain"


def test_capacity_cannot_drop_below_the_enrolled(db, staff):
    from tests.services.test_training_programs import program_input

    pid = make_program(db, staff, weekdays=None, capacity=3)
    for _n in range(2):
        enrollment.enroll(db, staff, pid, admit_resident(db)[1], enrolled_on=START, today=TODAY)
    with pytest.raises(ValidationError) as caught:
        programs.update_program(db, staff, pid, program_input(capacity=1))
    assert "capacity" in caught.value.field_errors


def test_twice_in_the_same_program_is_refused_but_a_stopped_one_can_return(db, staff):
    pid = make_program(db, staff)
    _r, aid = admit_resident(db, "Budi Fiktif")
    eid, _ = enrollment.enroll(db, staff, pid, aid, enrolled_on=START, today=TODAY)
    with pytest.raises(ValidationError):
        enrollment.enroll(db, staff, pid, aid, today=TODAY)
    enrollment.stop_enrollment(db, staff, eid, "Sakit lama")
    again, _ = enrollment.enroll(db, staff, pid, aid, enrolled_on=TODAY, today=TODAY)
    assert again == eid
    [row] = enrollment.list_enrollments(db, staff, pid, today=TODAY)
    assert row.status == EnrollmentStatus.ACTIVE and row.stop_reason == "" and row.held == 0
    assert [e.action for e in audit_rows(db, "enrollment")] == ["create", "stop", "reenroll"]


def test_finished_or_cancelled_program_takes_no_one(db, staff):
    pid = make_program(db, staff, weekdays=None, status=ProgramStatus.CANCELLED)
    with pytest.raises(ValidationError):
        enrollment.enroll(db, staff, pid, admit_resident(db)[1], today=TODAY)


def test_enrollment_warns_about_the_residents_other_trainings(db, staff):
    _r, aid = admit_resident(db, "Budi Fiktif")
    sewing = make_program(db, staff)  # Mon/Wed/Fri 9-11
    cooking = make_program(db, staff, name="Tata Boga", weekdays={0}, start=time(10),
                           end=time(12), place="Dapur", instructor_name="Pak Koki")
    enrollment.enroll(db, staff, sewing, aid, enrolled_on=START, today=TODAY)
    check = enrollment.enrollment_conflicts(db, staff, cooking, aid, today=TODAY)
    assert len(check.conflicts) == 5  # Mondays 23 Nov .. 21 Dec
    assert "Menjahit Dasar" in check.conflict_lines[0]
    with pytest.raises(ValidationError):
        enrollment.enroll(db, staff, cooking, aid, today=TODAY)
    assert count_enrollments(db) == 1
    enrollment.enroll(db, staff, cooking, aid, today=TODAY, allow_conflicts=True)
    assert count_enrollments(db) == 2


def test_competence_is_versioned_and_audited(db, staff, admin, counselor):
    pid = make_program(db, staff)
    eid, _ = enrollment.enroll(db, staff, pid, admit_resident(db)[1], enrolled_on=START,
                               today=TODAY)
    [row] = enrollment.list_enrollments(db, staff, pid, today=TODAY)
    enrollment.set_competent(db, staff, eid, True, row.version)
    with pytest.raises(ConflictError):
        enrollment.set_competent(db, admin, eid, False, row.version)
    with pytest.raises(PermissionDenied):
        enrollment.set_competent(db, counselor, eid, False)
    assert enrollment.list_enrollments(db, staff, pid, today=TODAY)[0].competent is True


def test_resident_file_lists_trainings_over_stays(db, staff):
    rid, aid = admit_resident(db, "Budi Fiktif")
    a = make_program(db, staff)
    b = make_program(db, staff, name="Tata Boga", weekdays=None, start_date=date(2026, 12, 1))
    enrollment.enroll(db, staff, a, aid, enrolled_on=START, today=TODAY)
    eid, _ = enrollment.enroll(db, staff, b, aid, enrolled_on=TODAY, today=TODAY)
    enrollment.stop_enrollment(db, staff, eid, "Jadwal bentrok")
    rows = enrollment.resident_trainings(db, staff, rid, today=TODAY)
    assert [(r.program_name, r.status, r.stop_reason) for r in rows] == [
        ("Tata Boga", EnrollmentStatus.STOPPED, "Jadwal bentrok"),
        ("Menjahit Dasar", EnrollmentStatus.ACTIVE, ""),
    ]
    assert rows[1].percentage == 0.0


def test_trainings_on_the_resident_timeline(db, staff):
    from kesos_desktop.services import timeline

    rid, aid = admit_resident(db, "Budi Fiktif")
    a = make_program(db, staff, weekdays=None)
    b = make_program(db, staff, name="Tata Boga", weekdays=None)
    enrollment.enroll(db, staff, a, aid, enrolled_on=START, today=TODAY)
    eid, _ = enrollment.enroll(db, staff, b, aid, enrolled_on=START, today=TODAY)
    enrollment.stop_enrollment(db, staff, eid, "Jadwal bentrok")
    titles = [(e.title, e.detail) for e in timeline.timeline(db, staff, rid) if e.kind == "training"]
    assert ("Berhenti pelatihan: Tata Boga", "Jadwal bentrok") in titles
    assert ("Terdaftar di pelatihan: Menjahit Dasar", "Menjahit") in titles


def test_current_stay_for_enrolling_from_the_resident_file(db, staff):
    rid, aid = admit_resident(db, "Budi Fiktif")
    assert enrollment.current_stay(db, staff, rid) == aid
    leave(db, aid)
    assert enrollment.current_stay(db, staff, rid) is None
