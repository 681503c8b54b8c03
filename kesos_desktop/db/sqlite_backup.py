"""Hot copies of a SQLite database file with the online backup API, verified after writing."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

from kesos_desktop.domain.errors import DatabaseError
from kesos_desktop.i18n import _


def backup_sqlite_file(
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Copy ``source`` to ``target`` while others may be writing; atomic and integrity-checked.

    The copy is written to ``target.partial`` and renamed only after ``integrity_check`` passes,
    so a kill, a full disk or a damaged copy never leaves a file under the final name.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        src = sqlite3.connect(f"file:{Path(source).as_posix()}?mode=ro", uri=True)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(
                    dst,
                    pages=1024,
                    progress=(lambda _s, remaining, total: progress(total - remaining, total))
                    if progress
                    else None,
                )
                dst.execute("PRAGMA journal_mode=DELETE")
                result = dst.execute("PRAGMA integrity_check").fetchone()[0]
            finally:
                dst.close()
        finally:
            src.close()
        if result != "ok":
            raise DatabaseError(_("The backup copy failed its integrity check: {r}").format(r=result))
        os.replace(partial, target)
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise DatabaseError(_("Could not back up the database: {error}").format(error=exc)) from exc
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise DatabaseError(_("Could not write the backup file: {error}").format(error=exc)) from exc
    return target
