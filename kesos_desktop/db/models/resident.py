"""The person served (penerima manfaat): identity, categories, family, consent, attachments.

A person is registered once; each stay in the facility is an ``Admission`` (admission.py).
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kesos_desktop.db.base import Base, Timestamped, Versioned, enum_type, now
from kesos_desktop.domain.enums import (
    ConsentMethod,
    ConsentRelation,
    DocumentType,
    Education,
    MaritalStatus,
    PpksCategory,
    Religion,
    Sex,
)


class Resident(Versioned, Base):
    __tablename__ = "resident"
    __table_args__ = (
        sa.CheckConstraint(
            "nik IS NULL OR (length(nik) = 16)", name="nik_16_digits"
        ),
        sa.CheckConstraint("kk IS NULL OR (length(kk) = 16)", name="kk_16_digits"),
        sa.CheckConstraint("length(trim(name)) > 0", name="name_not_blank"),
        sa.CheckConstraint(
            "birth_year_estimated IS NULL OR (birth_year_estimated BETWEEN 1900 AND 2200)",
            name="birth_year_plausible",
        ),
        sa.Index("ix_resident_name", "name"),
        # who else uses a photo's bytes (file_store.still_used: a prefix match on the hash
        # name); the pattern operator class lets PostgreSQL's LIKE use it too (0007)
        sa.Index("ix_resident_photo_path", "photo_path",
                 postgresql_ops={"photo_path": "varchar_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reg_no: Mapped[str] = mapped_column(sa.String(40), unique=True, nullable=False)
    nik: Mapped[str | None] = mapped_column(sa.String(16), unique=True)
    kk: Mapped[str | None] = mapped_column(sa.String(16), index=True)
    identity_unknown: Mapped[bool] = mapped_column(default=False, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(150), nullable=False)
    alias: Mapped[str | None] = mapped_column(sa.String(150))
    sex: Mapped[Sex] = mapped_column(enum_type(Sex), nullable=False)
    birth_place: Mapped[str | None] = mapped_column(sa.String(100))
    birth_date: Mapped[date | None] = mapped_column(sa.Date)
    birth_year_estimated: Mapped[int | None] = mapped_column()
    religion: Mapped[Religion] = mapped_column(
        enum_type(Religion), default=Religion.UNKNOWN, nullable=False
    )
    marital_status: Mapped[MaritalStatus] = mapped_column(
        enum_type(MaritalStatus), default=MaritalStatus.UNKNOWN, nullable=False
    )
    education: Mapped[Education] = mapped_column(
        enum_type(Education), default=Education.UNKNOWN, nullable=False
    )
    address: Mapped[str | None] = mapped_column(sa.String(400))
    village: Mapped[str | None] = mapped_column(sa.String(100))
    district: Mapped[str | None] = mapped_column(sa.String(100))
    city: Mapped[str | None] = mapped_column(sa.String(100))
    province: Mapped[str | None] = mapped_column(sa.String(100))
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    photo_path: Mapped[str | None] = mapped_column(sa.String(400))  # relative to the data dir
    notes: Mapped[str | None] = mapped_column(sa.Text)
    # Set when the person was anonymised after the retention period (UU PDP).
    anonymized_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    categories: Mapped[list[ResidentCategory]] = relationship(
        back_populates="resident", cascade="all, delete-orphan"
    )
    family_contacts: Mapped[list[FamilyContact]] = relationship(
        back_populates="resident", cascade="all, delete-orphan"
    )


class ResidentCategory(Base):
    """A person's PPKS categories (one or more)."""

    __tablename__ = "resident_category"

    resident_id: Mapped[int] = mapped_column(
        sa.ForeignKey("resident.id", ondelete="CASCADE"), primary_key=True
    )
    category: Mapped[PpksCategory] = mapped_column(enum_type(PpksCategory), primary_key=True)

    resident: Mapped[Resident] = relationship(back_populates="categories")


class FamilyContact(Versioned, Base):
    __tablename__ = "family_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(
        sa.ForeignKey("resident.id", ondelete="CASCADE"), index=True, nullable=False
    )
    name: Mapped[str] = mapped_column(sa.String(150), nullable=False)
    relationship_: Mapped[str] = mapped_column("relationship", sa.String(60), nullable=False)
    phone: Mapped[str | None] = mapped_column(sa.String(40))
    address: Mapped[str | None] = mapped_column(sa.String(400))
    is_primary: Mapped[bool] = mapped_column(default=False, nullable=False)

    resident: Mapped[Resident] = relationship(back_populates="family_contacts")


class Consent(Timestamped, Base):
    """Consent to care and to processing personal data (UU PDP), per stay."""

    __tablename__ = "consent"
    # a person's latest consent and whether it is withdrawn, from the index alone (0006)
    __table_args__ = (sa.Index("ix_consent_latest", "resident_id", "given_on", "id", "withdrawn_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(
        sa.ForeignKey("resident.id", ondelete="CASCADE"), index=True, nullable=False
    )
    admission_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("admission.id", ondelete="CASCADE"), index=True
    )
    given_by_name: Mapped[str] = mapped_column(sa.String(150), nullable=False)
    relation: Mapped[ConsentRelation] = mapped_column(enum_type(ConsentRelation), nullable=False)
    method: Mapped[ConsentMethod] = mapped_column(enum_type(ConsentMethod), nullable=False)
    given_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    withdrawn_on: Mapped[date | None] = mapped_column(sa.Date)
    notes: Mapped[str | None] = mapped_column(sa.Text)


class Attachment(Base):
    """A scanned document or photo stored under the data dir, checked by its SHA-256."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(
        sa.ForeignKey("resident.id", ondelete="CASCADE"), index=True, nullable=False
    )
    admission_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("admission.id", ondelete="SET NULL"), index=True
    )
    doc_type: Mapped[DocumentType] = mapped_column(enum_type(DocumentType), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    original_name: Mapped[str] = mapped_column(sa.String(260), nullable=False)
    stored_path: Mapped[str] = mapped_column(sa.String(400), nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False, index=True)  # 0007
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    added_at: Mapped[datetime] = mapped_column(sa.DateTime, default=now, nullable=False)
