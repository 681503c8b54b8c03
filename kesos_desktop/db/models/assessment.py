"""Assessments (asesmen) by domain, and versioned intervention plans (rencana intervensi)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from kesos_desktop.db.base import Base, Versioned, enum_type
from kesos_desktop.domain.enums import AssessmentDomain, AtensiService, GoalStatus


class Assessment(Versioned, Base):
    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    admission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("admission.id", ondelete="CASCADE"), index=True, nullable=False
    )
    assessed_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    assessor_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), nullable=False)
    # confidential free text (counselors only)
    needs: Mapped[str | None] = mapped_column(sa.Text)
    strengths: Mapped[str | None] = mapped_column(sa.Text)
    recommendations: Mapped[str | None] = mapped_column(sa.Text)


class AssessmentScore(Base):
    __tablename__ = "assessment_score"
    __table_args__ = (sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_1_to_5"),)

    assessment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("assessment.id", ondelete="CASCADE"), primary_key=True
    )
    domain: Mapped[AssessmentDomain] = mapped_column(
        enum_type(AssessmentDomain), primary_key=True
    )
    score: Mapped[int] = mapped_column(nullable=False)
    narrative: Mapped[str | None] = mapped_column(sa.Text)  # confidential


class InterventionPlan(Versioned, Base):
    """One version of a stay's plan; a revision adds a row with the next ``plan_version``."""

    __tablename__ = "intervention_plan"
    __table_args__ = (
        sa.UniqueConstraint("admission_id", "plan_version"),
        # the latest version's review date from the index alone (0006)
        sa.Index("ix_intervention_plan_review", "admission_id", "plan_version", "review_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    admission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("admission.id", ondelete="CASCADE"), index=True, nullable=False
    )
    plan_version: Mapped[int] = mapped_column(nullable=False)
    responsible_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), nullable=False)
    drawn_up_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    review_on: Mapped[date | None] = mapped_column(sa.Date)
    revision_reason: Mapped[str | None] = mapped_column(sa.Text)


class PlanGoal(Base):
    __tablename__ = "plan_goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("intervention_plan.id", ondelete="CASCADE"), index=True, nullable=False
    )
    domain: Mapped[AssessmentDomain] = mapped_column(enum_type(AssessmentDomain), nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False)
    target_date: Mapped[date | None] = mapped_column(sa.Date)
    status: Mapped[GoalStatus] = mapped_column(
        enum_type(GoalStatus), default=GoalStatus.PLANNED, nullable=False
    )
    progress_notes: Mapped[str | None] = mapped_column(sa.Text)


class PlanService(Base):
    __tablename__ = "plan_service"

    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("intervention_plan.id", ondelete="CASCADE"), primary_key=True
    )
    service: Mapped[AtensiService] = mapped_column(enum_type(AtensiService), primary_key=True)
