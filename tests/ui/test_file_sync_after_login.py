"""After login the main window syncs this workstation's files with the database, once, quietly."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from PySide6.QtCore import QThreadPool

from kesos_desktop.db.models import FileContent
from kesos_desktop.domain.enums import DocumentType
from kesos_desktop.domain.errors import DatabaseError
from kesos_desktop.domain.resident_dto import FileUpload
from kesos_desktop.services import attachments, intake
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.main_window import MainWindow
from kesos_desktop.ui.widgets.messages import Messages
from tests.resident_requests import TODAY, request

STALE = "ab" + "0" * 62


def _window(qtbot, db, actor) -> MainWindow:
    window = MainWindow(AppContext(db, actor, WorkstationSettings()))
    qtbot.addWidget(window)
    return window


def test_login_uploads_missing_contents_and_drops_stale_copies(qtbot, db, staff, tmp_path,
                                                               data_dir):
    rid = intake.register(db, staff, request(), today=TODAY).resident_id
    scan = tmp_path / "kk.pdf"
    scan.write_bytes(b"%PDF-1.4 kk fiktif dari sebelum 0005")
    row, _ = attachments.add_attachment(db, staff, rid, FileUpload(str(scan), DocumentType.KK, "KK"))
    with db.write() as session:  # as a database from before contents were kept
        session.execute(sa.delete(FileContent))
    stale = data_dir / "attachments" / "ab" / f"{STALE}.pdf"  # erased on another workstation
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_bytes(b"%PDF-1.4 dihapus di tempat lain")
    _window(qtbot, db, staff)

    def synced() -> bool:
        with db.read() as session:
            return session.get(FileContent, row.sha256) is not None and not stale.exists()
    qtbot.waitUntil(synced, timeout=10_000)
    assert (data_dir / row.stored_path).is_file()


def test_a_failed_sync_is_only_logged(qtbot, db, staff, monkeypatch, caplog):
    said = []
    monkeypatch.setattr(Messages, "error", staticmethod(lambda *a, **k: said.append(a)))

    def broken(db, actor):
        raise DatabaseError("server went away")
    monkeypatch.setattr(attachments, "sync_local_files", broken)
    with caplog.at_level(logging.WARNING, logger="kesos_desktop.ui.main_window"):
        _window(qtbot, db, staff)
        qtbot.waitUntil(lambda: "syncing local files failed" in caplog.text, timeout=10_000)
    QThreadPool.globalInstance().waitForDone(10_000)
    assert said == []
