"""Berkas penerima manfaat: one person's file, with photo and key facts, and tabs for
identity and family, stays, timeline and documents.

A window of its own (not modal), one per person: opening the same person again brings the
open window forward. Loaded in the background and reloaded when the data changes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from kesos_desktop.domain.dto import Changes
from kesos_desktop.domain.errors import KesosError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.resident_dto import AttachmentRow, FamilyContactRow, ResidentFile
from kesos_desktop.i18n import _, format_date
from kesos_desktop.services import attachments, residents, timeline
from kesos_desktop.ui import pdp_actions, print_actions
from kesos_desktop.ui.dialogs import resident_file_actions as actions
from kesos_desktop.ui.dialogs import resident_file_corrections as corrections
from kesos_desktop.ui.dialogs.case_manager_dialogs import ReassignDialog, may_reassign
from kesos_desktop.ui.dialogs.intake_wizard_documents import PHOTO_FILTER, pick_file
from kesos_desktop.ui.dialogs.resident_file_tabs import (
    DocumentsTab,
    IdentityTab,
    StaysTab,
    TimelineTab,
)
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.messages import Messages, show_error

PHOTO_SIZE = (104, 130)
CURRENT_STYLE = "color: white; background: #0b6e4f; padding: 2px 8px; border-radius: 3px;"
FORMER_STYLE = "color: white; background: #6b716e; padding: 2px 8px; border-radius: 3px;"
WATCHED = frozenset({"resident", "admission", "room", "stage", "attachment", "consent"})

_open_files: dict[int, ResidentFileDialog] = {}


def open_with_system(path: Path) -> None:
    """Open a checked file in the system's viewer (patched in tests)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def load_everything(db, actor, resident_id: int):
    """Worker-thread loading: the file, its timeline and the photo's path."""
    return (residents.get_file(db, actor, resident_id), timeline.timeline(db, actor, resident_id),
            attachments.photo_file(db, actor, resident_id))


