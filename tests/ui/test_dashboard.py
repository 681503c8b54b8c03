"""Dashboard: figures per role, click-through from a card or chart bar to the filtered list,
global search (Ctrl+K) and the reminder badge."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt, QThreadPool

from kesos_desktop.domain.enums import PpksCategory
from kesos_desktop.services import dashboard
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.dialogs.global_search import GlobalSearchDialog
from kesos_desktop.ui.main_window import MainWindow
from tests.services.test_dashboard import (
    TODAY,
    facility,  # noqa: F401 - the hand-counted facility
)


class _FixedDate(date):
    @classmethod
    def today(cls):
        return TODAY


@pytest.fixture(autouse=True)
def _on_the_counted_day(monkeypatch):
    """The facility was counted by hand for TODAY; the page asks the service for the real today."""
    monkeypatch.setattr(dashboard, "date", _FixedDate)


def _settle(qtbot) -> None:
    for _ in range(6):
        QThreadPool.globalInstance().waitForDone(10_000)
        qtbot.wait(30)


def _window(qtbot, db, actor) -> MainWindow:
    window = MainWindow(AppContext(db, actor, WorkstationSettings()))
    qtbot.addWidget(window)
    window.show()
    _settle(qtbot)
    return window


def test_chart_bar_opens_the_filtered_registry(qtbot, facility, admin):  # noqa: F811
    window = _window(qtbot, facility, admin)
    page = window.current_page()
    assert page.cards["current"].value.text() == "3"
    assert page.data.by_category[0] == (PpksCategory.GELANDANGAN, 2)
    page.categories.click_bar(0)  # the top bar: gelandangan
    _settle(qtbot)
    residents = window.current_page()
    assert window.stack.currentWidget() is window.pages["residents"]
    assert residents.filters.category.currentData() == PpksCategory.GELANDANGAN
    assert residents.model.rowCount() == 2


def test_counselor_card_opens_the_assessment_list(qtbot, facility, counselor):  # noqa: F811
    window = _window(qtbot, facility, counselor)
    page = window.current_page()
    assert page.cards["assessment"].isVisibleTo(page) and page.cards["assessment"].value.text() == "1"
    qtbot.mouseClick(page.cards["assessment"], Qt.MouseButton.LeftButton)
    _settle(qtbot)
    assert window.stack.currentWidget() is window.pages["counseling"]


def test_reminder_badge_and_list(qtbot, facility, admin):  # noqa: F811
    window = _window(qtbot, facility, admin)
    # 4 due items + 1 line for the residents without consent on record (UU PDP)
    assert window.reminder_badge.count == 5
    assert "(5)" in window.sidebar.item(0).text()
    assert window.current_page().reminders.count() == 5


def test_global_search_opens_a_resident(qtbot, facility, admin):  # noqa: F811
    window = _window(qtbot, facility, admin)
    dialog = GlobalSearchDialog(window.ctx, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.edit, "cici")
    qtbot.waitUntil(lambda: dialog.results.count() > 0, timeout=5000)
    assert "Cici Fiktif" in dialog.results.item(0).text()
    qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    _settle(qtbot)
    assert window.stack.currentWidget() is window.pages["residents"]
