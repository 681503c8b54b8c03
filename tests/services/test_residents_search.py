"""The registry query: word-prefix search, filters, status, sorting and paging, in SQL."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from kesos_desktop.db.models import Admission, Resident
from kesos_desktop.domain.enums import PpksCategory, RoomSex, Sex, Stage, TerminationReason
from kesos_desktop.domain.resident_dto import ResidentQuery, ResidentStatus, SortKey
from kesos_desktop.services import resident_search, residents
from tests.factories import add_room, admit_resident

ALL = ResidentStatus.ALL


@pytest.fixture
def people(db, admin):
    """Six fictional people; Rina's stay has ended, Joko has two stays."""
    mawar = add_room(db, "Mawar", RoomSex.MALE, 6)
    melati = add_room(db, "Melati", RoomSex.FEMALE, 6)
    ids = {}
    for name, sex, admitted, birth, category, room, nik in [
        ("Siti Aminah", Sex.FEMALE, date(2026, 3, 1), date(1970, 1, 2), PpksCategory.GELANDANGAN, melati, "3271014201700001"),
        ("Siti Nurhaliza", Sex.FEMALE, date(2026, 5, 1), date(1985, 3, 4), PpksCategory.PENGEMIS, melati, None),
        ("Budi Santoso", Sex.MALE, date(2026, 1, 15), date(1960, 7, 8), PpksCategory.GELANDANGAN, mawar, "3174020807600003"),
        ("Ahmad Nasution", Sex.MALE, date(2025, 12, 1), date(2001, 9, 9), PpksCategory.NAPZA, mawar, None),
        ("Rina Wati", Sex.FEMALE, date(2025, 6, 1), date(1999, 1, 1), PpksCategory.TUNA_SUSILA, None, None),
        ("Joko Susilo", Sex.MALE, date(2024, 2, 2), date(1955, 5, 5), PpksCategory.LANSIA_TERLANTAR, None, None),
    ]:
        ids[name] = admit_resident(db, name=name, sex=sex, admitted_on=admitted, birth_date=birth,
                                   category=category, room_id=room, nik=nik,
                                   stage=Stage.ASSESSMENT if "Siti" in name else Stage.INTERVENTION)
    with db.write() as session:
        session.get(Resident, ids["Budi Santoso"][0]).alias = "Pak Kumis"
        for name in ("Rina Wati", "Joko Susilo"):
            stay = session.get(Admission, ids[name][1])
            stay.terminated_on = date(2025, 12, 20)
            stay.termination_reason = TerminationReason.REUNIFIED
            stay.stage = Stage.TERMINATION
        joko = ids["Joko Susilo"][0]
        session.add(Admission(resident_id=joko, admitted_on=date(2026, 2, 1), referral_source="keluarga",
                              approach="persuasif", stage=Stage.INTAKE, room_id=mawar))
    return ids


def names(db, actor, **query) -> list[str]:
    page = residents.search(db, actor, ResidentQuery(**query))
    return [row.name for row in page.rows]


def test_current_residents_by_default_sorted_by_name(db, staff, people):
    page = residents.search(db, staff, ResidentQuery())
    assert [r.name for r in page.rows] == ["Ahmad Nasution", "Budi Santoso", "Joko Susilo",
                                           "Siti Aminah", "Siti Nurhaliza"]
    assert (page.total, page.grand_total) == (5, 6)
    joko = next(r for r in page.rows if r.name == "Joko Susilo")
    assert joko.admitted_on == date(2026, 2, 1) and joko.stage == Stage.INTAKE  # the open stay
    assert joko.room_name == "Mawar"


def test_former_and_all(db, staff, people):
    assert names(db, staff, status=ResidentStatus.FORMER) == ["Rina Wati"]
    page = residents.search(db, staff, ResidentQuery(status=ALL))
    assert page.total == 6 and len(page.rows) == 6
    rina = next(r for r in page.rows if r.name == "Rina Wati")
    assert rina.terminated_on == date(2025, 12, 20) and not rina.is_current


