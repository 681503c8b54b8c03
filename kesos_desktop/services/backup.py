"""Backups and restore of the embedded SQLite database.

- ``create_backup``: a hot, consistent copy with SQLite's online backup API (the app may keep
  working), checked with ``integrity_check``, written under a temporary name and renamed only
  when complete; a small JSON sidecar (``<file>.json``) records the app version, schema
  revision, facility and the audit log's last entry. Backups in the default folder are pruned
  to the newest N (facility setting ``backup.keep``, default 14); other folders (a USB stick)
  are never pruned. A backup of an encrypted database is encrypted with the same passphrase.
- ``auto_backup``: what the GUI runs on close and once a day; skipped when nothing changed.
- ``restore`` (in :mod:`.restore`, re-exported here with the other restore functions):
  checks a backup file, backs up the current database first, then replaces it atomically.
- :mod:`.backup_files`: what a backup file and its sidecar say about themselves.

On PostgreSQL both refuse with a plain message: server backups are the server's job (pg_dump;
see docs/BACKUP.md).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import time
from dataclasses import dataclass
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
    fsync_file,
    is_disk_full,
)
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.errors import DatabaseError, ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.services import audit
from kesos_desktop.services.backup_files import (
    SIDECAR_SUFFIX,
    BackupInfo,
    BackupNotSupported,
    ProgressFn,
    _backup_files,
    _read_sidecar,
    _require_sqlite,
    describe_file,
    server_backup_message,
    sidecar_path,
)
from kesos_desktop.services.common import get_setting, put_setting
from kesos_desktop.services.context import requires
from kesos_desktop.services.restore import (
    RestoreRefused,
    RestoreResult,
    check_integrity,
    inspect_backup,
    record_restore,
    restore,
    restore_backup,
)

__all__ = [
    "DAILY", "DEFAULT_KEEP", "KEEP_SETTING", "MAX_KEEP", "PREFIX", "READ_ONLY_ACTIONS",
    "SIDECAR_SUFFIX", "AuditAnchor", "BackupInfo", "BackupNotSupported", "BackupResult",
    "DiskFullError", "ProgressFn", "RestoreRefused", "RestoreResult", "audit_anchors",
    "auto_backup", "backup_supported", "check_integrity", "create_backup", "describe_file",
    "get_keep", "inspect_backup", "list_backups", "prune", "record_restore", "restore",
    "restore_backup", "server_backup_message", "set_keep", "sidecar_path",
]

log = logging.getLogger(__name__)

KEEP_SETTING = "backup.keep"
DEFAULT_KEEP = 14
MAX_KEEP = 365
PREFIX = "kesos-"  # backups that create_backup writes into the default folder (pruned)
DAILY = timedelta(hours=24)
# Audit actions that do not change the data: a session with only these needs no new backup.
READ_ONLY_ACTIONS = frozenset({
    "login", "login_failed", "logout", "unlock_failed", "denied", "verify", "read", "export",
    "print", "backup", "backup_failed",
})


@dataclass(frozen=True)
class BackupResult:
    info: BackupInfo
    seconds: float
    removed: tuple[Path, ...] = ()


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
        # An encrypted database is copied page by page under its own key: the backup is
        # encrypted with the same passphrase, never written out in plain.
        backup_sqlite_file(source, path, report, checking=checking, passphrase=db.passphrase)
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
            "encrypted": db.encrypted,
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
