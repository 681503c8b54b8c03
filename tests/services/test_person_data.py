"""UU PDP: access requests, retention and anonymisation, consent status."""

from __future__ import annotations

import io
import json
from datetime import date, time

import openpyxl
import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from kesos_desktop import paths
from kesos_desktop.db.models import (
    Admission,
    Assessment,
    AssessmentScore,
    Attachment,
    Attendance,
    AuditEntry,
    Consent,
    CounselingSession,
    Enrollment,
    FamilyContact,
    FollowUp,
    NoteVersion,
    Resident,
    SessionParticipant,
    TrainingProgram,
    TrainingSession,
)
from kesos_desktop.domain.enums import (
    AssessmentDomain,
    AttendanceCode,
    ConsentMethod,
    ConsentRelation,
    CounselingStatus,
    CounselingType,
    DocumentType,
    FollowUpCondition,
    FollowUpMethod,
    NoteVersionKind,
    PpksCategory,
    ServiceLevel,
    Sex,
    SkillCategory,
    Stage,
    TerminationReason,
)
from kesos_desktop.domain.errors import PermissionDenied, ValidationError
from kesos_desktop.reports.person_export import write_access_request
from kesos_desktop.services import audit_log, person_data, retention
from kesos_desktop.services.monthly_stats import monthly_stats
from tests.factories import admit_resident

TODAY = date(2026, 11, 23)
NIK = "3271015708840001"
NAME = "Siti Rahasia Fiktif"
BODY = "Catatan rahasia: dia bercerita tentang utang keluarganya."
MONTHS = [(2019, m) for m in range(1, 13)] + [(2020, 1), (2020, 2)]


def _terminate(db, admission_id, on, reason=TerminationReason.REUNIFIED, notes=None):
    with db.write() as session:
        stay = session.get(Admission, admission_id)
        stay.terminated_on, stay.termination_reason, stay.stage = on, reason, Stage.TERMINATION
        stay.termination_notes = notes
        stay.handover_received_by, stay.handover_id_number = "Kakak Fiktif", "3271019999990001"


@pytest.fixture
def person(db, admin, counselor):
    """A former resident (stays in 2019, terminated January 2020) with data in every area,
    beside two other people so that the monthly figures are not trivial."""
    # turns 18 during the stay (10 June 2019): the age group changes at the end of June
    rid, stay = admit_resident(db, NAME, Sex.FEMALE, date(2019, 2, 4), birth_date=date(2001, 6, 10),
                               category=PpksCategory.ANAK_JALANAN, nik=NIK)
    other, other_stay = admit_resident(db, "Orang Lain", Sex.MALE, date(2019, 3, 1),
                                       birth_date=date(1970, 1, 1))
    _terminate(db, other_stay, date(2019, 9, 30), TerminationReason.ABSCONDED)
    admit_resident(db, "Masih Di Sini", Sex.MALE, date(2019, 5, 5), birth_date=date(1950, 12, 31))
    stored = paths.data_dir() / "attachments" / "ab" / "ktp.jpg"
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_bytes(b"fake scan of " + NIK.encode())
    with db.write() as session:
        resident = session.get(Resident, rid)
        resident.alias, resident.birth_place, resident.address = "Sisi", "Bekasi", "Jl. Melati 7"
        resident.phone, resident.notes = "081234567890", "Suka menggambar"
        session.add(FamilyContact(resident_id=rid, name="Ibu Fiktif Rahasia", relationship_="Ibu",
                                  phone="081200000001"))
        session.add(Consent(resident_id=rid, admission_id=stay, given_by_name="Ibu Fiktif Rahasia",
                            relation=ConsentRelation.PARENT, method=ConsentMethod.SIGNED,
                            given_on=date(2019, 2, 4)))
        session.add(Attachment(resident_id=rid, admission_id=stay, doc_type=DocumentType.KTP,
                               title="KTP", original_name="ktp.jpg", stored_path="attachments/ab/ktp.jpg",
                               sha256="0" * 64, size_bytes=10))
        program = TrainingProgram(name="Menjahit", skill_category=SkillCategory.SEWING, capacity=10,
                                  start_date=date(2019, 3, 1), end_date=date(2019, 6, 1))
        session.add(program)
        session.flush()
        enrollment = Enrollment(program_id=program.id, admission_id=stay, enrolled_on=date(2019, 3, 1))
        session.add(enrollment)
        day = TrainingSession(program_id=program.id, day=date(2019, 3, 5), start_time=time(9),
                              end_time=time(11))
        session.add(day)
        session.flush()
        session.add(Attendance(session_id=day.id, enrollment_id=enrollment.id, code=AttendanceCode.PRESENT,
                               note="datang terlambat"))
        alone = CounselingSession(session_type=CounselingType.INDIVIDUAL, level=ServiceLevel.MICRO,
                                  held_on=date(2019, 4, 2), counselor_id=counselor.id,
                                  status=CounselingStatus.DONE, topic="Utang keluarga")
        group = CounselingSession(session_type=CounselingType.GROUP, level=ServiceLevel.MEZZO,
                                  held_on=date(2019, 5, 7), counselor_id=counselor.id,
                                  status=CounselingStatus.DONE, topic="Kelompok")
        session.add_all([alone, group])
        session.flush()
        session.add(SessionParticipant(session_id=alone.id, admission_id=stay))
        session.add(SessionParticipant(session_id=group.id, admission_id=stay, observation="Pendiam"))
        session.add(SessionParticipant(session_id=group.id, admission_id=other_stay))
        session.add(NoteVersion(session_id=alone.id, version_no=1, kind=NoteVersionKind.ORIGINAL,
                                body=BODY, author_id=counselor.id))
        session.add(NoteVersion(session_id=group.id, version_no=1, kind=NoteVersionKind.ORIGINAL,
                                body="Catatan kelompok", author_id=counselor.id))
        assessment = Assessment(admission_id=stay, assessed_on=date(2019, 2, 10), assessor_id=counselor.id,
                                needs="Butuh dukungan keluarga")
        session.add(assessment)
        session.flush()
        session.add(AssessmentScore(assessment_id=assessment.id, domain=AssessmentDomain.PHYSICAL, score=3,
                                    narrative="Sehat"))
    _terminate(db, stay, date(2020, 1, 15), notes=f"Dijemput oleh kakak {NAME}")
    with db.write() as session:
        session.add(FollowUp(admission_id=stay, due_on=date(2020, 2, 15), method=FollowUpMethod.PHONE,
                             done_on=date(2020, 2, 16), condition=FollowUpCondition.STABLE,
                             notes="Kakak bilang baik"))
    return rid


