"""Excel on the training pages: the program list's Excel menu (export what is shown, templates,
imports through the preview) and the attendance matrix's month export, in the background; a
cancelled export leaves no file."""

from __future__ import annotations

from datetime import date, time

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from PySide6.QtCore import QThreadPool

from kesos_desktop.services import training_schedule as schedule
from kesos_desktop.services.training_types import Mark
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui import tasks
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.dialogs.training_import import (
    ColumnsDialog,
    TrainingImport,
    TrainingPreviewDialog,
)
from kesos_desktop.ui.pages import training_excel
from kesos_desktop.ui.pages.training_list import ProgramListTab
from kesos_desktop.ui.pages.training_matrix import MatrixTab
from kesos_desktop.ui.widgets import messages
from tests.excel.test_training_import import (  # noqa: F401 - fixtures
    GOOD_SCHEDULE,
    SCHEDULE_HEADERS,
    empty_program,
    workbook,
)
from tests.services.test_training_programs import TODAY, make_program


@pytest.fixture(autouse=True)
def quiet_boxes(monkeypatch):
    shown = {"error": [], "info": []}
    monkeypatch.setattr(messages.Messages, "error",
                        staticmethod(lambda parent, text, title=None: shown["error"].append(text)))
    monkeypatch.setattr(messages.Messages, "info",
                        staticmethod(lambda parent, text, title=None: shown["info"].append(text)))
    return shown


def settle(qtbot) -> None:
    for _ in range(4):
        QThreadPool.globalInstance().waitForDone(10_000)
        qtbot.wait(15)


def program_list(qtbot, db, actor) -> ProgramListTab:
    tab = ProgramListTab(AppContext(db, actor, WorkstationSettings()))
    qtbot.addWidget(tab)
    tab.refresh()
    settle(qtbot)
    return tab


def test_program_list_exports_what_it_shows(qtbot, db, staff, tmp_path, monkeypatch):
    make_program(db, staff, weekdays=None)
    make_program(db, staff, name="Sablon Fiktif", weekdays=None, instructor_name="Pak Dedi Fiktif")
    tab = program_list(qtbot, db, staff)
    tab.search.setText("sablon")
    tab.refresh()
    settle(qtbot)
    assert tab.model.rowCount() == 1
    target = tmp_path / "program.xlsx"
    monkeypatch.setattr(training_excel, "ask_save_path", lambda parent, title, suggested: str(target))
    tab.excel_button.excel_actions["export"].trigger()
    qtbot.waitUntil(target.exists, timeout=30000)
    wb = load_workbook(target)
    rows = list(wb.worksheets[0].values)
    assert rows[0][:3] == ("Program", "Keterampilan", "Instruktur") and len(rows) == 2
    assert rows[1][0] == "Sablon Fiktif" and rows[1][4].date() == date(2026, 11, 2)
    info = {row[0]: row[1] for row in wb["Info"].values}
    assert info["Cari"] == "sablon"


def test_template_download_lists_the_programs(qtbot, db, staff, tmp_path, monkeypatch):
    make_program(db, staff, weekdays=None)
    tab = program_list(qtbot, db, staff)
    target = tmp_path / "jadwal.xlsx"
    monkeypatch.setattr(training_excel, "ask_save_path", lambda parent, title, suggested: str(target))
    tab.excel_button.excel_actions["template_schedule"].trigger()
    qtbot.waitUntil(target.exists, timeout=30000)
    wb = load_workbook(target)
    assert wb["Data"]["A1"].value == "Program pelatihan"
    assert wb[wb.sheetnames[2]]["A2"].value == "Menjahit Dasar"


def test_import_schedule_from_the_menu_with_preview(qtbot, db, staff, empty_program, tmp_path,  # noqa: F811
                                                    monkeypatch, quiet_boxes):
    rows = [*GOOD_SCHEDULE, ["Memasak Fiktif", date(2026, 11, 4), time(9), time(11), None, None, None]]
    path = workbook(tmp_path / "jadwal.xlsx", SCHEDULE_HEADERS, rows)
    tab = program_list(qtbot, db, staff)
    seen = {}

    def columns(cls, parent, kind, headers, guessed):
        seen["mapping"] = ColumnsDialog(kind, headers, guessed, parent).mapping()
        return seen["mapping"]

    def preview(cls, parent, prev):
        dialog = TrainingPreviewDialog(prev, parent)
        seen["ok_before"] = dialog.ok.isEnabled()
        dialog.skip_invalid.setChecked(True)
        seen["ok_after"] = dialog.ok.isEnabled()
        seen["problem"] = dialog.table.item(3, 3).text()
        seen["status"] = dialog.table.item(0, 1).text()
        return True

    saved = []
    monkeypatch.setattr(ColumnsDialog, "ask", classmethod(columns))
    monkeypatch.setattr(TrainingPreviewDialog, "ask", classmethod(preview))
    monkeypatch.setattr(TrainingImport, "ask_open_path", staticmethod(lambda parent, title: str(path)))
    monkeypatch.setattr(TrainingImport, "ask_save_rejected",
                        staticmethod(lambda parent, text: saved.append(text) or True))
    monkeypatch.setattr(TrainingImport, "ask_errors_path",
                        staticmethod(lambda parent, suggested: str(tmp_path / suggested)))
    tab.excel_button.excel_actions["import_schedule"].trigger()
    qtbot.waitUntil(lambda: (tmp_path / "jadwal-ditolak.xlsx").exists(), timeout=30000)
    assert seen["mapping"] == {"program": 0, "day": 1, "start": 2, "end": 3, "topic": 4,
                               "instructor": 5, "place": 6}
    assert (seen["ok_before"], seen["ok_after"], seen["status"]) == (False, True, "Baru")
    assert seen["problem"].startswith("Baris 5, kolom A (Program Pelatihan): Tidak ada program")
    assert "3 baru" in saved[0]
    assert len(schedule.list_sessions(db, staff, empty_program)) == 3


