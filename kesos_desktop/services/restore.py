"""Restoring a backup of the embedded SQLite database.

``restore`` refuses a file that is not a SQLite database, is damaged or truncated, or comes
from a newer app or schema; backs up the current database first; then replaces it atomically
(copy to a temporary file in the same folder, fsync, ``os.replace``). Until that rename the
live database is untouched, so a killed restore changes nothing.

Encryption: the restored file always takes the live database's state. A backup of an encrypted
database is opened with the live passphrase (or the one given for it); a backup in another state
or under another passphrase is exported (``sqlcipher_export``) into the live one's, so restoring
never leaves a plain database where an encrypted one was.

On PostgreSQL ``restore_backup`` refuses with a plain message: server backups are the server's
job (pg_dump; see docs/BACKUP.md).
"""

from __future__ import annotations

import contextlib
import functools
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
from kesos_desktop.db.encryption import (
    WrongPassphrase,
    check_passphrase,
    connect,
    export_copy,
    is_encrypted_file,
)
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


class BackupPassphraseNeeded(RestoreRefused):
    """The backup is encrypted and the passphrase tried (if any) does not open it."""


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    safety_backup: Path | None
    schema_revision: str | None
    seconds: float
    changes: Changes = field(default_factory=lambda: Changes.of("database"))


@functools.cache
def _driver_errors(name: str) -> tuple[type[Exception], ...]:
    """sqlite3's error class and sqlcipher3's (an encrypted database raises the latter).

    Looked up when a restore fails, not at import: sqlcipher3 is not needed to start the app."""
    classes = [getattr(sqlite3, name)]
    with contextlib.suppress(ImportError):
        import sqlcipher3

        classes.append(getattr(sqlcipher3, name))
    return tuple(classes)


def encrypted_backup_message(file_name: str) -> str:
    return _(
        "{file} is encrypted with a passphrase other than this database's. Restore it with "
        "the passphrase that was in use when it was made (its recovery sheet). Nothing was "
        "changed."
    ).format(file=file_name)


def _backup_key(source: Path, passphrase: str | None, backup_passphrase: str | None) -> str | None:
    """The key that opens ``source``: None for a plain backup; refuses a key that does not."""
    if looks_like_sqlite(source):
        return None
    if not is_encrypted_file(source):
        raise RestoreRefused(_(
            "{file} is not a Kesos Desktop backup (it is not a SQLite database file). "
            "Nothing was changed."
        ).format(file=source.name))
    key = backup_passphrase or passphrase
    if not key:
        raise BackupPassphraseNeeded(encrypted_backup_message(source.name))
    try:
        check_passphrase(source, key)
    except WrongPassphrase:
        raise BackupPassphraseNeeded(encrypted_backup_message(source.name)) from None
    except DatabaseError as error:
        raise RestoreRefused(_(
            "{file} is damaged or incomplete (for example cut short while copying) and "
            "cannot be restored. Nothing was changed. Choose another backup."
        ).format(file=source.name)) from error
    return key


