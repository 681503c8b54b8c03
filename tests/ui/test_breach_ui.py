"""Breach support on screen: the audit tab's "(exported, printed or backed up)" filter and the
dialog of who accessed one person's data, with its Excel file."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QThreadPool

from kesos_desktop.db.models import Resident
from kesos_desktop.services import outputs, person_data
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.pages import admin_audit, admin_audit_breach
from kesos_desktop.ui.widgets.messages import Messages
from tests.factories import admit_resident


def settle(qtbot, rounds: int = 4) -> None:
    for _ in range(rounds):
        QThreadPool.globalInstance().waitForDone(10_000)
        qtbot.wait(10)


@pytest.fixture
def ctx(db, admin):
    return AppContext(db, admin, WorkstationSettings())


@pytest.fixture
def reg_no(db, staff):
    budi, _stay = admit_resident(db, name="Budi Akses Fiktif")
    person_data.record_view(db, staff, budi)
    outputs.record_print(db, staff, "case_file", budi, {})
    outputs.record_export(db, staff, "residents", {"rows": 1})
    with db.read() as session:
        return session.get(Resident, budi).reg_no


def test_audit_tab_filters_what_left_the_system(qtbot, ctx, staff, reg_no):
    tab = admin_audit.AuditTab(ctx)
    qtbot.addWidget(tab)
    tab.refresh()
    settle(qtbot)
    index = tab.action.findData(admin_audit_breach.OUTPUTS)
    assert index >= 0 and "cetak" in tab.action.itemText(index)  # kept after the choices load
    tab.action.setCurrentIndex(index)
    tab.apply_filters()
    settle(qtbot)
    assert [(r.username, r.action) for r in tab.model.rows] == [
        (staff.username, "export"), (staff.username, "print")]  # newest first; no views, no logins


def test_person_dialog_lists_accesses_and_writes_them(qtbot, ctx, staff, reg_no, tmp_path, monkeypatch):
    errors = []
    monkeypatch.setattr(Messages, "error", staticmethod(lambda p, text, title=None: errors.append(text)))
    dialog = admin_audit_breach.PersonAccessDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.reg_no.setText("TIDAK/ADA/0000")
    dialog.load()
    settle(qtbot)
    assert errors and not dialog.export_button.isEnabled()
    dialog.reg_no.setText(reg_no)
    dialog.load()
    settle(qtbot)
    assert {(r.username, r.action) for r in dialog.model.rows} == {
        (staff.username, "view"), (staff.username, "print")}
    assert "2" in dialog.count.text() and dialog.export_button.isEnabled()
    target = tmp_path / "akses.xlsx"
    monkeypatch.setattr(admin_audit_breach.PersonAccessDialog, "choose_path",
                        classmethod(lambda cls, parent: str(target)))
    dialog.export()
    settle(qtbot)
    sheet = load_workbook(target).worksheets[0]
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert staff.username in values