def _pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)


def _xlsx_text(path) -> str:
    book = openpyxl.load_workbook(path, read_only=True)
    return "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                     for v in row if v is not None)


# ----------------------------------------------------------------------------- access request


def test_access_request_without_note_bodies_for_a_user_who_may_not_read_them(db, admin, person, tmp_path):
    pdf, xlsx = write_access_request(db, admin, person, tmp_path / "out")
    for text in (_pdf_text(pdf), _xlsx_text(xlsx)):
        assert NAME in text and NIK in text and "Ibu Fiktif Rahasia" in text and "Menjahit" in text
        assert BODY not in text and "Pendiam" not in text and "Sehat" not in text
        assert "Butuh dukungan" not in text and "Utang keluarga" not in text
    book = openpyxl.load_workbook(xlsx, read_only=True)
    assert len(book.sheetnames) == 17 + 1  # one sheet per area and the Info sheet
    with db.read() as session:
        actions = {(r.action, r.entity) for r in session.execute(sa.select(AuditEntry)).scalars()}
    assert {("access_request", "person"), ("print", "access_request"), ("export", "access_request")} <= actions


def test_access_request_with_note_bodies_for_a_counselor_through_the_gate(db, counselor, person, tmp_path):
    data = person_data.gather(db, counselor, person)
    assert data.notes_included
    notes = data.section("notes")
    assert any(BODY in row for row in notes.rows)
    assert any("Sehat" in row for row in data.section("narratives").rows)
    with db.read() as session:
        reads = session.execute(sa.select(sa.func.count()).select_from(AuditEntry)
                                .where(AuditEntry.action == "read_note")).scalar_one()
    assert reads == 2  # each note read went through the gate


def test_access_request_is_refused_for_staff(db, staff, person):
    with pytest.raises(PermissionDenied):
        person_data.gather(db, staff, person)


def test_cli_person_export(db, db_url, admin, person, tmp_path, monkeypatch):
    from kesos_desktop.cli import main
    from tests.conftest import PASSWORD

    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)
    with db.read() as session:
        reg_no = session.get(Resident, person).reg_no
    code = main(["--database-url", db_url, "person", "export", reg_no, "-o", str(tmp_path / "cli"),
                 "--user", admin.username])
    assert code == 0
    assert len(list((tmp_path / "cli").glob("*.pdf"))) == 1
    assert len(list((tmp_path / "cli").glob("*.xlsx"))) == 1


# ----------------------------------------------------------------------------- retention


def test_retention_setting_and_list(db, admin, staff, person):
    assert retention.retention_years(db, admin) == 5
    found = retention.past_retention(db, admin, today=TODAY)
    assert [f.resident_id for f in found] == [person] or person in [f.resident_id for f in found]
    retention.set_retention_years(db, admin, 10)
    assert person not in [f.resident_id for f in retention.past_retention(db, admin, today=TODAY)]
    with pytest.raises(PermissionDenied):
        retention.set_retention_years(db, staff, 3)
    with pytest.raises(PermissionDenied):
        retention.past_retention(db, staff, today=TODAY)


def test_anonymize_refusals(db, admin, staff, counselor, person):
    with db.read() as session:
        reg_no = session.get(Resident, person).reg_no
        present = session.execute(sa.select(Resident.id, Resident.reg_no)
                                  .where(Resident.name == "Masih Di Sini")).one()
    for actor in (staff, counselor):
        with pytest.raises(PermissionDenied):
            retention.anonymize(db, actor, person, reg_no, today=TODAY)
    with pytest.raises(ValidationError):
        retention.anonymize(db, admin, person, "wrong", today=TODAY)
    with pytest.raises(ValidationError):  # still in the facility
        retention.anonymize(db, admin, present.id, present.reg_no, today=TODAY)
    with pytest.raises(ValidationError):  # within retention
        retention.anonymize(db, admin, person, reg_no, today=date(2024, 1, 1))


