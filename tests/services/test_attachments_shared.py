"""Documents and photos kept in the database: every workstation on one database opens them."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from kesos_desktop import paths
from kesos_desktop.db import migrate
from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import Attachment, FileContent, Resident
from kesos_desktop.domain.enums import DocumentType
from kesos_desktop.domain.errors import KesosError, NotFoundError
from kesos_desktop.domain.resident_dto import FileUpload
from kesos_desktop.services import attachments, audit, dbcopy, intake
from tests.conftest import new_database_url
from tests.resident_requests import TODAY, png_bytes, request, stay, write_png


@pytest.fixture
def budi(db, staff):
    return intake.register(db, staff, request(), today=TODAY)


@pytest.fixture
def workstation_b(tmp_path):
    """Switch to a second workstation's (empty) data folder on the same database."""
    def switch():
        folder = tmp_path / "workstation-b"
        paths.set_data_dir(folder)
        return folder
    return switch


def attach(db, staff, resident_id, tmp_path, body: bytes, name="kk.pdf", title="Kartu Keluarga"):
    scan = tmp_path / name
    scan.write_bytes(body)
    row, _ = attachments.add_attachment(db, staff, resident_id,
                                        FileUpload(str(scan), DocumentType.KK, title))
    return row


def contents(db) -> dict[str, bytes]:
    with db.read() as session:
        rows = session.execute(sa.select(FileContent.sha256, FileContent.data)).all()
    return {sha: bytes(data) for sha, data in rows}


def test_a_document_added_on_one_workstation_opens_on_another(db, staff, budi, tmp_path,
                                                             data_dir, workstation_b):
    body = b"%PDF-1.4 kartu keluarga fiktif " + bytes(range(256)) * 40
    row = attach(db, staff, budi.resident_id, tmp_path, body)
    assert contents(db) == {row.sha256: body}
    folder_b = workstation_b()
    path = attachments.open_attachment(db, staff, row.id)
    assert path.is_relative_to(folder_b) and path.read_bytes() == body
    assert (data_dir / row.stored_path).read_bytes() == body  # A's copy untouched
    path.unlink()  # B's copy lost: fetched again
    assert attachments.open_attachment(db, staff, row.id).read_bytes() == body


def test_a_photo_registered_at_intake_shows_on_another_workstation(db, staff, tmp_path,
                                                                  workstation_b):
    photo = write_png(tmp_path / "foto.png")
    result = intake.register(db, staff, request(photo_path=str(photo)), today=TODAY)
    workstation_b()
    path = attachments.photo_file(db, staff, result.resident_id)
    assert path is not None and path.read_bytes() == photo.read_bytes()
    with db.read() as session:
        assert len(contents(db)) == 1 and session.get(Resident, result.resident_id).photo_path


def test_intake_scans_are_in_the_database(db, staff, tmp_path, workstation_b):
    scan = tmp_path / "ktp.pdf"
    scan.write_bytes(b"%PDF-1.4 ktp fiktif")
    result = intake.register(db, staff, request(admission=stay(attachments=(
        FileUpload(str(scan), DocumentType.KTP, "KTP"),))), today=TODAY)
    workstation_b()
    with db.read() as session:
        attachment_id = session.execute(sa.select(Attachment.id).where(
            Attachment.resident_id == result.resident_id)).scalar_one()
    assert attachments.open_attachment(db, staff, attachment_id).read_bytes() == scan.read_bytes()


def test_damaged_local_copy_is_replaced_and_damage_in_the_database_is_reported(
        db, staff, budi, tmp_path, data_dir):
    body = b"%PDF-1.4 surat rujukan fiktif"
    row = attach(db, staff, budi.resident_id, tmp_path, body, title="Surat Rujukan")
    local = data_dir / row.stored_path
    local.write_bytes(b"changed on disk")
    assert attachments.open_attachment(db, staff, row.id).read_bytes() == body
    with db.write() as session:
        session.execute(sa.update(FileContent).values(data=b"%PDF-1.4 tampered"))
    assert attachments.open_attachment(db, staff, row.id).read_bytes() == body  # copy still good
    local.unlink()
    with pytest.raises(KesosError, match="Surat Rujukan") as raised:
        attachments.open_attachment(db, staff, row.id)
    assert not isinstance(raised.value, NotFoundError) and not local.exists()
    with db.write() as session:
        session.execute(sa.delete(FileContent))
    with pytest.raises(NotFoundError, match="Surat Rujukan"):
        attachments.open_attachment(db, staff, row.id)


def test_same_file_is_stored_once(db, staff, budi, tmp_path):
    first = attach(db, staff, budi.resident_id, tmp_path, b"%PDF-1.4 sama", name="a.pdf")
    second = attach(db, staff, budi.resident_id, tmp_path, b"%PDF-1.4 sama", name="b.pdf")
    other = attach(db, staff, budi.resident_id, tmp_path, b"%PDF-1.4 lain", name="c.pdf")
    assert first.sha256 == second.sha256 != other.sha256
    assert sorted(contents(db)) == sorted({first.sha256, other.sha256})
    with db.read() as session:
        kinds = set(session.execute(sa.select(FileContent.content_type)).scalars())
    assert kinds == {"application/pdf"}


def test_content_is_written_in_the_attachments_transaction(db, staff, budi, tmp_path, monkeypatch):
    def fail(*_args, **_kwargs):
        raise RuntimeError("audit failed")
    monkeypatch.setattr(audit, "record", fail)
    with pytest.raises(RuntimeError):
        attach(db, staff, budi.resident_id, tmp_path, b"%PDF-1.4 gagal")
    assert contents(db) == {}


