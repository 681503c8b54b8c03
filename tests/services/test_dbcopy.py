"""Moving a facility from its SQLite file to a server: everything copied, source untouched."""

from __future__ import annotations

import hashlib

import pytest

from kesos_desktop.db import migrate
from kesos_desktop.db.engine import Database
from kesos_desktop.domain.dto import FacilityProfileDTO
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.services import auth, dbcopy
from tests import factories
from tests.conftest import PASSWORD, new_database_url


@pytest.fixture
def source(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'source.db'}")
    migrate.upgrade(db, backup=False)
    auth.setup_facility(
        db, auth.SetupRequest(FacilityProfileDTO(name="Panti Sumber"), "kepala", "Kepala", PASSWORD)
    )
    room = factories.add_room(db)
    for n in range(30):
        factories.admit_resident(db, name=f"Fiktif {n}", room_id=room)
    yield db
    db.dispose()


def _digest(db: Database) -> str:
    return hashlib.sha256(open(db.sqlite_path, "rb").read()).hexdigest()


def test_copy_all_rows_and_leave_source_untouched(request, tmp_path, source):
    source.engine.dispose()
    before = _digest(source)
    url, cleanup = new_database_url(request, tmp_path / "target")
    target = Database(url)
    try:
        result = dbcopy.copy_database(source, target)
        assert result.tables["resident"] == 30 and result.tables["admission"] == 30
        assert result.tables["user_account"] == 1 and result.tables["audit_log"] >= 2
        assert auth.login(target, "kepala", PASSWORD).username == "kepala"
        # ids keep counting after the copied ones (sequences moved on PostgreSQL)
        new_room = factories.add_room(target, name="Baru")
        assert new_room > 1
        source.engine.dispose()
        assert _digest(source) == before
    finally:
        target.dispose()
        cleanup()


def test_copy_refuses_a_target_with_data(request, tmp_path, source):
    url, cleanup = new_database_url(request, tmp_path / "target")
    target = Database(url)
    try:
        factories.add_room(target, name="Sudah Ada")
        with pytest.raises(ValidationError, match="room|kosong|empty"):
            dbcopy.copy_database(source, target)
    finally:
        target.dispose()
        cleanup()
