"""Counseling sessions (bimbingan), their versioned confidential notes, and case conferences.

Session metadata (date, type, counselor, participants) may be seen by all staff; note bodies,
agreed actions and participant observations only by counselors (services enforce this).
"""

from __future__ import annotations

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from kesos_desktop.db.base import Base, Versioned, enum_type, now
from kesos_desktop.domain.enums import (
    Approach,
    Confidentiality,
    CounselingStatus,
    CounselingType,
    NoteVersionKind,
    ServiceLevel,
    WorkerRole,
)


class CounselingSession(Versioned, Base):
    __tablename__ = "counseling_session"
    __table_args__ = (
        sa.CheckConstraint("duration_minutes IS NULL OR duration_minutes > 0", name="duration"),
        sa.Index("ix_counseling_session_held_on", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_type: Mapped[CounselingType] = mapped_column(enum_type(CounselingType), nullable=False)
    level: Mapped[ServiceLevel] = mapped_column(enum_type(ServiceLevel), nullable=False)
    held_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    start_time: Mapped[time | None] = mapped_column(sa.Time)
    duration_minutes: Mapped[int | None] = mapped_column()
    place: Mapped[str | None] = mapped_column(sa.String(120))
    counselor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id"), index=True, nullable=False
    )
    approach: Mapped[Approach | None] = mapped_column(enum_type(Approach))
    topic: Mapped[str | None] = mapped_column(sa.String(200))
    status: Mapped[CounselingStatus] = mapped_column(
        enum_type(CounselingStatus), default=CounselingStatus.PLANNED, nullable=False
    )
    confidentiality: Mapped[Confidentiality] = mapped_column(
        enum_type(Confidentiality), default=Confidentiality.NORMAL, nullable=False
    )
    next_session_on: Mapped[date | None] = mapped_column(sa.Date)
    signed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)


class SessionParticipant(Base):
    __tablename__ = "session_participant"

    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("counseling_session.id", ondelete="CASCADE"), primary_key=True
    )
    admission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("admission.id", ondelete="CASCADE"), primary_key=True
    )
    observation: Mapped[str | None] = mapped_column(sa.Text)  # confidential

    __table_args__ = (
        sa.Index("ix_session_participant_admission", "admission_id"),
        sa.Index("ix_session_participant_stay", "admission_id", "session_id"),  # covering (0006)
    )


class SessionWorkerRole(Base):
    __tablename__ = "session_worker_role"

    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("counseling_session.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[WorkerRole] = mapped_column(enum_type(WorkerRole), primary_key=True)


class NoteVersion(Base):
    """Every version of a session's note is kept; the highest ``version_no`` is current."""

    __tablename__ = "note_version"
    __table_args__ = (
        sa.UniqueConstraint("session_id", "version_no"),
        sa.CheckConstraint(
            "kind <> 'addendum' OR reason IS NOT NULL", name="addendum_has_reason"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("counseling_session.id", ondelete="CASCADE"), index=True, nullable=False
    )
    version_no: Mapped[int] = mapped_column(nullable=False)
    kind: Mapped[NoteVersionKind] = mapped_column(enum_type(NoteVersionKind), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    agreed_actions: Mapped[str | None] = mapped_column(sa.Text)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), nullable=False)
    written_at: Mapped[datetime] = mapped_column(sa.DateTime, default=now, nullable=False)


class CaseConference(Versioned, Base):
    """Konferensi kasus: staff meet on one stay and record their decisions."""

    __tablename__ = "case_conference"

    id: Mapped[int] = mapped_column(primary_key=True)
    admission_id: Mapped[int] = mapped_column(
        sa.ForeignKey("admission.id", ondelete="CASCADE"), index=True, nullable=False
    )
    held_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    decisions: Mapped[str] = mapped_column(sa.Text, nullable=False)
    led_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))


class ConferenceAttendee(Base):
    __tablename__ = "conference_attendee"

    conference_id: Mapped[int] = mapped_column(
        sa.ForeignKey("case_conference.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), primary_key=True)
