"""UU PDP hak pembetulan: every column of a person's data is either corrected through the normal
audited services (changed here, read back from the database, and named in an audit row) or listed
in ``residents.NOT_EDITABLE`` with a reason. A column added later without either fails here."""

from __future__ import annotations

import json
from datetime import date

import pytest
import sqlalchemy as sa

from kesos_desktop.db.models import (
    Admission,
    Attachment,
    AuditEntry,
    Consent,
    FamilyContact,
    Resident,
    ResidentCategory,
)
from kesos_desktop.domain.enums import (
    Approach,
    ConsentMethod,
    ConsentRelation,
    DocumentType,
    Education,
    MaritalStatus,
    PpksCategory,
    ReferralSource,
    Religion,
    Sex,
)
from kesos_desktop.domain.resident_dto import (
    AdmissionRequest,
    ConsentInput,
    FamilyContactInput,
    FileUpload,
    ResidentInput,
)
from kesos_desktop.services import attachments, consent, residents
from tests.factories import admit_resident

TODAY = date(2026, 11, 20)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MODELS = (Resident, ResidentCategory, FamilyContact, Consent, Attachment, Admission)


def _columns(model) -> set[str]:
    return {f"{model.__tablename__}.{c.name}" for c in model.__table__.columns}


def _row(db, model, key) -> dict:
    table = model.__table__
    with db.read() as session:
        row = session.connection().execute(sa.select(table).where(table.c.id == key)).mappings().one()
    return {f"{table.name}.{k}": v for k, v in row.items()}


def _audited_keys(db, entity: str, entity_id: int, after_id: int) -> set[str]:
    """Every details key of the audit rows written about this record after ``after_id``."""
    with db.read() as session:
        details = session.execute(sa.select(AuditEntry.details).where(
            AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id),
            AuditEntry.id > after_id)).scalars().all()
    return {key for text in details for key in json.loads(text)}


def _last_audit_id(db) -> int:
    with db.read() as session:
        return session.execute(sa.select(sa.func.max(AuditEntry.id))).scalar() or 0


def _changed(before: dict, after: dict) -> set[str]:
    return {key for key in before if before[key] != after[key]}


def _check(table_columns: set[str], changed: set[str], audited: set[str]) -> None:
    """Each column: changed and audited, or explained in NOT_EDITABLE (never both)."""
    for column in sorted(table_columns):
        field = column.split(".", 1)[1]
        if column in residents.NOT_EDITABLE:
            assert residents.NOT_EDITABLE[column].strip(), column
            continue
        assert column in changed, f"{column} is neither corrected by the service nor in NOT_EDITABLE"
        assert field in audited or f"{field}_length" in audited, f"{column} changed without audit"


@pytest.fixture
def person(db):
    resident_id, admission_id = admit_resident(db, name="Koreksi Fiktif", birth_date=date(1980, 5, 17),
                                              nik="3201010101800001")
    return resident_id, admission_id


def test_not_editable_names_only_real_columns_with_reasons():
    every = set().union(*(_columns(m) for m in MODELS))
    assert set(residents.NOT_EDITABLE) <= every
    assert all(len(reason) > 10 for reason in residents.NOT_EDITABLE.values())


def test_every_identity_column_is_corrected_and_audited(db, admin, person, tmp_path):
    resident_id, _stay = person
    before, start = _row(db, Resident, resident_id), _last_audit_id(db)
    detail = residents.get_detail(db, admin, resident_id)
    residents.update_identity(db, admin, resident_id, ResidentInput(
        name="Koreksi Fiktif Benar", sex=Sex.FEMALE, alias="Kori", identity_unknown=False,
        nik="3201010101800099", kk="3201010101800098", birth_place="Kota Contoh",
        birth_date=date(1981, 6, 18), religion=Religion.CATHOLIC,
        marital_status=MaritalStatus.DIVORCED, education=Education.JUNIOR,
        address="Jl. Fiktif No. 1", village="Desa Contoh", district="Kecamatan Contoh",
        city="Kota Contoh", province="Provinsi Contoh", phone="0800000001", notes="catatan koreksi",
        categories=(PpksCategory.GELANDANGAN,),
    ), detail.version, today=TODAY)
    middle = _row(db, Resident, resident_id)
    # the estimated birth year (and "identity unknown") need an unknown birth date: a second edit
    residents.update_identity(db, admin, resident_id, replace_birth(residents.get_detail(
        db, admin, resident_id)), middle["resident.version"], today=TODAY)
    photo = tmp_path / "foto.png"
    photo.write_bytes(PNG)
    attachments.set_photo(db, admin, resident_id, str(photo))
    after = _row(db, Resident, resident_id)
    changed = _changed(before, middle) | _changed(middle, after)
    _check(_columns(Resident), changed, _audited_keys(db, "resident", resident_id, start))
    assert after["resident.name"] == "Koreksi Fiktif Benar" and after["resident.birth_year_estimated"] == 1981


