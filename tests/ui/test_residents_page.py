"""The registry page: loads in the background, searches as you type, sorts in SQL, pages lazily."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt, QThreadPool

from kesos_desktop.domain.enums import Sex
from kesos_desktop.domain.resident_dto import ResidentStatus, SortKey
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui.actions import ActionId
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.models import resident_table
from kesos_desktop.ui.models.resident_table import COL_ADMITTED, COL_NAME, ResidentTableModel
from kesos_desktop.ui.pages.residents import ResidentsPage
from tests.factories import admit_resident

NAMES = ["Siti Aminah", "Budi Santoso", "Ahmad Nasution", "Siti Rahayu", "Joko Widodo Fiktif"]


def settle(qtbot, rounds: int = 4) -> None:
    for _ in range(rounds):
        QThreadPool.globalInstance().waitForDone(10_000)
        qtbot.wait(10)


@pytest.fixture
def ctx(db, staff):
    return AppContext(db, staff, WorkstationSettings())


@pytest.fixture
def page(qtbot, ctx):
    for n, name in enumerate(NAMES):
        admit_resident(ctx.db, name=name, sex=Sex.FEMALE if name.startswith("Siti") else Sex.MALE,
                       admitted_on=date(2026, 1 + n, 1))
    widget = ResidentsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1176, 700)
    widget.show()
    qtbot.waitUntil(lambda: widget.model.total == len(NAMES), timeout=10_000)
    return widget


def shown(page) -> list[str]:
    return [page.model.index(r, COL_NAME).data() for r in range(page.model.rowCount())]


def test_first_screen_lists_current_residents_by_name(page):
    assert shown(page) == sorted(NAMES)
    assert page.summary.text() == "Menampilkan 5 dari 5 penerima manfaat"
    assert not page.empty.isVisible()


def test_search_as_you_type(qtbot, page):
    qtbot.keyClicks(page.filters.search, "sit")
    qtbot.waitUntil(lambda: page.model.total == 2, timeout=5_000)
    assert shown(page) == ["Siti Aminah", "Siti Rahayu"]
    qtbot.keyClicks(page.filters.search, " ra")
    qtbot.waitUntil(lambda: page.model.total == 1, timeout=5_000)
    page.filters.search.clear()
    qtbot.waitUntil(lambda: page.model.total == 5, timeout=5_000)


def test_no_match_says_why(qtbot, page):
    page.filters.search.setText("zzzz")
    qtbot.waitUntil(lambda: page.model.total == 0, timeout=5_000)
    assert page.empty.isVisible() and "saringan" in page.empty.text()


def test_empty_registry_says_what_to_do(qtbot, ctx):
    widget = ResidentsPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: not widget.model.loading, timeout=5_000)
    assert widget.empty.isVisible() and "Penerimaan Baru" in widget.empty.text()


def test_header_click_sorts_in_sql(qtbot, page):
    header = page.table.horizontalHeader()
    header.setSortIndicator(COL_ADMITTED, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: page.model.query.sort == SortKey.ADMITTED_ON, timeout=5_000)
    settle(qtbot)
    assert shown(page)[0] == "Joko Widodo Fiktif"  # admitted last
    assert page.model.query.descending


def test_filters_combine(qtbot, page):
    page.filters.sex.setCurrentIndex(page.filters.sex.findData(Sex.FEMALE))
    qtbot.waitUntil(lambda: page.model.total == 2, timeout=5_000)
    page.filters.status.setCurrentIndex(page.filters.status.findData(ResidentStatus.FORMER))
    qtbot.waitUntil(lambda: page.model.total == 0, timeout=5_000)
    page.filters.clear_button.click()
    qtbot.waitUntil(lambda: page.model.total == 0 or page.model.query.sex is None, timeout=5_000)
    assert page.export_query().sex is None and page.export_query().status == ResidentStatus.FORMER


def test_ctrl_f_focuses_the_search(qtbot, page):
    page.activateWindow()
    assert page.handle_action(ActionId.FIND)
    qtbot.waitUntil(lambda: page.filters.search.hasFocus(), timeout=2_000)


def test_new_and_export_actions(page, monkeypatch):
    called = []
    from kesos_desktop.ui.dialogs import import_wizard, intake_wizard

    monkeypatch.setattr(intake_wizard.IntakeWizard, "ask", classmethod(lambda cls, *a, **k: called.append("new")))
    monkeypatch.setattr(import_wizard, "ask_export_path", lambda *a: called.append("export") or "")
    assert page.handle_action(ActionId.NEW) and page.handle_action(ActionId.EXPORT)
    assert called == ["new", "export"]  # the exporter asks where to save (cancelled here)
    query = page.export_query()
    assert query.sort == SortKey.NAME and query.status == ResidentStatus.CURRENT


def test_enter_opens_the_resident_file(qtbot, page, monkeypatch):
    opened = []
    from kesos_desktop.ui.dialogs import resident_file

    monkeypatch.setattr(resident_file.ResidentFileDialog, "show_for",
                        classmethod(lambda cls, ctx, rid, parent=None: opened.append(rid)))
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened == [page.model.row_at(0).resident_id]


def test_pages_are_fetched_lazily(qtbot, ctx, qtmodeltester):
    for n in range(23):
        admit_resident(ctx.db, name=f"Fiktif {n:02d}")
    model = ResidentTableModel(ctx, page_size=10)
    model.set_query(model.query)
    qtbot.waitUntil(lambda: model.total == 23, timeout=5_000)
    assert len(model.loaded_rows()) == 10  # only the first page
    assert model.index(22, COL_NAME).data() == resident_table.LOADING  # asks for page 3
    qtbot.waitUntil(lambda: model.index(22, COL_NAME).data() == "Fiktif 22", timeout=5_000)
    assert len(model.loaded_rows()) == 13  # pages 1 and 3; page 2 never looked at
    qtmodeltester.check(model)


def test_late_results_of_an_old_query_are_dropped(qtbot, ctx):
    admit_resident(ctx.db, name="Satu Fiktif")
    model = ResidentTableModel(ctx)
    model.set_query(model.query)
    from dataclasses import replace

    model.set_query(replace(model.query, text="tidak ada"))  # supersedes the first
    settle(qtbot)
    assert model.total == 0


def test_ctrl_f_focuses_the_registry_search(qtbot, db, staff):
    from kesos_desktop.ui.main_window import MainWindow

    window = MainWindow(AppContext(db, staff, WorkstationSettings()))
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    page = window.show_page("residents")
    window.dispatch(ActionId.FIND)
    assert isinstance(page, ResidentsPage)
    assert [s.key for s in window.specs][:2] == ["dashboard", "residents"]
    qtbot.waitUntil(lambda: page.filters.search.hasFocus(), timeout=2_000)
    settle(qtbot)
