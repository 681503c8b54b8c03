"""Small dialogs of the resident file: edit identity, family contact, stage, room, document."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.enums import DocumentType, Stage
from kesos_desktop.domain.errors import ConflictError, KesosError, ValidationError
from kesos_desktop.domain.resident_dto import (
    FamilyContactInput,
    FamilyContactRow,
    FileUpload,
    ResidentDetail,
    StayDTO,
)
from kesos_desktop.i18n import _
from kesos_desktop.services import attachments, residents, rooms, stages
from kesos_desktop.ui.dialogs.intake_wizard_documents import SCAN_FILTER, pick_file
from kesos_desktop.ui.dialogs.intake_wizard_identity import IdentityForm
from kesos_desktop.ui.dialogs.intake_wizard_pages import ContactPage
from kesos_desktop.ui.pages.residents_filters import enum_value
from kesos_desktop.ui.widgets.conflict import ConflictChoice, ConflictDialog, differences
from kesos_desktop.ui.widgets.form import Form, date_edit, enum_combo
from kesos_desktop.ui.widgets.messages import show_error


class _SaveDialog(QDialog):
    """A dialog with Save/Cancel whose ``save()`` calls a service and shows field messages."""

    def __init__(self, ctx, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.changes = None
        self.setWindowTitle(title)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    def call(self, form: Form, fn, *args, **kwargs) -> bool:
        try:
            self.changes = fn(self.ctx.db, self.ctx.actor, *args, **kwargs)
        except ValidationError as error:
            form.set_errors(error.field_errors)
            if not error.field_errors or not set(error.field_errors) & set(form.fields):
                show_error(self, error)
            return False
        except KesosError as error:
            show_error(self, error)
            return False
        self.ctx.announce(self.changes)
        self.accept()
        return True

    def save(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    @classmethod
    def ask(cls, ctx, *args, parent: QWidget | None = None) -> bool:
        dialog = cls(ctx, *args, parent=parent)
        return dialog.exec() == QDialog.DialogCode.Accepted


class StageDialog(_SaveDialog):
    def __init__(self, ctx, stay: StayDTO, parent: QWidget | None = None):
        super().__init__(ctx, _("Change stage"), parent)
        self.stay = stay
        self.form = Form()
        self.form.addRow(_("Current stage"), QLabel(f"<b>{stay.stage.label}</b>"))
        self.to_stage = self.form.add("to_stage", _("New stage"), QComboBox(), required=True)
        self.to_stage.setObjectName("to_stage")
        closing = {Stage.TERMINATION} | ({Stage.AFTERCARE} if stay.is_open else set())
        for stage in Stage:
            if stage != stay.stage and stage not in closing:
                self.to_stage.addItem(stage.label, stage)
        following = [i for i in range(self.to_stage.count())
                     if Stage(self.to_stage.itemData(i)).order > stay.stage.order]
        self.to_stage.setCurrentIndex(following[0] if following else 0)
        self.on = self.form.add("on", _("Date"), date_edit(), required=True)
        self.on.setMaximumDate(QDate.currentDate())
        self.note = self.form.add("note", _("Note"), QPlainTextEdit())
        self.note.setFixedHeight(70)
        hint = QLabel(_("To end the stay, use Terminate in the reintegration area: it records the "
                        "reason and the handover."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #5f6b66;")
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(hint)
        layout.addWidget(self.buttons)
        self.resize(460, 300)

    def save(self) -> None:
        self.call(self.form, stages.change_stage, self.stay.id, enum_value(self.to_stage, Stage),
                  self.on.date().toPython(), self.note.toPlainText(), self.stay.version)


class RoomMoveDialog(_SaveDialog):
    def __init__(self, ctx, stay: StayDTO, detail: ResidentDetail, parent: QWidget | None = None):
        super().__init__(ctx, _("Move to another room"), parent)
        self.stay = stay
        self.form = Form()
        self.form.addRow(_("Current room"), QLabel(stay.room_name or _("(no room yet)")))
        self.room = self.form.add("room_id", _("New room"), QComboBox(), required=True)
        self.room.setObjectName("room")
        self.rooms = []
        try:
            self.rooms = [r for r in rooms.rooms_for(ctx.db, ctx.actor, detail.sex) if r.id != stay.room_id]
        except KesosError as error:
            show_error(self, error)
        for room in self.rooms:
            free = _("full") if room.full else _("{n} free").format(n=room.free)
            self.room.addItem(f"{room.name} — {free}", room.id)
        self.on = self.form.add("on", _("From"), date_edit(), required=True)
        self.on.setMaximumDate(QDate.currentDate())
        self.override = self.form.add("override", "", QCheckBox(
            _("Place anyway, even if the room is full (recorded)")))
        self.note = self.form.add("note", _("Note"), QLineEdit())
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self.resize(460, 240)

    def save(self) -> None:
        if self.room.currentData() is None:
            self.form.set_error("room_id", _("Choose a room."))
            return
        self.call(self.form, rooms.move, self.stay.id, self.room.currentData(),
                  self.on.date().toPython(), self.note.text(), self.override.isChecked(),
                  self.stay.version)


class EditIdentityDialog(_SaveDialog):
    """Identity, address and phone, with the same rules as intake; audited by the service."""

    def __init__(self, ctx, detail: ResidentDetail, first_admitted: date | None,
                 parent: QWidget | None = None):
        super().__init__(ctx, _("Edit identity"), parent)
        self.detail = detail
        self.warnings: tuple[str, ...] = ()
        self.identity = IdentityForm()
        self.identity.admitted_on = first_admitted
        self.contact = ContactPage()  # its address fields, without the family table
        self.contact.set_readmission(True)
        self.contact.managed_elsewhere.hide()
        self.load(detail)
        layout = QVBoxLayout(self)
        layout.addWidget(self.identity)
        layout.addWidget(self.contact)
        layout.addWidget(self.buttons)
        self.resize(980, 660)

    def load(self, detail: ResidentDetail) -> None:
        self.detail = detail
        data = detail.to_input()
        self.identity.set_value(data)
        self.contact.set_value(data)

    def value(self):
        return self.contact.merged(self.identity.value())

    def save(self) -> None:
        try:
            detail, self.warnings, changes = residents.update_identity(
                self.ctx.db, self.ctx.actor, self.detail.id, self.value(), self.detail.version)
        except ValidationError as error:
            self.identity.set_errors(error.field_errors)
            self.contact.show_errors(error.field_errors)
            return
        except ConflictError as error:
            self._conflict(error)
            return
        except KesosError as error:
            show_error(self, error)
            return
        self.changes = changes
        self.ctx.announce(changes)
        self.accept()

    def _conflict(self, error: ConflictError) -> None:
        saved = residents.get_detail(self.ctx.db, self.ctx.actor, self.detail.id)
        mine, theirs = asdict(self.value()), asdict(saved.to_input())
        labels = {"name": _("Name"), "alias": _("Alias / nickname"), "nik": _("NIK"),
                  "kk": _("KK number"), "birth_date": _("Date of birth"), "address": _("Address"),
                  "phone": _("Phone"), "city": _("Regency / city")}
        if ConflictDialog.ask(error, differences(mine, theirs, labels), self) == ConflictChoice.RELOAD:
            self.load(saved)
        else:
            self.detail = replace(self.detail, version=saved.version)


class FamilyContactDialog(_SaveDialog):
    def __init__(self, ctx, resident_id: int, contact: FamilyContactRow | None = None,
                 parent: QWidget | None = None):
        super().__init__(ctx, _("Family member"), parent)
        self.resident_id, self.contact = resident_id, contact
        self.form = Form()
        self.name = self.form.add("name", _("Name"), QLineEdit(), required=True)
        self.relationship = self.form.add("relationship", _("Relationship"), QLineEdit(), required=True)
        self.phone = self.form.add("phone", _("Phone"), QLineEdit())
        self.address = self.form.add("address", _("Address"), QLineEdit())
        self.primary = self.form.add("is_primary", "", QCheckBox(_("Main contact")))
        if contact is not None:
            self.name.setText(contact.name)
            self.relationship.setText(contact.relationship)
            self.phone.setText(contact.phone or "")
            self.address.setText(contact.address or "")
            self.primary.setChecked(contact.is_primary)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self.resize(460, 260)

    def save(self) -> None:
        data = FamilyContactInput(
            self.name.text(), self.relationship.text(), self.phone.text() or None,
            self.address.text() or None, self.primary.isChecked(),
            self.contact.id if self.contact else None, self.contact.version if self.contact else None)
        self.call(self.form, lambda db, actor: residents.save_family_contact(
            db, actor, self.resident_id, data)[1])


class AttachmentDialog(_SaveDialog):
    def __init__(self, ctx, resident_id: int, admission_id: int | None, parent: QWidget | None = None):
        super().__init__(ctx, _("Add document"), parent)
        self.resident_id, self.admission_id = resident_id, admission_id
        self.form = Form()
        self.doc_type = self.form.add("doc_type", _("Kind"), enum_combo(DocumentType), required=True)
        self.title = self.form.add("title", _("Title"), QLineEdit())
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.form.add("file", _("File"), self.path, required=True)
        choose = QPushButton(_("Choose file..."))
        choose.clicked.connect(self._choose)
        self.form.addRow("", choose)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self.resize(520, 220)

    def _choose(self) -> None:
        path = pick_file(self, _("Choose a scanned document"), SCAN_FILTER)
        if path:
            self.path.setText(path)
            if not self.title.text():
                self.title.setText(Path(path).stem)

    def save(self) -> None:
        if not self.path.text():
            self.form.set_error("file", _("Choose the file to attach."))
            return
        upload = FileUpload(self.path.text(), enum_value(self.doc_type, DocumentType), self.title.text())
        self.call(self.form, lambda db, actor: attachments.add_attachment(
            db, actor, self.resident_id, upload, self.admission_id)[1])
