"""Pelatihan > Hari libur & aturan: the facility's non-working days (skipped when sessions are
generated) and which attendance codes count towards a certificate."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.errors import KesosError, ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.schedule import WEEKDAY_NAMES
from kesos_desktop.i18n import _, format_date
from kesos_desktop.services import training_programs
from kesos_desktop.services.training_types import AttendanceRuleSetting, HolidayRow
from kesos_desktop.ui.dialogs.program_dialog import qdate, save_cancel
from kesos_desktop.ui.models.dto_table import Column, DtoTableModel
from kesos_desktop.ui.pages.training_shared import setup_table
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.form import Form, date_edit
from kesos_desktop.ui.widgets.messages import Messages, show_error
from kesos_desktop.ui.widgets.table_view import DataTable


class HolidayDialog(QDialog):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.saved = False
        self.setWindowTitle(_("Add a holiday"))
        self.form = Form()
        self.day = self.form.add("day", _("Date"), date_edit(qdate(date.today())), required=True)
        self.name = self.form.add("name", _("Name"), QLineEdit(), required=True)
        self.name.setPlaceholderText(_("e.g. Hari Raya Idul Fitri"))
        self.cancel_sessions = QCheckBox(_("Cancel the training sessions already planned that day"))
        self.cancel_sessions.setChecked(True)
        buttons = save_cancel()
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.cancel_sessions)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)

    def save(self) -> None:
        try:
            cancelled, changes = training_programs.save_holiday(
                self.ctx.db, self.ctx.actor, self.day.date().toPython(), self.name.text(),
                self.cancel_sessions.isChecked())
        except ValidationError as error:
            self.form.set_errors(error.field_errors or {"name": str(error)})
            return
        except KesosError as error:
            show_error(self, error)
            return
        self.saved = True
        self.ctx.announce(changes)
        self.ctx.say(_("Holiday saved; {n} sessions cancelled.").format(n=cancelled))
        self.accept()

    @classmethod
    def ask(cls, ctx, parent=None) -> bool:
        dialog = cls(ctx, parent)
        dialog.exec()
        return dialog.saved


class HolidaysTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        manage = ctx.can(Action.TRAINING_MANAGE)
        self.model = DtoTableModel([
            Column(_("Date"), lambda r: r.day),
            Column(_("Day"), lambda r: _(WEEKDAY_NAMES[r.day.weekday()])),
            Column(_("Name"), lambda r: r.name),
        ])
        self.table = DataTable("training_holidays_table")
        self.table.set_source_model(self.model)
        setup_table(self.table, [100, 100])
        self.add_button = QPushButton(_("Add holiday…"))
        self.add_button.setEnabled(manage)
        self.remove_button = QPushButton(_("Remove"))
        self.remove_button.setEnabled(manage)
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        note = QLabel(_("Holidays are skipped when sessions are generated from a rule. Sessions "
                        "that already exist are cancelled only if you ask when adding the "
                        "holiday."))
        note.setWordWrap(True)
        note.setStyleSheet("color: #5f6b66;")
        # the attendance rule
        self.rule_box = QGroupBox(_("What counts as attended (for certificates)"))
        self.excused = QCheckBox(_("I (excused, izin) counts as attended"))
        self.sick = QCheckBox(_("S (sick, sakit) counts as attended"))
        rule_note = QLabel(_("H (present) always counts; A (absent) and sessions without a mark "
                             "never do. Only administrators can change this."))
        rule_note.setWordWrap(True)
        rule_note.setStyleSheet("color: #5f6b66;")
        self.rule_save = QPushButton(_("Save rule"))
        can_edit = ctx.can(Action.SETTINGS_EDIT)
        for widget in (self.excused, self.sick, self.rule_save):
            widget.setEnabled(can_edit)
        self.rule_save.clicked.connect(self.save_rule)
        box = QVBoxLayout(self.rule_box)
        box.addWidget(self.excused)
        box.addWidget(self.sick)
        box.addWidget(rule_note)
        box.addWidget(self.rule_save)
        left = QVBoxLayout()
        left.addLayout(buttons)
        left.addWidget(self.table, 1)
        left.addWidget(note)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        right = QVBoxLayout()
        right.addWidget(self.rule_box)
        right.addStretch(1)
        layout.addLayout(right, 2)

    def refresh(self) -> None:
        first = date(date.today().year, 1, 1)  # past years do not matter for planning
        run_in_background(training_programs.list_holidays, self.ctx.db, self.ctx.actor, first
                          ).owned_by(self).on_success(self.model.set_rows).start()
        run_in_background(training_programs.get_attendance_rule, self.ctx.db, self.ctx.actor
                          ).owned_by(self).on_success(self.show_rule).start()

    def show_rule(self, rule: AttendanceRuleSetting) -> None:
        self.excused.setChecked(rule.excused_counts)
        self.sick.setChecked(rule.sick_counts)

    def selected(self) -> HolidayRow | None:
        row = self.table.selected_source_row()
        return None if row is None else self.model.row_at(row)

    def add(self) -> None:
        if HolidayDialog.ask(self.ctx, self):
            self.refresh()

    def remove(self) -> None:
        row = self.selected()
        if row is None or not Messages.confirm(self, _(
                "Remove the holiday {name} on {day}? Sessions cancelled for it stay cancelled."
        ).format(name=row.name, day=format_date(row.day))):
            return
        try:
            changes = training_programs.remove_holiday(self.ctx.db, self.ctx.actor, row.day)
        except KesosError as error:
            show_error(self, error)
            return
        self.ctx.announce(changes)
        self.refresh()

    def save_rule(self) -> None:
        try:
            changes = training_programs.set_attendance_rule(
                self.ctx.db, self.ctx.actor,
                AttendanceRuleSetting(self.excused.isChecked(), self.sick.isChecked()))
        except KesosError as error:
            show_error(self, error)
            return
        self.ctx.announce(changes)
        self.ctx.say(_("Attendance rule saved."))
