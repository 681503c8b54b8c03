"""Anonymisation (UU PDP) takes a person's documents and photo out of the database and the
data folder; a file another person also has stays."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from kesos_desktop.db.models import Admission, Attachment, FileContent, Resident
from kesos_desktop.domain.enums import DocumentType, Stage, TerminationReason
from kesos_desktop.domain.resident_dto import FileUpload
from kesos_desktop.services import attachments, retention
from tests.factories import admit_resident
from tests.resident_requests import png_bytes

TODAY = date(2026, 11, 23)
SCAN = b"%PDF-1.4 surat rujukan fiktif milik Siti " + bytes(range(256)) * 8
SHARED = b"%PDF-1.4 daftar hadir kelompok fiktif"
OLD = b"%PDF-1.4 pindaian lama fiktif dengan nama lama"
PHOTO = png_bytes(3, 5)


def _former(db, name: str) -> tuple[int, int]:
    rid, stay = admit_resident(db, name, admitted_on=date(2019, 2, 4))
    with db.write() as session:
        admission = session.get(Admission, stay)
        admission.terminated_on, admission.stage = date(2020, 1, 15), Stage.TERMINATION
        admission.termination_reason = TerminationReason.REUNIFIED
    return rid, stay


def _attach(db, actor, rid, folder: Path, name: str, body: bytes):
    source = folder / name
    source.write_bytes(body)
    row, _ = attachments.add_attachment(db, actor, rid, FileUpload(str(source), DocumentType.OTHER,
                                                                   name))
    return row


def _files_holding(folder: Path, body: bytes) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and body in p.read_bytes()]


def _contents(db) -> dict[str, bytes]:
    with db.read() as session:
        return {sha: bytes(data) for sha, data in session.execute(
            sa.select(FileContent.sha256, FileContent.data))}


def test_anonymisation_removes_documents_and_photo_from_database_and_folder(
        db, admin, tmp_path, data_dir):
    rid, stay = _former(db, "Siti Fiktif Dihapus")
    other, _ = _former(db, "Orang Lain Fiktif")
    sources = tmp_path / "scans"
    sources.mkdir()
    _attach(db, admin, rid, sources, "rujukan.pdf", SCAN)
    _attach(db, admin, rid, sources, "hadir.pdf", SHARED)
    kept = _attach(db, admin, other, sources, "hadir-lain.pdf", SHARED)
    # a document recorded under an older name that does not show its hash (its bytes go into
    # the database with the row)
    old_sha = hashlib.sha256(OLD).hexdigest()
    (data_dir / "attachments" / "ab").mkdir(parents=True, exist_ok=True)
    (data_dir / "attachments" / "ab" / "lama.pdf").write_bytes(OLD)
    with db.write() as session:
        session.add(Attachment(resident_id=rid, admission_id=stay, doc_type=DocumentType.OTHER,
                               title="Lama", original_name="lama.pdf",
                               stored_path="attachments/ab/lama.pdf", sha256=old_sha,
                               size_bytes=len(OLD)))
        # the same scan attached twice under two older names: both copies must go
        (data_dir / "attachments" / "cd").mkdir(parents=True, exist_ok=True)
        (data_dir / "attachments" / "cd" / "lama-lagi.pdf").write_bytes(OLD)
        session.add(Attachment(resident_id=rid, admission_id=stay, doc_type=DocumentType.OTHER,
                               title="Lama lagi", original_name="lama-lagi.pdf",
                               stored_path="attachments/cd/lama-lagi.pdf", sha256=old_sha,
                               size_bytes=len(OLD)))
    photo = sources / "foto.png"
    photo.write_bytes(PHOTO)
    with db.read() as session:
        version = session.get(Resident, rid).version
    attachments.set_photo(db, admin, rid, str(photo), version)
    before = _contents(db)
    assert {SCAN, SHARED, OLD, PHOTO} <= set(before.values())
    assert _files_holding(data_dir, SCAN) and _files_holding(data_dir, PHOTO)

    with db.read() as session:
        reg_no = session.get(Resident, rid).reg_no
    result, _ = retention.anonymize(db, admin, rid, reg_no, today=TODAY)

    assert result.files_deleted == 3  # the scan, the old-named scan, the photo
    left = set(_contents(db).values())
    assert left == {SHARED}
    for body in (SCAN, OLD, PHOTO):
        assert _files_holding(data_dir, body) == []
    # the other person's copy of the shared file still opens
    assert attachments.open_attachment(db, admin, kept.id).read_bytes() == SHARED
