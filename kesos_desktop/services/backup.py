"""Backups and restore of the embedded SQLite database.

- ``create_backup``: a hot, consistent copy with SQLite's online backup API (the app may keep
  working), checked with ``integrity_check``, written under a temporary name and renamed only
  when complete; a small JSON sidecar (``<file>.json``) records the app version, schema
  revision, facility and the audit log's last entry. Backups in the default folder are pruned
  to the newest N (facility setting ``backup.keep``, default 14); other folders (a USB stick)
  are never pruned.
- ``auto_backup``: what the GUI runs on close and once a day; skipped when nothing changed.
- ``restore``: refuses a file that is not a SQLite database, is damaged or truncated, or comes
  from a newer app or schema; backs up the current database first; then replaces it atomically
  (copy to a temporary file in the same folder, fsync, ``os.replace``). Until that rename the
  live database is untouched, so a killed restore changes nothing.

On PostgreSQL both refuse with a plain message: server backups are the server's job (pg_dump;
see docs/BACKUP.md).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from kesos_desktop import __version__, paths
from kesos_desktop.db import migrate
from kesos_desktop.db.base import now
from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import AuditEntry, FacilityProfile
from kesos_desktop.db.sqlite_backup import (
    DiskFullError,
    backup_sqlite_file,
    disk_full_message,
    fsync_dir,
    fsync_file,
    integrity,
    is_disk_full,
    looks_like_sqlite,
)
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.errors import DatabaseError, KesosError, ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.services import audit
from kesos_desktop.services.common import get_setting, put_setting
from kesos_desktop.services.context import requires

log = logging.getLogger(__name__)

ProgressFn = Callable[[int, int, str], None]

KEEP_SETTING = "backup.keep"
DEFAULT_KEEP = 14
MAX_KEEP = 365
PREFIX = "kesos-"  # backups that create_backup writes into the default folder (pruned)
SIDECAR_SUFFIX = ".json"
DAILY = timedelta(hours=24)
# Audit actions that do not change the data: a session with only these needs no new backup.
READ_ONLY_ACTIONS = frozenset({
    "login", "login_failed", "logout", "unlock_failed", "denied", "verify", "read", "export",
    "print", "backup", "backup_failed",
})


class BackupNotSupported(KesosError):
    """The database is on a PostgreSQL server: backing it up is the server's job."""


