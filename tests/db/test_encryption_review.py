"""Review fixes of encryption at rest: a restore onto an empty or damaged database keeps the
data encrypted, `kesos db copy` never writes an encrypted database into a plain file, and
migration 0005 writes no document out of an encrypted database."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command

from kesos_desktop.cli import main
from kesos_desktop.db import encryption as crypto
from kesos_desktop.db import migrate
from kesos_desktop.db.engine import Database
from kesos_desktop.services import auth, backup, session_setup
from kesos_desktop.services import encryption as service
from kesos_desktop.settings import WorkstationSettings
from tests.conftest import PASSWORD
from tests.db.migration_fill import fill_at_revision

pytestmark = pytest.mark.sqlite_only

PASSPHRASE = "Kunci-Tinjau-Fiktif-2026"
PHOTO = b"\x89PNG\r\n\x1a\n foto fiktif terenkripsi"


def _setup(db: Database, facility: str) -> None:
    from kesos_desktop.domain.dto import FacilityProfileDTO

    auth.setup_facility(db, auth.SetupRequest(FacilityProfileDTO(name=facility, capacity=10),
                                              "kepala", "Kepala Contoh", PASSWORD))


def _facility(url: str) -> str:
    db = session_setup.open_database(url, upgrade=False)
    try:
        with db.read() as session:
            return session.execute(sa.text("SELECT name FROM facility_profile")).scalar_one()
    finally:
        db.dispose()


def _backup_of(path: Path, facility: str, passphrase: str | None, out: Path) -> Path:
    """A backup of a set-up database (encrypted under ``passphrase`` when given)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = session_setup.open_database(crypto.url_for(path, None))
    if passphrase:
        db = service.encrypt_new_database(db, passphrase)
    _setup(db, facility)
    try:
        backup.create_backup(db, auth.login(db, "kepala", PASSWORD), target_file=out)
    finally:
        db.dispose()
    return out


def test_encrypted_backup_restored_onto_an_empty_database_stays_encrypted(
        db_url, data_dir, tmp_path, monkeypatch):
    saved = _backup_of(tmp_path / "lain" / "kesos.db", "Panti Cadangan Terenkripsi",
                       PASSPHRASE, tmp_path / "usb" / "cadangan.db")
    assert crypto.is_encrypted_file(saved)
    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)
    monkeypatch.setenv("KESOS_BACKUP_PASSPHRASE", PASSPHRASE)
    assert main(["--database-url", db_url, "restore", str(saved), "--yes", "--user", "kepala"]) == 0
    live = crypto.sqlite_file_of(db_url)
    assert crypto.is_encrypted_file(live)  # never decrypted on the way
    assert _facility(crypto.url_for(live, PASSPHRASE)) == "Panti Cadangan Terenkripsi"


def test_plain_backup_over_a_damaged_encrypted_database_is_encrypted_again(
        data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)
    monkeypatch.setenv("KESOS_DB_PASSPHRASE", PASSPHRASE)
    assert main(["setup", "--facility", "Panti Rusak", "--admin", "kepala", "--encrypt"]) == 0
    saved = _backup_of(tmp_path / "polos" / "kesos.db", "Panti Cadangan Polos", None,
                       tmp_path / "usb" / "polos.db")
    from kesos_desktop import paths

    live = paths.default_database_path()
    assert WorkstationSettings.load().database_encrypted
    live.write_bytes(b"\x00" * 8192)  # damaged beyond recognition
    for part in (Path(f"{live}-wal"), Path(f"{live}-shm")):
        part.unlink(missing_ok=True)
    assert main(["restore", str(saved), "--yes", "--user", "kepala"]) == 0
    assert crypto.is_encrypted_file(live) and WorkstationSettings.load().database_encrypted
    assert _facility(crypto.url_for(live, PASSPHRASE)) == "Panti Cadangan Polos"
    assert b"Panti Cadangan Polos" not in live.read_bytes()


def test_copy_of_an_encrypted_database_into_a_sqlite_file_is_refused(
        db_url, data_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)
    monkeypatch.setenv("KESOS_DB_PASSPHRASE", PASSPHRASE)
    assert main(["--database-url", db_url, "setup", "--facility", "Panti Salin", "--admin", "kepala"]) == 0
    assert main(["--database-url", db_url, "db", "encrypt"]) == 0
    target = tmp_path / "salinan.db"
    assert main(["--database-url", db_url, "db", "copy", "--to", f"sqlite:///{target}"]) == 1
    assert "terenkripsi" in capsys.readouterr().err.lower()
    assert not target.exists()  # refused before the file was even created


def test_copy_service_refuses_a_plain_sqlite_target(tmp_path):
    from kesos_desktop.domain.errors import ValidationError
    from kesos_desktop.services import dbcopy

    source = session_setup.open_database(crypto.url_for(tmp_path / "sumber.db", PASSPHRASE))
    target = Database(f"sqlite:///{tmp_path / 'tujuan.db'}")
    try:
        dbcopy.refuse_plain_copy(source, "postgresql://pengguna@server/kesos")  # allowed
        with pytest.raises(ValidationError, match="PostgreSQL"):
            dbcopy.copy_database(source, target)
        with target.engine.connect() as conn:
            assert not sa.inspect(conn).get_table_names()  # nothing written into it
    finally:
        source.dispose()
        target.dispose()


@pytest.fixture
def encrypted_0004(tmp_path, data_dir):
    """An encrypted database at 0004 with a photo stored under a name that is not its hash."""
    db = Database(crypto.url_for(tmp_path / "lama.db", PASSPHRASE))
    fill_at_revision(db, "0004")
    (data_dir / "foto").mkdir(parents=True, exist_ok=True)
    (data_dir / "foto" / "lama.png").write_bytes(PHOTO)
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE resident SET photo_path = 'foto/lama.png' WHERE id = 1"))
    yield db
    db.dispose()


def test_0005_on_an_encrypted_database_writes_no_file(encrypted_0004, data_dir):
    migrate.upgrade(encrypted_0004, backup=False)
    digest = hashlib.sha256(PHOTO).hexdigest()
    with encrypted_0004.engine.connect() as conn:
        photo_path = conn.execute(sa.text("SELECT photo_path FROM resident")).scalar_one()
        data = conn.execute(sa.text("SELECT data FROM file_content WHERE sha256 = :s"),
                            {"s": digest}).scalar_one()
    assert photo_path == f"attachments/{digest[:2]}/{digest}.png" and bytes(data) == PHOTO
    assert not (data_dir / photo_path).exists()  # the bytes are in the encrypted file only
    with encrypted_0004.engine.begin() as conn, pytest.raises(RuntimeError, match="decrypt"):
        command.downgrade(migrate._alembic_config(conn), "0004")
    assert not list(data_dir.glob("attachments/*/*"))
    with encrypted_0004.engine.connect() as conn:  # refused before the documents were dropped
        assert conn.execute(sa.text("SELECT count(*) FROM file_content")).scalar_one() == 1
