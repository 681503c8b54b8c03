"""The counselor's lists (caseload, overdue sessions, assessments waiting), the resident
picker, and case conferences."""

from __future__ import annotations

from datetime import date

import pytest

from kesos_desktop.db.models import StageChange
from kesos_desktop.domain.enums import AssessmentDomain, CounselingStatus, Role, Stage
from kesos_desktop.domain.errors import ConflictError, PermissionDenied, ValidationError
from kesos_desktop.services import (
    assessment,
    counseling,
)
from kesos_desktop.services import (
    counseling_caseload as caseload,
)
from kesos_desktop.services import (
    counseling_conferences as conferences,
)
from kesos_desktop.services.counseling_dto import AssessmentInput, ConferenceInput
from tests.conftest import make_user
from tests.factories import admit_resident
from tests.services.test_counseling_support import TODAY, audit_rows, record_session, session_input


def test_my_caseload_and_overdue_sessions(db, admin, counselor):
    other = make_user(db, admin, "konselor2", Role.COUNSELOR)
    mine = admit_resident(db, name="Adi Fiktif", case_manager_id=counselor.id)[1]
    late = admit_resident(db, name="Bela Fiktif", case_manager_id=counselor.id)[1]
    theirs = admit_resident(db, name="Cici Fiktif", case_manager_id=other.id)[1]
    record_session(db, counselor, [mine], held_on=date(2026, 11, 10),
                   next_session_on=date(2026, 11, 30))
    record_session(db, counselor, [late], held_on=date(2026, 11, 1),
                   next_session_on=date(2026, 11, 8))
    counseling.create_session(db, other, session_input([theirs], held_on=date(2026, 11, 20),
                                                       status=CounselingStatus.PLANNED), today=TODAY)
    rows = caseload.my_caseload(db, counselor, today=TODAY)
    assert [(r.stay.name, r.last_session_on, r.next_session_on, r.overdue_days) for r in rows] == [
        ("Adi Fiktif", date(2026, 11, 10), date(2026, 11, 30), 0),
        ("Bela Fiktif", date(2026, 11, 1), date(2026, 11, 8), 15),
    ]
    everyone = caseload.overdue_sessions(db, counselor, today=TODAY)
    assert [(r.stay.name, r.overdue_days) for r in everyone] == [
        ("Bela Fiktif", 15), ("Cici Fiktif", 3)]  # a planned session not held is overdue too
    assert [r.stay.name for r in caseload.overdue_sessions(db, counselor, counselor.id, TODAY)] == [
        "Bela Fiktif"]


def test_assessment_waiting_after_n_days(db, admin, staff, counselor):
    waiting = admit_resident(db, name="Adi Fiktif", stage=Stage.ASSESSMENT,
                             admitted_on=date(2026, 10, 1))[1]
    recent = admit_resident(db, name="Bela Fiktif", stage=Stage.ASSESSMENT,
                            admitted_on=date(2026, 11, 15))[1]
    done = admit_resident(db, name="Cici Fiktif", stage=Stage.ASSESSMENT,
                          admitted_on=date(2026, 10, 1))[1]
    assessment.create_assessment(db, counselor, AssessmentInput(
        done, date(2026, 10, 3), dict.fromkeys(AssessmentDomain, 3)), today=TODAY)
    rows = caseload.assessment_overdue(db, staff, today=TODAY)
    assert [(r.stay.admission_id, r.days_waiting) for r in rows] == [(waiting, 53)]
    # the stage entered later counts from that day, not from admission
    with db.write() as session:
        session.add(StageChange(admission_id=waiting, from_stage=Stage.INTAKE,
                                to_stage=Stage.ASSESSMENT, changed_on=date(2026, 11, 20)))
    assert caseload.assessment_overdue(db, staff, today=TODAY) == []
    assert caseload.assessment_due_days(db, staff) == 14
    with pytest.raises(PermissionDenied):
        caseload.set_assessment_due_days(db, counselor, 3)
    with pytest.raises(ValidationError):
        caseload.set_assessment_due_days(db, admin, 0)
    caseload.set_assessment_due_days(db, admin, 2)
    assert {r.stay.admission_id for r in caseload.assessment_overdue(db, staff, today=TODAY)} == {
        waiting, recent}


def test_find_stays_by_name_or_number(db, staff):
    admit_resident(db, name="Siti Fiktif")
    admit_resident(db, name="Slamet Fiktif")
    assert [s.name for s in caseload.find_stays(db, staff, "sLaM")] == ["Slamet Fiktif"]
    assert len(caseload.find_stays(db, staff, "")) == 2
    assert caseload.find_stays(db, staff, "100%") == []


def test_case_conference(db, admin, staff, counselor):
    stay = admit_resident(db, name="Adi Fiktif")[1]
    row, _ = conferences.create_conference(db, counselor, ConferenceInput(
        stay, date(2026, 11, 20), "Rujuk ke RSJ; hubungi Dinsos", (counselor.id, staff.id),
        counselor.id), today=TODAY)
    assert {a.full_name for a in row.attendees} == {counselor.full_name, staff.full_name}
    seen = conferences.list_conferences(db, staff, admission_id=stay)
    assert [c.decisions for c in seen] == ["Rujuk ke RSJ; hubungi Dinsos"]
    changed, _ = conferences.update_conference(db, counselor, row.id, ConferenceInput(
        stay, date(2026, 11, 20), "Rujuk ke RSJ", (counselor.id,)), expected_version=row.version,
        today=TODAY)
    assert len(changed.attendees) == 1
    with pytest.raises(ValidationError) as error:
        conferences.create_conference(db, counselor, ConferenceInput(
            stay, date(2026, 12, 20), " ", ()), today=TODAY)
    assert set(error.value.field_errors) == {"held_on", "decisions", "attendee_ids"}
    with pytest.raises(PermissionDenied):
        conferences.create_conference(db, staff, ConferenceInput(
            stay, date(2026, 11, 20), "x", (staff.id,)), today=TODAY)
    assert audit_rows(db, "create", "case_conference")


def test_changing_only_the_attendees_moves_the_version(db, staff, counselor):
    """Otherwise a second workstation's correction would overwrite this one without a conflict."""
    stay = admit_resident(db, name="Budi Fiktif")[1]
    row, _ = conferences.create_conference(db, counselor, ConferenceInput(
        stay, date(2026, 11, 20), "Rujuk ke RSJ", (counselor.id, staff.id), counselor.id), today=TODAY)
    changed, _ = conferences.update_conference(db, counselor, row.id, ConferenceInput(
        stay, date(2026, 11, 20), "Rujuk ke RSJ", (counselor.id,), counselor.id),
        expected_version=row.version, today=TODAY)
    assert changed.version == row.version + 1
    with pytest.raises(ConflictError):
        conferences.update_conference(db, counselor, row.id, ConferenceInput(
            stay, date(2026, 11, 20), "Rujuk ke RSJ", (staff.id,), counselor.id),
            expected_version=row.version, today=TODAY)