@pytest.mark.parametrize("text, expected", [
    ("siti", ["Siti Aminah", "Siti Nurhaliza"]),
    ("SIT", ["Siti Aminah", "Siti Nurhaliza"]),
    ("sit ami", ["Siti Aminah"]),
    ("amin", ["Siti Aminah"]),
    ("s", ["Siti Aminah", "Siti Nurhaliza"]),  # one letter: names starting with it
    ("kumis", ["Budi Santoso"]),  # alias
    ("3271014201", ["Siti Aminah"]),  # NIK prefix
    ("TEST/2025", ["Ahmad Nasution", "Rina Wati"]),  # registration number parts
    ("zzz", []),
    ("  ", ["Ahmad Nasution", "Budi Santoso", "Joko Susilo", "Rina Wati", "Siti Aminah",
            "Siti Nurhaliza"]),
    ("o'neil %_", []),  # punctuation and LIKE wildcards are plain text
])
def test_search_as_you_type(db, staff, people, text, expected):
    assert names(db, staff, status=ALL, text=text) == expected


def test_search_counts_match(db, staff, people):
    page = residents.search(db, staff, ResidentQuery(status=ALL, text="siti"))
    assert page.total == 2
    page = residents.search(db, staff, ResidentQuery(text="rina"))  # current only: Rina has left
    assert page.total == 0 and page.rows == ()


def test_filters(db, staff, people):
    assert names(db, staff, status=ALL, category=PpksCategory.GELANDANGAN) == ["Budi Santoso", "Siti Aminah"]
    assert names(db, staff, sex=Sex.FEMALE) == ["Siti Aminah", "Siti Nurhaliza"]
    assert names(db, staff, stage=Stage.ASSESSMENT) == ["Siti Aminah", "Siti Nurhaliza"]
    mawar = residents.search(db, staff, ResidentQuery(text="budi")).rows[0]
    assert mawar.room_name == "Mawar"
    room_id = people["Budi Santoso"][0] and _room_id(db, "Mawar")
    assert names(db, staff, room_id=room_id) == ["Ahmad Nasution", "Budi Santoso", "Joko Susilo"]
    assert names(db, staff, status=ALL, admitted_from=date(2026, 1, 1), admitted_to=date(2026, 3, 31)) == [
        "Budi Santoso", "Joko Susilo", "Siti Aminah"]
    page = residents.search(db, staff, ResidentQuery(status=ALL, sex=Sex.MALE, text="s"))
    assert page.total == 0  # no man's name starts with S


def _room_id(db, name: str) -> int:
    from kesos_desktop.db.models import Room

    with db.read() as session:
        return session.execute(sa.select(Room.id).where(Room.name == name)).scalar_one()


@pytest.mark.parametrize("sort, descending, first", [
    (SortKey.NAME, True, "Siti Nurhaliza"),
    (SortKey.ADMITTED_ON, False, "Rina Wati"),
    (SortKey.ADMITTED_ON, True, "Siti Nurhaliza"),
    (SortKey.AGE, False, "Ahmad Nasution"),  # youngest first
    (SortKey.AGE, True, "Joko Susilo"),
    (SortKey.STAGE, False, "Joko Susilo"),  # intake comes first
    (SortKey.STAGE, True, "Rina Wati"),  # termination last
    (SortKey.NIK, False, "Budi Santoso"),
    (SortKey.SEX, False, "Ahmad Nasution"),
    (SortKey.ROOM, False, "Ahmad Nasution"),
    (SortKey.CATEGORY, False, "Budi Santoso"),
    (SortKey.REG_NO, False, "Joko Susilo"),
    (SortKey.CASE_MANAGER, False, "Ahmad Nasution"),
])
def test_sort_in_sql(db, staff, people, sort, descending, first):
    got = names(db, staff, status=ALL, sort=sort, descending=descending)
    assert got[0] == first and len(got) == 6


