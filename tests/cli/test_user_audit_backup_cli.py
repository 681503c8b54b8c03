"""`kesos user`, `kesos audit`, `kesos backup` and `kesos restore`: the GUI's rules, scripted."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kesos_desktop import paths
from kesos_desktop.cli import main
from kesos_desktop.db.engine import Database
from kesos_desktop.services import auth, users
from tests.conftest import PASSWORD


@pytest.fixture
def as_admin(db_url, admin, monkeypatch):
    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)

    def run(*argv: str) -> int:
        return main(["--database-url", db_url, *argv])

    return run


def _usernames(db) -> set[str]:
    return {row.username for row in users.list_users(db, auth.login(db, "admin", PASSWORD))}


# ----------------------------------------------------------------------------- users


def test_user_commands(as_admin, db, monkeypatch, capsys):
    monkeypatch.setenv("KESOS_NEW_PASSWORD", "Awal-Sekali-12")
    assert as_admin("user", "add", "budi", "--full-name", "Budi Santoso", "--role", "staff",
                    "--user", "admin") == 0
    budi = auth.login(db, "budi", "Awal-Sekali-12")
    assert auth.must_change_password(db, budi)
    assert as_admin("user", "role", "budi", "counselor", "--user", "admin") == 0
    assert as_admin("user", "deactivate", "budi", "--user", "admin") == 0
    assert as_admin("user", "list", "--user", "admin") == 0
    out = capsys.readouterr().out
    assert "budi" in out and "nonaktif" in out.lower()
    assert as_admin("user", "activate", "budi", "--user", "admin") == 0
    monkeypatch.setenv("KESOS_NEW_PASSWORD", "Kedua-Kali-34")
    assert as_admin("user", "reset-password", "budi", "--user", "admin") == 0
    assert auth.login(db, "budi", "Kedua-Kali-34").role.value == "counselor"
    assert as_admin("user", "unlock", "budi", "--user", "admin") == 0
    assert as_admin("user", "role", "nobody", "staff", "--user", "admin") == 1


def test_user_add_bad_input_and_no_permission(as_admin, staff, monkeypatch, capsys):
    monkeypatch.setenv("KESOS_NEW_PASSWORD", "pendek")
    assert as_admin("user", "add", "x", "--full-name", "X", "--role", "staff", "--user", "admin") == 2
    assert "password" in capsys.readouterr().err
    monkeypatch.setenv("KESOS_NEW_PASSWORD", "Awal-Sekali-12")
    assert as_admin("user", "add", "xyz", "--full-name", "X", "--role", "admin", "--user", "petugas1") == 1
    assert "petugas" in capsys.readouterr().err.lower()


def test_permissions_table(capsys):
    assert main(["user", "permissions", "--markdown"]) == 0
    out = capsys.readouterr().out
    assert "| `audit.view` | yes | - | - |" in out
    assert main(["user", "permissions"]) == 0


# ----------------------------------------------------------------------------- audit


def test_audit_verify_list_export(as_admin, tmp_path, capsys):
    assert as_admin("audit", "verify", "--user", "admin") == 0
    assert "utuh" in capsys.readouterr().out
    assert as_admin("audit", "list", "--action", "login", "--user", "admin") == 0
    assert "admin" in capsys.readouterr().out
    out = tmp_path / "audit.xlsx"
    assert as_admin("audit", "export", "-o", str(out), "--from", "2020-01-01", "--user", "admin") == 0
    assert load_workbook(out, read_only=True).sheetnames[1] in ("Info", "Keterangan")
    assert as_admin("audit", "list", "--from", "23-11-2026", "--user", "admin") == 1


@pytest.mark.sqlite_only
def test_audit_verify_names_the_tampered_row(as_admin, db, capsys):
    db.dispose()
    conn = sqlite3.connect(db.sqlite_path)
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET username = 'bukan_admin' WHERE id = 2")
    conn.commit()
    conn.close()
    assert as_admin("audit", "verify", "--user", "admin") == 1
    out = capsys.readouterr().out
    assert "2" in out and ("diubah" in out or "edited" in out)


def test_staff_cannot_verify(as_admin, staff, capsys):
    assert as_admin("audit", "verify", "--user", "petugas1") == 1


# ---------------------------------------------------------------------------- backup


@pytest.mark.sqlite_only
def test_backup_and_restore_commands(as_admin, db, tmp_path, capsys):
    out = tmp_path / "usb" / "kesos.db"
    assert as_admin("backup", "-o", str(out), "--user", "admin") == 0
    assert out.exists() and Path(f"{out}.json").exists()
    assert as_admin("backup", "--user", "admin") == 0
    assert as_admin("backup", "--list", "--user", "admin") == 0
    assert "kesos-" in capsys.readouterr().out
    users.create_user(db, auth.login(db, "admin", PASSWORD),
                      users.NewUser("sesudah", "Sesudah", users.Role.STAFF, "Kuat-Sekali-9"))
    db.dispose()
    # without --yes and without a terminal: refused, nothing changed
    assert as_admin("restore", str(out), "--user", "admin") == 1
    assert "sesudah" in _usernames(db)
    db.dispose()
    assert as_admin("restore", str(out), "--yes", "--user", "admin") == 0
    assert "sesudah" not in _usernames(db)
    assert list(paths.backup_dir().glob("pre-restore-*.db"))


@pytest.mark.sqlite_only
def test_restore_refuses_bad_files(as_admin, db, tmp_path, capsys):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"PK\x03\x04 not a database at all")
    assert as_admin("restore", str(junk), "--yes", "--user", "admin") == 1
    assert "SQLite" in capsys.readouterr().err
    assert as_admin("restore", str(tmp_path / "none.db"), "--yes", "--user", "admin") == 1


@pytest.mark.sqlite_only
def test_restore_over_a_damaged_database(as_admin, db, tmp_path, capsys):
    """The live file is garbage: the password is checked against the backup, and the damaged
    files are kept beside the backups."""
    out = tmp_path / "kesos-backup.db"
    assert as_admin("backup", "-o", str(out), "--user", "admin") == 0
    db.dispose()
    live = Path(db.sqlite_path)
    live.write_bytes(b"\x00" * 8192)
    assert as_admin("restore", str(out), "--yes", "--user", "admin") == 0
    assert "cadangan" in capsys.readouterr().err.lower()
    fresh = Database(f"sqlite:///{live}")
    assert "admin" in _usernames(fresh)
    fresh.dispose()
    assert list(paths.backup_dir().glob("pre-restore-damaged-*"))


@pytest.mark.postgres_only
def test_backup_on_postgres_points_to_pg_dump(as_admin, capsys):
    assert as_admin("backup", "--user", "admin") == 1
    assert "pg_dump" in capsys.readouterr().err
