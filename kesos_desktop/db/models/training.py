"""Life-skills training: programs, their sessions, enrollments and attendance."""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from kesos_desktop.db.base import Base, Versioned, enum_type, now
from kesos_desktop.domain.enums import (
    AttendanceCode,
    EnrollmentStatus,
    ProgramStatus,
    SkillCategory,
    TrainingSessionStatus,
)


class TrainingProgram(Versioned, Base):
    __tablename__ = "training_program"
    __table_args__ = (
        sa.CheckConstraint("end_date >= start_date", name="dates_ordered"),
        sa.CheckConstraint("capacity > 0", name="capacity_positive"),
        sa.CheckConstraint(
            "min_attendance_pct BETWEEN 0 AND 100", name="min_attendance_is_percentage"
        ),
        sa.CheckConstraint("target_hours >= 0", name="target_hours_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(150), nullable=False)
    skill_category: Mapped[SkillCategory] = mapped_column(enum_type(SkillCategory), nullable=False)
    description: Mapped[str | None] = mapped_column(sa.Text)
    instructor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    instructor_name: Mapped[str | None] = mapped_column(sa.String(150))  # an outside instructor
    place: Mapped[str] = mapped_column(sa.String(120), default="", nullable=False)
    capacity: Mapped[int] = mapped_column(nullable=False)
    start_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    end_date: Mapped[date] = mapped_column(sa.Date, nullable=False)
    target_hours: Mapped[int] = mapped_column(default=0, nullable=False)
    min_attendance_pct: Mapped[int] = mapped_column(default=80, nullable=False)
    status: Mapped[ProgramStatus] = mapped_column(
        enum_type(ProgramStatus), default=ProgramStatus.PLANNED, nullable=False
    )
    # the recurrence rule the sessions were generated from, e.g. "0,2,4" (Mon, Wed, Fri)
    rule_weekdays: Mapped[str | None] = mapped_column(sa.String(20))
    rule_start_time: Mapped[time | None] = mapped_column(sa.Time)
    rule_end_time: Mapped[time | None] = mapped_column(sa.Time)


class TrainingSession(Versioned, Base):
    __tablename__ = "training_session"
    __table_args__ = (
        sa.CheckConstraint("end_time > start_time", name="times_ordered"),
        sa.Index("ix_training_session_day", "day"),
        sa.Index("ix_training_session_program_day", "program_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_program.id", ondelete="CASCADE"), nullable=False
    )
    day: Mapped[date] = mapped_column(sa.Date, nullable=False)
    start_time: Mapped[time] = mapped_column(sa.Time, nullable=False)
    end_time: Mapped[time] = mapped_column(sa.Time, nullable=False)
    place: Mapped[str | None] = mapped_column(sa.String(120))  # overrides the program's place
    status: Mapped[TrainingSessionStatus] = mapped_column(
        enum_type(TrainingSessionStatus), default=TrainingSessionStatus.SCHEDULED, nullable=False
    )
    is_extra: Mapped[bool] = mapped_column(default=False, nullable=False)
    topic: Mapped[str | None] = mapped_column(sa.String(200))
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(200))


class Enrollment(Versioned, Base):
    __tablename__ = "enrollment"
    __table_args__ = (
        sa.UniqueConstraint("program_id", "admission_id"),
        sa.CheckConstraint(
            "status <> 'stopped' OR stop_reason IS NOT NULL", name="stop_has_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_program.id", ondelete="CASCADE"), index=True, nullable=False
    )
    admission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("admission.id", ondelete="CASCADE"), index=True, nullable=False
    )
    enrolled_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    status: Mapped[EnrollmentStatus] = mapped_column(
        enum_type(EnrollmentStatus), default=EnrollmentStatus.ACTIVE, nullable=False
    )
    stop_reason: Mapped[str | None] = mapped_column(sa.String(200))
    competent: Mapped[bool | None] = mapped_column()
    completed_on: Mapped[date | None] = mapped_column(sa.Date)
    certificate_no: Mapped[str | None] = mapped_column(sa.String(60), unique=True)


class Attendance(Base):
    __tablename__ = "attendance"
    __table_args__ = (sa.Index("ix_attendance_enrollment", "enrollment_id"),)

    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("training_session.id", ondelete="CASCADE"), primary_key=True
    )
    enrollment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enrollment.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[AttendanceCode] = mapped_column(enum_type(AttendanceCode), nullable=False)
    note: Mapped[str | None] = mapped_column(sa.String(200))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(sa.DateTime, default=now, nullable=False)