def _version_tuple(text: str | None) -> tuple[int, ...]:
    parts = []
    for piece in (text or "").split("."):
        digits = "".join(c for c in piece if c.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


# ------------------------------------------------------------------------- restoring


def _check_restorable(copy: Path, original: Path, passphrase: str | None) -> str | None:
    """Refuse a copy that is not a Kesos database or comes from a newer app; its revision."""
    conn = connect(copy, passphrase)
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


def _quiesce(db_path: Path, passphrase: str | None = None) -> None:
    """Fold the WAL into the file and make sure no other connection has the database open.

    Switching out of WAL mode needs the only connection: if another program (a second Kesos
    window, the command line) has it open, refuse rather than replace a file in use. SQLite
    itself removes its -wal and -shm files when the switch succeeds; we never delete them.
    """
    conn = connect(db_path, passphrase, timeout=3, isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        mode = conn.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
        if str(mode).lower() != "delete":
            raise sqlite3.OperationalError("database is locked")
    except _driver_errors("OperationalError") as error:
        if "locked" in str(error).lower() or "busy" in str(error).lower():
            raise RestoreRefused(_(
                "The database is in use by another program (another Kesos Desktop window or a "
                "command). Close it, then restore again. Nothing was changed."
            )) from error
        raise
    except _driver_errors("DatabaseError") as error:  # "file is not a database", "malformed"
        raise RestoreRefused(_(
            "The current database is too damaged to be replaced safely from here. Close Kesos "
            "Desktop and run: kesos restore FILE (it offers to replace a damaged database)."
        )) from error
    finally:
        conn.close()


def _safety_copy(db_path: Path, folder: Path, passphrase: str | None = None) -> Path:
    """Back up the database about to be replaced (encrypted if it is); keep even a damaged one."""
    stamp = f"{datetime.now():%Y%m%d-%H%M%S}"
    try:
        return backup_sqlite_file(db_path, folder / f"pre-restore-{stamp}.db", passphrase=passphrase)
    except DiskFullError:
        raise
    except DatabaseError as error:
        log.warning("current database fails its check (%s); keeping it as it is", error)
    target = folder / f"pre-restore-damaged-{stamp}.db"
    try:
        return backup_sqlite_file(db_path, target, verify=False, passphrase=passphrase)
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
    damaged: bool = False, passphrase: str | None = None, backup_passphrase: str | None = None,
) -> RestoreResult:
    """Replace the database file ``db_path`` by the backup ``backup_file``.

    The caller must have closed its own connections (``Database.dispose()``). Checks first
    (a SQLite file, ``integrity_check``, a Kesos schema this app knows), then backs up the
    current database into ``safety_dir`` (default: the backup folder), then swaps the files with
    one ``os.replace``. Any failure before that rename leaves the live database as it was.
    ``damaged=True`` is for a current database that SQLite cannot open at all (the command
    line offers it): its -wal and -shm files are moved next to its safety copy.
    ``passphrase`` is the live database's key (None: plain), ``backup_passphrase`` the backup's
    when it differs; the restored file is written under ``passphrase``.
    """
    started = time.perf_counter()
    db_path = Path(db_path)
    source = Path(backup_file).expanduser()
    if not source.is_file():
        raise RestoreRefused(_("The file {file} does not exist.").format(file=source))
    if db_path.exists() and source.resolve() == db_path.resolve():
        raise RestoreRefused(_("That is the database itself, not a backup."))
    backup_key = _backup_key(source, passphrase, backup_passphrase)
    folder = db_path.parent
    folder.mkdir(parents=True, exist_ok=True)
    temp = folder / f".{db_path.name}.restoring"
    rekeyed = folder / f".{db_path.name}.restoring-key"
    safety: Path | None = None
    try:
        def copy_progress(done: int, total: int) -> None:
            if progress:
                progress(done, total, _("Checking and copying the backup..."))

        def checking() -> None:
            if progress:
                progress(0, 0, _("Checking the backup..."))

        try:
            backup_sqlite_file(source, temp, copy_progress, checking=checking,
                               passphrase=backup_key)
        except DiskFullError:
            raise
        except DatabaseError as error:
            if isinstance(error.__cause__, OSError):
                raise  # the folder, not the file: say so as it is
            raise RestoreRefused(_(
                "{file} is damaged or incomplete (for example cut short while copying) and "
                "cannot be restored. Nothing was changed. Choose another backup."
            ).format(file=source.name)) from error
        if backup_key != passphrase:  # into the live database's state and key
            export_copy(temp, backup_key, rekeyed, passphrase)
            os.replace(rekeyed, temp)
        revision = _check_restorable(temp, source, passphrase)
        if db_path.exists():
            if progress:
                progress(0, 0, _("Backing up the current database first..."))
            target_dir = Path(safety_dir) if safety_dir else paths.backup_dir()
            target_dir.mkdir(parents=True, exist_ok=True)
            safety = _safety_copy(db_path, target_dir, passphrase)
            if damaged:
                _move_aside(db_path, target_dir)
            else:
                _quiesce(db_path, passphrase)
        if progress:
            progress(0, 0, _("Replacing the database..."))
        fsync_file(temp)
        os.replace(temp, db_path)
        fsync_dir(folder)
    finally:
        for leftover in (temp, temp.with_name(temp.name + ".partial"), rekeyed):
            with contextlib.suppress(OSError):
                leftover.unlink(missing_ok=True)
    log.info("restored %s from %s (safety copy %s)", db_path, source, safety)
    return RestoreResult(source, safety, revision, time.perf_counter() - started)


def inspect_backup(backup_file: str | os.PathLike[str]) -> BackupInfo:
    """Cheap checks and facts for the confirmation question (restore checks everything again)."""
    path = Path(backup_file).expanduser()
    if not path.is_file():
        raise RestoreRefused(_("The file {file} does not exist.").format(file=path))
    if not looks_like_sqlite(path) and not is_encrypted_file(path):
        raise RestoreRefused(_(
            "{file} is not a Kesos Desktop backup (it is not a SQLite database file). "
            "Nothing was changed."
        ).format(file=path.name))
    info = describe_file(path)  # an encrypted backup: what its sidecar says
    if info.schema_revision and info.schema_revision not in migrate.known_revisions():
        raise RestoreRefused(_(
            "{file} was made by a newer version of Kesos Desktop (schema {rev}). Install that "
            "version or newer to restore it. Nothing was changed."
        ).format(file=path.name, rev=info.schema_revision))
    return info


@requires(Action.RESTORE)
def restore_backup(
    db: Database, actor: Actor, backup_file: str | os.PathLike[str],
    progress: ProgressFn | None = None, backup_passphrase: str | None = None,
) -> RestoreResult:
    """Restore ``backup_file`` over the open database (the GUI then restarts).

    An encrypted backup is opened with the database's own passphrase unless
    ``backup_passphrase`` is given (BackupPassphraseNeeded when neither opens it).

    The restore is recorded twice: in the current database before it is replaced (so the
    safety backup shows who replaced it) and in the restored database afterwards.
    """
    db_path = Path(_require_sqlite(db))
    name = Path(backup_file).name
    with db.write() as session:
        audit.record(session, actor, "restore", "database", None, {"file": name, "stage": "started"})
    db.dispose()
    result = restore(db_path, backup_file, progress, passphrase=db.passphrase,
                     backup_passphrase=backup_passphrase)
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


def check_integrity(path: str | os.PathLike[str], passphrase: str | None = None) -> str:
    """``integrity_check`` of a SQLite file, read-only ("ok" when sound)."""
    conn = connect(path, passphrase, readonly=True)
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
