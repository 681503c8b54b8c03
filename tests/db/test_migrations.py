"""The schema: migrations reach head, agree with the models, and never lose rows."""

import sqlite3

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from kesos_desktop import paths
from kesos_desktop.db import migrate
from kesos_desktop.db.base import Base
from kesos_desktop.db.engine import Database
from kesos_desktop.db.unmanaged import include_name
from kesos_desktop.domain.errors import DatabaseError


def _script() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(paths.migrations_dir()))
    return ScriptDirectory.from_config(config)


def test_fast_head_matches_alembic():
    assert migrate.head_revision() == _script().get_current_head()
    assert migrate.known_revisions() == {s.revision for s in _script().walk_revisions()}


def test_database_is_at_head(db):
    assert migrate.current_revision(db) == migrate.head_revision()


def test_models_and_migrations_agree(db):
    with db.engine.connect() as conn:
        assert compare_metadata(
            MigrationContext.configure(conn, opts={"include_name": include_name}), Base.metadata
        ) == []


@pytest.mark.sqlite_only
def test_upgrade_from_empty_file(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'new.db'}")
    result = migrate.upgrade(db)
    assert result.from_revision is None and result.to_revision == migrate.head_revision()
    assert result.backup_path is None  # nothing to back up in an empty file
    assert migrate.upgrade(db).backup_path is None  # second call: already at head, no-op
    db.dispose()


@pytest.mark.sqlite_only
def test_sqlite_pragmas_on_every_connection(db):
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


@pytest.mark.sqlite_only
def test_ddl_rolls_back_with_the_transaction(db):
    """The real-transaction fix: DDL inside a failed transaction leaves no trace."""
    with pytest.raises(RuntimeError), db.write() as session:
        session.execute(sa.text("CREATE TABLE scratch (x INTEGER)"))
        raise RuntimeError("abort")
    with db.engine.connect() as conn:
        assert not sa.inspect(conn).has_table("scratch")


def test_newer_database_is_refused_and_untouched(db):
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'ffff_from_the_future'"))
    with pytest.raises(DatabaseError, match="versi yang lebih baru|newer"):
        migrate.upgrade(db)
    assert migrate.current_revision(db) == "ffff_from_the_future"


@pytest.mark.sqlite_only
def test_upgrade_backs_up_and_keeps_every_row(tmp_path, data_dir):
    """Reusable pattern: fill a database at revision N, upgrade, count rows per table."""
    from tests.db.migration_fill import ROWS_0001, fill_at_revision, row_counts

    path = tmp_path / "old.db"
    db = Database(f"sqlite:///{path}")
    fill_at_revision(db, "0001")
    before = row_counts(db)
    assert all(before[table] >= 1 for table, _ in ROWS_0001)
    result = migrate.upgrade(db)
    after = row_counts(db)
    for table, count in before.items():
        assert after.get(table, 0) >= count, f"{table} lost rows"
    if result.from_revision != result.to_revision:
        assert result.backup_path is not None
        check = sqlite3.connect(result.backup_path)
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        check.close()
    db.dispose()
