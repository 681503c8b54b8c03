"""Users: managed by administrators, never deleted; lock-out that runs out; the idle-lock
password check; a deactivated user's open session; passwords that must be changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from kesos_desktop.db.base import now
from kesos_desktop.db.models import AuditEntry, User
from kesos_desktop.domain.enums import Role
from kesos_desktop.domain.errors import (
    AuthenticationError,
    ConflictError,
    PermissionDenied,
    ValidationError,
)
from kesos_desktop.services import auth, facility, users
from tests.conftest import PASSWORD


def _user(db, username: str) -> User:
    with db.read() as session:
        return session.execute(sa.select(User).where(User.username == username)).scalar_one()


def _audit(db, action: str) -> list[AuditEntry]:
    with db.read() as session:
        return list(session.execute(
            sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        ).scalars())


def _lock(db, username: str) -> None:
    for _ in range(auth.MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationError):
            auth.login(db, username, "Salah-Sekali-1")


# --------------------------------------------------------------------- managing users


def test_create_list_and_edit(db, admin):
    row, changes = users.create_user(db, admin, users.NewUser("budi", "Budi Santoso", Role.STAFF, "Kuat-Sekali-9"))
    assert "user" in changes.entities
    assert [u.username for u in users.list_users(db, admin)] == ["admin", "budi"]
    detail = users.get_user(db, admin, row.id)
    assert detail.must_change_password and detail.role == Role.STAFF
    updated, _ = users.update_user(db, admin, row.id, "Budi Santoso, S.Sos", "19800101", False,
                                   expected_version=detail.version)
    assert updated.full_name == "Budi Santoso, S.Sos" and updated.nip == "19800101"
    with pytest.raises(ConflictError):  # a second editor with the old version
        users.update_user(db, admin, row.id, "Budi S.", None, False, expected_version=detail.version)
    last = _audit(db, "update")[-1]
    assert '"full_name": ["Budi Santoso", "Budi Santoso, S.Sos"]' in last.details


def test_create_validates(db, admin):
    with pytest.raises(ValidationError) as info:
        users.create_user(db, admin, users.NewUser("admin", "", Role.STAFF, "short", is_supervisor=True))
    assert set(info.value.field_errors) == {"username", "full_name", "password", "is_supervisor"}
    with pytest.raises(ValidationError) as info:
        users.update_user(db, admin, admin.id, "Admin", "12ab", is_supervisor=True)
    assert set(info.value.field_errors) == {"nip", "is_supervisor"}


def test_only_admins_manage_users(db, admin, staff, counselor):
    for actor in (staff, counselor):
        with pytest.raises(PermissionDenied):
            users.create_user(db, actor, users.NewUser("x1y", "X", Role.ADMIN, "Kuat-Sekali-9"))
        with pytest.raises(PermissionDenied):
            users.change_role(db, actor, actor.id, Role.ADMIN)
        assert users.list_users(db, actor)  # but they may see who works here
    assert len(_audit(db, "denied")) == 4


def test_last_admin_cannot_be_removed_or_demoted(db, admin, staff):
    with pytest.raises(ValidationError):
        users.set_active(db, admin, admin.id, False)  # own account
    other = users.create_user(db, admin, users.NewUser("kepala", "Kepala", Role.ADMIN, "Kuat-Sekali-9"))[0]
    users.set_active(db, admin, other.id, False)
    with pytest.raises(ValidationError, match="administrator"):
        users.change_role(db, admin, admin.id, Role.STAFF)
    users.set_active(db, admin, other.id, True)
    users.change_role(db, admin, admin.id, Role.STAFF)  # now another admin remains
    assert _user(db, "admin").role == Role.STAFF


def test_role_change_drops_supervisor_flag(db, admin):
    row = users.create_user(db, admin, users.NewUser("sup1", "Sup", Role.COUNSELOR, "Kuat-Sekali-9",
                                                     is_supervisor=True))[0]
    users.change_role(db, admin, row.id, Role.STAFF)
    assert not _user(db, "sup1").is_supervisor


def test_users_are_never_deleted(db):
    assert not [name for name in dir(users) if "delete" in name.lower() or "remove" in name.lower()]


# ------------------------------------------------------------------ deactivated users


def test_deactivated_user_cannot_log_in(db, admin, staff):
    users.set_active(db, admin, staff.id, False)
    with pytest.raises(AuthenticationError, match="dinonaktifkan|deactivated"):
        auth.login(db, "petugas1", PASSWORD)


def test_deactivated_users_open_session_is_refused_at_next_action(db, admin, staff):
    """Deactivated on another workstation while logged in: the next action is refused."""
    assert facility.get_profile(db, staff).name  # works while active
    users.set_active(db, admin, staff.id, False)
    with pytest.raises(AuthenticationError, match="dinonaktifkan|deactivated") as info:
        facility.get_profile(db, staff)
    assert "administrator" in str(info.value).lower()
    with pytest.raises(AuthenticationError):
        auth.confirm_password(db, staff, PASSWORD)  # the idle lock cannot unlock it either


# ------------------------------------------------------------------------- lock-out


def test_lockout_runs_out(db, admin, staff):
    _lock(db, "petugas1")
    with pytest.raises(AuthenticationError, match="terkunci|locked"):
        auth.login(db, "petugas1", PASSWORD)
    with db.write() as session:  # the lock-out time passes
        user = session.execute(sa.select(User).where(User.username == "petugas1")).scalar_one()
        user.locked_until = now() - timedelta(seconds=1)
    assert auth.login(db, "petugas1", PASSWORD).id == staff.id
    user = _user(db, "petugas1")
    assert user.locked_until is None and user.failed_logins == 0


def test_wrong_password_after_lockout_starts_a_fresh_count(db, admin, staff, monkeypatch):
    _lock(db, "petugas1")
    later = now() + auth.LOCKOUT + timedelta(minutes=1)
    monkeypatch.setattr(auth, "now", lambda: later)
    with pytest.raises(AuthenticationError, match="salah|Wrong"):
        auth.login(db, "petugas1", "Salah-Sekali-1")
    assert _user(db, "petugas1").failed_logins == 1  # not locked again at once
    assert auth.login(db, "petugas1", PASSWORD).id == staff.id


def test_admin_unlocks_without_new_password(db, admin, staff):
    _lock(db, "petugas1")
    users.unlock_user(db, admin, staff.id)
    assert auth.login(db, "petugas1", PASSWORD).id == staff.id


def test_reset_password_unlocks_and_forces_a_change(db, admin, staff):
    _lock(db, "petugas1")
    users.reset_password(db, admin, staff.id, "Sementara-123")
    actor = auth.login(db, "petugas1", "Sementara-123")
    assert auth.must_change_password(db, actor)
    auth.change_own_password(db, actor, "Sementara-123", "Pilihan-Saya-4")
    assert not auth.must_change_password(db, actor)
    assert _audit(db, "password_reset") and _audit(db, "password_change")


def test_new_users_must_change_their_password(db, admin, staff):
    assert auth.must_change_password(db, staff)
    assert not auth.must_change_password(db, admin)  # chose their own at setup


# ------------------------------------------------------------------------ idle lock


def test_confirm_password_for_the_idle_lock(db, admin, staff):
    assert auth.confirm_password(db, staff, PASSWORD)
    assert not auth.confirm_password(db, staff, "Salah-Sekali-1")
    assert _user(db, "petugas1").failed_logins == 1
    assert auth.confirm_password(db, staff, PASSWORD)
    assert _user(db, "petugas1").failed_logins == 0
    failed = _audit(db, "unlock_failed")
    assert len(failed) == 1 and failed[0].username == "petugas1"


def test_idle_lock_guessing_locks_the_account(db, admin, staff):
    for _ in range(auth.MAX_FAILED_LOGINS - 1):
        assert not auth.confirm_password(db, staff, "Salah-Sekali-1")
    with pytest.raises(AuthenticationError, match="terkunci|locked"):
        auth.confirm_password(db, staff, "Salah-Sekali-1")
    with pytest.raises(AuthenticationError, match="terkunci|locked"):
        auth.confirm_password(db, staff, PASSWORD)


# ------------------------------------------------------------------- password policy


@pytest.mark.parametrize("password", ["Rahasia123", "admin123", "Indonesia1", "KESOS123"])
def test_common_passwords_are_refused(password):
    assert auth.password_problem(password, "budi") is not None


def test_new_password_must_differ(db, admin):
    with pytest.raises(ValidationError) as info:
        auth.change_own_password(db, admin, PASSWORD, PASSWORD)
    assert "new_password" in info.value.field_errors


def test_logout_is_audited(db, admin):
    auth.logout(db, admin)
    assert _audit(db, "logout")[-1].username == "admin"
