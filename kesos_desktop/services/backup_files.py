"""What a backup file is: the file with its JSON sidecar (``<file>.json``: app version, schema
revision, facility, the audit log's last entry), described without being checked; shared by
:mod:`.backup` and :mod:`.restore`.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kesos_desktop.db.engine import Database
from kesos_desktop.domain.errors import KesosError
from kesos_desktop.i18n import _

ProgressFn = Callable[[int, int, str], None]

SIDECAR_SUFFIX = ".json"


class BackupNotSupported(KesosError):
    """The database is on a PostgreSQL server: backing it up is the server's job."""


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
    with contextlib.suppress(KeyError, TypeError, ValueError):  # no sidecar: the file's time
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
