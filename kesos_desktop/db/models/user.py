"""Users of the application (staff, counselors, administrators)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from kesos_desktop.db.base import Base, Versioned, enum_type
from kesos_desktop.domain.enums import Role


class User(Versioned, Base):
    __tablename__ = "user_account"  # "user" is reserved on PostgreSQL

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(60), unique=True, nullable=False)
    full_name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    nip: Mapped[str | None] = mapped_column(sa.String(30))
    role: Mapped[Role] = mapped_column(enum_type(Role), nullable=False)
    password_hash: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    active: Mapped[bool] = mapped_column(default=True, nullable=False)
    # The counselor who may read "sangat rahasia" notes besides their author.
    is_supervisor: Mapped[bool] = mapped_column(default=False, nullable=False)
    must_change_password: Mapped[bool] = mapped_column(default=False, nullable=False)
    failed_logins: Mapped[int] = mapped_column(default=0, nullable=False)
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
