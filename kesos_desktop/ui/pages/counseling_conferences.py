"""Konferensi kasus: the dialog to record one (date, who attended, who led, decisions)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
)

from kesos_desktop.domain.errors import KesosError, ValidationError
from kesos_desktop.i18n import _
from kesos_desktop.services import counseling_conferences as conferences
from kesos_desktop.services.counseling_dto import ConferenceInput, ConferenceRow, StayRef
from kesos_desktop.ui.widgets.form import Form, date_edit, select_data
from kesos_desktop.ui.widgets.messages import show_error


class ConferenceDialog(QDialog):
    def __init__(self, ctx, stay: StayRef, existing: ConferenceRow | None = None, parent=None):
        super().__init__(parent)
        self.ctx, self.stay, self.existing = ctx, stay, existing
        self.saved: ConferenceRow | None = None
        self.setObjectName("conference_dialog")
        self.setWindowTitle(_("Case conference"))
        heading = QLabel(_("Case conference on {name} ({reg_no})").format(
            name=stay.name, reg_no=stay.reg_no))
        heading.setStyleSheet("font-size: 12pt; font-weight: 600;")
        note = QLabel(_("Decisions are shared with the staff who carry them out. What a resident "
                        "said in counseling belongs in the session note."))
        note.setWordWrap(True)
        note.setStyleSheet("color: #5f6b66;")
        self.form = Form()
        self.held_on = self.form.add("held_on", _("Date"), date_edit(), required=True)
        self.led_by = self.form.add("led_by_id", _("Led by"), QComboBox())
        self.attendees = self.form.add("attendee_ids", _("Attended"), QListWidget(), required=True)
        self.attendees.setObjectName("attendees")
        self.attendees.setMaximumHeight(150)
        self.decisions = self.form.add("decisions", _("Decisions"), QPlainTextEdit(), required=True)
        self.decisions.setObjectName("decisions")
        self.decisions.setTabChangesFocus(True)
        self.led_by.addItem(_("(not recorded)"), None)
        try:
            people = conferences.list_staff(ctx.db, ctx.actor)
        except KesosError as error:
            show_error(self, error)
            people = []
        chosen = {a.id for a in existing.attendees} if existing else {ctx.actor.id}
        for person in people:
            self.led_by.addItem(person.full_name, person.id)
            item = QListWidgetItem(person.full_name)
            item.setData(Qt.ItemDataRole.UserRole, person.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if person.id in chosen else Qt.CheckState.Unchecked)
            self.attendees.addItem(item)
        if existing is not None:
            self.held_on.setDate(QDate(existing.held_on.year, existing.held_on.month, existing.held_on.day))
            self.decisions.setPlainText(existing.decisions)
            index = self.led_by.findText(existing.led_by_name or "")
            if index > 0:
                self.led_by.setCurrentIndex(index)
        else:
            select_data(self.led_by, ctx.actor.id)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(note)
        layout.addLayout(self.form)
        layout.addWidget(buttons)
        self.resize(640, 560)

    def data(self) -> ConferenceInput:
        day = self.held_on.date()
        attendees = tuple(
            self.attendees.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.attendees.count())
            if self.attendees.item(i).checkState() == Qt.CheckState.Checked
        )
        return ConferenceInput(self.stay.admission_id, date(day.year(), day.month(), day.day()),
                               self.decisions.toPlainText(), attendees, self.led_by.currentData())

    def save(self) -> None:
        self.form.clear_errors()
        try:
            if self.existing is None:
                self.saved, changes = conferences.create_conference(self.ctx.db, self.ctx.actor, self.data())
            else:
                self.saved, changes = conferences.update_conference(
                    self.ctx.db, self.ctx.actor, self.existing.id, self.data(), self.existing.version)
        except ValidationError as error:
            self.form.set_errors(error.field_errors)
            if not error.field_errors:
                show_error(self, error)
            return
        except KesosError as error:
            show_error(self, error)
            return
        self.ctx.announce(changes)
        self.accept()

    @classmethod
    def ask(cls, ctx, stay: StayRef, existing: ConferenceRow | None = None, parent=None):
        dialog = cls(ctx, stay, existing, parent)
        return dialog.saved if dialog.exec() == QDialog.DialogCode.Accepted else None
