"""resident search: full-text index over name, alias, NIK and registration number; registry indexes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 10:00:00

Both databases:
- ix_resident_name_lower (lower(name), id): sort by name and "starts with" search in index order;
- ix_admission_resident_latest (resident_id, admitted_on, id): a person's latest stay in one probe;
- ux_admission_one_open_stay: a person has at most one open stay (readmission needs the previous
  stay terminated), enforced by the database even with several workstations.
SQLite: an external-content FTS5 table ``resident_fts`` (unicode61, diacritics removed, prefix
indexes for 1, 2 and 3 characters) kept in step with ``resident`` by three triggers. If this SQLite
has no FTS5, the table is skipped and the app searches with LIKE instead.
PostgreSQL: a GIN index on a 'simple' tsvector of the same four columns (built in: no extension
needed); the app's search uses exactly this expression.

Note for later migrations: a batch ("move and copy") rebuild of ``resident`` on SQLite drops the
triggers with the old table. Call ``kesos_desktop.services.resident_search.ensure_sqlite_fts``
afterwards, or rely on the app, which checks for them and rebuilds the index when missing.
These objects are listed in ``kesos_desktop/db/unmanaged.py`` (autogenerate ignores them).
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COMMON_UP = [
    "CREATE INDEX ix_resident_name_lower ON resident (lower(name), id)",
    "CREATE INDEX ix_admission_resident_latest ON admission (resident_id, admitted_on, id)",
    "CREATE UNIQUE INDEX ux_admission_one_open_stay ON admission (resident_id) "
    "WHERE terminated_on IS NULL",
]
COMMON_DOWN = [
    "DROP INDEX IF EXISTS ux_admission_one_open_stay",
    "DROP INDEX IF EXISTS ix_admission_resident_latest",
    "DROP INDEX IF EXISTS ix_resident_name_lower",
]

FTS_COLUMNS = "name, alias, nik, reg_no"
SQLITE_FTS_UP = [
    f"""CREATE VIRTUAL TABLE resident_fts USING fts5(
        {FTS_COLUMNS}, content='resident', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', prefix='1 2 3')""",
    f"""CREATE TRIGGER resident_fts_ai AFTER INSERT ON resident BEGIN
        INSERT INTO resident_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.name, new.alias, new.nik, new.reg_no);
    END""",
    f"""CREATE TRIGGER resident_fts_ad AFTER DELETE ON resident BEGIN
        INSERT INTO resident_fts(resident_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.name, old.alias, old.nik, old.reg_no);
    END""",
    f"""CREATE TRIGGER resident_fts_au AFTER UPDATE OF {FTS_COLUMNS} ON resident BEGIN
        INSERT INTO resident_fts(resident_fts, rowid, {FTS_COLUMNS})
        VALUES ('delete', old.id, old.name, old.alias, old.nik, old.reg_no);
        INSERT INTO resident_fts(rowid, {FTS_COLUMNS})
        VALUES (new.id, new.name, new.alias, new.nik, new.reg_no);
    END""",
    "INSERT INTO resident_fts(resident_fts) VALUES ('rebuild')",
]
SQLITE_FTS_DOWN = [
    "DROP TRIGGER IF EXISTS resident_fts_au",
    "DROP TRIGGER IF EXISTS resident_fts_ad",
    "DROP TRIGGER IF EXISTS resident_fts_ai",
    "DROP TABLE IF EXISTS resident_fts",
]

# Must stay identical to resident_search.PG_TSVECTOR, or PostgreSQL will not use the index.
PG_TSVECTOR = (
    "to_tsvector('simple'::regconfig, regexp_replace("
    "coalesce(name, '') || ' ' || coalesce(alias, '') || ' ' || coalesce(nik, '') || ' ' "
    "|| coalesce(reg_no, ''), '[^[:alnum:]]+', ' ', 'g'))"
)
POSTGRES_UP = [f"CREATE INDEX ix_resident_search_tsv ON resident USING gin ({PG_TSVECTOR})"]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS ix_resident_search_tsv"]


def _sqlite_has_fts5() -> bool:
    bind = op.get_bind()
    return bool(bind.exec_driver_sql("SELECT sqlite_compileoption_used('ENABLE_FTS5')").scalar())


def upgrade() -> None:
    for statement in COMMON_UP:
        op.execute(statement)
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite" and _sqlite_has_fts5():
        for statement in SQLITE_FTS_UP:
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in POSTGRES_UP:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_FTS_DOWN:
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in POSTGRES_DOWN:
            op.execute(statement)
    for statement in COMMON_DOWN:
        op.execute(statement)
