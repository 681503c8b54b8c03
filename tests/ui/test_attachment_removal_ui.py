"""The Documents tab's Remove action: confirmed, then gone from the list and the database; a
document changed meanwhile is reported and the list reloaded. Opening runs off the GUI thread."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import sqlalchemy as sa

from kesos_desktop.db.models import Attachment
from kesos_desktop.domain.enums import DocumentType
from kesos_desktop.domain.resident_dto import FileUpload
from kesos_desktop.services import attachments, intake, residents
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.dialogs import resident_file
from kesos_desktop.ui.dialogs.resident_file import ResidentFileDialog
from kesos_desktop.ui.widgets.messages import Messages
from tests.resident_requests import request


@pytest.fixture
def ctx(db, staff):
    return AppContext(db, staff, WorkstationSettings())


@pytest.fixture
def answers(monkeypatch):
    """What the message boxes said; confirmations answered from ``answers["yes"]``."""
    said = {"errors": [], "asked": [], "yes": True}
    monkeypatch.setattr(Messages, "error", staticmethod(
        lambda p, text, title=None: said["errors"].append(text)))

    def confirm(parent, text, title=None):
        said["asked"].append(text)
        return said["yes"]
    monkeypatch.setattr(Messages, "confirm", staticmethod(confirm))
    return said


@pytest.fixture
def file_with_scan(qtbot, ctx, tmp_path):
    rid = intake.register(ctx.db, ctx.actor, request(), today=date(2026, 11, 20)).resident_id
    scan = tmp_path / "kk.pdf"
    scan.write_bytes(b"%PDF-1.4 kk fiktif")
    row, _ = attachments.add_attachment(ctx.db, ctx.actor, rid,
                                        FileUpload(str(scan), DocumentType.KK, "Kartu Keluarga"))
    dialog = ResidentFileDialog.show_for(ctx, rid)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.documents_tab.model.rowCount() == 1, timeout=10_000)
    return dialog, row


def remaining(db) -> int:
    with db.read() as session:
        return session.execute(sa.select(sa.func.count(Attachment.id))).scalar_one()


def test_remove_asks_then_removes(qtbot, ctx, file_with_scan, answers):
    dialog, row = file_with_scan
    tab = dialog.documents_tab
    assert not tab.remove_button.isHidden() and tab.remove_button.text() == "Hapus..."
    tab.table.selectRow(0)
    answers["yes"] = False
    tab.remove_button.click()
    assert "Kartu Keluarga" in answers["asked"][-1] and remaining(ctx.db) == 1
    answers["yes"] = True
    tab.remove_button.click()
    assert remaining(ctx.db) == 0 and not answers["errors"]
    qtbot.waitUntil(lambda: tab.model.rowCount() == 0, timeout=10_000)


def test_a_document_changed_meanwhile_is_reported_and_kept(qtbot, ctx, counselor,
                                                           file_with_scan, answers):
    dialog, row = file_with_scan
    residents.update_attachment(ctx.db, counselor, row.id, "KK (judul baru)", DocumentType.KK)
    dialog.remove_document(row)
    assert remaining(ctx.db) == 1 and "KK (judul baru)" in answers["errors"][-1]
    qtbot.waitUntil(lambda: dialog.documents_tab.model.row_at(0).title == "KK (judul baru)",
                    timeout=10_000)


def test_remove_is_hidden_without_the_permission(qtbot, db, admin, monkeypatch):
    from kesos_desktop.domain.permissions import Action
    from kesos_desktop.ui.dialogs.resident_file_tabs import DocumentsTab

    tab = DocumentsTab(can_add=False)
    qtbot.addWidget(tab)
    tab.show()
    assert tab.remove_button.isHidden() and Action.ATTACHMENT_MANAGE


def test_opening_runs_off_the_gui_thread(qtbot, ctx, file_with_scan, answers, monkeypatch):
    dialog, row = file_with_scan
    threads, opened = [], []
    real = attachments.open_attachment

    def spy(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)
    monkeypatch.setattr(attachments, "open_attachment", spy)
    monkeypatch.setattr(resident_file, "open_with_system", opened.append)
    dialog.open_document(row)
    qtbot.waitUntil(lambda: bool(opened), timeout=10_000)
    assert threads and threads[0] is not threading.main_thread()
    assert opened[0].read_bytes() == b"%PDF-1.4 kk fiktif"
