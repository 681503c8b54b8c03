"""The resident file window and the rooms dialog, driven like staff would."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QDate

from kesos_desktop.db.models import FileContent
from kesos_desktop.domain.enums import DocumentType, RoomSex, Stage
from kesos_desktop.domain.resident_dto import FileUpload
from kesos_desktop.services import attachments, intake, residents
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.dialogs import resident_file
from kesos_desktop.ui.dialogs.resident_file import ResidentFileDialog
from kesos_desktop.ui.dialogs.resident_file_actions import (
    EditIdentityDialog,
    RoomMoveDialog,
    StageDialog,
)
from kesos_desktop.ui.dialogs.rooms import RoomDialog, RoomsDialog
from kesos_desktop.ui.widgets.form import select_data
from kesos_desktop.ui.widgets.messages import Messages
from tests.factories import add_room
from tests.resident_requests import request, stay


@pytest.fixture
def ctx(db, staff):
    return AppContext(db, staff, WorkstationSettings())


@pytest.fixture
def said(monkeypatch):
    messages = []
    monkeypatch.setattr(Messages, "error", staticmethod(lambda p, text, title=None: messages.append(text)))
    monkeypatch.setattr(Messages, "confirm", staticmethod(lambda p, text, title=None: True))
    return messages


@pytest.fixture
def budi(ctx):
    admitted = date(2026, 10, 5)
    return intake.register(ctx.db, ctx.actor, request(admission=stay(admitted_on=admitted)),
                           today=date(2026, 11, 20))


def open_file(qtbot, ctx, resident_id) -> ResidentFileDialog:
    dialog = ResidentFileDialog.show_for(ctx, resident_id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.file is not None, timeout=10_000)
    return dialog


def test_file_shows_identity_stays_timeline_and_documents(qtbot, ctx, budi, tmp_path, said):
    scan = tmp_path / "ktp.pdf"
    scan.write_bytes(b"%PDF-1.4 fiktif")
    attachments.add_attachment(ctx.db, ctx.actor, budi.resident_id,
                               FileUpload(str(scan), DocumentType.KTP, "KTP Budi"), budi.admission_id)
    dialog = open_file(qtbot, ctx, budi.resident_id)
    assert "Budi Fiktif Santoso" in dialog.windowTitle() and budi.reg_no in dialog.facts.text()
    assert dialog.status.text() == "Tinggal di panti"
    assert dialog.photo.text() == "BF"  # no photo: initials
    assert dialog.identity_tab.family_model.rowCount() == 1
    assert dialog.stays_tab.stays_model.rowCount() == 1
    assert dialog.timeline_tab.model.rowCount() >= 3  # admitted, consent, document
    assert dialog.documents_tab.model.rowCount() == 1
    assert ResidentFileDialog.show_for(ctx, budi.resident_id) is dialog  # one window per person


def test_open_document_checks_the_file(qtbot, ctx, budi, tmp_path, said, monkeypatch):
    scan = tmp_path / "kk.pdf"
    scan.write_bytes(b"%PDF-1.4 kk fiktif")
    row, _ = attachments.add_attachment(ctx.db, ctx.actor, budi.resident_id,
                                        FileUpload(str(scan), DocumentType.KK, "Kartu Keluarga"))
    opened = []
    monkeypatch.setattr(resident_file, "open_with_system", opened.append)
    dialog = open_file(qtbot, ctx, budi.resident_id)
    dialog.open_document(row)  # in the background: the GUI thread never fetches the file
    qtbot.waitUntil(lambda: bool(opened), timeout=10_000)
    assert opened[0].read_bytes() == scan.read_bytes()
    opened[0].unlink()
    with ctx.db.write() as session:  # gone from the database too: nowhere to fetch it from
        session.execute(sa.delete(FileContent))
    dialog.open_document(row)
    qtbot.waitUntil(lambda: bool(said), timeout=10_000)
    assert len(opened) == 1 and "Kartu Keluarga" in said[-1]  # a clear message, no viewer error


def test_stage_change_from_the_file(qtbot, ctx, budi, said):
    dialog = open_file(qtbot, ctx, budi.resident_id)
    stage_dialog = StageDialog(ctx, dialog.file.current_stay)
    qtbot.addWidget(stage_dialog)
    assert stage_dialog.to_stage.currentData() == Stage.ASSESSMENT  # the next stage is offered
    assert stage_dialog.to_stage.findData(Stage.TERMINATION) < 0
    stage_dialog.on.setDate(QDate(2026, 10, 1))  # before the admission
    stage_dialog.save()
    assert stage_dialog.form.error_text("on")
    stage_dialog.on.setDate(QDate(2026, 10, 8))
    stage_dialog.note.setPlainText("Mulai asesmen")
    stage_dialog.save()
    assert stage_dialog.result() == stage_dialog.DialogCode.Accepted
    qtbot.waitUntil(lambda: dialog.file.current_stay.stage == Stage.ASSESSMENT, timeout=10_000)
    assert any(e.kind == "stage" for e in dialog.timeline_tab.model.rows)


def test_room_move_from_the_file(qtbot, ctx, budi, said):
    add_room(ctx.db, "Kenanga", RoomSex.MALE, 2)
    add_room(ctx.db, "Melati", RoomSex.FEMALE, 2)
    dialog = open_file(qtbot, ctx, budi.resident_id)
    move = RoomMoveDialog(ctx, dialog.file.current_stay, dialog.file.resident)
    qtbot.addWidget(move)
    assert [move.room.itemText(i).split(" — ")[0] for i in range(move.room.count())] == ["Kenanga"]
    move.on.setDate(QDate(2026, 10, 6))
    move.save()
    qtbot.waitUntil(lambda: dialog.file.current_stay.room_name == "Kenanga", timeout=10_000)


def test_edit_identity_validates_and_saves(qtbot, ctx, budi, said):
    detail = residents.get_detail(ctx.db, ctx.actor, budi.resident_id)
    edit = EditIdentityDialog(ctx, detail, date(2026, 10, 5))
    qtbot.addWidget(edit)
    edit.identity.kk.setText("123")
    edit.save()
    assert "16" in edit.identity.error_text("kk") and edit.result() != edit.DialogCode.Accepted
    edit.identity.kk.setText("3271010101010009")
    edit.contact.city.setText("Kota Baru")
    edit.save()
    assert edit.result() == edit.DialogCode.Accepted
    saved = residents.get_detail(ctx.db, ctx.actor, budi.resident_id)
    assert (saved.kk, saved.city, saved.version) == ("3271010101010009", "Kota Baru", detail.version + 1)


def test_rooms_dialog_lists_occupancy(qtbot, db, admin, budi, said):
    ctx = AppContext(db, admin, WorkstationSettings())
    add_room(db, "Mawar", RoomSex.MALE, 1)
    dialog = RoomsDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 1, timeout=10_000)
    assert "1 kamar" in dialog.totals.text()
    new = RoomDialog(ctx)
    qtbot.addWidget(new)
    new.name.setText("Anggrek")
    select_data(new.sex, RoomSex.FEMALE)
    new.capacity.setValue(6)
    new.save()
    assert new.saved is not None and new.saved.name == "Anggrek"
    again = RoomDialog(ctx)
    qtbot.addWidget(again)
    again.name.setText("anggrek")
    again.save()
    assert again.form.error_text("name")  # the same name twice is refused
