"""User management by administrators: create, edit, deactivate, reset password, unlock,
change role. Users are never deleted: records and the audit log name them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from kesos_desktop.db.base import now
from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import User
from kesos_desktop.domain.dto import Actor, Changes, UserRow
from kesos_desktop.domain.enums import Role
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.services import audit
from kesos_desktop.services.auth import hash_password, password_problem, username_problem
from kesos_desktop.services.common import check_version, get_or_404
from kesos_desktop.services.context import requires


def _row(user: User) -> UserRow:
    return UserRow(
        user.id, user.username, user.full_name, Role(user.role), user.active, user.nip,
        user.is_supervisor, user.last_login_at, user.locked_until,
    )


@dataclass(frozen=True)
class NewUser:
    username: str
    full_name: str
    role: Role
    password: str
    nip: str | None = None
    is_supervisor: bool = False


@dataclass(frozen=True)
class UserDetail:
    """One user for the edit dialog, with the version to send back (optimistic locking)."""

    id: int
    username: str
    full_name: str
    role: Role
    active: bool
    nip: str | None
    is_supervisor: bool
    must_change_password: bool
    failed_logins: int
    locked_until: datetime | None
    last_login_at: datetime | None
    password_changed_at: datetime | None
    version: int


def _detail(user: User) -> UserDetail:
    return UserDetail(
        user.id, user.username, user.full_name, Role(user.role), user.active, user.nip,
        user.is_supervisor, user.must_change_password, user.failed_logins, user.locked_until,
        user.last_login_at, user.password_changed_at, user.version,
    )


@requires(Action.USER_VIEW)
def get_user(db: Database, actor: Actor, user_id: int) -> UserDetail:
    with db.read() as session:
        return _detail(get_or_404(session, User, user_id, _("The user")))


@requires(Action.USER_VIEW)
def list_users(db: Database, actor: Actor, include_inactive: bool = True) -> list[UserRow]:
    with db.read() as session:
        query = sa.select(User).order_by(User.full_name)
        if not include_inactive:
            query = query.where(User.active.is_(True))
        return [_row(u) for u in session.execute(query).scalars()]


@requires(Action.USER_MANAGE)
def create_user(db: Database, actor: Actor, new: NewUser) -> tuple[UserRow, Changes]:
    errors = {}
    if problem := username_problem(new.username.strip()):
        errors["username"] = problem
    if not new.full_name.strip():
        errors["full_name"] = _("Enter the full name.")
    if problem := password_problem(new.password, new.username):
        errors["password"] = problem
    if new.is_supervisor and new.role != Role.COUNSELOR:
        errors["is_supervisor"] = _("Only a counselor can be the supervisor of confidential notes.")
    with db.write() as session:
        taken = session.execute(
            sa.select(User.id).where(sa.func.lower(User.username) == new.username.strip().lower())
        ).first()
        if taken:
            errors["username"] = _("The user name {name} is already taken.").format(name=new.username)
        if errors:
            raise ValidationError(_("Please correct the marked fields."), errors)
        user = User(
            username=new.username.strip(),
            full_name=new.full_name.strip(),
            role=new.role,
            nip=(new.nip or "").strip() or None,
            is_supervisor=new.is_supervisor,
            password_hash=hash_password(new.password),
            must_change_password=True,
            password_changed_at=now(),
            updated_by=actor.username,
        )
        session.add(user)
        session.flush()
        audit.record(session, actor, "create", "user", user.id,
                     {"username": user.username, "role": str(user.role), "full_name": user.full_name})
        return _row(user), Changes.of("user")


def _admins_left(session, excluding: int) -> int:
    return session.execute(
        sa.select(sa.func.count(User.id)).where(
            User.role == Role.ADMIN, User.active.is_(True), User.id != excluding
        )
    ).scalar_one()


@requires(Action.USER_MANAGE)
def set_active(db: Database, actor: Actor, user_id: int, active: bool, expected_version: int | None = None) -> Changes:
    """Deactivate or reactivate; users are never deleted, since records name them."""
    with db.write() as session:
        user = get_or_404(session, User, user_id, _("The user"))
        check_version(user, expected_version)
        if not active and user.id == actor.id:
            raise ValidationError(_("You cannot deactivate your own account."))
        if not active and user.role == Role.ADMIN and _admins_left(session, user.id) == 0:
            raise ValidationError(_("At least one active administrator must remain."))
        audit.record(session, actor, "update", "user", user.id, {"active": [user.active, active]})
        user.active = active
        user.updated_by = actor.username
    return Changes.of("user")


@requires(Action.USER_MANAGE)
def reset_password(db: Database, actor: Actor, user_id: int, new_password: str) -> Changes:
    with db.write() as session:
        user = get_or_404(session, User, user_id, _("The user"))
        if problem := password_problem(new_password, user.username):
            raise ValidationError(problem, {"password": problem})
        user.password_hash = hash_password(new_password)
        user.must_change_password = True
        user.failed_logins = 0
        user.locked_until = None
        user.password_changed_at = now()
        user.updated_by = actor.username
        audit.record(session, actor, "password_reset", "user", user.id)
    return Changes.of("user")


@requires(Action.USER_MANAGE)
def change_role(db: Database, actor: Actor, user_id: int, role: Role, expected_version: int | None = None) -> Changes:
    with db.write() as session:
        user = get_or_404(session, User, user_id, _("The user"))
        check_version(user, expected_version)
        if user.role == Role.ADMIN and role != Role.ADMIN and _admins_left(session, user.id) == 0:
            raise ValidationError(_("At least one active administrator must remain."))
        audit.record(session, actor, "update", "user", user.id, {"role": [str(user.role), str(role)]})
        user.role = role
        if role != Role.COUNSELOR:
            user.is_supervisor = False
        user.updated_by = actor.username
    return Changes.of("user")


@requires(Action.USER_MANAGE)
def update_user(
    db: Database, actor: Actor, user_id: int, full_name: str, nip: str | None = None,
    is_supervisor: bool = False, expected_version: int | None = None,
) -> tuple[UserDetail, Changes]:
    """Change the name, NIP or supervisor flag (roles: ``change_role``)."""
    full_name = (full_name or "").strip()
    nip = (nip or "").strip() or None
    errors = {}
    if not full_name:
        errors["full_name"] = _("Enter the full name.")
    if nip and not nip.replace(" ", "").isdigit():
        errors["nip"] = _("A NIP contains only digits.")
    with db.write() as session:
        user = get_or_404(session, User, user_id, _("The user"))
        check_version(user, expected_version)
        if is_supervisor and user.role != Role.COUNSELOR:
            errors["is_supervisor"] = _("Only a counselor can be the supervisor of confidential notes.")
        if errors:
            raise ValidationError(_("Please correct the marked fields."), errors)
        changes = audit.diff(
            {"full_name": user.full_name, "nip": user.nip, "is_supervisor": user.is_supervisor},
            {"full_name": full_name, "nip": nip, "is_supervisor": is_supervisor},
        )
        if changes:
            user.full_name, user.nip, user.is_supervisor = full_name, nip, is_supervisor
            user.updated_by = actor.username
            session.flush()
            audit.record(session, actor, "update", "user", user.id, changes)
        return _detail(user), Changes.of("user")


@requires(Action.USER_MANAGE)
def unlock_user(db: Database, actor: Actor, user_id: int) -> Changes:
    """Lift a lock-out after too many wrong passwords, without changing the password."""
    with db.write() as session:
        user = get_or_404(session, User, user_id, _("The user"))
        audit.record(session, actor, "update", "user", user.id, {
            "locked_until": [user.locked_until, None], "failed_logins": [user.failed_logins, 0],
        })
        user.locked_until = None
        user.failed_logins = 0
        user.updated_by = actor.username
    return Changes.of("user")
