"""A person's trainings, for the resident file: every program (status, attendance, certificate),
the attendance history, and enrolling the current stay in a program.

Embed it with one line: ``tabs.addTab(ResidentTrainingsPanel(ctx, resident_id), _("Training"))``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.enums import EnrollmentStatus, ProgramStatus
from kesos_desktop.domain.errors import KesosError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.services import training_attendance, training_enrollment, training_programs
from kesos_desktop.services.training_types import ProgramRow, ResidentTraining
from kesos_desktop.ui.models.attendance_roll import CODE_COLORS, code_text
from kesos_desktop.ui.models.dto_table import Column, DtoTableModel
from kesos_desktop.ui.pages.training_shared import setup_table
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.messages import Messages, show_error
from kesos_desktop.ui.widgets.table_view import DataTable

WATCHED = frozenset({"enrollment", "attendance", "training_program", "training_session"})


def _pct(row: ResidentTraining) -> str:
    return "-" if row.percentage is None else f"{row.percentage:.0f}%"


def _status(row: ResidentTraining) -> str:
    text = row.status.label
    if row.status == EnrollmentStatus.STOPPED and row.stop_reason:
        text += f" ({row.stop_reason})"
    return text


def load(db, actor, resident_id: int):
    return (training_enrollment.resident_trainings(db, actor, resident_id),
            training_attendance.resident_attendance(db, actor, resident_id))


class ProgramPicker(QDialog):
    """Choose a planned or running program with a free place."""

    def __init__(self, rows: list[ProgramRow], parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("Enroll in a training program"))
        self.model = DtoTableModel([
            Column(_("Program"), lambda r: r.name),
            Column(_("Start"), lambda r: r.start_date),
            Column(_("End"), lambda r: r.end_date),
            Column(_("Participants"), lambda r: f"{r.enrolled}/{r.capacity}"),
        ])
        self.model.set_rows(rows)
        self.table = DataTable("training_program_picker")
        self.table.set_source_model(self.model)
        setup_table(self.table, [260, 90, 90])
        if rows:
            self.table.selectRow(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Enroll"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.table.activated_row.connect(lambda _r: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        if not rows:
            layout.addWidget(QLabel(_("No planned or running program has a free place.")))
        layout.addWidget(buttons)
        self.resize(620, 360)

    def chosen(self) -> ProgramRow | None:
        row = self.table.selected_source_row()
        return None if row is None else self.model.row_at(row)

    @classmethod
    def ask(cls, rows: list[ProgramRow], parent=None) -> ProgramRow | None:
        dialog = cls(rows, parent)
        return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None


class ResidentTrainingsPanel(QWidget):
    def __init__(self, ctx, resident_id: int, parent=None):
        super().__init__(parent)
        self.ctx, self.resident_id = ctx, resident_id
        self.programs = DtoTableModel([
            Column(_("Program"), lambda r: r.program_name),
            Column(_("Skill"), lambda r: r.skill_category.label),
            Column(_("Enrolled"), lambda r: r.enrolled_on),
            Column(_("Status"), _status),
            Column(_("Attendance"), _pct),
            Column(_("Certificate"), lambda r: r.certificate_no),
        ])
        self.programs_table = DataTable("resident_trainings_table")
        self.programs_table.set_source_model(self.programs)
        setup_table(self.programs_table, [220, 110, 90, 150, 80])
        self.history = DtoTableModel([
            Column(_("Date"), lambda r: r.day),
            Column(_("Time"), lambda r: f"{r.start_time:%H:%M}-{r.end_time:%H:%M}"),
            Column(_("Program"), lambda r: r.program_name),
            Column(_("Attendance"), lambda r: _("cancelled") if r.cancelled else
                   (code_text(r.code) or _("not recorded")),
                   color=lambda r: CODE_COLORS[r.code][0] if r.code else "#8a8f8c"),
            Column(_("Note"), lambda r: r.note),
        ])
        self.history_table = DataTable("resident_attendance_table")
        self.history_table.set_source_model(self.history)
        setup_table(self.history_table, [90, 95, 220, 130])
        self.enroll_button = QPushButton(_("Enroll in a program…"))
        self.enroll_button.setObjectName("resident_enroll")
        self.enroll_button.setEnabled(ctx.can(Action.TRAINING_MANAGE))
        self.enroll_button.clicked.connect(self.enroll)
        self.summary = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.enroll_button)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.programs_table)
        split.addWidget(self.history_table)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        ctx.data_changed.connect(lambda changes: self.refresh()
                                 if WATCHED & changes.entities else None)
        self.refresh()

    def refresh(self) -> None:
        run_in_background(load, self.ctx.db, self.ctx.actor, self.resident_id).owned_by(
            self).on_success(self.show_data).start()

    def show_data(self, data) -> None:
        trainings, history = data
        self.programs.set_rows(trainings)
        self.history.set_rows(history)
        done = sum(1 for t in trainings if t.status == EnrollmentStatus.COMPLETED)
        self.summary.setText(_("{n} trainings, {done} completed with a certificate.").format(
            n=len(trainings), done=done) if trainings else _("No training yet."))

    def enroll(self) -> None:
        try:
            stay = training_enrollment.current_stay(self.ctx.db, self.ctx.actor, self.resident_id)
            if stay is None:
                Messages.info(self, _("This person is not in the facility now; only a current "
                                      "stay can be enrolled."))
                return
            open_rows = [
                row for status in (ProgramStatus.RUNNING, ProgramStatus.PLANNED)
                for row in training_programs.list_programs(self.ctx.db, self.ctx.actor,
                                                           status=status)
                if row.enrolled < row.capacity
            ]
        except KesosError as error:
            show_error(self, error)
            return
        program = ProgramPicker.ask(open_rows, self)
        if program is None:
            return
        try:
            check = training_enrollment.enrollment_conflicts(self.ctx.db, self.ctx.actor,
                                                             program.id, stay)
            if check.conflict_lines and not Messages.confirm(self, _("Enroll anyway?") + "\n"
                                                             + "\n".join(check.conflict_lines)):
                return
            _eid, changes = training_enrollment.enroll(
                self.ctx.db, self.ctx.actor, program.id, stay,
                allow_conflicts=bool(check.conflict_lines))
        except KesosError as error:
            show_error(self, error)
            return
        self.ctx.announce(changes)
        self.ctx.say(_("Enrolled in {program}.").format(program=program.name))
        self.refresh()
