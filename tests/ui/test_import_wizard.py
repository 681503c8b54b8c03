"""Impor/Ekspor on the registry page: the wizard's steps with their dialogs patched."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from openpyxl import load_workbook

from kesos_desktop.db.models import Resident
from kesos_desktop.excel.import_residents import OnDuplicate
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.dialogs import import_wizard
from kesos_desktop.ui.dialogs.import_wizard import ImportWizard, MappingDialog, PreviewDialog
from kesos_desktop.ui.pages.residents import ResidentsPage
from kesos_desktop.ui.widgets.messages import Messages
from tests.excel.import_helpers import person, register


def count(db) -> int:
    with db.read() as session:
        return session.execute(sa.select(sa.func.count()).select_from(Resident)).scalar_one()


def test_import_with_mapping_preview_and_rejected_rows(qtbot, db, staff, tmp_path, monkeypatch):
    ctx = AppContext(db, staff, WorkstationSettings())
    page = ResidentsPage(ctx)
    qtbot.addWidget(page)
    rows = [person(1), person(2, **{"Jenis Kelamin": "?"}), person(3)]
    path = register(tmp_path / "pm.xlsx", rows)
    seen = {}

    def mapping(cls, parent, headers, guessed):
        dialog = MappingDialog(headers, guessed, parent)
        seen["mapping"] = dialog.mapping()
        return dialog.mapping()

    def preview(cls, parent, prev):
        dialog = PreviewDialog(prev, parent)
        seen["ok_enabled"] = dialog.ok.isEnabled()
        dialog.skip_invalid.setChecked(True)
        seen["ok_after"] = dialog.ok.isEnabled()
        seen["problems"] = dialog.table.item(1, 4).text()
        return OnDuplicate.SKIP, True

    infos = []
    monkeypatch.setattr(MappingDialog, "ask", classmethod(mapping))
    monkeypatch.setattr(PreviewDialog, "ask", classmethod(preview))
    monkeypatch.setattr(ImportWizard, "ask_open_path", staticmethod(lambda parent: str(path)))
    monkeypatch.setattr(ImportWizard, "ask_save_rejected", staticmethod(lambda parent, text: infos.append(text) or True))
    monkeypatch.setattr(ImportWizard, "ask_errors_path", staticmethod(lambda parent, s: str(tmp_path / s)))
    monkeypatch.setattr(Messages, "error", staticmethod(lambda *a, **k: infos.append(a)))
    page.import_button.click()
    qtbot.waitUntil(lambda: (tmp_path / "pm-ditolak.xlsx").exists(), timeout=30000)
    assert seen["mapping"]["nik"] == 1 and seen["mapping"]["sex"] == 3
    assert (seen["ok_enabled"], seen["ok_after"]) == (False, True)
    assert seen["problems"].startswith("Baris 3, kolom D (Jenis Kelamin)")
    assert "2 baru" in infos[0]
    assert count(db) == 2
    values = list(load_workbook(tmp_path / "pm-ditolak.xlsx").worksheets[0].values)
    assert values[1][-1].startswith("Baris 3, kolom D")


def test_export_button_writes_the_view(qtbot, db, staff, tmp_path, monkeypatch):
    from kesos_desktop.excel import import_residents as imp

    imp.import_file(db, staff, register(tmp_path / "in.xlsx", [person(1), person(2)]), today=date(2026, 11, 23))
    ctx = AppContext(db, staff, WorkstationSettings())
    page = ResidentsPage(ctx)
    qtbot.addWidget(page)
    target = tmp_path / "out.xlsx"
    monkeypatch.setattr(import_wizard, "ask_export_path", lambda parent, suggested: str(target))
    page.export_button.click()
    qtbot.waitUntil(target.exists, timeout=30000)
    assert load_workbook(target).worksheets[0].max_row == 3


def test_wizard_reads_the_file_once(qtbot, db, staff, tmp_path, monkeypatch):
    from kesos_desktop.excel import import_residents as imp

    ctx = AppContext(db, staff, WorkstationSettings())
    page = ResidentsPage(ctx)
    qtbot.addWidget(page)
    path = register(tmp_path / "pm.xlsx", [person(1), person(2)])
    reads, infos = [], []
    real = imp.read_table
    monkeypatch.setattr(imp, "read_table", lambda *a, **k: reads.append(a[0]) or real(*a, **k))
    monkeypatch.setattr(MappingDialog, "ask", classmethod(lambda cls, parent, headers, guessed: guessed))
    monkeypatch.setattr(PreviewDialog, "ask", classmethod(lambda cls, parent, prev: (OnDuplicate.SKIP, False)))
    monkeypatch.setattr(Messages, "info", staticmethod(lambda *a, **k: infos.append(a)))
    ImportWizard(ctx, page).start(str(path))
    qtbot.waitUntil(lambda: bool(infos), timeout=30000)
    assert count(db) == 2 and len(reads) == 1
