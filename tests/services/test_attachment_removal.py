"""Removing a document from a person's file: audited, refused when it changed meanwhile, and
its bytes leave the database and the data folder unless another row is the same file."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import sqlalchemy as sa

from kesos_desktop.db.models import Attachment, AuditEntry, FileContent, Resident
from kesos_desktop.domain.enums import DocumentType
from kesos_desktop.domain.errors import ConflictError, NotFoundError, PermissionDenied
from kesos_desktop.domain.resident_dto import FileUpload
from kesos_desktop.services import attachments, intake, residents
from tests.resident_requests import TODAY, png_bytes, request


@pytest.fixture
def budi(db, staff):
    return intake.register(db, staff, request(), today=TODAY).resident_id


def attach(db, actor, rid, tmp_path, body: bytes, name="kk.pdf"):
    source = tmp_path / name
    source.write_bytes(body)
    row, _ = attachments.add_attachment(db, actor, rid, FileUpload(str(source), DocumentType.KK,
                                                                   "Kartu Keluarga"))
    return row


def stored(db) -> set[str]:
    with db.read() as session:
        return set(session.execute(sa.select(FileContent.sha256)).scalars())


def test_removing_a_document_frees_its_content_and_copy_and_is_audited(
        db, staff, budi, tmp_path, data_dir):
    row = attach(db, staff, budi, tmp_path, b"%PDF-1.4 kk fiktif untuk dihapus")
    copy = data_dir / row.stored_path
    assert copy.is_file() and stored(db) == {row.sha256}
    freed, changes = attachments.remove_attachment(db, staff, row.id, row)
    assert freed and "attachment" in changes.entities
    assert stored(db) == set() and not copy.exists()
    with db.read() as session:
        assert session.get(Attachment, row.id) is None
        entry = session.execute(sa.select(AuditEntry).where(
            AuditEntry.entity == "attachment", AuditEntry.action == "delete")).scalar_one()
    details = json.loads(entry.details)
    assert entry.username == staff.username and entry.entity_id == str(row.id)
    assert details["sha256"] == row.sha256 and details["content_deleted"] is True
    assert details["resident_id"] == budi
    with pytest.raises(NotFoundError):
        attachments.remove_attachment(db, staff, row.id, row)


def test_content_stays_while_another_document_or_a_photo_is_the_same_file(
        db, staff, budi, tmp_path, data_dir):
    first = attach(db, staff, budi, tmp_path, b"%PDF-1.4 sama", name="a.pdf")
    second = attach(db, staff, budi, tmp_path, b"%PDF-1.4 sama", name="b.pdf")
    freed, _ = attachments.remove_attachment(db, staff, first.id, first)
    assert not freed and stored(db) == {second.sha256}
    assert attachments.open_attachment(db, staff, second.id).read_bytes() == b"%PDF-1.4 sama"
    # a scan that is also the person's photo keeps its bytes for the photo
    picture = png_bytes(4, 4)
    scan = attach(db, staff, budi, tmp_path, picture, name="foto.png")
    with db.read() as session:
        version = session.get(Resident, budi).version
    attachments.set_photo(db, staff, budi, str(tmp_path / "foto.png"), version)
    freed, _ = attachments.remove_attachment(db, staff, scan.id, scan)
    assert not freed and scan.sha256 in stored(db)
    assert attachments.photo_file(db, staff, budi).read_bytes() == picture


def test_a_document_changed_meanwhile_is_a_conflict(db, staff, counselor, budi, tmp_path):
    row = attach(db, staff, budi, tmp_path, b"%PDF-1.4 kk fiktif")
    residents.update_attachment(db, counselor, row.id, "KK lama (salah)", DocumentType.KK)
    with pytest.raises(ConflictError, match="KK lama") as raised:
        attachments.remove_attachment(db, staff, row.id, row)
    assert raised.value.changed_by == counselor.username
    assert stored(db) == {row.sha256}
    seen = replace(row, title="KK lama (salah)")
    freed, _ = attachments.remove_attachment(db, staff, row.id, seen)
    assert freed and stored(db) == set()


def test_removal_needs_the_permission(db, staff, budi, tmp_path, monkeypatch):
    from kesos_desktop.domain import permissions
    from kesos_desktop.domain.permissions import Action

    row = attach(db, staff, budi, tmp_path, b"%PDF-1.4 kk fiktif")
    without = {role: actions - {Action.ATTACHMENT_MANAGE}
               for role, actions in permissions.PERMISSIONS.items()}
    monkeypatch.setattr(permissions, "PERMISSIONS", without)
    with pytest.raises(PermissionDenied):
        attachments.remove_attachment(db, staff, row.id, row)
    assert stored(db) == {row.sha256}
