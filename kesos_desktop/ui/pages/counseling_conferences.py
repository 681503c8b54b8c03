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

from kesos_desktop.domain.errors import KesosError
from kesos_desktop.i18n import _
from kesos_desktop.services import counseling_conferences as conferences
from kesos_desktop.services.counseling_dto import ConferenceInput, ConferenceRow, StayRef
from kesos_desktop.ui.widgets.form import Form, date_edit, select_data
from kesos_desktop.ui.widgets.messages import show_error
from kesos_desktop.ui.widgets.saving import OnConflict, by_id, save_form


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
            self.load(existing)
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

    def load(self, row: ConferenceRow) -> None:
        self.held_on.setDate(QDate(row.held_on.year, row.held_on.month, row.held_on.day))
        self.decisions.setPlainText(row.decisions)
        index = self.led_by.findText(row.led_by_name or "")
        self.led_by.setCurrentIndex(max(index, 0))
        chosen = {a.id for a in row.attendees}
        for i in range(self.attendees.count()):
            item = self.attendees.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in chosen
                               else Qt.CheckState.Unchecked)

    def values(self) -> dict:
        """The form as staff compare it: people by name."""
        checked = [self.attendees.item(i) for i in range(self.attendees.count())]
        return {"held_on": self.data().held_on, "decisions": self.decisions.toPlainText(),
                "led_by_id": self.led_by.currentText() if self.led_by.currentData() else None,
                "attendee_ids": sorted(item.text() for item in checked
                                       if item.checkState() == Qt.CheckState.Checked)}

    @staticmethod
    def values_of(row: ConferenceRow) -> dict:
        return {"held_on": row.held_on, "decisions": row.decisions, "led_by_id": row.led_by_name,
                "attendee_ids": sorted(a.full_name for a in row.attendees)}

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
        db, actor, data = self.ctx.db, self.ctx.actor, self.data()
        if self.existing is None:
            result = save_form(self, lambda: conferences.create_conference(db, actor, data), self.form)
        else:
            result = save_form(self, lambda: conferences.update_conference(
                db, actor, self.existing.id, data, self.existing.version), self.form,
                conflict=OnConflict(fetch=self._saved_row, mine=self.values, theirs=self.values_of,
                                    labels=self.form.labels(), adopt=self._adopt, show=self.load))
        if result is None:
            return
        self.saved, changes = result
        self.ctx.announce(changes)
        self.accept()

    def _saved_row(self) -> ConferenceRow:
        rows = conferences.list_conferences(self.ctx.db, self.ctx.actor, self.stay.admission_id,
                                            limit=1000)
        return by_id(rows, self.existing.id, _("This case conference no longer exists."))

    def _adopt(self, saved: ConferenceRow) -> None:
        self.existing = saved

    @classmethod
    def ask(cls, ctx, stay: StayRef, existing: ConferenceRow | None = None, parent=None):
        dialog = cls(ctx, stay, existing, parent)
        return dialog.saved if dialog.exec() == QDialog.DialogCode.Accepted else None
