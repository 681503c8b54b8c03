"""Bring a database to the schema this app expects, without ever losing data.

Rules (see DESIGN.md, "Rules learned the hard way"):
- a database at a revision this app does not know was written by a newer app: refuse, touch nothing;
- before upgrading a SQLite file, copy it with the online backup API and check the copy (an
  encrypted file is copied with its own key, so the copy is encrypted too);
- run every migration in one transaction with foreign keys OFF (a batch table rebuild would
  otherwise cascade-delete child rows), then PRAGMA foreign_key_check before committing.
Alembic is imported only when an upgrade is needed: a current database opens fast.
"""

from __future__ import annotations

import ast
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from kesos_desktop import paths
from kesos_desktop.db.engine import Database
from kesos_desktop.domain.errors import DatabaseError
from kesos_desktop.i18n import _

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MigrationResult:
    from_revision: str | None
    to_revision: str
    backup_path: Path | None


def _read_revision_graph() -> dict[str, str | None]:
    """revision -> down_revision, read from the version files without importing Alembic."""
    graph: dict[str, str | None] = {}
    for path in sorted((paths.migrations_dir() / "versions").glob("*.py")):
        values: dict[str, object] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            target = None
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                target, value = node.target.id, node.value
            elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                target, value = node.targets[0].id, node.value
            if target in ("revision", "down_revision") and value is not None:
                values[target] = ast.literal_eval(value)
        if "revision" in values:
            graph[str(values["revision"])] = values.get("down_revision")  # type: ignore[assignment]
    return graph


def known_revisions() -> set[str]:
    return set(_read_revision_graph())


def head_revision() -> str:
    graph = _read_revision_graph()
    parents = {down for down in graph.values() if down}
    heads = [rev for rev in graph if rev not in parents]
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have exactly one head, found {heads}")
    return heads[0]


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def _alembic_config(connection):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(paths.migrations_dir()))
    config.attributes["connection"] = connection
    return config


def backup_before_migration(db: Database, from_revision: str | None) -> Path | None:
    """A verified copy of the SQLite file before it is changed (None for an empty database)."""
    if not db.is_sqlite or from_revision is None:
        return None
    from kesos_desktop.db.sqlite_backup import backup_sqlite_file

    target = paths.backup_dir() / (
        f"pre-upgrade-{from_revision}-{datetime.now():%Y%m%d-%H%M%S}.db"
    )
    backup_sqlite_file(db.sqlite_path, target, passphrase=db.passphrase)  # encrypted stays so
    return target


def upgrade(db: Database, backup: bool = True, target: str | None = None) -> MigrationResult:
    """Upgrade ``db`` to ``target`` (default: the head revision).

    A no-op, without importing Alembic, when the database is already there.
    """
    head = target or head_revision()
    current = current_revision(db)
    if current == head:
        return MigrationResult(current, head, None)
    if current is not None and current not in known_revisions():
        raise DatabaseError(
            _(
                "This database was last used by a newer version of Kesos Desktop (schema {rev}). "
                "Install that version or newer to open it. The database was not changed."
            ).format(rev=current)
        )
    backup_path = backup_before_migration(db, current) if backup else None
    from alembic import command

    with db.engine.connect() as conn:
        if db.is_sqlite:
            # Must be set outside a transaction, so on the raw connection before BEGIN.
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                command.upgrade(_alembic_config(conn), head)
                if db.is_sqlite:
                    problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if problems:
                        raise DatabaseError(
                            _(
                                "The upgrade would leave {n} rows pointing at missing records "
                                "(first: table {table}). Nothing was changed."
                            ).format(n=len(problems), table=problems[0][0])
                        )
        finally:
            if db.is_sqlite:
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")
    log.info("database upgraded from %s to %s", current, head)
    return MigrationResult(current, head, backup_path)