def test_paging(db, staff, people):
    query = ResidentQuery(status=ALL, limit=4)
    first = residents.search(db, staff, query)
    second = residents.search(db, staff, query.page(4))
    assert len(first.rows) == 4 and len(second.rows) == 2 and second.total is None
    assert {r.name for r in first.rows}.isdisjoint(r.name for r in second.rows)


def test_search_index_follows_edits(db, staff, people):
    rid = people["Ahmad Nasution"][0]
    with db.write() as session:
        session.get(Resident, rid).name = "Ahmad Lubis"
    assert names(db, staff, status=ALL, text="nasution") == []
    assert names(db, staff, status=ALL, text="lubis") == ["Ahmad Lubis"]
    with db.write() as session:
        session.delete(session.get(Resident, rid))
    assert names(db, staff, status=ALL, text="lubis") == []


@pytest.mark.sqlite_only
def test_missing_fts_triggers_are_rebuilt(db, staff, people):
    """A batch rebuild of the resident table drops its triggers: the app puts them back."""
    with db.write() as session:
        session.execute(sa.text("DROP TRIGGER resident_fts_au"))
    resident_search._modes.clear()
    with db.write() as session:
        session.get(Resident, people["Budi Santoso"][0]).name = "Budi Raharjo"
    assert names(db, staff, status=ALL, text="raharjo") == ["Budi Raharjo"]  # rebuilt index
    with db.write() as session:
        session.get(Resident, people["Budi Santoso"][0]).name = "Budi Prakoso"
    assert names(db, staff, status=ALL, text="prakoso") == ["Budi Prakoso"]  # trigger again


def test_like_fallback_gives_the_same_answers(db, staff, people):
    mode = "like"
    with db.read() as session:
        page = resident_search.run_query(session, ResidentQuery(status=ALL, text="sit ami"), mode)
    assert [r.name for r in page.rows] == ["Siti Aminah"] and page.total == 1


def test_dense_matches_walk_the_name_order(db, staff, people, monkeypatch):
    monkeypatch.setattr(resident_search, "DENSE_MATCHES", 0)
    assert names(db, staff, status=ALL, text="si") == ["Siti Aminah", "Siti Nurhaliza"]
    assert names(db, staff, text="siti") == ["Siti Aminah", "Siti Nurhaliza"]
    assert names(db, staff, text="test") == ["Ahmad Nasution", "Budi Santoso", "Joko Susilo",
                                             "Siti Aminah", "Siti Nurhaliza"]


@pytest.mark.parametrize("few, dense", [(0, 0), (0, 10_000), (10_000, 0)])
def test_every_query_plan_gives_the_same_answers(db, staff, people, monkeypatch, few, dense):
    """Many or few current residents, dense or sparse matches: other SQL, same rows."""
    monkeypatch.setattr(resident_search, "FEW_CURRENT", few)
    monkeypatch.setattr(resident_search, "DENSE_MATCHES", dense)
    assert names(db, staff) == ["Ahmad Nasution", "Budi Santoso", "Joko Susilo", "Siti Aminah",
                                "Siti Nurhaliza"]
    page = residents.search(db, staff, ResidentQuery(text="siti"))
    assert [r.name for r in page.rows] == ["Siti Aminah", "Siti Nurhaliza"] and page.total == 2
    page = residents.search(db, staff, ResidentQuery(text="s"))
    assert [r.name for r in page.rows] == ["Siti Aminah", "Siti Nurhaliza"] and page.total == 2
    page = residents.search(db, staff, ResidentQuery(text="test", sex=Sex.MALE))
    assert [r.name for r in page.rows] == ["Ahmad Nasution", "Budi Santoso", "Joko Susilo"]
    assert page.total == 3
    assert names(db, staff, sort=SortKey.ADMITTED_ON, descending=True)[0] == "Siti Nurhaliza"
    assert residents.search(db, staff, ResidentQuery(text="rina")).total == 0
