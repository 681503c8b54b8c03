"""Completion: attendance rule + competent => completed with a unique certificate number;
the certificate data seam for the PDF."""

from __future__ import annotations

from datetime import date

import pytest

from kesos_desktop.domain.enums import EnrollmentStatus
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.services import training_attendance as attendance
from kesos_desktop.services import training_completion as completion
from kesos_desktop.services import training_enrollment as enrollment
from kesos_desktop.services import training_schedule as schedule
from kesos_desktop.services.training_types import Mark
from tests.factories import admit_resident
from tests.services.test_training_programs import START, TODAY, audit_rows, make_program


@pytest.fixture
def class_of_three(db, staff):
    pid = make_program(db, staff)
    eids = {}
    for name in ("Ani", "Budi", "Citra"):
        _rid, aid = admit_resident(db, f"{name} Fiktif")
        eids[name], _ = enrollment.enroll(db, staff, pid, aid, enrolled_on=START, today=TODAY)
    past = [s for s in schedule.list_sessions(db, staff, pid) if s.day < TODAY][:5]
    plan = {"Ani": "HHHHH", "Budi": "HHHHA", "Citra": "HHHAA"}  # 100%, 80%, 60% of 5 held
    for index, s in enumerate(past):
        attendance.record_attendance(
            db, staff, s.id, [Mark(eids[n], codes[index]) for n, codes in plan.items()],
            today=TODAY)
    for s in [s for s in schedule.list_sessions(db, staff, pid) if s.day < TODAY][5:]:
        schedule.cancel_session(db, staff, s.id, "Instruktur cuti")
    return pid, eids


def test_eligibility_lists_the_reasons(db, staff, class_of_three):
    pid, eids = class_of_three
    enrollment.set_competent(db, staff, eids["Ani"], True)
    enrollment.set_competent(db, staff, eids["Citra"], True)
    checks = {c.name.split()[0]: c for c in completion.completion_checks(db, staff, pid, today=TODAY)}
    assert checks["Ani"].eligible and checks["Ani"].reasons == ()
    assert not checks["Budi"].eligible and checks["Budi"].percentage == 80.0
    assert checks["Budi"].reasons == ("Belum dinyatakan kompeten oleh instruktur.",)
    assert not checks["Citra"].eligible
    assert "60%" in checks["Citra"].reasons[0] and "80%" in checks["Citra"].reasons[0]


def test_complete_issues_unique_certificate_numbers(db, staff, class_of_three):
    pid, eids = class_of_three
    for name in ("Ani", "Budi"):
        enrollment.set_competent(db, staff, eids[name], True)
    first, changes = completion.complete(db, staff, eids["Ani"], today=TODAY)
    second, _ = completion.complete(db, staff, eids["Budi"], today=TODAY)
    assert (first, second) == ("SERT/2026/0001", "SERT/2026/0002")
    assert "enrollment" in changes.entities
    rows = {r.name.split()[0]: r for r in enrollment.list_enrollments(db, staff, pid, today=TODAY)}
    assert rows["Ani"].status == EnrollmentStatus.COMPLETED and rows["Ani"].completed_on == TODAY
    assert rows["Ani"].certificate_no == "SERT/2026/0001"
    with pytest.raises(ValidationError):  # completing twice
        completion.complete(db, staff, eids["Ani"], today=TODAY)
    with pytest.raises(ValidationError):  # competence is frozen once certified
        enrollment.set_competent(db, staff, eids["Ani"], False)
    assert [e.action for e in audit_rows(db, "enrollment")][-2:] == ["complete", "complete"]


def test_not_eligible_saves_nothing_and_says_why(db, staff, class_of_three):
    pid, eids = class_of_three
    enrollment.set_competent(db, staff, eids["Citra"], True)
    with pytest.raises(ValidationError) as caught:
        completion.complete(db, staff, eids["Citra"], today=TODAY)
    assert "Citra Fiktif" in str(caught.value) and "60%" in str(caught.value)
    with pytest.raises(ValidationError):
        completion.complete(db, staff, eids["Budi"], today=TODAY)  # not marked competent
    rows = enrollment.list_enrollments(db, staff, pid, today=TODAY)
    assert all(r.status == EnrollmentStatus.ACTIVE and not r.certificate_no for r in rows)


def test_certificate_data_seam(db, staff, class_of_three):
    _pid, eids = class_of_three
    with pytest.raises(ValidationError):
        completion.certificate_data(db, staff, eids["Ani"])
    enrollment.set_competent(db, staff, eids["Ani"], True)
    number, _ = completion.complete(db, staff, eids["Ani"], completed_on=date(2026, 11, 20),
                                    today=TODAY)
    data = completion.certificate_data(db, staff, eids["Ani"])
    assert data.certificate_no == number and data.resident_name == "Ani Fiktif"
    assert data.program_name == "Menjahit Dasar" and data.instructor == "Ibu Ani Fiktif"
    assert data.hours_attended == 10.0 and data.attendance_pct == 100.0
    assert data.completed_on == date(2026, 11, 20)
    assert data.facility_name.startswith("UPT") and data.head_nip == "197001012000031001"


def test_completion_date_must_be_sensible(db, staff, class_of_three):
    _pid, eids = class_of_three
    enrollment.set_competent(db, staff, eids["Ani"], True)
    with pytest.raises(ValidationError):
        completion.complete(db, staff, eids["Ani"], completed_on=date(2026, 12, 1), today=TODAY)
    with pytest.raises(ValidationError):
        completion.complete(db, staff, eids["Ani"], completed_on=date(2026, 10, 1), today=TODAY)
