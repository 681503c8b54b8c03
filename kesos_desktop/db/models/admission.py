"""Stays (admissions), their stage history, rooms and room moves, and the documents checklist.

One person may have several stays (readmission is common); each stay runs from intake to
termination, then possibly aftercare (bimbingan lanjut).
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kesos_desktop.db.base import Base, Versioned, enum_type, now
from kesos_desktop.domain.enums import (
    AftercareOutcome,
    AftercareStatus,
    Approach,
    DocumentType,
    ReferralSource,
    RoomSex,
    Stage,
    TerminationReason,
)


class Room(Versioned, Base):
    __tablename__ = "room"
    __table_args__ = (sa.CheckConstraint("capacity >= 0", name="capacity_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60), unique=True, nullable=False)
    sex: Mapped[RoomSex] = mapped_column(enum_type(RoomSex), nullable=False)
    capacity: Mapped[int] = mapped_column(nullable=False)
    notes: Mapped[str | None] = mapped_column(sa.Text)
    active: Mapped[bool] = mapped_column(default=True, nullable=False)


class Admission(Versioned, Base):
    """One stay of one person in the facility."""

    __tablename__ = "admission"
    __table_args__ = (
        sa.CheckConstraint(
            "terminated_on IS NULL OR terminated_on >= admitted_on", name="terminated_after_admitted"
        ),
        sa.CheckConstraint(
            "(terminated_on IS NULL) = (termination_reason IS NULL)", name="termination_complete"
        ),
        sa.Index("ix_admission_admitted_on", "admitted_on"),
        sa.Index("ix_admission_open", "terminated_on", "resident_id"),
        sa.Index("ix_admission_caseload", "case_manager_id", "terminated_on"),  # a counselor's open cases (0006)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resident_id: Mapped[int] = mapped_column(
        sa.ForeignKey("resident.id", ondelete="CASCADE"), index=True, nullable=False
    )
    admitted_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    referral_source: Mapped[ReferralSource] = mapped_column(
        enum_type(ReferralSource), nullable=False
    )
    referral_letter_no: Mapped[str | None] = mapped_column(sa.String(100))
    referral_letter_date: Mapped[date | None] = mapped_column(sa.Date)
    referral_notes: Mapped[str | None] = mapped_column(sa.Text)
    approach: Mapped[Approach] = mapped_column(enum_type(Approach), nullable=False)
    initial_condition: Mapped[str | None] = mapped_column(sa.Text)
    health_notes: Mapped[str | None] = mapped_column(sa.Text)
    disability_notes: Mapped[str | None] = mapped_column(sa.Text)
    stage: Mapped[Stage] = mapped_column(enum_type(Stage), nullable=False, index=True)
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("room.id"), index=True)
    case_manager_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id"), index=True
    )
    # termination (terminasi)
    terminated_on: Mapped[date | None] = mapped_column(sa.Date)
    termination_reason: Mapped[TerminationReason | None] = mapped_column(
        enum_type(TerminationReason)
    )
    termination_destination: Mapped[str | None] = mapped_column(sa.String(400))
    termination_notes: Mapped[str | None] = mapped_column(sa.Text)
    # handover for the berita acara serah terima
    handover_received_by: Mapped[str | None] = mapped_column(sa.String(150))
    handover_relationship: Mapped[str | None] = mapped_column(sa.String(60))
    handover_id_number: Mapped[str | None] = mapped_column(sa.String(40))
    handover_witness: Mapped[str | None] = mapped_column(sa.String(150))
    handover_witness2: Mapped[str | None] = mapped_column(sa.String(150))
    # aftercare (bimbingan lanjut)
    aftercare_status: Mapped[AftercareStatus] = mapped_column(
        enum_type(AftercareStatus), default=AftercareStatus.NONE, nullable=False
    )
    aftercare_outcome: Mapped[AftercareOutcome | None] = mapped_column(enum_type(AftercareOutcome))
    aftercare_closed_on: Mapped[date | None] = mapped_column(sa.Date)

    stage_changes: Mapped[list[StageChange]] = relationship(
        back_populates="admission", cascade="all, delete-orphan", order_by="StageChange.id"
    )


class StageChange(Base):
    """Every move of a stay from one tahapan to another, forward or back."""

    __tablename__ = "stage_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    admission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("admission.id", ondelete="CASCADE"), index=True, nullable=False
    )
    from_stage: Mapped[Stage | None] = mapped_column(enum_type(Stage, name="from_stage"))
    to_stage: Mapped[Stage] = mapped_column(enum_type(Stage, name="to_stage"), nullable=False)
    changed_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    note: Mapped[str | None] = mapped_column(sa.Text)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime, default=now, nullable=False)

    admission: Mapped[Admission] = relationship(back_populates="stage_changes")


class RoomAssignment(Base):
    """Room history of a stay; the open row (until_date NULL) is the current bed."""

    __tablename__ = "room_assignment"
    __table_args__ = (
        sa.CheckConstraint("until_date IS NULL OR until_date >= from_date", name="dates_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    admission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("admission.id", ondelete="CASCADE"), index=True, nullable=False
    )
    room_id: Mapped[int] = mapped_column(sa.ForeignKey("room.id"), index=True, nullable=False)
    from_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    until_date: Mapped[date | None] = mapped_column(sa.Date)
    note: Mapped[str | None] = mapped_column(sa.Text)
    over_capacity_override: Mapped[bool] = mapped_column(default=False, nullable=False)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))


class DocumentCheck(Base):
    """The intake documents checklist of a stay: which papers the person brought."""

    __tablename__ = "document_check"

    admission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("admission.id", ondelete="CASCADE"), primary_key=True
    )
    doc_type: Mapped[DocumentType] = mapped_column(enum_type(DocumentType), primary_key=True)
    present: Mapped[bool] = mapped_column(default=False, nullable=False)
    note: Mapped[str | None] = mapped_column(sa.String(200))
