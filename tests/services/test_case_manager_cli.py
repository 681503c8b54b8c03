"""`kesos resident reassign` and `kesos user handover`: the same services and rules, scripted."""

from __future__ import annotations

import pytest

from kesos_desktop.cli import main
from kesos_desktop.db.models import Admission, Resident
from kesos_desktop.domain.enums import Role
from tests.conftest import PASSWORD, make_user
from tests.factories import admit_resident


@pytest.fixture
def kesos(db_url, admin, monkeypatch):
    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)
    return lambda *argv: main(["--database-url", db_url, *argv])


def managers(db, *admission_ids: int) -> list[int | None]:
    with db.read() as session:
        return [session.get(Admission, a).case_manager_id for a in admission_ids]


def reg_no(db, admission_id: int) -> str:
    with db.read() as session:
        return session.get(Resident, session.get(Admission, admission_id).resident_id).reg_no


def test_resident_reassign(kesos, db, admin, counselor, staff, capsys):
    second = make_user(db, admin, "konselor2", Role.COUNSELOR)
    _, stay = admit_resident(db, name="Adi Fiktif", case_manager_id=counselor.id)
    number = reg_no(db, stay)
    assert kesos("resident", "reassign", number.lower(), "--to", "KONSELOR2", "--reason", "cuti",
                 "--user", "admin") == 0
    assert "Adi Fiktif" in capsys.readouterr().out
    assert managers(db, stay) == [second.id]
    assert kesos("resident", "reassign", number, "--to", "konselor1", "--user", "petugas1") == 1
    assert kesos("resident", "reassign", number, "--to", "konselor1", "--user", "konselor1") == 1
    assert kesos("resident", "reassign", "TIDAK/ADA/1", "--to", "konselor1", "--user", "admin") == 1
    assert kesos("resident", "reassign", number, "--to", "konselor2", "--user", "admin") == 2  # already
    assert managers(db, stay) == [second.id]


def test_user_handover(kesos, db, admin, counselor, capsys):
    second = make_user(db, admin, "konselor2", Role.COUNSELOR)
    stays = [admit_resident(db, name=f"Fiktif {n}", case_manager_id=counselor.id)[1] for n in range(2)]
    assert kesos("user", "handover", "konselor1", "konselor2", "--user", "konselor2") == 1  # not admin
    assert managers(db, *stays) == [counselor.id] * 2
    assert kesos("user", "handover", "konselor1", "konselor1", "--user", "admin") == 2
    assert kesos("user", "handover", "konselor1", "konselor2", "--user", "admin") == 0
    assert "2 kasus" in capsys.readouterr().out
    assert managers(db, *stays) == [second.id] * 2