class RestoreRefused(KesosError):
    """The chosen file cannot be restored (not a backup, damaged, newer, or the DB is in use)."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    size: int
    created_at: datetime | None
    app_version: str | None = None
    schema_revision: str | None = None
    facility_name: str | None = None
    automatic: bool = False
    made_by: str | None = None
    audit_head_id: int | None = None
    audit_head_hash: str | None = None

    @property
    def name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class BackupResult:
    info: BackupInfo
    seconds: float
    removed: tuple[Path, ...] = ()


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    safety_backup: Path | None
    schema_revision: str | None
    seconds: float
    changes: Changes = field(default_factory=lambda: Changes.of("database"))


def server_backup_message() -> str:
    return _(
        "This database is on a PostgreSQL server. Backing up a server database is the server's "
        "job: ask the server administrator to run pg_dump every day (docs/BACKUP.md shows how). "
        "Kesos Desktop backs up only its own SQLite file."
    )


def _require_sqlite(db: Database) -> str:
    if not db.is_sqlite or not db.sqlite_path:
        raise BackupNotSupported(server_backup_message())
    return db.sqlite_path


def sidecar_path(backup_file: str | os.PathLike[str]) -> Path:
    path = Path(backup_file)
    return path.with_name(path.name + SIDECAR_SUFFIX)


def _version_tuple(text: str | None) -> tuple[int, ...]:
    parts = []
    for piece in (text or "").split("."):
        digits = "".join(c for c in piece if c.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


# ------------------------------------------------------------------------- reading backups


def _read_sidecar(path: Path) -> dict:
    try:
        data = json.loads(sidecar_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _facts_from_file(path: Path) -> tuple[str | None, str | None]:
    """(schema revision, facility name) read from a SQLite file without changing it."""
    try:
        conn = sqlite3.connect(f"file:{path.as_posix()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error:
        return None, None
    revision = facility = None
    try:
        with contextlib.suppress(sqlite3.Error):
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        with contextlib.suppress(sqlite3.Error):
            row = conn.execute("SELECT name FROM facility_profile WHERE id = 1").fetchone()
            facility = row[0] if row else None
    finally:
        conn.close()
    return revision, facility


def describe_file(path: str | os.PathLike[str]) -> BackupInfo:
    """What a backup file says about itself (sidecar if present, else the file); no checks."""
    path = Path(path)
    stat = path.stat()
    meta = _read_sidecar(path)
    # the file's own alembic_version is the truth; the sidecar only fills gaps
    revision, facility = _facts_from_file(path)
    revision = revision or meta.get("schema_revision")
    facility = facility if facility is not None else meta.get("facility_name")
    created = None
    with contextlib.suppress(TypeError, ValueError):
        created = datetime.fromisoformat(meta["created_at"])
    return BackupInfo(
        path=path,
        size=stat.st_size,
        created_at=created or datetime.fromtimestamp(stat.st_mtime).replace(microsecond=0),
        app_version=meta.get("app_version"),
        schema_revision=revision,
        facility_name=facility,
        automatic=bool(meta.get("automatic", False)),
        made_by=meta.get("made_by"),
        audit_head_id=meta.get("audit_head_id"),
        audit_head_hash=meta.get("audit_head_hash"),
    )


def _backup_files(folder: Path) -> list[Path]:
    """Backup files in ``folder``, newest first (by time written, then by name)."""
    if not folder.is_dir():
        return []
    return sorted(
        (p for p in folder.glob("*.db") if p.is_file() and not p.name.startswith(".")),
        key=lambda p: (p.stat().st_mtime, p.name),
        reverse=True,
    )


@requires(Action.BACKUP)
def list_backups(db: Database, actor: Actor, folder: str | os.PathLike[str] | None = None) -> list[BackupInfo]:
    """The backups in ``folder`` (default: the backup folder), newest first."""
    directory = Path(folder) if folder else paths.backup_dir()
    infos = []
    for path in _backup_files(directory):
        with contextlib.suppress(OSError):
            infos.append(describe_file(path))
    return sorted(infos, key=lambda i: i.created_at or datetime.min, reverse=True)


@dataclass(frozen=True)
class AuditAnchor:
    """The audit log's last entry when a backup was made: a copy of the chain kept elsewhere."""

    entry_id: int
    entry_hash: str
    taken_at: datetime
    file_name: str


def audit_anchors(folder: str | os.PathLike[str] | None = None) -> list[AuditAnchor]:
    """Anchors from the sidecars of the backups in ``folder`` (default: the backup folder)."""
    anchors = []
    for path in _backup_files(Path(folder) if folder else paths.backup_dir()):
        meta = _read_sidecar(path)
        with contextlib.suppress(KeyError, TypeError, ValueError):
            anchors.append(AuditAnchor(
                int(meta["audit_head_id"]), str(meta["audit_head_hash"]),
                datetime.fromisoformat(meta["created_at"]), path.name,
            ))
    return anchors


@requires(None, reason="says whether the open database is a file this app can back up")
def backup_supported(db: Database) -> bool:
    return bool(db.is_sqlite and db.sqlite_path)


# ------------------------------------------------------------------------- settings


@requires(Action.BACKUP)
def get_keep(db: Database, actor: Actor) -> int:
    with db.read() as session:
        value = get_setting(session, KEEP_SETTING, DEFAULT_KEEP)
    return value if isinstance(value, int) and value > 0 else DEFAULT_KEEP


