"""Permission checks for service entry points, shared by the GUI and the command line.

Every public service function is decorated with ``@requires(Action.X)`` (or ``@requires(None,
reason=...)`` for the few that run before anyone is logged in), so tests can enumerate every
entry point and check the permission matrix against it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import User
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.errors import AuthenticationError, PermissionDenied
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _

F = TypeVar("F", bound=Callable)


@dataclass(frozen=True)
class EntryPoint:
    name: str
    action: Action | None
    reason: str | None


ENTRY_POINTS: dict[str, EntryPoint] = {}


def ensure_active(db: Database, actor: Actor) -> None:
    """A user deactivated on another workstation loses access at their next action."""
    with db.read() as session:
        active = session.execute(
            sa.select(User.active).where(User.id == actor.id)
        ).scalar_one_or_none()
    if not active:
        raise AuthenticationError(
            _("Your account has been deactivated or removed. Ask an administrator.")
        )


def require(db: Database, actor: Actor, action: Action) -> None:
    """Raise PermissionDenied (and audit the refusal) unless ``actor`` may perform ``action``."""
    if not isinstance(actor, Actor):
        raise AuthenticationError(_("No user is logged in."))
    ensure_active(db, actor)
    if actor.can(action):
        return
    from kesos_desktop.services import audit

    with db.write() as session:
        audit.record(session, actor, "denied", "permission", None, {"action": str(action)})
    raise PermissionDenied(
        _("Your role ({role}) is not allowed to do this ({action}).").format(
            role=actor.role.label, action=str(action)
        )
    )


def requires(action: Action | None, reason: str | None = None) -> Callable[[F], F]:
    """Declare the permission an entry point needs; ``None`` needs a written ``reason``."""
    if action is None and not reason:
        raise ValueError("an entry point without a permission must say why")

    def decorate(fn: F) -> F:
        name = f"{fn.__module__}.{fn.__qualname__}"
        ENTRY_POINTS[name] = EntryPoint(name, action, reason)
        if action is None:
            fn.required_action = None  # type: ignore[attr-defined]
            return fn

        @functools.wraps(fn)
        def wrapper(db: Database, actor: Actor, *args, **kwargs):
            require(db, actor, action)
            return fn(db, actor, *args, **kwargs)

        wrapper.required_action = action  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate
