"""Moving up: copy a facility's database (usually the SQLite file) into an empty server database.

The target is migrated to this app's schema first, then every table is copied in foreign-key
order in one transaction, row counts are compared per table, and PostgreSQL sequences are moved
past the copied ids. The source is opened read-only and never changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa

import kesos_desktop.db.models  # noqa: F401 - registers every table
from kesos_desktop.db import migrate
from kesos_desktop.db.base import Base
from kesos_desktop.db.engine import Database, translated_errors
from kesos_desktop.domain.errors import DatabaseError, ValidationError
from kesos_desktop.i18n import _
from kesos_desktop.services.context import requires

CHUNK = 5_000
# Tables with file contents (file_content: up to 20 MB a row) go in chunks of about this many
# bytes, fetched one row at a time, so memory stays bounded however many documents there are.
CHUNK_BYTES = 8 * 1024 * 1024


@dataclass(frozen=True)
class CopyResult:
    tables: dict[str, int]  # table -> rows copied (equal in source and target)

    @property
    def total_rows(self) -> int:
        return sum(self.tables.values())


def _count(conn, table: sa.Table) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


@requires(None, reason="checked before the target is even opened")
def refuse_plain_copy(source: Database, target_url: str) -> None:
    """An encrypted database is never copied into an unencrypted SQLite file (every record and
    document would lie on disk in plain). A server target stays allowed: its protection is the
    server's (access rights, disk encryption), which the message says."""
    target = sa.make_url(target_url)
    if source.encrypted and target.get_backend_name() == "sqlite" and target.get_driver_name() != "pysqlcipher":
        raise ValidationError(_(
            "The database is encrypted: copying it into a SQLite file would store every record, "
            "documents included, unencrypted. Copy it to a PostgreSQL server instead (then "
            "protect that server: who may log in, disk encryption, its backups), or make an "
            "encrypted backup with kesos backup."
        ))


@requires(None, reason="an administrator's command-line operation on two database files; "
                       "the source's own users are copied, no login is involved")
def copy_database(
    source: Database, target: Database, progress: Callable[[int, int, str], None] | None = None
) -> CopyResult:
    refuse_plain_copy(source, target.url)
    with translated_errors():
        if migrate.current_revision(source) != migrate.head_revision():
            raise ValidationError(
                _("Upgrade the source database first (kesos db upgrade); it is not at this app's schema.")
            )
        migrate.upgrade(target, backup=False)
        tables = [t for t in Base.metadata.sorted_tables]
        with target.engine.connect() as check:
            filled = [t.name for t in tables if _count(check, t)]
        if filled:
            raise ValidationError(
                _("The target database is not empty (table {table} has rows). Use an empty database.").format(
                    table=filled[0]
                )
            )
        total = len(tables)
        copied: dict[str, int] = {}
        with source.engine.connect() as src, target.engine.begin() as dst:
            for number, table in enumerate(tables, start=1):
                if progress:
                    progress(number - 1, total, table.name)
                copied[table.name] = _copy_table(src, dst, table)
            for table in tables:
                if _count(dst, table) != copied[table.name]:
                    raise DatabaseError(
                        _("Row counts differ for table {table}; nothing was copied.").format(table=table.name)
                    )
            if target.engine.dialect.name == "postgresql":
                _advance_sequences(dst, tables)
        if progress:
            progress(total, total, "")
        return CopyResult(copied)


def _blob_columns(table: sa.Table) -> list[str]:
    return [c.name for c in table.columns if isinstance(c.type, sa.LargeBinary)]


def _chunks(src, table: sa.Table):
    """The table's rows in primary-key order, as lists of dicts: CHUNK rows at a time, or
    for a table with file contents as many as fit in CHUNK_BYTES (at least one)."""
    blobs = _blob_columns(table)
    options = {"yield_per": 1} if blobs else {"stream_results": True}
    result = src.execution_options(**options).execute(
        sa.select(table).order_by(*table.primary_key.columns))
    if not blobs:
        for part in result.mappings().partitions(CHUNK):
            yield [dict(row) for row in part]
        return
    batch, size = [], 0
    for row in result.mappings():
        batch.append(dict(row))
        size += sum(len(row[name] or b"") for name in blobs)
        if size >= CHUNK_BYTES or len(batch) >= CHUNK:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _copy_table(src, dst, table: sa.Table) -> int:
    rows = 0
    for chunk in _chunks(src, table):
        dst.execute(sa.insert(table), chunk)
        rows += len(chunk)
    return rows


def _advance_sequences(conn, tables: list[sa.Table]) -> None:
    for table in tables:
        for column in table.primary_key.columns:
            if column.autoincrement is True or (
                column.autoincrement == "auto" and isinstance(column.type, sa.Integer)
                and len(table.primary_key.columns) == 1
            ):
                sequence = conn.execute(
                    sa.text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": column.name}
                ).scalar()
                if sequence:
                    conn.execute(
                        sa.text(f"SELECT setval(:s, COALESCE((SELECT max({column.name}) FROM {table.name}), 0) + 1, false)"),
                        {"s": sequence},
                    )
