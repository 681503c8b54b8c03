"""Declarative base, constraint naming, and the mixins every table shares."""

from __future__ import annotations

import re
from datetime import datetime
from enum import Enum

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Stable names for every constraint, so that migrations (and batch table rebuilds on SQLite)
# can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def now() -> datetime:
    """Local wall-clock time, second precision: what staff read and what the audit chain hashes."""
    return datetime.now().replace(microsecond=0)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=now, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime, default=now, onupdate=now, nullable=False
    )


class Versioned(Timestamped):
    """Optimistic locking: a save that finds another version raises StaleDataError.

    ``updated_by`` names who made the current version, for the "someone else changed this"
    dialog when two workstations edit the same record.
    """

    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    updated_by: Mapped[str | None] = mapped_column(sa.String(80))

    @declared_attr.directive
    def __mapper_args__(cls):  # noqa: N805 - SQLAlchemy's declared_attr signature
        return {"version_id_col": cls.__table__.c.version}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def enum_type(enum_cls: type[Enum], name: str | None = None) -> sa.Enum:
    """A portable enumeration column: VARCHAR plus a CHECK constraint listing the codes."""
    values = [member.value for member in enum_cls]
    return sa.Enum(
        enum_cls,
        name=name or _snake(enum_cls.__name__),
        native_enum=False,
        create_constraint=True,
        length=max(len(v) for v in values),
        values_callable=lambda e: [member.value for member in e],
        validate_strings=True,
    )