@requires(Action.SETTINGS_EDIT)
def set_keep(db: Database, actor: Actor, keep: int) -> Changes:
    if not isinstance(keep, int) or not 1 <= keep <= MAX_KEEP:
        message = _("Keep between 1 and {n} automatic backups.").format(n=MAX_KEEP)
        raise ValidationError(message, {"keep": message})
    with db.write() as session:
        before = get_setting(session, KEEP_SETTING, DEFAULT_KEEP)
        put_setting(session, KEEP_SETTING, keep)
        audit.record(session, actor, "update", "setting", KEEP_SETTING, {"value": [before, keep]})
    return Changes.of("setting")


# ------------------------------------------------------------------------- backing up


def _unique_name(folder: Path, stamp: datetime) -> Path:
    base = f"{PREFIX}{stamp:%Y%m%d-%H%M%S}"
    path = folder / f"{base}.db"
    counter = 2
    while path.exists():
        path = folder / f"{base}-{counter}.db"
        counter += 1
    return path


def _write_sidecar(path: Path, data: dict) -> None:
    target = sidecar_path(path)
    partial = target.with_name(target.name + ".partial")
    try:
        partial.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        fsync_file(partial)
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise


def prune(folder: Path, keep: int) -> list[Path]:
    """Delete all but the newest ``keep`` backups that create_backup wrote into ``folder``."""
    mine = [p for p in _backup_files(folder) if p.name.startswith(PREFIX)]
    removed = []
    for path in mine[keep:]:
        try:
            path.unlink()
            sidecar_path(path).unlink(missing_ok=True)
            removed.append(path)
        except OSError as error:  # a file in use on Windows: try again next time
            log.warning("could not remove old backup %s: %s", path, error)
    return removed


