"""Small helpers shared by services: optimistic-lock checks, unique counters, settings."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.attributes import flag_modified

from kesos_desktop.db.models import Counter, Setting
from kesos_desktop.domain.errors import ConflictError, NotFoundError
from kesos_desktop.i18n import _


def get_or_404(session: Session, model, key, what: str):
    obj = session.get(model, key)
    if obj is None:
        raise NotFoundError(_("{what} was not found (it may have been removed).").format(what=what))
    return obj


def check_version(obj, expected_version: int | None) -> None:
    """Refuse to overwrite a record that someone else saved after the caller read it.

    On a server the row is locked and read again first: a save on another workstation that is
    still committing is waited for, so its author and time can be named (without the lock the
    race ends in a bare "changed on another workstation"). SQLite's writers already queue on the
    file's write lock, taken when the transaction began.
    """
    if expected_version is None:
        return
    session = object_session(obj)
    if session is not None and obj in session and session.get_bind().dialect.name != "sqlite":
        session.refresh(obj, with_for_update=True)
    if obj.version == expected_version:
        return
    when = obj.updated_at.strftime("%d/%m/%Y %H:%M") if obj.updated_at else "?"
    raise ConflictError(
        _(
            "This record was changed by {who} at {when} after you opened it. "
            "Reload it to see their changes, then make yours again."
        ).format(who=obj.updated_by or "?", when=when),
        changed_by=obj.updated_by,
        changed_at=obj.updated_at,
    )


def mark_updated(obj, username: str) -> None:
    """Record who saved and force an UPDATE, so the optimistic-lock version moves on even when
    only child rows (scores, attendees, goals, marks) changed: a concurrent edit is then refused
    instead of silently overwritten."""
    obj.updated_by = username
    flag_modified(obj, "updated_by")


def next_number(session: Session, name: str) -> int:
    """The next value of counter ``name``, unique even with several workstations at once.

    A single INSERT ... ON CONFLICT DO UPDATE ... RETURNING: atomic on PostgreSQL (row lock)
    and on SQLite (the transaction already holds the write lock).
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(Counter).values(name=name, value=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[Counter.name], set_={"value": Counter.value + 1}
    ).returning(Counter.value)
    return session.execute(stmt).scalar_one()


def peek_number(session: Session, name: str) -> int:
    """The value ``next_number`` would return now (for previews; not reserved)."""
    current = session.execute(sa.select(Counter.value).where(Counter.name == name)).scalar()
    return (current or 0) + 1


def get_setting(session: Session, key: str, default: Any = None) -> Any:
    raw = session.execute(sa.select(Setting.value).where(Setting.key == key)).scalar_one_or_none()
    return default if raw is None else json.loads(raw)


def put_setting(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    text = json.dumps(value, ensure_ascii=False)
    if row is None:
        session.add(Setting(key=key, value=text))
    else:
        row.value = text