def test_import_menu_follows_permissions(qtbot, db, counselor):
    tab = program_list(qtbot, db, counselor)
    actions = tab.excel_button.excel_actions
    assert not actions["import_schedule"].isEnabled() and not actions["import_attendance"].isEnabled()
    assert actions["export"].isEnabled() and actions["template_attendance"].isEnabled()


@pytest.fixture
def matrix_tab(qtbot, db, staff):
    from kesos_desktop.services import training_attendance as attendance
    from kesos_desktop.services import training_enrollment as enrollment
    from kesos_desktop.services import training_programs as programs
    from tests.factories import admit_resident

    pid = make_program(db, staff)
    _rid, aid = admit_resident(db, "Ani Fiktif")
    eid, _ = enrollment.enroll(db, staff, pid, aid, enrolled_on=date(2026, 11, 2), today=TODAY)
    first = schedule.list_sessions(db, staff, pid)[0]
    attendance.record_attendance(db, staff, first.id, [Mark(eid, "H")], today=TODAY)
    tab = MatrixTab(AppContext(db, staff, WorkstationSettings()))
    qtbot.addWidget(tab)
    tab.set_program(programs.get_program(db, staff, pid), today=TODAY)
    settle(qtbot)
    return tab


def test_matrix_exports_the_chosen_month(qtbot, matrix_tab, tmp_path, monkeypatch):
    assert [matrix_tab.month.itemText(i) for i in range(matrix_tab.month.count())] == [
        "November 2026", "Desember 2026"]
    assert matrix_tab.month.currentData() == (2026, 11) and matrix_tab.export_button.isEnabled()
    target = tmp_path / "kehadiran.xlsx"
    monkeypatch.setattr(training_excel, "ask_save_path", lambda parent, title, suggested: str(target))
    matrix_tab.export_button.click()
    qtbot.waitUntil(target.exists, timeout=30000)
    rows = list(load_workbook(target).worksheets[0].values)
    assert rows[0][:3] == ("Nomor registrasi", "Nama", "02/11")
    assert rows[1][1:3] == ("Ani Fiktif", "H")
    assert len(rows[0]) == 2 + 13 + 3  # Mon/Wed/Fri of November from the 2nd: 13 sessions


def test_cancelled_export_leaves_no_file(qtbot, matrix_tab, tmp_path, monkeypatch):
    said = []
    matrix_tab.ctx.status_message.connect(said.append)
    monkeypatch.setattr(tasks.Progress, "cancelled", property(lambda self: True))
    target = tmp_path / "batal.xlsx"
    matrix_tab.export_month(str(target))
    qtbot.waitUntil(lambda: bool(said), timeout=30000)
    settle(qtbot)
    assert not target.exists() and not list(tmp_path.glob("*.partial"))
    assert said == ["Ekspor dibatalkan: tidak ada berkas yang ditulis."]


def test_import_attendance_from_the_menu_and_cancel_writes_nothing(qtbot, db, staff, matrix_tab, tmp_path,
                                                                   monkeypatch, quiet_boxes):
    from kesos_desktop.db.models import Resident
    from tests.excel.test_training_import import ATTENDANCE_HEADERS, mark_count

    with db.read() as session:
        reg_no = session.execute(sa.select(Resident.reg_no)).scalar_one()
    path = workbook(tmp_path / "hadir.xlsx", ATTENDANCE_HEADERS, [
        ["Menjahit Dasar", date(2026, 11, 4), None, reg_no, None, "Sakit (S)", "demam"]])
    tab = program_list(qtbot, db, staff)
    monkeypatch.setattr(ColumnsDialog, "ask", classmethod(lambda cls, parent, kind, headers, guessed: guessed))
    monkeypatch.setattr(TrainingPreviewDialog, "ask", classmethod(lambda cls, parent, prev: False))
    monkeypatch.setattr(TrainingImport, "ask_open_path", staticmethod(lambda parent, title: str(path)))
    monkeypatch.setattr(tasks.Progress, "cancelled", property(lambda self: True))
    before = mark_count(db)
    tab.excel_button.excel_actions["import_attendance"].trigger()
    qtbot.waitUntil(lambda: bool(quiet_boxes["info"]), timeout=30000)
    assert quiet_boxes["info"] == ["Impor dibatalkan: tidak ada yang ditulis."]
    assert mark_count(db) == before
    monkeypatch.undo()  # the same import, not cancelled
    monkeypatch.setattr(ColumnsDialog, "ask", classmethod(lambda cls, parent, kind, headers, guessed: guessed))
    monkeypatch.setattr(TrainingPreviewDialog, "ask", classmethod(lambda cls, parent, prev: False))
    monkeypatch.setattr(messages.Messages, "info",
                        staticmethod(lambda parent, text, title=None: quiet_boxes["info"].append(text)))
    tab.training_imports[-1].start(str(path))
    qtbot.waitUntil(lambda: len(quiet_boxes["info"]) == 2, timeout=30000)
    assert quiet_boxes["info"][1].startswith("Diimpor: 1 baru")
    assert mark_count(db) == before + 1
