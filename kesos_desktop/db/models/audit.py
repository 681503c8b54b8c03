"""The append-only audit log. Each row carries a hash of the previous one (a chain)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from kesos_desktop.db.base import Base


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (
        sa.Index("ix_audit_log_at", "at"),
        sa.Index("ix_audit_log_entity", "entity", "entity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False)
    user_id: Mapped[int | None] = mapped_column()  # no FK: the log outlives anything it names
    username: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    action: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    entity: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    entity_id: Mapped[str | None] = mapped_column(sa.String(60))
    details: Mapped[str] = mapped_column(sa.Text, default="{}", nullable=False)  # JSON
    prev_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