class ResidentFileDialog(QDialog):
    def __init__(self, ctx, resident_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.resident_id = resident_id
        self.file: ResidentFile | None = None
        self.setObjectName("resident_file")
        self.setWindowTitle(_("Resident file"))
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)

        self.photo = QLabel()
        self.photo.setObjectName("file_photo")
        self.photo.setFixedSize(*PHOTO_SIZE)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo.setStyleSheet("border: 1px solid #d9dedb; background: #f3f5f4; color: #5f6b66;"
                                 "font-size: 22pt;")
        self.name = QLabel(_("Loading…"))
        self.name.setObjectName("file_name")
        self.name.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.status = QLabel()
        self.status.setObjectName("file_status")
        self.facts = QLabel()
        self.facts.setObjectName("file_facts")
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stage_button = QPushButton(_("Change stage..."))
        self.stage_button.setObjectName("change_stage")
        self.room_button = QPushButton(_("Move room..."))
        self.room_button.setObjectName("move_room")
        self.readmit_button = QPushButton(_("New stay (readmission)..."))
        self.readmit_button.setObjectName("readmit")
        self.photo_button = QPushButton(_("Change photo..."))
        self.stage_button.clicked.connect(self.change_stage)
        self.room_button.clicked.connect(self.move_room)
        self.readmit_button.clicked.connect(self.readmit)
        self.photo_button.clicked.connect(self.change_photo)
        self.print_button = QPushButton(_("Print case file..."))  # issue 10
        self.print_button.setObjectName("print_case_file")
        self.print_button.clicked.connect(lambda: print_actions.print_case_file(
            self, ctx, self.resident_id, self.file.resident.reg_no if self.file else ""))
        self.export_button = QPushButton(_("Personal data export..."))  # issue 12 (UU PDP)
        self.export_button.setObjectName("export_person_data")
        self.export_button.clicked.connect(lambda: pdp_actions.export_person_data(self, ctx, self.resident_id))
        self.export_button.setVisible(ctx.can(Action.PERSON_EXPORT))
        self.consent = QLabel()
        self.consent.setObjectName("file_consent")
        self.consent_button = QPushButton(_("Consent..."))
        self.consent_button.setObjectName("consent_button")
        self.consent_button.setToolTip(_("See, record or correct this person's consent (UU PDP)"))
        self.consent_button.clicked.connect(self.open_consents)

        can_edit = ctx.can(Action.RESIDENT_EDIT)
        self.identity_tab = IdentityTab(can_edit)
        self.stays_tab = StaysTab(can_edit, can_reassign=may_reassign(ctx))
        self.timeline_tab = TimelineTab()
        self.documents_tab = DocumentsTab(ctx.can(Action.ATTACHMENT_MANAGE))
        self.tabs = QTabWidget()
        self.tabs.addTab(self.identity_tab, _("Identity and family"))
        self.tabs.addTab(self.stays_tab, _("Stays"))
        self.tabs.addTab(self.timeline_tab, _("Timeline"))
        self.tabs.addTab(self.documents_tab, _("Documents"))
        self.identity_tab.edit_identity.connect(self.edit_identity)
        self.identity_tab.add_contact.connect(lambda: self.edit_contact(None))
        self.identity_tab.edit_contact.connect(self.edit_contact)
        self.identity_tab.remove_contact.connect(self.remove_contact)
        self.documents_tab.open_document.connect(self.open_document)
        self.documents_tab.add_document.connect(self.add_document)
        self.documents_tab.remove_document.connect(self.remove_document)
        self.documents_tab.edit_document.connect(
            lambda row: corrections.DocumentDetailsDialog.ask(self.ctx, row, parent=self))
        self.stays_tab.correct_stay.connect(
            lambda stay: corrections.StayDetailsDialog.ask(self.ctx, stay, parent=self))
        self.stays_tab.reassign_stay.connect(self.reassign)

        title = QHBoxLayout()
        title.addWidget(self.name)
        title.addWidget(self.status)
        title.addWidget(self.consent)
        title.addWidget(self.consent_button)
        title.addStretch(1)
        buttons = QGridLayout()
        for n, button in enumerate((self.stage_button, self.room_button, self.readmit_button,
                                    self.photo_button, self.print_button, self.export_button)):
            buttons.addWidget(button, n % 2, n // 2)
        info = QVBoxLayout()
        info.addLayout(title)
        info.addWidget(self.facts)
        info.addStretch(1)
        header = QHBoxLayout()
        header.addWidget(self.photo)
        header.addLayout(info, 1)
        header.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)
        self.resize(1120, 690)
        self._permissions()
        ctx.data_changed.connect(self._data_changed)
        self.reload()
        pdp_actions.record_view(self, ctx, resident_id)

    # ------------------------------------------------------------------ loading
    def reload(self) -> None:
        run_in_background(load_everything, self.ctx.db, self.ctx.actor, self.resident_id) \
            .owned_by(self).on_success(self.show_loaded).on_failure(self._load_failed).start()

    def _load_failed(self, error: BaseException) -> None:
        show_error(self, error)
        if self.file is None:
            self.close()

    def _data_changed(self, changes: Changes) -> None:
        if WATCHED & changes.entities:
            self.reload()

    def show_loaded(self, loaded) -> None:
        file, events, photo = loaded
        self.file = file
        r = file.resident
        self.setWindowTitle(_("Resident file: {name} ({reg_no})").format(name=r.name, reg_no=r.reg_no))
        self.name.setText(f"{r.name} ({r.alias})" if r.alias else r.name)
        stay = file.current_stay
        if stay is not None:
            self.status.setText(_("Staying here"))
            self.status.setStyleSheet(CURRENT_STYLE)
        else:
            self.status.setText(_("Left") if file.stays else _("No stay"))
            self.status.setStyleSheet(FORMER_STYLE)
        self.facts.setText(self._facts(file))
        self._show_photo(photo, r.name)
        self.identity_tab.show_file(file)
        self.stays_tab.show_file(file)
        self.timeline_tab.show_events(events)
        self.documents_tab.show_documents(file.attachments)
        pdp_actions.show_consent(self.consent, self.ctx, self.resident_id)
        self._permissions()

    def _facts(self, file: ResidentFile) -> str:
        r = file.resident
        age = r.age_on(date.today())
        age_text = "" if age is None else (
            _("±{n} years").format(n=age) if r.birth_date is None else _("{n} years").format(n=age))
        parts = [r.reg_no, r.nik or (_("identity unknown") if r.identity_unknown else _("no NIK")),
                 f"{r.sex.label}{', ' + age_text if age_text else ''}",
                 ", ".join(c.label for c in r.categories)]
        lines = [" · ".join(p for p in parts if p)]
        stay = file.current_stay or file.last_stay
        if stay is not None:
            where = [_("Stage: {stage}").format(stage=stay.stage.label),
                     _("Room: {room}").format(room=stay.room_name or "—"),
                     _("Case manager: {name}").format(name=stay.case_manager or "—")]
            lines.append(" · ".join(where))
            if stay.is_open:
                lines.append(_("Admitted {date}").format(date=format_date(stay.admitted_on)))
            else:
                lines.append(_("Stayed {admitted} – {left}; reason: {reason}").format(
                    admitted=format_date(stay.admitted_on), left=format_date(stay.terminated_on),
                    reason=stay.termination_reason.label if stay.termination_reason else "—"))
        if len(file.stays) > 1:
            lines.append(_("{n} stays in all").format(n=len(file.stays)))
        return "\n".join(lines)

    def _show_photo(self, path: Path | None, name: str) -> None:
        pixmap = QPixmap(str(path)) if path is not None else QPixmap()
        if pixmap.isNull():
            initials = "".join(word[0] for word in name.split()[:2]).upper()
            self.photo.setPixmap(QPixmap())
            self.photo.setText(initials or "?")
            if self.file and self.file.resident.photo_path and path is None:
                self.photo.setToolTip(_("The photo could not be loaded from the database."))
            return
        self.photo.setPixmap(pixmap.scaled(*PHOTO_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation))

    def _permissions(self) -> None:
        stay = self.file.current_stay if self.file else None
        self.stage_button.setEnabled(stay is not None and self.ctx.can(Action.STAGE_CHANGE))
        self.room_button.setEnabled(stay is not None and self.ctx.can(Action.ROOM_ASSIGN))
        self.readmit_button.setVisible(self.ctx.can(Action.RESIDENT_CREATE))
        self.readmit_button.setEnabled(self.file is not None and stay is None)
        self.photo_button.setVisible(self.ctx.can(Action.RESIDENT_EDIT))
        self.photo_button.setEnabled(self.file is not None)

    # ------------------------------------------------------------------ actions
    def change_stage(self) -> None:
        if self.file and self.file.current_stay:
            if actions.StageDialog.ask(self.ctx, self.file.current_stay, parent=self):
                self.ctx.say(_("Stage changed."))

    def reassign(self, stay) -> None:
        if ReassignDialog.ask(self.ctx, stay, parent=self):
            self.ctx.say(_("Case manager changed."))

    def move_room(self) -> None:
        if self.file and self.file.current_stay:
            if actions.RoomMoveDialog.ask(self.ctx, self.file.current_stay, self.file.resident, parent=self):
                self.ctx.say(_("Room changed."))

    def readmit(self) -> None:
        from kesos_desktop.ui.dialogs.intake_wizard import IntakeWizard

        outcome = IntakeWizard.ask(self.ctx, self, readmit_resident_id=self.resident_id)
        if outcome is not None and outcome.result is not None:
            self.ctx.say(_("New stay saved for {reg_no}.").format(reg_no=outcome.result.reg_no))

    def edit_identity(self) -> None:
        if self.file is None:
            return
        first = min((s.admitted_on for s in self.file.stays), default=None)
        dialog = actions.EditIdentityDialog(self.ctx, self.file.resident, first, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            text = _("Identity saved.")
            if dialog.warnings:
                text += " " + " ".join(dialog.warnings)
            self.ctx.say(text)

    def open_consents(self) -> None:
        corrections.ConsentsDialog.show_for(self.ctx, self.resident_id,
                                            self.ctx.can(Action.RESIDENT_EDIT), parent=self)

    def edit_contact(self, contact: FamilyContactRow | None) -> None:
        actions.FamilyContactDialog.ask(self.ctx, self.resident_id, contact, parent=self)

    def remove_contact(self, contact: FamilyContactRow) -> None:
        if not Messages.confirm(self, _("Remove {name} from the family contacts?").format(name=contact.name)):
            return
        try:
            self.ctx.announce(residents.remove_family_contact(self.ctx.db, self.ctx.actor,
                                                              contact.id, contact.version))
        except KesosError as error:
            show_error(self, error)

    def change_photo(self) -> None:
        path = pick_file(self, _("Choose a photo"), PHOTO_FILTER)
        if not path or self.file is None:
            return
        try:
            self.ctx.announce(attachments.set_photo(self.ctx.db, self.ctx.actor, self.resident_id,
                                                    path, self.file.resident.version))
        except KesosError as error:
            show_error(self, error)

    def open_document(self, row: AttachmentRow) -> None:
        # up to 20 MB may come from the server and be hashed: never on the GUI thread
        self.ctx.say(_("Opening {title}…").format(title=row.title))
        run_in_background(attachments.open_attachment, self.ctx.db, self.ctx.actor, row.id) \
            .owned_by(self).on_success(open_with_system) \
            .on_failure(lambda error: show_error(self, error)).start()

    def remove_document(self, row: AttachmentRow) -> None:
        if not Messages.confirm(self, _(
                "Remove the document \"{title}\" ({name}) from this file? It cannot be opened "
                "afterwards; the removal is recorded in the audit log.").format(
                    title=row.title, name=row.original_name), _("Remove document")):
            return
        try:
            _freed, changes = attachments.remove_attachment(self.ctx.db, self.ctx.actor, row.id, row)
        except KesosError as error:
            show_error(self, error)
            self.reload()  # a conflict or a document already gone: show what is there now
            return
        self.ctx.announce(changes)
        self.ctx.say(_("Document \"{title}\" removed.").format(title=row.title))

    def add_document(self) -> None:
        stay = self.file.current_stay or self.file.last_stay if self.file else None
        actions.AttachmentDialog.ask(self.ctx, self.resident_id, stay.id if stay else None, parent=self)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if _open_files.get(self.resident_id) is self:
            del _open_files[self.resident_id]
        super().closeEvent(event)

    @classmethod
    def show_for(cls, ctx, resident_id: int, parent: QWidget | None = None) -> ResidentFileDialog:
        """Show the person's file (bringing an open one forward)."""
        dialog = _open_files.get(resident_id)
        if dialog is None or not isValid(dialog):
            dialog = cls(ctx, resident_id, parent)
            _open_files[resident_id] = dialog
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog
