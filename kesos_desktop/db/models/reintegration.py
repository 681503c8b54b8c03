"""Reintegration plan and readiness checklist, home visits, and aftercare follow-ups."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from kesos_desktop.db.base import Base, Versioned, enum_type
from kesos_desktop.domain.enums import (
    DestinationType,
    FamilyReadiness,
    FollowUpCondition,
    FollowUpMethod,
    ReadinessItemType,
    ReadinessStatus,
)


class ReintegrationPlan(Versioned, Base):
    __tablename__ = "reintegration_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    admission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("admission.id", ondelete="CASCADE"), unique=True, nullable=False
    )
    destination_type: Mapped[DestinationType] = mapped_column(
        enum_type(DestinationType), nullable=False
    )
    destination_address: Mapped[str | None] = mapped_column(sa.String(400))
    contact_persons: Mapped[str | None] = mapped_column(sa.Text)
    target_date: Mapped[date | None] = mapped_column(sa.Date)
    responsible_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))


class ReadinessItem(Versioned, Base):
    __tablename__ = "readiness_item"
    __table_args__ = (
        sa.CheckConstraint(
            "status <> 'na' OR na_reason IS NOT NULL", name="not_applicable_has_reason"
        ),
        sa.CheckConstraint("status <> 'done' OR done_on IS NOT NULL", name="done_has_date"),
    )

    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("reintegration_plan.id", ondelete="CASCADE"), primary_key=True
    )
    item: Mapped[ReadinessItemType] = mapped_column(
        enum_type(ReadinessItemType), primary_key=True
    )
    status: Mapped[ReadinessStatus] = mapped_column(
        enum_type(ReadinessStatus), default=ReadinessStatus.PENDING, nullable=False
    )
    done_on: Mapped[date | None] = mapped_column(sa.Date)
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    na_reason: Mapped[str | None] = mapped_column(sa.String(200))


class HomeVisit(Versioned, Base):
    __tablename__ = "home_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    admission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("admission.id", ondelete="CASCADE"), index=True, nullable=False
    )
    visited_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    visitors: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    people_met: Mapped[str | None] = mapped_column(sa.String(300))
    findings: Mapped[str | None] = mapped_column(sa.Text)
    family_readiness: Mapped[FamilyReadiness | None] = mapped_column(enum_type(FamilyReadiness))
    next_steps: Mapped[str | None] = mapped_column(sa.Text)


class FollowUp(Versioned, Base):
    """One aftercare contact, planned (due_on) and then done (done_on, condition)."""

    __tablename__ = "follow_up"
    __table_args__ = (
        sa.CheckConstraint(
            "done_on IS NULL OR condition IS NOT NULL", name="done_has_condition"
        ),
        sa.Index("ix_follow_up_due", "done_on", "due_on"),
        sa.Index("ix_follow_up_pending", "done_on", "due_on", "admission_id"),  # covering (0006)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    admission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("admission.id", ondelete="CASCADE"), index=True, nullable=False
    )
    due_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    method: Mapped[FollowUpMethod] = mapped_column(enum_type(FollowUpMethod), nullable=False)
    done_on: Mapped[date | None] = mapped_column(sa.Date)
    condition: Mapped[FollowUpCondition | None] = mapped_column(enum_type(FollowUpCondition))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    next_action: Mapped[str | None] = mapped_column(sa.Text)
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
