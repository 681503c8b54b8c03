"""Restoring a backup of the embedded SQLite database.

``restore`` refuses a file that is not a SQLite database, is damaged or truncated, or comes
from a newer app or schema; backs up the current database first; then replaces it atomically
(copy to a temporary file in the same folder, fsync, ``os.replace``). Until that rename the
live database is untouched, so a killed restore changes nothing.

On PostgreSQL ``restore_backup`` refuses with a plain message: server backups are the server's
job (pg_dump; see docs/BACKUP.md).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from kesos_desktop import __version__, paths
from kesos_desktop.db import migrate
from kesos_desktop.db.engine import Database
from kesos_desktop.db.sqlite_backup import (
    DiskFullError,
    backup_sqlite_file,
    fsync_dir,
    fsync_file,
    integrity,
    looks_like_sqlite,
)
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.errors import DatabaseError, KesosError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.services import audit
from kesos_desktop.services.backup_files import (
    BackupInfo,
    ProgressFn,
    _read_sidecar,
    _require_sqlite,
    describe_file,
)
from kesos_desktop.services.context import requires

log = logging.getLogger(__name__)


class RestoreRefused(KesosError):
    """The chosen file cannot be restored (not a backup, damaged, newer, or the DB is in use)."""


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    safety_backup: Path | None
    schema_revision: str | None
    seconds: float
    changes: Changes = field(default_factory=lambda: Changes.of("database"))


def _version_tuple(text: str | None) -> tuple[int, ...]:
    parts = []
    for piece in (text or "").split("."):
        digits = "".join(c for c in piece if c.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


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
