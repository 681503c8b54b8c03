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


@dataclass(frozen=True)
class CopyResult:
    tables: dict[str, int]  # table -> rows copied (equal in source and target)

    @property
    def total_rows(self) -> int:
        return sum(self.tables.values())


def _count(conn, table: sa.Table) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


@requires(None, reason="an administrator's command-line operation on two database files; "
                       "the source's own users are copied, no login is involved")
def copy_database(
    source: Database, target: Database, progress: Callable[[int, int, str], None] | None = None
) -> CopyResult:
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
                result = src.execution_options(stream_results=True).execute(
                    sa.select(table).order_by(*table.primary_key.columns)
                )
                rows = 0
                for chunk in result.mappings().partitions(CHUNK):
                    dst.execute(sa.insert(table), [dict(row) for row in chunk])
                    rows += len(chunk)
                copied[table.name] = rows
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