def _audit_head(session) -> tuple[int | None, str | None]:
    row = session.execute(
        sa.select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    return (row.id, row.hash) if row else (None, None)


@requires(Action.BACKUP)
def create_backup(
    db: Database, actor: Actor, target_dir: str | os.PathLike[str] | None = None,
    progress: ProgressFn | None = None, *, target_file: str | os.PathLike[str] | None = None,
    automatic: bool = False,
) -> BackupResult:
    """Back up the SQLite database while the app may go on working.

    Into ``target_file``, or a new ``kesos-YYYYMMDD-HHMMSS.db`` in ``target_dir`` (default: the
    backup folder, where only the newest N are kept). The backup is recorded in the audit log
    before the copy, so the copy contains its own record.
    """
    source = _require_sqlite(db)
    started = time.perf_counter()
    stamp = now()
    default_folder = target_file is None and target_dir is None
    if target_file is not None:
        path = Path(target_file).expanduser()
        if path.suffix == "":
            path = path.with_name(path.name + ".db")
        if path.exists() and path.resolve() == Path(source).resolve():
            raise ValidationError(_("Choose another file: that is the database itself."))
    else:
        folder = Path(target_dir).expanduser() if target_dir else paths.backup_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ValidationError(_("Cannot use the folder {folder}: {error}").format(
                folder=folder, error=error.strerror or error)) from error
        path = _unique_name(folder, stamp)
    with db.write() as session:
        audit.record(session, actor, "backup", "database", None,
                     {"file": path.name, "automatic": automatic})
        head_id, head_hash = _audit_head(session)
        profile = session.get(FacilityProfile, 1)
        facility_name = profile.name if profile else ""
    revision = migrate.current_revision(db)

    def report(done: int, total: int) -> None:
        if progress:
            progress(done, total, _("Backing up the database..."))

    def failed(error: BaseException) -> None:
        with contextlib.suppress(Exception), db.write() as session:
            audit.record(session, actor, "backup_failed", "database", None,
                         {"file": path.name, "error": str(error)[:200] or type(error).__name__})

    def checking() -> None:
        if progress:
            progress(0, 0, _("Checking the backup copy..."))

    try:
        backup_sqlite_file(source, path, report, checking=checking)
    except BaseException as error:
        failed(error)
        raise
    try:
        _write_sidecar(path, {
            "format": 1,
            "app": "Kesos Desktop",
            "app_version": __version__,
            "schema_revision": revision,
            "created_at": stamp.isoformat(),
            "facility_name": facility_name,
            "automatic": automatic,
            "made_by": actor.username,
            "audit_head_id": head_id,
            "audit_head_hash": head_hash,
        })
    except BaseException as error:
        for leftover in (path, sidecar_path(path)):  # no half-described backup
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
        failed(error)
        if isinstance(error, OSError):
            if is_disk_full(error):
                raise DiskFullError(disk_full_message()) from error
            raise DatabaseError(
                _("Could not write the backup file: {error}").format(error=error.strerror or error)
            ) from error
        raise
    removed: list[Path] = []
    if default_folder:
        removed = prune(path.parent, get_keep(db, actor))
    info = describe_file(path)
    return BackupResult(info, time.perf_counter() - started, tuple(removed))


def _changed_since(db: Database, head_id: int | None, head_hash: str | None) -> bool:
    """Whether anything but logins, reads and the like was recorded after the given audit row."""
    if head_id is None:
        return True
    with db.read() as session:
        stored = session.execute(
            sa.select(AuditEntry.hash).where(AuditEntry.id == head_id)
        ).scalar_one_or_none()
        if stored != head_hash:
            return True  # another database, or restored: back up
        return session.execute(
            sa.select(AuditEntry.id).where(
                AuditEntry.id > head_id, AuditEntry.action.not_in(READ_ONLY_ACTIONS)
            ).limit(1)
        ).first() is not None


@requires(Action.BACKUP)
def auto_backup(
    db: Database, actor: Actor, reason: str = "close", progress: ProgressFn | None = None,
    max_age: timedelta = DAILY,
) -> BackupResult | None:
    """The automatic backup: ``reason`` "close" (the main window closes) or "daily".

    Skipped (None) on PostgreSQL, when nothing changed since the newest backup in the backup
    folder, and for "daily" when that backup is younger than ``max_age``.
    """
    if not backup_supported(db):
        return None
    newest = next(iter(list_backups(db, actor)), None)
    if newest is not None:
        if reason == "daily" and newest.created_at and now() - newest.created_at < max_age:
            return None
        if not _changed_since(db, newest.audit_head_id, newest.audit_head_hash):
            return None
    return create_backup(db, actor, progress=progress, automatic=True)


# ------------------------------------------------------------------------- restoring


def _check_restorable(copy: Path, original: Path) -> str | None:
    """Refuse a copy that is not a Kesos database or comes from a newer app; its revision."""
    conn = sqlite3.connect(copy)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"audit_log", "user_account"} <= tables:
            raise RestoreRefused(_(
                "{file} is a SQLite database but not a Kesos Desktop database."
            ).format(file=original.name))
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone() \
            if "alembic_version" in tables else None
    finally:
        conn.close()
    revision = row[0] if row else None
    if revision is not None and revision not in migrate.known_revisions():
        raise RestoreRefused(_(
            "{file} was made by a newer version of Kesos Desktop (schema {rev}). Install that "
            "version or newer to restore it. Nothing was changed."
        ).format(file=original.name, rev=revision))
    app_version = _read_sidecar(original).get("app_version")
    if app_version and _version_tuple(app_version) > _version_tuple(__version__):
        raise RestoreRefused(_(
            "{file} was made by Kesos Desktop {version}, newer than this one ({mine}). Install "
            "that version or newer to restore it. Nothing was changed."
        ).format(file=original.name, version=app_version, mine=__version__))
    return revision


