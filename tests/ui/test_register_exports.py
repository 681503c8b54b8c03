"""The Export buttons of the counseling, reintegration and residents pages, through their real
widgets: each writes what its list shows, in the background, and a cancelled export leaves no
file. Note contents reach a workbook only from a counselor who ticked the box."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QDate, QThreadPool

from kesos_desktop.domain.enums import Stage
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui import register_exports, tasks
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.dialogs.stays_export_dialog import StaysExportDialog
from kesos_desktop.ui.pages.counseling_lists import SessionsTab
from kesos_desktop.ui.pages.reintegration_aftercare import ALL, AftercareTab
from kesos_desktop.ui.pages.reintegration_board import ResocialisationTab
from kesos_desktop.ui.pages.reintegration_outcomes import OutcomesTab
from kesos_desktop.ui.pages.residents import ResidentsPage
from kesos_desktop.ui.widgets.messages import Messages
from tests.excel.test_counseling_export import HIDDEN, SECRET, cells, sessions  # noqa: F401 - fixture
from tests.excel.test_reintegration_export import TODAY, demo, demo_actor  # noqa: F401 - fixture


def settle(qtbot) -> None:
    for _ in range(6):
        QThreadPool.globalInstance().waitForDone(10_000)
        qtbot.wait(20)


@pytest.fixture(autouse=True)
def errors(monkeypatch) -> list[str]:
    """Error boxes recorded instead of shown (a failing export must fail the test, not hang it)."""
    shown: list[str] = []
    monkeypatch.setattr(Messages, "error", staticmethod(lambda parent, text, title=None: shown.append(text)))
    return shown


@pytest.fixture
def save_to(monkeypatch, tmp_path):
    """The file dialog answers with tmp_path/NAME; returns the list of paths asked for."""
    asked: list = []

    def ask(parent, title, suggested):
        asked.append(suggested)
        return str(tmp_path / "out.xlsx")

    monkeypatch.setattr(register_exports, "ask_path", ask)
    return asked


def export_and_wait(qtbot, widget):
    widget.export_button.click()
    task = widget.export_task
    qtbot.waitUntil(task.done.is_set, timeout=30_000)
    settle(qtbot)


def rows_of(path) -> list[tuple]:
    return list(load_workbook(path).worksheets[0].iter_rows(min_row=2, values_only=True))


def sessions_tab(qtbot, db, actor) -> SessionsTab:
    tab = SessionsTab(AppContext(db, actor, WorkstationSettings()), today_only=False)
    qtbot.addWidget(tab)
    tab.date_from.setDate(QDate(2026, 11, 1))
    tab.date_to.setDate(QDate(2026, 11, 30))
    tab.refresh()
    settle(qtbot)
    return tab


def test_staff_are_not_offered_note_contents_and_never_get_them(qtbot, sessions, staff, save_to, tmp_path,  # noqa: F811
                                                                 errors):
    db, _other = sessions
    tab = sessions_tab(qtbot, db, staff)
    assert tab.include_notes.isHidden() and not tab.export_button.isHidden()
    tab.include_notes.setChecked(True)  # even a box ticked behind the user's back changes nothing
    export_and_wait(qtbot, tab)
    assert errors == []
    text = " ".join(cells(tmp_path / "out.xlsx"))
    assert SECRET not in text and HIDDEN not in text
    header = [c.value for c in load_workbook(tmp_path / "out.xlsx").worksheets[0][1]]
    assert "Isi catatan" not in header and "Topik" not in header
    assert len(rows_of(tmp_path / "out.xlsx")) == tab.table.model().rowCount() == 3
    assert save_to == ["register-bimbingan-2026-11-01-2026-11-30.xlsx"]


def test_a_counselor_exports_what_the_list_shows_with_notes_when_asked(qtbot, sessions, counselor, save_to, tmp_path):  # noqa: F811
    db, _other = sessions
    tab = sessions_tab(qtbot, db, counselor)
    assert not tab.include_notes.isHidden()
    tab.filter.setText("budi")  # the list's quick filter
    shown = tab.table.model().rowCount()
    export_and_wait(qtbot, tab)
    plain = " ".join(cells(tmp_path / "out.xlsx"))
    assert len(rows_of(tmp_path / "out.xlsx")) == shown == 2 and SECRET not in plain
    tab.include_notes.setChecked(True)
    export_and_wait(qtbot, tab)
    text = " ".join(cells(tmp_path / "out.xlsx"))
    assert SECRET in text and HIDDEN not in text


def test_a_cancelled_export_leaves_no_file(qtbot, sessions, counselor, save_to, tmp_path, monkeypatch):  # noqa: F811
    db, _other = sessions
    tab = sessions_tab(qtbot, db, counselor)
    said: list[str] = []
    tab.ctx.status_message.connect(said.append)
    monkeypatch.setattr(tasks.Progress, "cancelled", property(lambda self: True))  # Cancel pressed
    export_and_wait(qtbot, tab)
    assert list(tmp_path.glob("*.xlsx")) == [] and list(tmp_path.glob(".*partial")) == []
    assert said and "dibatalkan" in said[-1]


def test_aftercare_and_board_export_their_rows(qtbot, demo, save_to, tmp_path):  # noqa: F811
    ctx = AppContext(demo, demo_actor(demo, "petugas"), WorkstationSettings())
    aftercare_tab = AftercareTab(ctx)
    qtbot.addWidget(aftercare_tab)
    aftercare_tab.scope.setCurrentIndex(aftercare_tab.scope.findData(ALL))
    settle(qtbot)
    export_and_wait(qtbot, aftercare_tab)
    exported = rows_of(tmp_path / "out.xlsx")
    assert len(exported) == aftercare_tab.model.rowCount() > 0
    assert [r[2] for r in exported] == [f.reg_no for f in aftercare_tab.model.rows]
    board = ResocialisationTab(ctx)
    qtbot.addWidget(board)
    board.scope.setCurrentIndex(board.scope.findData(None))  # everyone in the facility
    settle(qtbot)
    export_and_wait(qtbot, board)
    exported = rows_of(tmp_path / "out.xlsx")
    assert [r[0] for r in exported] == [b.reg_no for b in board.model.rows]
    assert {r[2] for r in exported} != {Stage.REINTEGRATION.label}


def test_outcomes_export_the_period_chosen(qtbot, demo, save_to, tmp_path):  # noqa: F811
    tab = OutcomesTab(AppContext(demo, demo_actor(demo, "admin"), WorkstationSettings()))
    qtbot.addWidget(tab)
    tab.choice.setCurrentIndex(4)  # chosen dates
    tab.start.setDate(QDate(2026, 1, 1))
    tab.end.setDate(QDate(2026, 11, 23))
    export_and_wait(qtbot, tab)
    book = load_workbook(tmp_path / "out.xlsx")
    assert {r[0].value: r[1].value for r in book["Info"].iter_rows()}["Periode"] == "01/01/2026 - 23/11/2026"
    assert save_to == ["hasil-reintegrasi-2026-01-01-2026-11-23.xlsx"]


def test_residents_page_exports_the_stays_register(qtbot, demo, save_to, tmp_path, monkeypatch):  # noqa: F811
    from kesos_desktop.services.stays_register import list_stays

    actor = demo_actor(demo, "petugas")
    page = ResidentsPage(AppContext(demo, actor, WorkstationSettings()))
    qtbot.addWidget(page)
    monkeypatch.setattr(StaysExportDialog, "ask", classmethod(lambda cls, parent: (date(2026, 1, 1), TODAY)))
    stays_action = page.export_menu.actions()[1]
    assert "riwayat tinggal" in stays_action.text()
    stays_action.trigger()
    qtbot.waitUntil(page.stays_export.done.is_set, timeout=30_000)
    settle(qtbot)
    expected = list_stays(demo, actor, date(2026, 1, 1), TODAY)
    assert [r[0] for r in rows_of(tmp_path / "out.xlsx")] == [s.reg_no for s in expected]
    assert save_to == ["riwayat-tinggal-2026-01-01-2026-11-23.xlsx"]


def test_the_stays_dialog_refuses_a_reversed_period(qtbot):
    dialog = StaysExportDialog()
    qtbot.addWidget(dialog)
    dialog.start.setDate(QDate(2026, 5, 1))
    dialog.end.setDate(QDate(2026, 4, 1))
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted and dialog.error.text()
    dialog.every.setChecked(True)
    assert dialog.chosen() == (None, None)


def test_ctrl_e_exports_the_current_tab(qtbot, demo, save_to, tmp_path):  # noqa: F811
    from kesos_desktop.ui.actions import ActionId
    from kesos_desktop.ui.pages.counseling import CounselingPage
    from kesos_desktop.ui.pages.reintegration import AFTERCARE, ReintegrationPage

    ctx = AppContext(demo, demo_actor(demo, "konselor"), WorkstationSettings())
    page = ReintegrationPage(ctx)
    qtbot.addWidget(page)
    page.tabs.setCurrentIndex(AFTERCARE)
    assert page.handle_action(ActionId.EXPORT)
    qtbot.waitUntil(page.aftercare.export_task.done.is_set, timeout=30_000)
    settle(qtbot)
    assert (tmp_path / "out.xlsx").exists() and save_to[-1].startswith("bimbingan-lanjut-")
    counseling_page = CounselingPage(ctx)
    qtbot.addWidget(counseling_page)
    counseling_page.tabs.setCurrentWidget(counseling_page.sessions)
    assert counseling_page.handle_action(ActionId.EXPORT)
    qtbot.waitUntil(counseling_page.sessions.export_task.done.is_set, timeout=30_000)
    settle(qtbot)
    assert save_to[-1].startswith("register-bimbingan-")


def test_the_quick_filter_on_a_shown_date_exports_exactly_those_rows(qtbot, sessions, staff, save_to, tmp_path):  # noqa: F811
    db, _other = sessions
    tab = sessions_tab(qtbot, db, staff)
    tab.filter.setText("10/11/2026")  # matches the Date column as displayed, not a name
    assert tab.table.model().rowCount() == 1
    export_and_wait(qtbot, tab)
    assert [r[0].date() for r in rows_of(tmp_path / "out.xlsx")] == [date(2026, 11, 10)]
