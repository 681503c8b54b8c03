"""The registry's first screen does no work it does not show: the room filter's choices are
fetched when someone reaches for them (or a dashboard room opens the page), and each row's cell
texts are made once per query."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QThreadPool

from kesos_desktop.db.models import Resident
from kesos_desktop.domain.resident_dto import ResidentStatus
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.models.resident_table import COL_NAME
from kesos_desktop.ui.pages.residents import ResidentsPage
from tests.factories import add_room, admit_resident


def settle(qtbot, rounds: int = 4) -> None:
    for _ in range(rounds):
        QThreadPool.globalInstance().waitForDone(10_000)
        qtbot.wait(10)


@pytest.fixture
def setup(qtbot, db, staff):
    rooms = [add_room(db, "Anggrek Fiktif"), add_room(db, "Bougenvil Fiktif")]
    people = [admit_resident(db, name=name, room_id=room, admitted_on=date(2026, 10, 1))[0]
              for name, room in (("Ani Kamar Fiktif", rooms[0]), ("Budi Kamar Fiktif", rooms[1]))]
    ctx = AppContext(db, staff, WorkstationSettings())

    def make_page() -> ResidentsPage:
        page = ResidentsPage(ctx)
        qtbot.addWidget(page)
        page.resize(1176, 700)
        page.show()
        return page
    return make_page, rooms, people


def test_rooms_are_fetched_when_the_filter_is_opened(qtbot, setup):
    make_page, rooms, _people = setup
    page = make_page()
    qtbot.waitUntil(lambda: page.model.total == 2, timeout=10_000)
    settle(qtbot)
    assert page.filters.room.count() == 1  # "All rooms" only: nothing fetched for the first screen
    page.filters.room.showPopup()
    qtbot.waitUntil(lambda: page.filters.room.count() == 3, timeout=10_000)
    page.filters.room.hidePopup()
    assert [page.filters.room.itemData(i) for i in range(3)] == [None, *rooms]
    page.filters.room.setCurrentIndex(2)
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=10_000)
    assert page.model.index(0, COL_NAME).data() == "Budi Kamar Fiktif"


def test_a_dashboard_room_filters_at_once_and_is_selected_when_rooms_arrive(qtbot, setup):
    make_page, rooms, _people = setup
    page = make_page()
    page.open_target({"room_id": rooms[0], "status": "current"})
    qtbot.waitUntil(lambda: page.model.total == 1 and not page.model.loading, timeout=10_000)
    assert page.model.query.room_id == rooms[0]
    assert page.model.index(0, COL_NAME).data() == "Ani Kamar Fiktif"
    qtbot.waitUntil(lambda: page.filters.room.currentData() == rooms[0], timeout=10_000)
    assert page.filters.apply(page.model.query).room_id == rooms[0]


def test_cell_texts_follow_a_refresh(qtbot, db, setup):
    make_page, _rooms, people = setup
    page = make_page()
    qtbot.waitUntil(lambda: page.model.total == 2, timeout=10_000)
    assert page.model.index(0, COL_NAME).data() == "Ani Kamar Fiktif"
    with db.write() as session:
        session.get(Resident, people[0]).name = "Ani Berganti Fiktif"
    page.model.set_query(page.model.query)
    qtbot.waitUntil(lambda: page.model.index(0, COL_NAME).data() == "Ani Berganti Fiktif", timeout=10_000)
    assert page.model.query.status == ResidentStatus.CURRENT
