"""First-run setup, passwords, and logging in (with time-based lock-out)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from kesos_desktop.db.base import now
from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import FacilityProfile, User
from kesos_desktop.domain.dto import Actor, FacilityProfileDTO
from kesos_desktop.domain.enums import Role
from kesos_desktop.domain.errors import AuthenticationError, ValidationError
from kesos_desktop.i18n import _
from kesos_desktop.services import audit
from kesos_desktop.services.context import requires

MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8
# Passwords that meet the length and character rules but are the first ones anyone tries.
COMMON_PASSWORDS = frozenset({
    "password1", "password123", "passw0rd", "p@ssw0rd", "admin123", "admin1234", "administrator1",
    "qwerty123", "abc12345", "abcd1234", "1q2w3e4r", "12345678a", "a12345678", "iloveyou1",
    "rahasia1", "rahasia123", "indonesia1", "indonesia123", "bismillah1", "bismillah123",
    "kesos123", "kesos2026", "dinsos123", "panti123", "sayang123", "jakarta123", "welcome1",
})

# Argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): about 6x cheaper than
# argon2-cffi's default, which cost every login (and start-up) most of a second on these PCs.
# Hashes made with other settings still verify and are re-hashed at the next login.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


@functools.cache
def _dummy_hash() -> str:
    """Verified when the username is unknown, so that a wrong name costs as long as a wrong
    password. Made on first need: hashing at import cost every start-up one argon2 run."""
    return _hasher.hash("kesos-dummy-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, username: str = "") -> str | None:
    """Why ``password`` does not meet the policy, or None when it does."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("The password must have at least {n} characters.").format(n=MIN_PASSWORD_LENGTH)
    if username and password.lower() == username.lower():
        return _("The password must not be the same as the user name.")
    if password.isdigit() or password.isalpha():
        return _("The password must contain both letters and digits or symbols.")
    if password.lower() in COMMON_PASSWORDS:
        return _("This password is too easy to guess. Choose another one.")
    return None


def username_problem(username: str) -> str | None:
    if not username or len(username) < 3:
        return _("The user name must have at least 3 characters.")
    if not all(c.isalnum() or c in "._-" for c in username) or not username.isascii():
        return _("The user name may contain only letters, digits, dots, dashes and underscores.")
    return None


def to_actor(user: User) -> Actor:
    return Actor(user.id, user.username, user.full_name, Role(user.role), user.is_supervisor)


@requires(None, reason="runs before any user exists")
def needs_setup(db: Database) -> bool:
    with db.read() as session:
        return session.execute(sa.select(sa.func.count(User.id))).scalar_one() == 0


@dataclass(frozen=True)
class SetupRequest:
    facility: FacilityProfileDTO
    admin_username: str
    admin_full_name: str
    admin_password: str


def validate_setup(request: SetupRequest) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not request.facility.name.strip():
        errors["facility_name"] = _("Enter the facility's name.")
    if request.facility.capacity < 0:
        errors["capacity"] = _("Capacity cannot be negative.")
    if problem := username_problem(request.admin_username):
        errors["admin_username"] = problem
    if not request.admin_full_name.strip():
        errors["admin_full_name"] = _("Enter the administrator's full name.")
    if problem := password_problem(request.admin_password, request.admin_username):
        errors["admin_password"] = problem
    return errors


@requires(None, reason="first-run setup creates the first user; refused once any user exists")
def setup_facility(db: Database, request: SetupRequest, check_policy: bool = True) -> Actor:
    """Create the facility profile and the first administrator on an empty database."""
    errors = validate_setup(request)
    if not check_policy:
        errors.pop("admin_password", None)
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)
    with db.write() as session:
        if session.execute(sa.select(sa.func.count(User.id))).scalar_one():
            raise ValidationError(_("This database is already set up. Log in instead."))
        fields = {k: v for k, v in vars(request.facility).items() if k != "version"}
        profile = session.get(FacilityProfile, 1)
        if profile is None:
            session.add(FacilityProfile(id=1, **fields))
        else:
            for key, value in fields.items():
                setattr(profile, key, value)
        user = User(
            username=request.admin_username.strip(),
            full_name=request.admin_full_name.strip(),
            role=Role.ADMIN,
            password_hash=hash_password(request.admin_password),
            password_changed_at=now(),
        )
        session.add(user)
        session.flush()
        actor = to_actor(user)
        audit.record(session, actor, "setup", "facility", 1, {"facility": request.facility.name})
        audit.record(session, actor, "create", "user", user.id, {"username": user.username, "role": "admin"})
    return actor


