"""Intake: registration numbers, validation by field, nothing half-saved, duplicates, readmission."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa

from kesos_desktop.db.models import (
    Admission,
    Attachment,
    AuditEntry,
    Consent,
    DocumentCheck,
    FacilityProfile,
    Resident,
    RoomAssignment,
    StageChange,
)
from kesos_desktop.domain.enums import (
    ConsentRelation,
    DocumentType,
    RoomSex,
    Sex,
    Stage,
    TerminationReason,
)
from kesos_desktop.domain.errors import PermissionDenied, ValidationError
from kesos_desktop.domain.resident_dto import FileUpload, PossibleDuplicates
from kesos_desktop.services import intake, residents
from tests.factories import add_room
from tests.resident_requests import (
    ADMITTED,
    NIK_MAN_1980,
    TODAY,
    person,
    request,
    stay,
    unknown_person,
    write_png,
)


def register(db, actor, req, **kwargs):
    return intake.register(db, actor, req, today=TODAY, **kwargs)


def errors_of(db, actor, req) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        register(db, actor, req)
    return info.value.field_errors


def count(db, model) -> int:
    with db.read() as session:
        return session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def terminate(db, admission_id: int, on: date, reason=TerminationReason.REUNIFIED) -> None:
    """What the termination service does, written directly (that service has its own tests)."""
    with db.write() as session:
        stay_ = session.get(Admission, admission_id)
        stay_.terminated_on, stay_.termination_reason, stay_.stage = on, reason, Stage.TERMINATION
        stay_.room_id = None


# ------------------------------------------------------------------------- registering


def test_register_writes_the_whole_intake(db, staff):
    room = add_room(db, "Mawar", RoomSex.MALE, 4)
    result = register(db, staff, request(admission=stay(room_id=room, case_manager_id=staff.id)))
    assert result.reg_no == "PM/2026/0001"
    assert result.warnings == ()
    with db.read() as session:
        resident = session.get(Resident, result.resident_id)
        assert (resident.name, resident.nik, resident.sex) == ("Budi Fiktif Santoso", NIK_MAN_1980, Sex.MALE)
        assert [c.category for c in resident.categories] == ["gelandangan"]
        assert len(resident.family_contacts) == 1
        stay_ = session.get(Admission, result.admission_id)
        assert stay_.stage == Stage.INTAKE and stay_.room_id == room and stay_.case_manager_id == staff.id
        changes = session.execute(sa.select(StageChange)).scalars().all()
        assert [(c.from_stage, c.to_stage, c.changed_on) for c in changes] == [(None, Stage.INTAKE, ADMITTED)]
        assert session.execute(sa.select(RoomAssignment.room_id)).scalars().all() == [room]
        present = set(session.execute(
            sa.select(DocumentCheck.doc_type).where(DocumentCheck.present.is_(True))).scalars())
        assert present == {DocumentType.KTP, DocumentType.REFERRAL_LETTER}
        assert session.execute(sa.select(sa.func.count()).select_from(Consent)).scalar_one() == 1


def test_registration_numbers_follow_the_pattern_and_are_never_reused(db, staff):
    first = register(db, staff, request())
    second = register(db, staff, request(resident=person(name="Andi Fiktif", nik=None,
                                                         birth_date=date(1990, 1, 2))))
    assert (first.reg_no, second.reg_no) == ("PM/2026/0001", "PM/2026/0002")
    next_year = register(db, staff, request(
        resident=person(name="Cici Fiktif", nik=None, sex=Sex.FEMALE, birth_date=date(1991, 1, 2)),
        admission=stay(admitted_on=date(2025, 3, 1), referral_letter_date=None,
                       consent=replace(stay().consent, given_on=date(2025, 3, 1)))))
    assert next_year.reg_no == "PM/2025/0001"  # the year of the stay, its own counter
    with db.write() as session:
        session.get(FacilityProfile, 1).registration_pattern = "PM/{year}/{seq:04d}"
        session.execute(sa.delete(Resident).where(Resident.id == second.resident_id))
    third = register(db, staff, request(resident=person(name="Dedi Fiktif", nik=None,
                                                        birth_date=date(1992, 1, 2))))
    assert third.reg_no == "PM/2026/0003"  # 0002 was removed but is not given out again


def test_pattern_without_year_skips_numbers_in_use(db, admin, staff):
    with db.write() as session:
        session.get(FacilityProfile, 1).registration_pattern = "REG-{seq:05d}"
        session.add(Resident(reg_no="REG-00001", name="Sudah Ada", sex=Sex.MALE))
    result = register(db, staff, request())
    assert result.reg_no == "REG-00002"
    assert intake.preview_reg_no(db, staff, ADMITTED) == "REG-00003"


def test_person_without_identity_gets_an_estimated_birth_year(db, staff):
    req = request(resident=unknown_person(age=70), admission=stay(
        consent=replace(stay().consent, given_by_name="Petugas Satpol PP",
                        relation=ConsentRelation.OFFICIAL)))
    result = register(db, staff, req)
    detail = residents.get_detail(db, staff, result.resident_id)
    assert detail.identity_unknown and detail.birth_date is None
    assert detail.birth_year_estimated == ADMITTED.year - 70


def test_nik_mismatch_is_a_warning_not_a_block(db, staff):
    result = register(db, staff, request(resident=person(sex=Sex.FEMALE, birth_date=date(1981, 5, 17))))
    assert result.resident_id
    assert len(result.warnings) == 2 and any("NIK" in w for w in result.warnings)


# ------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("changes, field", [
    ({"name": "   "}, "name"),
    ({"nik": "3271-0117-0580-001"}, "nik"),  # 15 digits after removing separators
    ({"nik": "32710117058A0001"}, "nik"),
    ({"nik": "3271013505800001"}, "nik"),  # day 35: not a birth date
    ({"kk": "12345"}, "kk"),
    ({"birth_date": date(2030, 1, 1)}, "birth_date"),
    ({"birth_date": date(2026, 10, 20)}, "birth_date"),  # after the admission
    ({"birth_date": None}, "birth_date"),
    ({"categories": ()}, "categories"),
    ({"phone": "call me"}, "phone"),
    ({"sex": None}, "sex"),
])
def test_bad_identity_gets_a_message_on_its_field(db, staff, changes, field):
    errors = errors_of(db, staff, request(resident=person(**changes)))
    assert field in errors and errors[field]
    assert count(db, Resident) == 0


@pytest.mark.parametrize("age", [-1, 121])
def test_estimated_age_must_be_plausible(db, staff, age):
    errors = errors_of(db, staff, request(resident=unknown_person(age=age)))
    assert "estimated_age" in errors


def test_unknown_identity_needs_an_estimated_age(db, staff):
    errors = errors_of(db, staff, request(resident=unknown_person(age=None)))
    assert "estimated_age" in errors


@pytest.mark.parametrize("changes, field", [
    ({"admitted_on": date(2027, 1, 1)}, "admitted_on"),
    ({"admitted_on": date(1970, 1, 1)}, "admitted_on"),  # before the birth date
    ({"referral_source": None}, "referral_source"),
    ({"approach": None}, "approach"),
    ({"referral_letter_date": date(2027, 1, 1)}, "referral_letter_date"),
    ({"consent": None}, "consent.given_by_name"),
    ({"stage": Stage.INTERVENTION}, "stage"),
])
def test_bad_stay_gets_a_message_on_its_field(db, staff, changes, field):
    errors = errors_of(db, staff, request(admission=stay(**changes)))
    assert field in errors
    assert count(db, Admission) == 0


def test_a_child_cannot_consent_alone(db, staff):
    child = person(name="Anak Fiktif", nik=None, birth_date=date(2015, 1, 1),
                   categories=("anak_jalanan",))
    errors = errors_of(db, staff, request(resident=child))
    assert "consent.relation" in errors
    guardian = replace(stay().consent, given_by_name="Ibu Fiktif", relation=ConsentRelation.PARENT)
    assert register(db, staff, request(resident=child, admission=stay(consent=guardian))).resident_id


def test_full_room_needs_an_explicit_override(db, staff):
    room = add_room(db, "Kecil", RoomSex.MALE, 1)
    register(db, staff, request(admission=stay(room_id=room)))
    second = person(name="Eko Fiktif", nik=None, birth_date=date(1985, 1, 1))
    errors = errors_of(db, staff, request(resident=second, admission=stay(room_id=room)))
    assert "penuh" in errors["room_id"] or "full" in errors["room_id"]
    result = register(db, staff, request(resident=second, admission=stay(
        room_id=room, over_capacity_override=True)))
    with db.read() as session:
        assignment = session.execute(sa.select(RoomAssignment).where(
            RoomAssignment.admission_id == result.admission_id)).scalar_one()
        assert assignment.over_capacity_override


def test_room_of_the_other_sex_is_refused(db, staff):
    room = add_room(db, "Melati", RoomSex.FEMALE, 4)
    errors = errors_of(db, staff, request(admission=stay(room_id=room)))
    assert "room_id" in errors


def test_photo_must_be_a_real_small_image(db, staff, tmp_path):
    fake = tmp_path / "foto.jpg"
    fake.write_text("this is not a picture")
    with pytest.raises(ValidationError) as info:
        register(db, staff, request(photo_path=str(fake)))
    assert "photo" in info.value.field_errors
    huge = tmp_path / "besar.png"
    huge.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError) as info:
        register(db, staff, request(photo_path=str(huge)))
    assert "MB" in info.value.field_errors["photo"]
    assert count(db, Resident) == 0  # nothing half-saved


def test_photo_and_scans_are_stored_by_hash(db, staff, tmp_path, data_dir):
    photo = write_png(tmp_path / "foto.png")
    scan = tmp_path / "ktp.pdf"
    scan.write_bytes(b"%PDF-1.4 fiktif")
    result = register(db, staff, request(
        photo_path=str(photo),
        admission=stay(attachments=(FileUpload(str(scan), DocumentType.KTP, "KTP"),))))
    detail = residents.get_detail(db, staff, result.resident_id)
    assert detail.photo_path.startswith("attachments/") and detail.photo_path.endswith(".png")
    assert (data_dir / detail.photo_path).read_bytes() == photo.read_bytes()
    with db.read() as session:
        attachment = session.execute(sa.select(Attachment)).scalar_one()
        assert attachment.admission_id == result.admission_id
        assert (data_dir / attachment.stored_path).exists() and len(attachment.sha256) == 64


def test_counselor_may_not_register(db, counselor):
    with pytest.raises(PermissionDenied):
        register(db, counselor, request())


def test_audit_holds_a_masked_nik(db, staff):
    result = register(db, staff, request())
    with db.read() as session:
        rows = session.execute(sa.select(AuditEntry).where(AuditEntry.entity == "resident")).scalars().all()
    details = json.loads(rows[-1].details)
    assert rows[-1].entity_id == str(result.resident_id)
    assert details["nik"] == "3271********0001" and NIK_MAN_1980 not in rows[-1].details


# ------------------------------------------------------------------------- duplicates


def test_same_nik_is_refused_with_the_existing_person_named(db, staff):
    register(db, staff, request())
    errors = errors_of(db, staff, request(resident=person(name="Orang Lain")))
    assert "PM/2026/0001" in errors["nik"]


def test_close_name_and_same_birth_date_asks_first(db, staff):
    first = register(db, staff, request())
    again = request(resident=person(name="Boedi Fiktif Santoso", nik=None))  # old spelling
    with pytest.raises(PossibleDuplicates) as info:
        register(db, staff, again)
    [candidate] = info.value.candidates
    assert candidate.resident_id == first.resident_id and candidate.has_open_stay
    assert register(db, staff, replace(again, duplicates_checked=True)).reg_no == "PM/2026/0002"


def test_estimated_age_near_the_known_one_is_a_candidate(db, staff):
    known = register(db, staff, request(resident=unknown_person("Mbah Karto Fiktif", 70), admission=stay(
        consent=replace(stay().consent, relation=ConsentRelation.OFFICIAL))))
    from kesos_desktop.domain.resident_dto import DuplicateProbe
    from kesos_desktop.services import duplicates

    found = duplicates.find_candidates(db, staff, DuplicateProbe("Mbah Karto", estimated_age=72, on=ADMITTED))
    assert [c.resident_id for c in found] == [known.resident_id]
    assert not duplicates.find_candidates(db, staff, DuplicateProbe("Mbah Karto", estimated_age=40, on=ADMITTED))
    assert not duplicates.find_candidates(db, staff, DuplicateProbe("Joko Lain", estimated_age=70, on=ADMITTED))


# ------------------------------------------------------------------------- readmission


def test_readmission_opens_a_new_stay_for_the_same_person(db, staff):
    first = register(db, staff, request())
    with pytest.raises(ValidationError, match="masih|still"):
        intake.readmit(db, staff, first.resident_id, stay(admitted_on=date(2026, 11, 1)), today=TODAY)
    terminate(db, first.admission_id, date(2026, 10, 20), TerminationReason.ABSCONDED)
    with pytest.raises(ValidationError) as info:
        intake.readmit(db, staff, first.resident_id, stay(admitted_on=date(2026, 10, 10)), today=TODAY)
    assert "admitted_on" in info.value.field_errors
    again = intake.readmit(db, staff, first.resident_id, stay(admitted_on=date(2026, 11, 2)), today=TODAY)
    assert again.reg_no == first.reg_no and again.admission_id != first.admission_id
    file = residents.get_file(db, staff, first.resident_id)
    assert [s.id for s in file.stays] == [again.admission_id, first.admission_id]
    assert file.stays[1].termination_reason == TerminationReason.ABSCONDED
    assert file.current_stay.id == again.admission_id


def test_readmission_can_update_the_identity_in_the_same_transaction(db, staff):
    first = register(db, staff, request())
    terminate(db, first.admission_id, date(2026, 10, 20))
    detail = residents.get_detail(db, staff, first.resident_id)
    new_address = replace(detail.to_input(), address="Jl. Baru No. 9")
    intake.readmit(db, staff, first.resident_id, stay(admitted_on=date(2026, 11, 2)),
                   identity=new_address, expected_version=detail.version, today=TODAY)
    assert residents.get_detail(db, staff, first.resident_id).address == "Jl. Baru No. 9"


def test_one_open_stay_per_person_is_enforced_by_the_database(db, staff):
    first = register(db, staff, request())
    with pytest.raises(Exception), db.write() as session:  # noqa: B017 - any integrity error
        session.add(Admission(resident_id=first.resident_id, admitted_on=TODAY,
                              referral_source="keluarga", approach="persuasif", stage="penerimaan"))
        session.flush()
