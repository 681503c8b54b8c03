"""Encryption at rest (SQLCipher): no personal data in the file's bytes, a wrong passphrase
refused plainly, conversions that keep every row, encrypted backups that restore."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from kesos_desktop import paths
from kesos_desktop.db import encryption as crypto
from kesos_desktop.db import migrate
from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import AuditEntry, Resident
from kesos_desktop.services import auth, backup, intake, session_setup
from kesos_desktop.services import encryption as service
from tests.conftest import PASSWORD
from tests.resident_requests import NIK_MAN_1980, TODAY, request

pytestmark = pytest.mark.sqlite_only

PASSPHRASE = "Kunci-Uji 'fiktif' \"rahasia\" 2026"  # quotes and spaces on purpose
NAME = "Budi Fiktif Santoso"


def setup_request() -> auth.SetupRequest:
    from kesos_desktop.domain.dto import FacilityProfileDTO

    return auth.SetupRequest(FacilityProfileDTO(name="UPT Contoh Terenkripsi", capacity=10),
                             "admin", "Admin Contoh", PASSWORD)


def all_bytes(path: Path) -> bytes:
    """The file and its WAL: what a thief who copies the folder gets."""
    data = b""
    for part in (Path(path), Path(f"{path}-wal")):
        if part.exists():
            data += part.read_bytes()
    return data


@pytest.fixture
def encrypted(tmp_path):
    """A first run that chose encryption, with one registered resident: (db, admin)."""
    path = tmp_path / "data" / "kesos.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    plain = session_setup.open_database(crypto.url_for(path, None))
    db = service.encrypt_new_database(plain, PASSPHRASE)
    actor = auth.setup_facility(db, setup_request())
    intake.register(db, actor, request(), today=TODAY)
    yield db, actor
    db.dispose()


def nik_bytes() -> list[bytes]:
    return [NIK_MAN_1980.encode(), NAME.encode(), NAME.encode("utf-16-le")]


def test_encrypted_file_shows_no_nik_or_name(encrypted):
    db, _admin = encrypted
    assert db.encrypted and crypto.is_encrypted_file(db.sqlite_path)
    data = all_bytes(db.sqlite_path)
    assert len(data) > 100_000
    for secret in nik_bytes():
        assert secret not in data
    with db.read() as session:  # and yet the app reads it
        assert session.execute(sa.select(Resident.nik)).scalar_one() == NIK_MAN_1980


def test_plain_file_does_show_the_nik(db, admin):
    """The control: the check above would catch an unencrypted file."""
    intake.register(db, admin, request(), today=TODAY)
    db.dispose()
    assert NIK_MAN_1980.encode() in all_bytes(db.sqlite_path)


def test_wrong_passphrase_is_refused_plainly(encrypted):
    db, _admin = encrypted
    db.dispose()
    plain_url = crypto.url_for(db.sqlite_path, None)
    assert service.needs_passphrase(plain_url)
    with pytest.raises(crypto.WrongPassphrase) as info:
        service.unlock(plain_url, "Kunci-Salah-2026")
    assert str(info.value).startswith("Frasa sandi salah")
    assert "Kunci-Salah" not in str(info.value) and info.value.__cause__ is None
    # Through the engine too (a URL with a stale passphrase): the same refusal, not "damaged".
    with pytest.raises(crypto.WrongPassphrase):
        session_setup.open_database(crypto.url_for(db.sqlite_path, "Kunci-Salah-2026"))
    url = service.unlock(plain_url, PASSPHRASE)
    assert not service.needs_passphrase(url)
    reopened = session_setup.open_database(url)
    assert migrate.current_revision(reopened) == migrate.head_revision()
    assert "Kunci" not in reopened.display_name and "Kunci" not in repr(reopened)
    reopened.dispose()


def counts(db: Database) -> dict[str, int]:
    with db.read() as session:
        conn = session.connection().connection.dbapi_connection
        return crypto.row_counts(conn)


def test_decrypt_then_encrypt_keeps_every_row(encrypted, data_dir):
    db, _admin = encrypted
    before = counts(db)
    assert before["resident"] == 1 and before["audit_log"] > 2
    path = db.sqlite_path
    db.dispose()
    result = service.decrypt(crypto.url_for(path, None), PASSPHRASE)
    assert not result.encrypted and not crypto.is_encrypted_file(path)
    assert result.safety_copy and crypto.is_encrypted_file(result.safety_copy)  # kept encrypted
    plain = Database(crypto.url_for(path, None))
    decrypted = counts(plain)
    assert decrypted["audit_log"] == before["audit_log"] + 1
    assert {k: v for k, v in decrypted.items() if k != "audit_log"} == \
        {k: v for k, v in before.items() if k != "audit_log"}
    plain.dispose()
    service.encrypt(crypto.url_for(path, None), "Kunci-Baru-Fiktif-2027")
    assert NIK_MAN_1980.encode() not in all_bytes(path)
    again = session_setup.open_database(crypto.url_for(path, "Kunci-Baru-Fiktif-2027"))
    after = counts(again)
    assert after["audit_log"] == before["audit_log"] + 2  # decrypt and encrypt, recorded
    assert {k: v for k, v in after.items() if k != "audit_log"} == \
        {k: v for k, v in before.items() if k != "audit_log"}
    with again.read() as session:
        rows = session.execute(sa.select(AuditEntry.action, AuditEntry.details)
                               .order_by(AuditEntry.id.desc()).limit(2)).all()
    assert [r.action for r in rows] == ["encrypt", "decrypt"]
    assert not any("Kunci" in str(r.details) for r in rows)
    assert auth.login(again, "admin", PASSWORD).username == "admin"
    again.dispose()
    assert not list(Path(path).parent.glob(".*converting*"))


def test_change_passphrase_old_one_no_longer_opens(encrypted):
    db, _admin = encrypted
    path = db.sqlite_path
    db.dispose()
    result = service.change_passphrase(crypto.url_for(path, None), PASSPHRASE, "Kunci-Ganti-Fiktif-99")
    with pytest.raises(crypto.WrongPassphrase):
        crypto.check_passphrase(path, PASSPHRASE)
    crypto.check_passphrase(path, "Kunci-Ganti-Fiktif-99")
    crypto.check_passphrase(result.safety_copy, PASSPHRASE)  # the copy keeps the old key
    with pytest.raises(crypto.WrongPassphrase):  # and a wrong old passphrase changes nothing
        service.change_passphrase(crypto.url_for(path, None), "Kunci-Salah-2026", "Kunci-Lain-Fiktif-1")


def test_converting_an_open_database_is_refused(encrypted):
    db, _admin = encrypted
    with db.write() as session:  # another program holds it open, mid-transaction
        session.execute(sa.text("SELECT 1"))
        with pytest.raises(Exception, match="in use|digunakan"):
            service.decrypt(crypto.url_for(db.sqlite_path, None), PASSPHRASE)
    assert crypto.is_encrypted_file(db.sqlite_path)


def test_backup_of_encrypted_database_is_encrypted_and_restorable(encrypted, data_dir):
    db, admin = encrypted
    result = backup.create_backup(db, admin)
    copy = result.info.path
    assert crypto.is_encrypted_file(copy)
    for secret in nik_bytes():
        assert secret not in copy.read_bytes()
    assert backup.inspect_backup(copy).path == copy
    with db.write() as session:  # a change after the backup, undone by the restore
        session.execute(sa.delete(Resident))
    restored = backup.restore_backup(db, admin, copy)
    assert restored.safety_backup and crypto.is_encrypted_file(restored.safety_backup)
    assert crypto.is_encrypted_file(db.sqlite_path)
    with db.read() as session:
        assert session.execute(sa.select(Resident.nik)).scalar_one() == NIK_MAN_1980


def test_encrypted_backup_under_another_passphrase_needs_it(encrypted, tmp_path):
    db, admin = encrypted
    copy = backup.create_backup(db, admin).info.path
    path = db.sqlite_path
    db.dispose()
    service.change_passphrase(crypto.url_for(path, None), PASSPHRASE, "Kunci-Ganti-Fiktif-99")
    db2 = session_setup.open_database(crypto.url_for(path, "Kunci-Ganti-Fiktif-99"))
    try:
        with pytest.raises(backup.RestoreRefused) as info:
            backup.restore_backup(db2, admin, copy)
        assert "Kunci" not in str(info.value)
        backup.restore_backup(db2, admin, copy, backup_passphrase=PASSPHRASE)
        # restored under the live passphrase, not the backup's
        crypto.check_passphrase(path, "Kunci-Ganti-Fiktif-99")
        with db2.read() as session:
            assert session.execute(sa.select(Resident.name)).scalar_one() == NAME
    finally:
        db2.dispose()


def test_plain_backup_restored_into_encrypted_database_stays_encrypted(db, admin, tmp_path):
    intake.register(db, admin, request(), today=TODAY)
    plain_copy = backup.create_backup(db, admin).info.path
    assert not crypto.is_encrypted_file(plain_copy)
    target = tmp_path / "other" / "kesos.db"
    target.parent.mkdir()
    target.write_bytes(b"")
    target.unlink()
    fresh = service.encrypt_new_database(
        session_setup.open_database(crypto.url_for(target, None)), PASSPHRASE)
    fresh.dispose()
    backup.restore(target, plain_copy, passphrase=PASSPHRASE, safety_dir=tmp_path / "safety")
    assert crypto.is_encrypted_file(target)
    assert NIK_MAN_1980.encode() not in all_bytes(target)
    crypto.check_passphrase(target, PASSPHRASE)


def test_migration_backup_of_encrypted_file_is_encrypted(encrypted):
    db, _admin = encrypted
    target = migrate.backup_before_migration(db, migrate.head_revision())
    assert target.parent == paths.backup_dir() and crypto.is_encrypted_file(target)
    crypto.check_passphrase(target, PASSPHRASE)


def test_passphrase_rules():
    generated = crypto.generate_passphrase()
    assert len(generated) == 29 and generated.count("-") == 5
    assert crypto.passphrase_problem(generated) is None
    assert crypto.passphrase_problem("pendek") is not None
    assert crypto.passphrase_problem(" Kunci-Uji-Fiktif") is not None
    assert crypto.passphrase_problem(generated, generated + "x") is not None


def test_setup_encryption_refused_once_set_up(db, admin):
    with pytest.raises(Exception, match="kesos db encrypt"):
        service.encrypt_new_database(db, PASSPHRASE)


def test_damaged_plain_files_are_not_taken_for_encrypted(encrypted, tmp_path):
    db, _admin = encrypted
    assert crypto.is_encrypted_file(db.sqlite_path)
    zeroed = tmp_path / "nol.db"
    zeroed.write_bytes(b"\x00" * 8192)
    text = tmp_path / "teks.db"
    text.write_bytes(b"bukan basis data " * 512)
    short = tmp_path / "pendek.db"
    short.write_bytes(Path(db.sqlite_path).read_bytes()[:1000])
    for path in (zeroed, text, short, tmp_path / "tidak-ada.db"):
        assert not crypto.is_encrypted_file(path), path.name
        assert not service.needs_passphrase(crypto.url_for(path, None))


def test_encrypted_backup_without_its_sidecar_restores(encrypted, tmp_path):
    """A backup file copied on its own (no .json beside it) is still recognised and restored."""
    db, admin = encrypted
    made = backup.create_backup(db, admin).info.path
    alone = tmp_path / "salinan" / "kesos-salinan.db"
    alone.parent.mkdir()
    alone.write_bytes(made.read_bytes())
    info = backup.inspect_backup(alone)
    assert info.path == alone and info.created_at is not None
    result = backup.restore_backup(db, admin, alone)
    assert result.schema_revision == migrate.head_revision()
    with db.read() as session:
        assert session.execute(sa.select(Resident.nik)).scalar_one() == NIK_MAN_1980


def test_encrypted_database_upgrades_from_an_older_schema(tmp_path, data_dir):
    """Alembic runs through the SQLCipher engine; the pre-upgrade copy is encrypted too."""
    path = tmp_path / "lama.db"
    db = Database(crypto.url_for(path, None))
    migrate.upgrade(db, backup=False, target="0001")
    db.dispose()
    crypto.convert(path, None, PASSPHRASE)
    old = Database(crypto.url_for(path, PASSPHRASE))
    assert migrate.current_revision(old) == "0001"
    result = migrate.upgrade(old)
    old.dispose()
    assert result.to_revision == migrate.head_revision() and result.backup_path
    crypto.check_passphrase(result.backup_path, PASSPHRASE)
    assert crypto.is_encrypted_file(path) and crypto.is_encrypted_file(result.backup_path)
