import pytest
import sqlalchemy as sa

from kesos_desktop.db.models import AuditEntry, User
from kesos_desktop.domain.dto import FacilityProfileDTO
from kesos_desktop.domain.enums import Role
from kesos_desktop.domain.errors import AuthenticationError, ValidationError
from kesos_desktop.services import auth
from tests.conftest import PASSWORD


def test_setup_creates_facility_and_admin(db):
    assert auth.needs_setup(db)
    actor = auth.setup_facility(
        db,
        auth.SetupRequest(FacilityProfileDTO(name="Panti Contoh"), "kepala", "Kepala Panti", PASSWORD),
    )
    assert actor.role == Role.ADMIN
    assert not auth.needs_setup(db)
    assert auth.login(db, "kepala", PASSWORD).id == actor.id


def test_setup_refused_once_users_exist(db, admin):
    request = auth.SetupRequest(FacilityProfileDTO(name="Lain"), "other", "Other", PASSWORD)
    with pytest.raises(ValidationError, match="sudah"):
        auth.setup_facility(db, request)


def test_setup_validates_fields(db):
    with pytest.raises(ValidationError) as info:
        auth.setup_facility(db, auth.SetupRequest(FacilityProfileDTO(name=" "), "a", "", "short"))
    assert set(info.value.field_errors) == {"facility_name", "admin_username", "admin_full_name", "admin_password"}
    assert auth.needs_setup(db)


def test_wrong_password_and_lockout(db, admin):
    for _ in range(auth.MAX_FAILED_LOGINS - 1):
        with pytest.raises(AuthenticationError, match="salah"):
            auth.login(db, "admin", "wrong-password-1")
    with pytest.raises(AuthenticationError, match="terkunci"):
        auth.login(db, "admin", "wrong-password-1")
    # even the right password is refused while locked
    with pytest.raises(AuthenticationError, match="terkunci"):
        auth.login(db, "admin", PASSWORD)
    with db.read() as session:
        user = session.execute(sa.select(User).where(User.username == "admin")).scalar_one()
        assert user.locked_until is not None
        failed = session.execute(
            sa.select(sa.func.count()).where(AuditEntry.action == "login_failed")
        ).scalar_one()
    assert failed == auth.MAX_FAILED_LOGINS + 1


def test_unknown_user_gets_same_message(db, admin):
    with pytest.raises(AuthenticationError) as unknown:
        auth.login(db, "nobody", PASSWORD)
    with pytest.raises(AuthenticationError) as wrong:
        auth.login(db, "admin", "bad-password-9")
    assert str(unknown.value) == str(wrong.value)


@pytest.mark.parametrize(
    "password, ok",
    [("pendek1", False), ("12345678901", False), ("hanyahuruf", False), ("Kuat-Sekali9", True)],
)
def test_password_policy(password, ok):
    assert (auth.password_problem(password, "budi") is None) == ok


def test_change_own_password(db, admin):
    with pytest.raises(ValidationError):
        auth.change_own_password(db, admin, "not-the-old-1", "Baru-Sekali-2")
    auth.change_own_password(db, admin, PASSWORD, "Baru-Sekali-2")
    assert auth.login(db, "admin", "Baru-Sekali-2").id == admin.id


def test_hash_with_old_settings_is_upgraded_at_login(db, admin):
    from argon2 import PasswordHasher

    from kesos_desktop.db.models import User as UserModel

    old = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4).hash(PASSWORD)
    with db.write() as session:
        session.execute(sa.update(UserModel).where(UserModel.id == admin.id).values(password_hash=old))
    assert auth.login(db, "admin", PASSWORD).id == admin.id
    with db.read() as session:
        stored = session.get(UserModel, admin.id).password_hash
    assert stored != old and "m=19456,t=2,p=1" in stored
    assert auth.login(db, "admin", PASSWORD).id == admin.id
