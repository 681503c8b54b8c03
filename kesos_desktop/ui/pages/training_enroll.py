"""Enroll residents in a program: search current stays as you type, see conflicts with their
other trainings before saving, enroll one after another without closing the dialog."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from kesos_desktop.domain.errors import KesosError
from kesos_desktop.i18n import _
from kesos_desktop.services import training_enrollment
from kesos_desktop.services.training_types import AdmissionChoice, ProgramDetail
from kesos_desktop.ui.dialogs.program_dialog import WarningsBox, qdate
from kesos_desktop.ui.models.dto_table import Column, DtoTableModel
from kesos_desktop.ui.pages.training_shared import setup_table
from kesos_desktop.ui.widgets.form import date_edit
from kesos_desktop.ui.widgets.messages import Messages, show_error
from kesos_desktop.ui.widgets.table_view import DataTable


class EnrollDialog(QDialog):
    def __init__(self, ctx, program: ProgramDetail, parent=None, today: date | None = None):
        super().__init__(parent)
        self.ctx, self.program = ctx, program
        self.today = today or date.today()
        self.enrolled = 0
        self.setWindowTitle(_("Enroll residents in {program}").format(program=program.name))
        self.search = QLineEdit()
        self.search.setObjectName("enroll_search")
        self.search.setPlaceholderText(_("Type a name or registration number…"))
        self.search.setClearButtonEnabled(True)
        self.model = DtoTableModel([
            Column(_("Reg. no."), lambda r: r.reg_no),
            Column(_("Name"), lambda r: r.name),
            Column(_("M/F"), lambda r: r.sex.value),
            Column(_("Room"), lambda r: r.room),
            Column(_("In this program"), lambda r: _("already enrolled") if r.enrolled_here else "",
                   color=lambda r: "#14532d" if r.enrolled_here else None),
        ])
        self.table = DataTable("enroll_candidates")
        self.table.set_source_model(self.model)
        setup_table(self.table, [150, 220, 50, 150])
        self.count = QLabel()
        self.on_date = date_edit(qdate(self.today))
        self.places = QLabel()
        self.places.setObjectName("enroll_places")
        self.warnings = WarningsBox()
        self.enroll_button = QPushButton(_("Enroll"))
        self.enroll_button.setObjectName("enroll_button")
        self.enroll_button.setDefault(True)
        self.enroll_button.clicked.connect(self.enroll_selected)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Enrolled on")))
        row.addWidget(self.on_date)
        row.addWidget(self.places, 1)
        row.addWidget(self.enroll_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        layout.addWidget(self.warnings)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.resize(720, 520)
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self.reload)
        self.search.textChanged.connect(self._timer.start)
        self.table.clicked.connect(lambda _i: self.check_selected())
        self.table.activated_row.connect(lambda _r: self.enroll_selected())
        self.seated = program.enrolled
        self.reload()
        self.search.setFocus()

    def reload(self) -> None:
        try:
            rows = training_enrollment.enrollable_admissions(
                self.ctx.db, self.ctx.actor, self.search.text(), 100, self.program.id)
        except KesosError as error:
            show_error(self, error)
            return
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)
            self.count.setText(_("{n} residents currently in the facility match.").format(
                n=len(rows)))
        else:
            self.count.setText(_("No resident currently in the facility matches. Only current "
                                 "stays can be enrolled."))
        self.places.setText(_("{n} of {capacity} places taken").format(
            n=self.seated, capacity=self.program.capacity))
        self.check_selected()

    def selected(self) -> AdmissionChoice | None:
        row = self.table.selected_source_row()
        return None if row is None else self.model.row_at(row)

    def check_selected(self) -> list[str]:
        choice = self.selected()
        self.enroll_button.setEnabled(choice is not None and not choice.enrolled_here)
        if choice is None or choice.enrolled_here:
            self.warnings.show_lines([])
            return []
        try:
            check = training_enrollment.enrollment_conflicts(
                self.ctx.db, self.ctx.actor, self.program.id, choice.admission_id, self.today)
        except KesosError as error:
            show_error(self, error)
            return []
        self.warnings.show_lines(check.conflict_lines)
        return list(check.conflict_lines)

    def enroll_selected(self) -> None:
        choice = self.selected()
        if choice is None or choice.enrolled_here:
            return
        warnings = self.check_selected()
        if warnings and not Messages.confirm(self, _("Enroll {name} anyway?").format(
                name=choice.name) + "\n" + "\n".join(warnings)):
            return
        try:
            _eid, changes = training_enrollment.enroll(
                self.ctx.db, self.ctx.actor, self.program.id, choice.admission_id,
                self.on_date.date().toPython(), allow_conflicts=bool(warnings))
        except KesosError as error:
            show_error(self, error)
            return
        self.enrolled += 1
        self.seated += 1
        self.ctx.announce(changes)
        self.ctx.say(_("{name} enrolled in {program}.").format(name=choice.name,
                                                             program=self.program.name))
        self.reload()
        self.search.selectAll()
        self.search.setFocus()

    @classmethod
    def ask(cls, ctx, program: ProgramDetail, parent=None) -> int:
        """How many residents were enrolled."""
        dialog = cls(ctx, program, parent)
        dialog.exec()
        return dialog.enrolled