def replace_birth(detail):
    from dataclasses import replace

    return replace(detail.to_input(), birth_date=None, estimated_age=TODAY.year - 1981,
                   identity_unknown=True, nik=None, kk=None)


def test_categories_are_corrected_and_audited(db, admin, person):
    resident_id, _stay = person
    start = _last_audit_id(db)
    detail = residents.get_detail(db, admin, resident_id)
    from dataclasses import replace

    residents.update_identity(db, admin, resident_id, replace(
        detail.to_input(), categories=(PpksCategory.PENGEMIS,)), detail.version, today=TODAY)
    assert residents.get_detail(db, admin, resident_id).categories == (PpksCategory.PENGEMIS,)
    audited = _audited_keys(db, "resident", resident_id, start)
    # category is the only column that is data; the key names its person
    _check(_columns(ResidentCategory) - {"resident_category.category"}, set(), audited)
    assert "categories" in audited


def test_every_family_contact_column_is_corrected_and_audited(db, admin, person):
    resident_id, _stay = person
    row, _c = residents.save_family_contact(db, admin, resident_id, FamilyContactInput(
        "Kakak Fiktif", "Kakak", "0800000002", "Jl. Lama", False))
    before, start = _row(db, FamilyContact, row.id), _last_audit_id(db)
    residents.save_family_contact(db, admin, resident_id, FamilyContactInput(
        "Kakak Fiktif Benar", "Adik", "0800000003", "Jl. Baru", True, row.id,
        before["family_contact.version"]))
    after = _row(db, FamilyContact, row.id)
    _check(_columns(FamilyContact), _changed(before, after),
           _audited_keys(db, "family_contact", row.id, start))


def test_every_consent_column_is_corrected_and_audited(db, admin, person):
    resident_id, _stay = person
    row, _c = consent.record_consent(db, admin, resident_id, ConsentInput(
        "Wali Fiktif", ConsentRelation.SELF, ConsentMethod.VERBAL, date(2026, 10, 2)), today=TODAY)
    before, start = _row(db, Consent, row.id), _last_audit_id(db)
    consent.correct_consent(db, admin, row.id, ConsentInput(
        "Wali Fiktif Benar", ConsentRelation.GUARDIAN, ConsentMethod.THUMBPRINT, date(2026, 10, 3),
        "cap jempol"), today=TODAY)
    consent.set_withdrawn(db, admin, row.id, date(2026, 11, 1), today=TODAY)
    after = _row(db, Consent, row.id)
    _check(_columns(Consent), _changed(before, after), _audited_keys(db, "consent", row.id, start))


def test_every_document_column_is_corrected_or_explained(db, admin, person, tmp_path):
    resident_id, stay = person
    scan = tmp_path / "ktp.png"
    scan.write_bytes(PNG)
    row, _c = attachments.add_attachment(db, admin, resident_id, FileUpload(
        str(scan), DocumentType.OTHER, "Salah judul"), stay)
    before, start = _row(db, Attachment, row.id), _last_audit_id(db)
    residents.update_attachment(db, admin, row.id, "KTP Koreksi Fiktif", DocumentType.KTP)
    after = _row(db, Attachment, row.id)
    _check(_columns(Attachment), _changed(before, after), _audited_keys(db, "attachment", row.id, start))


def test_every_stay_detail_column_is_corrected_or_explained(db, admin, person):
    _resident, stay = person
    before, start = _row(db, Admission, stay), _last_audit_id(db)
    residents.update_stay_details(db, admin, stay, AdmissionRequest(
        admitted_on=date(2000, 1, 1),  # ignored: the start of a stay is not corrected here
        referral_source=ReferralSource.DINSOS, approach=Approach.MOTIVATIVE,
        referral_letter_no="123/FIKTIF/2026", referral_letter_date=date(2026, 9, 30),
        referral_notes="rujukan koreksi", initial_condition="kondisi koreksi",
        health_notes="kesehatan koreksi", disability_notes="disabilitas koreksi",
    ), before["admission.version"], today=TODAY)
    after = _row(db, Admission, stay)
    assert after["admission.admitted_on"] == before["admission.admitted_on"]
    audited = _audited_keys(db, "admission", stay, start)
    _check(_columns(Admission), _changed(before, after), audited)
    assert "kesehatan" not in json.dumps(sorted(audited))  # health text stays out of the log
