"""Backups and restore: hot, verified, atomic; refusals with a clear message; a killed restore
or a full disk leaves the live database intact."""

from __future__ import annotations

import errno
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from kesos_desktop import __version__, paths
from kesos_desktop.db import migrate, sqlite_backup
from kesos_desktop.db.base import now
from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import AuditEntry, User
from kesos_desktop.domain.enums import Role
from kesos_desktop.domain.errors import DatabaseError, PermissionDenied, ValidationError
from kesos_desktop.services import audit, audit_log, backup, users

ROOT = Path(__file__).resolve().parents[2]


def _usernames(db) -> set[str]:
    with db.read() as session:
        return set(session.execute(sa.select(User.username)).scalars())


def _add_user(db, admin, name: str):
    return users.create_user(db, admin, users.NewUser(name, name.title(), Role.STAFF, "Kuat-Sekali-9"))[0]


def _integrity(path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".partial" in p.name or ".restoring" in p.name)



# --------------------------------------------------------------------------- backup


@pytest.mark.sqlite_only
def test_backup_is_verified_and_described(db, admin):
    result = backup.create_backup(db, admin)
    path = result.info.path
    assert path.parent == paths.backup_dir() and path.name.startswith("kesos-")
    assert _integrity(path) == "ok"
    meta = json.loads(backup.sidecar_path(path).read_text(encoding="utf-8"))
    assert meta["app_version"] == __version__
    assert meta["schema_revision"] == migrate.head_revision()
    assert meta["facility_name"] == "UPT Rehabilitasi Sosial Contoh Sejahtera"
    assert result.info.facility_name == meta["facility_name"]
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT username FROM user_account").fetchall() == [("admin",)]
    # the copy contains its own audit record, whose hash the sidecar keeps as an anchor
    head = conn.execute("SELECT id, hash, action FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    assert (head[0], head[1], head[2]) == (meta["audit_head_id"], meta["audit_head_hash"], "backup")
    assert [b.path for b in backup.list_backups(db, admin)] == [path]


@pytest.mark.sqlite_only
def test_backup_while_the_app_writes(db, admin):
    """A consistent snapshot while another thread keeps committing (hot backup)."""
    stop = threading.Event()
    written = []

    def writer():
        while not stop.is_set():
            with db.write() as session:
                audit.record(session, admin, "update", "resident", len(written), {})
            written.append(1)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 20:
            time.sleep(0.01)
        result = backup.create_backup(db, admin)
    finally:
        stop.set()
        thread.join()
    assert _integrity(result.info.path) == "ok"
    copy = Database(f"sqlite:///{result.info.path}")
    with copy.read() as session:
        assert audit_log.verify_chain(session).ok  # a snapshot, not a torn copy
    copy.dispose()


@pytest.mark.sqlite_only
def test_retention_keeps_the_newest(db, admin, monkeypatch):
    backup.set_keep(db, admin, 3)
    assert backup.get_keep(db, admin) == 3
    made = []
    for i in range(5):
        stamp = now() + timedelta(minutes=i)
        monkeypatch.setattr(backup, "now", lambda stamp=stamp: stamp)
        made.append(backup.create_backup(db, admin).info.path)
    left = sorted(p.name for p in paths.backup_dir().glob("*.db"))
    assert left == sorted(p.name for p in made[-3:])
    assert not backup.sidecar_path(made[0]).exists()


def test_keep_setting_is_validated_and_admin_only(db, admin, staff):
    with pytest.raises(ValidationError):
        backup.set_keep(db, admin, 0)
    with pytest.raises(PermissionDenied):
        backup.set_keep(db, staff, 5)
    assert backup.get_keep(db, staff) == backup.DEFAULT_KEEP


@pytest.mark.sqlite_only
def test_manual_backup_to_another_folder_is_never_pruned(db, admin, tmp_path, staff):
    usb = tmp_path / "usb"
    backup.set_keep(db, admin, 1)
    first = backup.create_backup(db, staff, usb).info.path  # every role may back up
    second = backup.create_backup(db, admin, target_dir=usb).info.path
    assert first.exists() and second.exists() and first != second
    out = backup.create_backup(db, admin, target_file=tmp_path / "salinan").info.path
    assert out == tmp_path / "salinan.db" and _integrity(out) == "ok"


@pytest.mark.sqlite_only
def test_auto_backup_only_when_something_changed(db, admin):
    first = backup.auto_backup(db, admin, "close")
    assert first is not None and first.info.automatic
    assert backup.auto_backup(db, admin, "close") is None  # nothing changed since
    users.reset_password(db, admin, admin.id, "Baru-Sekali-77")  # a change
    assert backup.auto_backup(db, admin, "daily") is None  # the newest is not a day old yet
    assert backup.auto_backup(db, admin, "daily", max_age=timedelta(0)) is not None
    assert backup.auto_backup(db, admin, "close") is None


# --------------------------------------------------------------------- disk full


@pytest.mark.sqlite_only
def test_disk_full_during_backup(db, admin, monkeypatch):
    real_copy = sqlite_backup._copy_pages

    def fill_up(src, dst, progress):
        real_copy(src, dst, progress)  # some pages reached the disk...
        raise OSError(errno.ENOSPC, "No space left on device")  # ...then it was full

    monkeypatch.setattr(sqlite_backup, "_copy_pages", fill_up)
    with pytest.raises(DatabaseError, match="penuh|full") as info:
        backup.create_backup(db, admin)
    assert "Traceback" not in str(info.value)
    assert list(paths.backup_dir().iterdir()) == []  # no partial file, no final file
    assert _audit_actions(db)[-2:] == ["backup", "backup_failed"]


@pytest.mark.sqlite_only
def test_disk_full_as_sqlite_reports_it(db, admin, monkeypatch):
    def full(src, dst, progress):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(sqlite_backup, "_copy_pages", full)
    with pytest.raises(sqlite_backup.DiskFullError):
        backup.create_backup(db, admin)
    assert list(paths.backup_dir().iterdir()) == []


@pytest.mark.sqlite_only
def test_disk_full_while_writing_the_sidecar(db, admin, monkeypatch):
    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_text", no_space)
    with pytest.raises(sqlite_backup.DiskFullError):
        backup.create_backup(db, admin)
    assert list(paths.backup_dir().iterdir()) == []


def _audit_actions(db) -> list[str]:
    with db.read() as session:
        return list(session.execute(sa.select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


# --------------------------------------------------------------------------- restore


@pytest.mark.sqlite_only
def test_restore_round_trip(db, admin):
    _add_user(db, admin, "sebelum")
    made = backup.create_backup(db, admin).info.path
    _add_user(db, admin, "sesudah")
    result = backup.restore_backup(db, admin, made)
    assert _usernames(db) == {"admin", "sebelum"}
    assert result.schema_revision == migrate.head_revision()
    # the database replaced was backed up first, with the later user in it
    assert result.safety_backup is not None and result.safety_backup.name.startswith("pre-restore-")
    conn = sqlite3.connect(result.safety_backup)
    assert ("sesudah",) in conn.execute("SELECT username FROM user_account").fetchall()
    assert conn.execute("SELECT details FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0].find("started") > 0
    conn.close()
    # the restored database records the restore, and its chain is intact
    assert _audit_actions(db)[-1] == "restore"
    assert audit_log.verify(db, admin).ok
    assert _integrity(db.sqlite_path) == "ok"
    assert _leftovers(Path(db.sqlite_path).parent) == []


def test_restore_needs_permission(db, admin, staff, tmp_path):
    with pytest.raises(PermissionDenied):
        backup.restore_backup(db, staff, tmp_path / "whatever.db")


def _live_state(db) -> tuple[set[str], int]:
    return _usernames(db), len(_audit_actions(db))


@pytest.mark.sqlite_only
def test_restore_refuses_a_file_that_is_not_a_backup(db, admin, tmp_path):
    text = tmp_path / "laporan.db"
    text.write_text("bukan database", encoding="utf-8")
    before = _live_state(db)
    with pytest.raises(backup.RestoreRefused, match="SQLite"):
        backup.restore_backup(db, admin, text)
    with pytest.raises(backup.RestoreRefused):
        backup.inspect_backup(text)
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (a)").connection.close()
    with pytest.raises(backup.RestoreRefused, match="Kesos"):
        backup.restore_backup(db, admin, other)
    with pytest.raises(backup.RestoreRefused):
        backup.restore_backup(db, admin, tmp_path / "missing.db")
    assert _live_state(db)[0] == before[0]
    assert _leftovers(Path(db.sqlite_path).parent) == []


@pytest.mark.sqlite_only
def test_restore_refuses_a_truncated_backup(db, admin, tmp_path):
    for i in range(40):  # enough pages that half a file is missing real data
        _add_user(db, admin, f"pengguna{i:02d}")
    made = backup.create_backup(db, admin).info.path
    cut = tmp_path / "terpotong.db"
    data = made.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(backup.RestoreRefused, match="rusak|damaged"):
        backup.restore_backup(db, admin, cut)
    assert len(_usernames(db)) == 41
    assert _integrity(db.sqlite_path) == "ok"
    assert _leftovers(Path(db.sqlite_path).parent) == []


@pytest.mark.sqlite_only
def test_restore_refuses_a_backup_from_a_newer_schema(db, admin, tmp_path):
    made = backup.create_backup(db, admin, target_file=tmp_path / "baru.db").info.path
    conn = sqlite3.connect(made)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    with pytest.raises(backup.RestoreRefused, match="9999"):
        backup.inspect_backup(made)
    with pytest.raises(backup.RestoreRefused, match="9999"):
        backup.restore_backup(db, admin, made)
    assert "admin" in _usernames(db)


@pytest.mark.sqlite_only
def test_restore_refuses_a_backup_from_a_newer_app(db, admin, tmp_path):
    made = backup.create_backup(db, admin, target_file=tmp_path / "baru.db").info.path
    meta_path = backup.sidecar_path(made)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["app_version"] = "99.0.0"
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(backup.RestoreRefused, match="99.0.0"):
        backup.restore_backup(db, admin, made)


@pytest.mark.sqlite_only
def test_restore_refuses_while_another_program_has_the_database_open(db, admin):
    made = backup.create_backup(db, admin).info.path
    _add_user(db, admin, "sesudah")
    other = sqlite3.connect(db.sqlite_path)  # e.g. a second Kesos window
    other.execute("SELECT count(*) FROM user_account").fetchone()
    try:
        with pytest.raises(backup.RestoreRefused, match="dipakai|in use"):
            backup.restore_backup(db, admin, made)
    finally:
        other.close()
    assert "sesudah" in _usernames(db)


@pytest.mark.sqlite_only
def test_failure_inside_the_copy_loop_leaves_the_live_database(db, admin, monkeypatch):
    made = backup.create_backup(db, admin).info.path
    _add_user(db, admin, "sesudah")
    monkeypatch.setattr(sqlite_backup, "PAGES_PER_STEP", 2)
    steps = []

    def progress(done, total, message):
        steps.append(done)
        if len(steps) == 3:
            raise KeyboardInterrupt  # the process is stopped half-way through the copy

    with pytest.raises(KeyboardInterrupt):
        backup.restore_backup(db, admin, made, progress=progress)
    assert "sesudah" in _usernames(db)
    assert _integrity(db.sqlite_path) == "ok"
    assert _leftovers(Path(db.sqlite_path).parent) == []


@pytest.mark.sqlite_only
def test_failure_just_before_the_swap_leaves_the_live_database(db, admin, monkeypatch):
    made = backup.create_backup(db, admin).info.path
    _add_user(db, admin, "sesudah")

    real_replace = os.replace

    def power_cut(src, dst):
        if Path(dst) == Path(db.sqlite_path):  # only the final swap fails
            raise OSError(errno.EIO, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", power_cut)
    with pytest.raises(OSError):
        backup.restore_backup(db, admin, made)
    monkeypatch.undo()
    assert _leftovers(Path(db.sqlite_path).parent) == []
    assert "sesudah" in _usernames(db)
    assert _integrity(db.sqlite_path) == "ok"


KILL_SCRIPT = textwrap.dedent("""
    import sys, time
    from kesos_desktop import paths
    from kesos_desktop.db import sqlite_backup
    from kesos_desktop.services import backup

    paths.set_data_dir(sys.argv[3])
    sqlite_backup.PAGES_PER_STEP = 4

    def progress(done, total, message):
        print("COPYING", done, total, flush=True)
        time.sleep(0.2)

    backup.restore(sys.argv[1], sys.argv[2], progress)
    print("FINISHED", flush=True)
""")


@pytest.mark.sqlite_only
def test_killed_restore_leaves_the_live_database_intact(db, admin, tmp_path):
    """A real kill -9 in the middle of the copy: the live database is exactly as it was."""
    for i in range(20):
        _add_user(db, admin, f"pengguna{i:02d}")
    made = backup.create_backup(db, admin).info.path
    _add_user(db, admin, "sesudah")
    before = _live_state(db)
    db.dispose()
    process = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, db.sqlite_path, str(made), str(tmp_path / "data")],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )
    lines = []
    for line in process.stdout:
        lines.append(line)
        if len(lines) == 3:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert not any("FINISHED" in line for line in lines)
    assert _integrity(db.sqlite_path) == "ok"
    assert _live_state(db) == before
    # the next restore clears what the killed one left behind, and succeeds
    backup.restore_backup(db, admin, made)
    assert "sesudah" not in _usernames(db)
    assert _leftovers(Path(db.sqlite_path).parent) == []


# ------------------------------------------------------------------------- PostgreSQL


@pytest.mark.postgres_only
def test_postgres_backup_says_it_is_the_servers_job(db, admin, tmp_path):
    assert not backup.backup_supported(db)
    with pytest.raises(backup.BackupNotSupported, match="pg_dump"):
        backup.create_backup(db, admin)
    with pytest.raises(backup.BackupNotSupported, match="pg_dump"):
        backup.restore_backup(db, admin, tmp_path / "x.db")
    assert backup.auto_backup(db, admin) is None