def test_content_goes_with_the_last_reference(db, staff, budi, tmp_path, data_dir):
    first = attach(db, staff, budi.resident_id, tmp_path, b"%PDF-1.4 dua kali", name="a.pdf")
    second = attach(db, staff, budi.resident_id, tmp_path, b"%PDF-1.4 dua kali", name="b.pdf")
    with db.write() as session:
        session.execute(sa.delete(Attachment).where(Attachment.id == first.id))
        assert attachments.release_content(session, first.stored_path) is False  # still used
        session.execute(sa.delete(Attachment).where(Attachment.id == second.id))
        assert attachments.release_content(session, second.stored_path) is True
    assert contents(db) == {} and not (data_dir / first.stored_path).exists()


def test_replaced_photo_is_deleted_unless_shared(db, staff, budi, tmp_path, data_dir):
    old = tmp_path / "lama.png"
    old.write_bytes(png_bytes(3, 3))
    attachments.set_photo(db, staff, budi.resident_id, str(old))
    with db.read() as session:
        old_path = session.get(Resident, budi.resident_id).photo_path
    assert list(contents(db).values()) == [old.read_bytes()]
    attachments.set_photo(db, staff, budi.resident_id, str(write_png(tmp_path / "baru.png")))
    assert list(contents(db).values()) == [write_png(tmp_path / "x.png").read_bytes()]
    assert not (data_dir / old_path).exists()
    attachments.set_photo(db, staff, budi.resident_id, None)
    assert contents(db) == {}


def test_photo_over_the_limit_is_refused_and_nothing_stored(db, staff, budi, tmp_path):
    huge = tmp_path / "besar.png"
    huge.write_bytes(png_bytes() + b"\0" * attachments.MAX_PHOTO_BYTES)
    with pytest.raises(KesosError):
        attachments.set_photo(db, staff, budi.resident_id, str(huge))
    assert contents(db) == {}


def test_sync_uploads_old_local_files_and_drops_stale_copies(db, staff, budi, tmp_path, data_dir):
    row = attach(db, staff, budi.resident_id, tmp_path, b"%PDF-1.4 dari dulu")
    with db.write() as session:  # as before file contents were kept in the database
        session.execute(sa.delete(FileContent))
    stale = data_dir / "attachments" / "ff" / ("f" * 64 + ".pdf")
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"erased on another workstation")
    cut_off = data_dir / (row.stored_path + "x1y2.part")  # a copy interrupted long ago
    cut_off.write_bytes(b"%PDF")
    os.utime(cut_off, (time.time() - 7200, time.time() - 7200))
    assert attachments.sync_local_files(db, staff) == (1, 2)
    assert contents(db) == {row.sha256: b"%PDF-1.4 dari dulu"} and not stale.exists()
    assert not cut_off.exists()
    assert (data_dir / row.stored_path).exists()
    assert attachments.sync_local_files(db, staff) == (0, 0)


def test_moving_to_a_server_takes_the_documents_along(request, db, staff, budi, tmp_path,
                                                      workstation_b):
    """``kesos db copy``: the contents travel with the rows (PostgreSQL when the suite runs there)."""
    source = Database(f"sqlite:///{tmp_path / 'panti.db'}")
    migrate.upgrade(source, backup=False)
    body = b"%PDF-1.4 dokumen yang pindah " * 1000
    url, cleanup = new_database_url(request, tmp_path / "server")
    target = Database(url)
    try:
        dbcopy.copy_database(db, source)  # the facility's SQLite file, documents included
        row = attach(source, staff, budi.resident_id, tmp_path, body)
        dbcopy.copy_database(source, target)
        workstation_b()
        assert attachments.open_attachment(target, staff, row.id).read_bytes() == body
    finally:
        source.dispose()
        target.dispose()
        cleanup()


def test_two_workstations_adding_the_same_scan_at_once(db, staff, budi, tmp_path, monkeypatch):
    """Both transactions insert the same content before either commits (the audit write is
    slowed down): the second waits for the first and then keeps its copy, no unique error."""
    record = audit.record

    def slow_record(*args, **kwargs):
        time.sleep(0.3)
        return record(*args, **kwargs)

    monkeypatch.setattr(audit, "record", slow_record)
    scan = tmp_path / "sama.pdf"
    scan.write_bytes(b"%PDF-1.4 dipindai dua kali")
    upload = FileUpload(str(scan), DocumentType.KK, "KK")
    with ThreadPoolExecutor(2) as pool:
        rows = list(pool.map(lambda _n: attachments.add_attachment(
            db, staff, budi.resident_id, upload)[0], range(2)))
    assert rows[0].id != rows[1].id and list(contents(db)) == [rows[0].sha256]


def test_a_stored_path_leaving_the_data_folder_is_not_followed(db, staff, budi, tmp_path,
                                                              data_dir):
    row = attach(db, staff, budi.resident_id, tmp_path, b"%PDF-1.4 jalur aneh")
    with db.write() as session:  # as a damaged or hostile client might have written it
        session.execute(sa.update(Attachment).values(stored_path="../../luar.pdf"))
    path = attachments.open_attachment(db, staff, row.id)
    assert path.is_relative_to(data_dir / "attachments") and path.name == f"{row.sha256}.pdf"
    assert not (data_dir.parent.parent / "luar.pdf").exists()