def _quiesce(db_path: Path) -> None:
    """Fold the WAL into the file and make sure no other connection has the database open.

    Switching out of WAL mode needs the only connection: if another program (a second Kesos
    window, the command line) has it open, refuse rather than replace a file in use. SQLite
    itself removes its -wal and -shm files when the switch succeeds; we never delete them.
    """
    conn = sqlite3.connect(db_path, timeout=3, isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        if str(mode).lower() != "delete":
            raise sqlite3.OperationalError("database is locked")
    except sqlite3.OperationalError as error:
        if "locked" in str(error).lower() or "busy" in str(error).lower():
            raise RestoreRefused(_(
                "The database is in use by another program (another Kesos Desktop window or a "
                "command). Close it, then restore again. Nothing was changed."
            )) from error
        raise
    except sqlite3.DatabaseError as error:  # "file is not a database", "malformed"
        raise RestoreRefused(_(
            "The current database is too damaged to be replaced safely from here. Close Kesos "
            "Desktop and run: kesos restore FILE (it offers to replace a damaged database)."
        )) from error
    finally:
        conn.close()


def _safety_copy(db_path: Path, folder: Path) -> Path:
    """Back up the database about to be replaced; keep even a damaged one as it is."""
    stamp = f"{datetime.now():%Y%m%d-%H%M%S}"
    try:
        return backup_sqlite_file(db_path, folder / f"pre-restore-{stamp}.db")
    except DiskFullError:
        raise
    except DatabaseError as error:
        log.warning("current database fails its check (%s); keeping it as it is", error)
    target = folder / f"pre-restore-damaged-{stamp}.db"
    try:
        return backup_sqlite_file(db_path, target, verify=False)
    except DiskFullError:
        raise
    except DatabaseError:
        pass
    for suffix in ("", "-wal"):  # not even SQLite can read it: copy the bytes
        part = Path(f"{db_path}{suffix}")
        if part.exists():
            shutil.copyfile(part, f"{target}{suffix}")
            fsync_file(f"{target}{suffix}")
    return target


def _move_aside(db_path: Path, folder: Path) -> None:
    """For a database SQLite cannot open: move its -wal and -shm next to the safety copy.

    Never deleted, but they must not stay beside the restored file, or SQLite would replay the
    old log into it.
    """
    stamp = f"{datetime.now():%Y%m%d-%H%M%S}"
    for suffix in ("-wal", "-shm"):
        part = Path(f"{db_path}{suffix}")
        if part.exists():
            target = folder / f"pre-restore-damaged-{stamp}.db{suffix}.moved"
            try:
                os.replace(part, target)
            except OSError:  # another disk: copy, then remove the original
                shutil.copyfile(part, target)
                fsync_file(target)
                part.unlink()


def restore(
    db_path: str | os.PathLike[str], backup_file: str | os.PathLike[str],
    progress: ProgressFn | None = None, safety_dir: str | os.PathLike[str] | None = None,
    damaged: bool = False,
) -> RestoreResult:
    """Replace the database file ``db_path`` by the backup ``backup_file``.

    The caller must have closed its own connections (``Database.dispose()``). Checks first
    (a SQLite file, ``integrity_check``, a Kesos schema this app knows), then backs up the
    current database into ``safety_dir`` (default: the backup folder), then swaps the files with
    one ``os.replace``. Any failure before that rename leaves the live database as it was.
    ``damaged=True`` is for a current database that SQLite cannot open at all (the command
    line offers it): its -wal and -shm files are moved next to its safety copy.
    """
    started = time.perf_counter()
    db_path = Path(db_path)
    source = Path(backup_file).expanduser()
    if not source.is_file():
        raise RestoreRefused(_("The file {file} does not exist.").format(file=source))
    if db_path.exists() and source.resolve() == db_path.resolve():
        raise RestoreRefused(_("That is the database itself, not a backup."))
    if not looks_like_sqlite(source):
        raise RestoreRefused(_(
            "{file} is not a Kesos Desktop backup (it is not a SQLite database file). "
            "Nothing was changed."
        ).format(file=source.name))
    folder = db_path.parent
    folder.mkdir(parents=True, exist_ok=True)
    temp = folder / f".{db_path.name}.restoring"
    safety: Path | None = None
    try:
        def copy_progress(done: int, total: int) -> None:
            if progress:
                progress(done, total, _("Checking and copying the backup..."))

        def checking() -> None:
            if progress:
                progress(0, 0, _("Checking the backup..."))

        try:
            backup_sqlite_file(source, temp, copy_progress, checking=checking)
        except DiskFullError:
            raise
        except DatabaseError as error:
            if isinstance(error.__cause__, OSError):
                raise  # the folder, not the file: say so as it is
            raise RestoreRefused(_(
                "{file} is damaged or incomplete (for example cut short while copying) and "
                "cannot be restored. Nothing was changed. Choose another backup."
            ).format(file=source.name)) from error
        revision = _check_restorable(temp, source)
        if db_path.exists():
            if progress:
                progress(0, 0, _("Backing up the current database first..."))
            target_dir = Path(safety_dir) if safety_dir else paths.backup_dir()
            target_dir.mkdir(parents=True, exist_ok=True)
            safety = _safety_copy(db_path, target_dir)
            if damaged:
                _move_aside(db_path, target_dir)
            else:
                _quiesce(db_path)
        if progress:
            progress(0, 0, _("Replacing the database..."))
        fsync_file(temp)
        os.replace(temp, db_path)
        fsync_dir(folder)
    finally:
        for leftover in (temp, temp.with_name(temp.name + ".partial")):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
    log.info("restored %s from %s (safety copy %s)", db_path, source, safety)
    return RestoreResult(source, safety, revision, time.perf_counter() - started)


def inspect_backup(backup_file: str | os.PathLike[str]) -> BackupInfo:
    """Cheap checks and facts for the confirmation question (restore checks everything again)."""
    path = Path(backup_file).expanduser()
    if not path.is_file():
        raise RestoreRefused(_("The file {file} does not exist.").format(file=path))
    if not looks_like_sqlite(path):
        raise RestoreRefused(_(
            "{file} is not a Kesos Desktop backup (it is not a SQLite database file). "
            "Nothing was changed."
        ).format(file=path.name))
    info = describe_file(path)
    if info.schema_revision and info.schema_revision not in migrate.known_revisions():
        raise RestoreRefused(_(
            "{file} was made by a newer version of Kesos Desktop (schema {rev}). Install that "
            "version or newer to restore it. Nothing was changed."
        ).format(file=path.name, rev=info.schema_revision))
    return info


@requires(Action.RESTORE)
def restore_backup(
    db: Database, actor: Actor, backup_file: str | os.PathLike[str],
    progress: ProgressFn | None = None,
) -> RestoreResult:
    """Restore ``backup_file`` over the open database (the GUI then restarts).

    The restore is recorded twice: in the current database before it is replaced (so the
    safety backup shows who replaced it) and in the restored database afterwards.
    """
    db_path = Path(_require_sqlite(db))
    name = Path(backup_file).name
    with db.write() as session:
        audit.record(session, actor, "restore", "database", None, {"file": name, "stage": "started"})
    db.dispose()
    result = restore(db_path, backup_file, progress)
    try:
        with db.write() as session:
            audit.record(session, actor, "restore", "database", None, {
                "file": name, "stage": "done",
                "safety_backup": result.safety_backup.name if result.safety_backup else None,
                "schema_revision": result.schema_revision,
            })
    finally:
        db.dispose()
    return result


def check_integrity(path: str | os.PathLike[str]) -> str:
    """``integrity_check`` of a SQLite file, read-only ("ok" when sound)."""
    conn = sqlite3.connect(f"file:{Path(path).as_posix()}?mode=ro", uri=True)
    try:
        return integrity(conn)
    finally:
        conn.close()


@requires(Action.RESTORE)
def record_restore(db: Database, actor: Actor, backup_file: str | os.PathLike[str], details: dict) -> None:
    """Record a restore done with :func:`restore` directly (a damaged database replaced from the
    command line, after the user proved themselves against the backup)."""
    with db.write() as session:
        audit.record(session, actor, "restore", "database", None,
                     {"file": Path(backup_file).name, **details})
