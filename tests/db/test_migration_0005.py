"""Revision 0005 copies the files already in the data folder into the database."""

from __future__ import annotations

import hashlib
import logging
import os
import uuid

import pytest
import sqlalchemy as sa
from alembic import command

from kesos_desktop import paths
from kesos_desktop.db import migrate
from kesos_desktop.db.engine import Database
from kesos_desktop.services import attachments
from tests.conftest import BACKEND, _pg_admin_url, _pg_exec
from tests.db.migration_fill import fill_at_revision, row_counts

KTP = b"%PDF-1.4 ktp fiktif"
KK = b"%PDF-1.4 kk fiktif"
PHOTO = b"\x89PNG\r\n\x1a\n foto fiktif"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored(data: bytes, suffix: str) -> str:
    digest = sha(data)
    return f"attachments/{digest[:2]}/{digest}{suffix}"


def _attachment(conn, attachment_id: int, path: str, digest: str) -> None:
    conn.execute(sa.text(
        "INSERT INTO attachment (id, resident_id, admission_id, doc_type, title, original_name, "
        "stored_path, sha256, size_bytes, added_by_id, added_at) VALUES (:id, 1, 1, 'ktp', "
        "'Dokumen', 'scan.pdf', :path, :sha, 10, 1, '2025-01-02 03:04:05')"),
        {"id": attachment_id, "path": path, "sha": digest})


@pytest.fixture
def empty_url(tmp_path):
    """An empty database (the shared fixtures' databases are already at head)."""
    if BACKEND != "postgresql":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    name = f"kesos_m5_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    _pg_exec(f'CREATE DATABASE "{name}"')
    yield _pg_admin_url().set(database=name).render_as_string(hide_password=False)
    _pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def old_db(empty_url, data_dir):
    """A database at 0004 as an older app left it: files under the data folder, one of them
    missing, one changed on disk, a photo stored under a name that is not its hash."""
    db = Database(empty_url)
    fill_at_revision(db, "0004")
    files = {stored(KTP, ".pdf"): KTP, stored(KK, ".pdf"): b"changed on disk",
             "foto/lama.png": PHOTO}
    for relative, body in files.items():
        (data_dir / relative).parent.mkdir(parents=True, exist_ok=True)
        (data_dir / relative).write_bytes(body)
    with db.engine.begin() as conn:
        _attachment(conn, 1, stored(KTP, ".pdf"), sha(KTP))
        _attachment(conn, 2, stored(KTP, ".pdf"), sha(KTP))  # the same scan twice: stored once
        _attachment(conn, 3, stored(KK, ".pdf"), sha(KK))  # changed on disk
        _attachment(conn, 4, "attachments/00/hilang.pdf", "0" * 64)  # missing
        conn.execute(sa.text("UPDATE resident SET photo_path = 'foto/lama.png' WHERE id = 1"))
    yield db
    db.dispose()


def test_upgrade_copies_existing_files_and_keeps_every_row(old_db, data_dir, caplog):
    before = row_counts(old_db)
    with caplog.at_level(logging.WARNING, logger="kesos_desktop.migrations.0005"):
        migrate.upgrade(old_db, backup=False)
    after = row_counts(old_db)
    assert after.pop("file_content") == 2
    assert after == before
    with old_db.engine.connect() as conn:
        saved = dict(conn.execute(sa.text("SELECT sha256, data FROM file_content")).all())
        photo_path = conn.execute(sa.text("SELECT photo_path FROM resident")).scalar_one()
    assert {k: bytes(v) for k, v in saved.items()} == {sha(KTP): KTP, sha(PHOTO): PHOTO}
    assert photo_path == stored(PHOTO, ".png") and (data_dir / photo_path).read_bytes() == PHOTO
    logged = caplog.text
    assert "attachment 3" in logged and "attachment 4" in logged and "attachment 1" not in logged


def test_after_the_upgrade_another_workstation_opens_the_files(old_db, admin_of, tmp_path):
    migrate.upgrade(old_db, backup=False)
    paths.set_data_dir(tmp_path / "workstation-b")
    actor = admin_of(old_db)
    assert attachments.open_attachment(old_db, actor, 2).read_bytes() == KTP
    assert attachments.photo_file(old_db, actor, 1).read_bytes() == PHOTO


def test_downgrade_writes_the_files_back(old_db, data_dir):
    migrate.upgrade(old_db, backup=False)
    for path in data_dir.glob("attachments/*/*"):
        path.unlink()
    with old_db.engine.begin() as conn:
        command.downgrade(migrate._alembic_config(conn), "0004")
    assert (data_dir / stored(KTP, ".pdf")).read_bytes() == KTP
    assert (data_dir / stored(PHOTO, ".png")).read_bytes() == PHOTO
    assert migrate.current_revision(old_db) == "0004"


@pytest.fixture
def admin_of():
    """An actor for the old database (its one user is a counselor, who may view residents)."""
    from kesos_desktop.domain.dto import Actor
    from kesos_desktop.domain.enums import Role

    return lambda _db: Actor(1, "lama", "Pengguna Lama", Role.COUNSELOR, False)
