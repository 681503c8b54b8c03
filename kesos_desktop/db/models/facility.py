"""The facility itself: its profile (letterhead, head of facility), settings and holidays."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from kesos_desktop.db.base import Base, Versioned


class FacilityProfile(Versioned, Base):
    """Exactly one row (id = 1): what goes on the kop surat and the signature block."""

    __tablename__ = "facility_profile"
    __table_args__ = (
        sa.CheckConstraint("id = 1", name="single_row"),
        sa.CheckConstraint("capacity >= 0", name="capacity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    agency_line1: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    agency_line2: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    address: Mapped[str] = mapped_column(sa.String(400), default="", nullable=False)
    city: Mapped[str] = mapped_column(sa.String(100), default="", nullable=False)
    phone: Mapped[str] = mapped_column(sa.String(50), default="", nullable=False)
    email: Mapped[str] = mapped_column(sa.String(120), default="", nullable=False)
    head_name: Mapped[str] = mapped_column(sa.String(120), default="", nullable=False)
    head_nip: Mapped[str] = mapped_column(sa.String(30), default="", nullable=False)
    head_title: Mapped[str] = mapped_column(sa.String(120), default="", nullable=False)
    capacity: Mapped[int] = mapped_column(default=0, nullable=False)
    logo_path: Mapped[str] = mapped_column(sa.String(400), default="", nullable=False)
    registration_pattern: Mapped[str] = mapped_column(
        sa.String(60), default="PM/{year}/{seq:04d}", nullable=False
    )


class Setting(Base):
    """Facility-wide settings shared by every workstation (key -> JSON text)."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(sa.String(80), primary_key=True)
    value: Mapped[str] = mapped_column(sa.Text, nullable=False)


class Holiday(Base):
    """Non-working days skipped when training schedules are generated."""

    __tablename__ = "holiday"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)


class Counter(Base):
    """Sequences that must never repeat (registration and certificate numbers), per scope/year.

    Incremented inside the writing transaction with a row lock (SELECT ... FOR UPDATE on
    PostgreSQL, the database write lock on SQLite), so two workstations never get the same number.
    """

    __tablename__ = "counter"

    name: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    value: Mapped[int] = mapped_column(default=0, nullable=False)