@requires(None, reason="logging in is how a user becomes an actor")
def login(db: Database, username: str, password: str) -> Actor:
    """The actor for valid credentials; AuthenticationError with a plain message otherwise."""
    username = (username or "").strip()
    with db.write() as session:
        user = session.execute(
            sa.select(User).where(sa.func.lower(User.username) == username.lower())
        ).scalar_one_or_none()
        if user is not None and user.locked_until and user.locked_until <= now():
            # the lock-out has run out: a fresh set of attempts
            user.locked_until = None
            user.failed_logins = 0
        if user is None:
            verify_password(_dummy_hash(), password)
            audit.record(session, None, "login_failed", "user", None, {"reason": "unknown user"}, username=username[:60] or "-")
            failure = _("Wrong user name or password.")
        elif user.locked_until and user.locked_until > now():
            audit.record(session, None, "login_failed", "user", user.id, {"reason": "locked"}, username=user.username)
            failure = _locked_message(user)
        elif not user.active:
            audit.record(session, None, "login_failed", "user", user.id, {"reason": "inactive"}, username=user.username)
            failure = _("This account has been deactivated. Ask an administrator.")
        elif not verify_password(user.password_hash, password):
            user.failed_logins += 1
            details = {"reason": "wrong password", "failed_logins": user.failed_logins}
            if user.failed_logins >= MAX_FAILED_LOGINS:
                user.locked_until = now() + LOCKOUT
                details["locked_until"] = user.locked_until
            audit.record(session, None, "login_failed", "user", user.id, details, username=user.username)
            failure = _("Wrong user name or password.")
            if user.locked_until and user.locked_until > now():
                failure = _(
                    "Too many wrong passwords: the account is locked for {n} minutes."
                ).format(n=int(LOCKOUT.total_seconds() // 60))
        else:
            user.failed_logins = 0
            user.locked_until = None
            user.last_login_at = now()
            if _hasher.check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(password)  # older, costlier settings
            actor = to_actor(user)
            audit.record(session, actor, "login", "user", user.id)
            return actor
    raise AuthenticationError(failure)


def _locked_message(user: User) -> str:
    minutes = max(1, int((user.locked_until - now()).total_seconds() // 60) + 1)
    return _(
        "This account is locked after too many wrong passwords. Try again in {n} minutes "
        "or ask an administrator to reset the password."
    ).format(n=minutes)


@requires(None, reason="re-checks the logged-in user's own password (idle lock)")
def confirm_password(db: Database, actor: Actor, password: str) -> bool:
    """True when ``password`` is the actor's; wrong answers count towards the lock-out.

    Raises AuthenticationError when the account has been deactivated or is (now) locked: the
    screen must then log out instead of unlocking.
    """
    refusal = None
    with db.write() as session:
        user = session.get(User, actor.id)
        if user is None or not user.active:
            refusal = _("Your account has been deactivated or removed. Ask an administrator.")
        elif user.locked_until and user.locked_until > now():
            refusal = _locked_message(user)
        elif verify_password(user.password_hash, password):
            user.failed_logins = 0
            user.locked_until = None
            return True
        else:
            if user.locked_until:  # an expired lock-out: start counting again
                user.failed_logins, user.locked_until = 0, None
            user.failed_logins += 1
            details = {"reason": "wrong password", "failed_logins": user.failed_logins}
            if user.failed_logins >= MAX_FAILED_LOGINS:
                user.locked_until = now() + LOCKOUT
                details["locked_until"] = user.locked_until
                refusal = _(
                    "Too many wrong passwords: the account is locked for {n} minutes."
                ).format(n=int(LOCKOUT.total_seconds() // 60))
            audit.record(session, actor, "unlock_failed", "user", user.id, details)
    if refusal:
        raise AuthenticationError(refusal)
    return False


@requires(None, reason="the logged-in user's own account state, asked right after login")
def must_change_password(db: Database, actor: Actor) -> bool:
    """True after an administrator created the account or reset its password."""
    with db.read() as session:
        user = session.get(User, actor.id)
        return bool(user and user.must_change_password)


@requires(None, reason="records that the logged-in user logged out; any user may")
def logout(db: Database, actor: Actor) -> None:
    with db.write() as session:
        audit.record(session, actor, "logout", "user", actor.id)


@requires(None, reason="a user changes their own password; the old one proves who they are")
def change_own_password(db: Database, actor: Actor, old_password: str, new_password: str) -> None:
    if problem := password_problem(new_password, actor.username):
        raise ValidationError(problem, {"new_password": problem})
    if new_password == old_password:
        message = _("The new password must be different from the current one.")
        raise ValidationError(message, {"new_password": message})
    with db.write() as session:
        user = session.get(User, actor.id)
        if user is None or not verify_password(user.password_hash, old_password):
            raise ValidationError(
                _("The current password is wrong."), {"old_password": _("The current password is wrong.")}
            )
        user.password_hash = hash_password(new_password)
        user.password_changed_at = now()
        user.must_change_password = False
        user.updated_by = actor.username
        audit.record(session, actor, "password_change", "user", user.id)
