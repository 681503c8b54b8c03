"""An encrypted database (SQLCipher) keeps no plaintext copy of a document or photo in the data
folder: opened copies live in a private temporary folder removed at exit, and one left by a
process that was killed is removed at the next start."""

from __future__ import annotations

import tempfile

import pytest

from kesos_desktop.db import encryption as crypto
from kesos_desktop.domain.dto import FacilityProfileDTO
from kesos_desktop.domain.enums import DocumentType
from kesos_desktop.domain.resident_dto import FileUpload
from kesos_desktop.services import attachments, auth, file_store, intake, session_setup
from kesos_desktop.services import encryption as service
from tests.conftest import PASSWORD
from tests.resident_requests import TODAY, png_bytes, request, stay

pytestmark = pytest.mark.sqlite_only

SCAN = b"%PDF-1.4 ktp fiktif terenkripsi " + bytes(range(256)) * 4
LATER = b"%PDF-1.4 surat fiktif ditambahkan kemudian"
PHOTO = png_bytes(5, 3)


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """The system's temporary folder, for this test alone."""
    folder = tmp_path / "systemp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    file_store.clear_private_copies()
    yield folder
    file_store.clear_private_copies()


@pytest.fixture
def encrypted(data_dir, private_tmp):
    data_dir.mkdir(parents=True, exist_ok=True)
    plain = session_setup.open_database(crypto.url_for(data_dir / "kesos.db", None))
    db = service.encrypt_new_database(plain, "Kunci-Uji-Fiktif-2026")
    actor = auth.setup_facility(db, auth.SetupRequest(
        FacilityProfileDTO(name="UPT Contoh Terenkripsi", capacity=10), "admin", "Admin Contoh",
        PASSWORD))
    yield db, actor
    db.dispose()


def holding(folder, *bodies: bytes) -> list:
    return [p for p in folder.rglob("*") if p.is_file()
            and any(body in p.read_bytes() for body in bodies)]


def test_no_plaintext_copy_in_the_data_folder(encrypted, data_dir, tmp_path):
    db, admin = encrypted
    (tmp_path / "ktp.pdf").write_bytes(SCAN)
    (tmp_path / "foto.png").write_bytes(PHOTO)
    (tmp_path / "surat.pdf").write_bytes(LATER)
    result = intake.register(db, admin, request(photo_path=str(tmp_path / "foto.png"),
                                                admission=stay(attachments=(FileUpload(
                                                    str(tmp_path / "ktp.pdf"), DocumentType.KTP,
                                                    "KTP"),))), today=TODAY)
    row, _ = attachments.add_attachment(db, admin, result.resident_id, FileUpload(
        str(tmp_path / "surat.pdf"), DocumentType.OTHER, "Surat"))
    opened = attachments.open_attachment(db, admin, row.id)
    photo = attachments.photo_file(db, admin, result.resident_id)
    root = file_store.private_root()
    assert opened.read_bytes() == LATER and opened.is_relative_to(root)
    assert photo.read_bytes() == PHOTO and photo.is_relative_to(root)
    assert row.stored_path.startswith("attachments/")  # the same name on every workstation
    db.engine.dispose()  # the WAL folded into the encrypted file
    assert holding(data_dir, SCAN, LATER, PHOTO) == []
    file_store.clear_private_copies()  # as at exit
    assert not root.exists()
    assert attachments.open_attachment(db, admin, row.id).read_bytes() == LATER  # fetched again
    assert holding(data_dir, SCAN, LATER, PHOTO) == []


def test_sync_removes_copies_left_from_before_encryption(encrypted, data_dir, tmp_path):
    db, admin = encrypted
    (tmp_path / "surat.pdf").write_bytes(LATER)
    rid = intake.register(db, admin, request(), today=TODAY).resident_id
    row, _ = attachments.add_attachment(db, admin, rid, FileUpload(
        str(tmp_path / "surat.pdf"), DocumentType.OTHER, "Surat"))
    leftover = data_dir / row.stored_path  # as the plain database's cache had it
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_bytes(LATER)
    old_name = data_dir / "attachments" / "ab" / "surat-lama.pdf"  # named before hashes
    old_name.parent.mkdir(parents=True, exist_ok=True)
    old_name.write_bytes(LATER)
    with db.write() as session:
        from kesos_desktop.db.models import Attachment

        session.get(Attachment, row.id).stored_path = "attachments/ab/surat-lama.pdf"
    uploaded, removed = attachments.sync_local_files(db, admin)
    assert (uploaded, removed) == (0, 2) and not leftover.exists() and not old_name.exists()
    assert holding(data_dir, LATER) == []


def test_private_folder_of_a_killed_process_is_removed_at_next_start(private_tmp):
    root = file_store.private_root()
    parent = root.parent
    assert root.is_relative_to(private_tmp) and (root.stat().st_mode & 0o777) == 0o700
    killed = parent / (file_store.PRIVATE_PREFIX + "killed")
    (killed / "ab").mkdir(parents=True)
    (killed / ".owner").write_bytes(b"12345")  # nobody holds its lock any more
    (killed / "ab" / "copy.pdf").write_bytes(SCAN)
    alive = parent / (file_store.PRIVATE_PREFIX + "alive")
    alive.mkdir()
    (alive / ".owner").write_bytes(b"1")
    with (alive / ".owner").open("r+b") as owner:
        assert file_store._lock(owner)  # another window of the app, still running
        assert file_store.remove_stale_private_copies() == 1
        assert not killed.exists() and alive.exists() and root.exists()
    file_store.clear_private_copies()
    fresh = file_store.private_root()  # the next start removes what is not locked
    assert fresh != root and not alive.exists()