def _figures(db, admin):
    out = []
    for year, month in MONTHS:
        stats = monthly_stats(db, admin, year, month, today=TODAY)
        out.append(repr(stats))
    return out


def test_anonymize_keeps_past_monthly_reports_and_removes_identity(db, admin, person):
    from kesos_desktop.services import audit

    with db.write() as session:  # as intake writes it: the identity in the details
        audit.record(session, admin, "create", "resident", person, {"name": NAME, "nik": "3271********0001"})
    person_data.gather(db, admin, person)
    before = _figures(db, admin)
    with db.read() as session:
        reg_no = session.get(Resident, person).reg_no
    result, _changes = retention.anonymize(db, admin, person, reg_no, today=TODAY)
    assert _figures(db, admin) == before
    assert result.files_deleted == 1 and result.group_sessions_kept == 1
    assert result.audit_rows_redacted >= 2
    assert not (paths.data_dir() / "attachments" / "ab" / "ktp.jpg").exists()
    with db.read() as session:
        resident = session.get(Resident, person)
        assert resident.name == f"Anonim {person}" and resident.nik is None
        assert resident.anonymized_at is not None and resident.birth_date.year == 2001
        assert session.execute(sa.select(FamilyContact)).first() is None
        bodies = dict(session.execute(sa.select(NoteVersion.session_id, NoteVersion.body)).all())
        assert BODY not in bodies.values() and "Catatan kelompok" in bodies.values()
        assert session.execute(sa.select(SessionParticipant.observation)
                               .where(SessionParticipant.observation.is_not(None))).first() is None
        assert session.execute(sa.select(Consent.relation)).scalar_one() == ConsentRelation.PARENT
        assert session.execute(sa.select(Attendance.code)).scalar_one() == AttendanceCode.PRESENT
        # the audit log stays verifiable: redacted rows are the ones the anonymisation listed
        verdict = audit_log.verify_chain(session)
        assert verdict.problems == ()
        details = [json.loads(d) for d in session.execute(sa.select(AuditEntry.details)).scalars()]
    assert not any(NAME in json.dumps(d, ensure_ascii=False) for d in details)
    assert person not in [f.resident_id for f in retention.past_retention(db, admin, today=TODAY)]
    if db.is_sqlite:
        db.engine.dispose()
        import sqlite3

        path = db.sqlite_path
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # anonymize() itself ran VACUUM
        conn.close()
        raw = open(path, "rb").read()
        assert NIK.encode() not in raw
        assert NAME.encode() not in raw and b"Siti Rahasia" not in raw
        assert BODY.encode() not in raw and b"Ibu Fiktif Rahasia" not in raw


def test_coarse_birth_date_keeps_every_month_end_age_group():
    stays = [(date(2019, 2, 4), date(2020, 1, 15))]
    birth = date(2001, 6, 10)  # 18 on 10 June 2019: 1 July would move June's end to the wrong group
    coarse = retention.coarse_birth_date(birth, stays, TODAY)
    assert coarse == date(2001, 6, 1)
    assert retention.coarse_birth_date(date(1980, 5, 17), stays, TODAY) == date(1980, 7, 1)


# ----------------------------------------------------------------------------- consent


def test_consent_status(db, admin, person):
    status = retention.consent_status(db, admin, person)
    assert status.has_consent and status.relation == ConsentRelation.PARENT and status.by_someone_else
    rid, _stay = admit_resident(db, "Tanpa Persetujuan")
    assert not retention.consent_status(db, admin, rid).has_consent


# ----------------------------------------------------------------------------- breach support


def test_access_report_lists_who_read_printed_and_exported(db, db_url, admin, counselor, staff, person,
                                                            tmp_path, monkeypatch, capsys):
    person_data.gather(db, counselor, person)  # reads both notes and the narrative
    write_access_request(db, admin, person, tmp_path / "out")
    rows = person_data.access_report(db, admin, person, date.today(), date.today())
    seen = {(r.username, r.action) for r in rows}
    assert {(counselor.username, "read_note"), (counselor.username, "read_assessment"),
            (counselor.username, "access_request"), (admin.username, "access_request"),
            (admin.username, "print"), (admin.username, "export")} <= seen
    assert person_data.access_report(db, admin, person, date(2020, 1, 1), date(2020, 1, 2)) == []
    with pytest.raises(PermissionDenied):
        person_data.access_report(db, staff, person)

    from kesos_desktop.cli import main
    from tests.conftest import PASSWORD

    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)
    with db.read() as session:
        reg_no = session.get(Resident, person).reg_no
    out = tmp_path / "akses.xlsx"
    assert main(["--database-url", db_url, "audit", "person", reg_no, "--from", date.today().isoformat(),
                 "-o", str(out), "--user", admin.username]) == 0
    text = _xlsx_text(out)
    assert counselor.username in text and "read_note" in text
