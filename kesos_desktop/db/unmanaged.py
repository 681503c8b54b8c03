"""Database objects that live outside the ORM metadata, created by hand-written migrations.

Full-text search tables (SQLite FTS5 and its shadow tables), expression and partial indexes:
SQLAlchemy's metadata cannot describe them portably, so Alembic's autogenerate and the
models-versus-migrations test would report them as "to be dropped". ``include_name`` below tells
both to leave them alone. Add a name here when a migration creates such an object.
"""

from __future__ import annotations

#: tables whose name starts with one of these (FTS5 creates <name>_data, _idx, _docsize, _config)
TABLE_PREFIXES: tuple[str, ...] = (
    "resident_fts",
)

#: indexes created with raw SQL (expressions, partial indexes, GIN)
INDEXES: frozenset[str] = frozenset({
    "ix_resident_name_lower",
    "ix_resident_search_tsv",
    "ix_admission_resident_latest",
    "ux_admission_one_open_stay",
})


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic ``include_name`` hook: False for objects this module lists."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(TABLE_PREFIXES)
    if type_ == "index":
        return name not in INDEXES
    return True
