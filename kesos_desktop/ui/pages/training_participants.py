"""Program detail > Peserta: who is enrolled, their attendance so far, the instructor's
judgement, stopping with a reason, and completion with a certificate number."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kesos_desktop.domain.enums import EnrollmentStatus
from kesos_desktop.domain.errors import KesosError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.services import training_completion, training_enrollment
from kesos_desktop.services.training_types import EnrollmentRow, ProgramDetail
from kesos_desktop.ui.models.dto_table import Column, DtoTableModel
from kesos_desktop.ui.pages.training_shared import ask_reason, setup_table
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.messages import Messages, show_error
from kesos_desktop.ui.widgets.table_view import DataTable

STATUS_COLORS = {EnrollmentStatus.ACTIVE: None, EnrollmentStatus.COMPLETED: "#14532d",
                 EnrollmentStatus.STOPPED: "#8a8f8c"}


def status_text(row: EnrollmentRow) -> str:
    text = row.status.label
    if row.status == EnrollmentStatus.STOPPED and row.stop_reason:
        text += f" ({row.stop_reason})"
    if row.resident_left and row.status == EnrollmentStatus.ACTIVE:
        text += " · " + _("left the facility")
    return text


def competent_text(row: EnrollmentRow) -> str:
    if row.competent is None:
        return "-"
    return _("Competent") if row.competent else _("Not yet competent")


def pct_text(row: EnrollmentRow) -> str:
    if row.percentage is None:
        return "-"
    return ("✓ " if row.meets_minimum else "✗ ") + f"{row.percentage:.0f}%"


class ParticipantsTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.program: ProgramDetail | None = None
        self.today = date.today()
        self.model = DtoTableModel([
            Column(_("Reg. no."), lambda r: r.reg_no),
            Column(_("Name"), lambda r: r.name),
            Column(_("Room"), lambda r: r.room),
            Column(_("Enrolled"), lambda r: r.enrolled_on),
            Column(_("Status"), status_text, color=lambda r: STATUS_COLORS[r.status]),
            Column(_("Attended"), lambda r: f"{r.attended}/{r.held}"),
            Column(_("Attendance"), pct_text,
                   color=lambda r: None if r.percentage is None else
                   ("#14532d" if r.meets_minimum else "#b3261e")),
            Column(_("Assessment"), competent_text),
            Column(_("Certificate"), lambda r: r.certificate_no),
        ])
        self.table = DataTable("training_participants_table")
        self.table.set_source_model(self.model)
        setup_table(self.table, [150, 200, 130, 90, 150, 70, 90, 110])
        self.enroll_button = QPushButton(_("Enroll residents…"))
        self.enroll_button.setObjectName("enroll_residents")
        self.stop_button = QPushButton(_("Stop…"))
        self.competent_button = QPushButton(_("Competent"))
        self.not_competent_button = QPushButton(_("Not yet competent"))
        self.complete_button = QPushButton(_("Complete and issue certificate…"))
        self.complete_button.setObjectName("complete_enrollment")
        buttons = QHBoxLayout()
        for button in (self.enroll_button, self.stop_button, self.competent_button,
                       self.not_competent_button, self.complete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.summary = QLabel()
        self.summary.setObjectName("participants_summary")
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        self.enroll_button.clicked.connect(self.enroll)
        self.stop_button.clicked.connect(self.stop)
        self.competent_button.clicked.connect(lambda: self.assess(True))
        self.not_competent_button.clicked.connect(lambda: self.assess(False))
        self.complete_button.clicked.connect(self.complete)
        self.table.clicked.connect(lambda _i: self._update_buttons())
        self._update_buttons()

    def set_program(self, program: ProgramDetail, today: date | None = None) -> None:
        self.program = program
        self.today = today or date.today()
        self.refresh()

    def refresh(self) -> None:
        if self.program is None:
            return
        run_in_background(training_enrollment.list_enrollments, self.ctx.db, self.ctx.actor,
                          self.program.id, self.today).owned_by(self).on_success(self.show_rows
                                                                                  ).start()

    def show_rows(self, rows: list[EnrollmentRow]) -> None:
        self.model.set_rows(rows)
        active = sum(1 for r in rows if r.status == EnrollmentStatus.ACTIVE)
        completed = sum(1 for r in rows if r.status == EnrollmentStatus.COMPLETED)
        stopped = sum(1 for r in rows if r.status == EnrollmentStatus.STOPPED)
        capacity = self.program.capacity if self.program else 0
        if not rows:
            self.summary.setText(_("No one is enrolled yet. Click \"Enroll residents…\" to add "
                                   "residents currently in the facility."))
        else:
            self.summary.setText(_(
                "{taken} of {capacity} places taken: {active} active, {completed} completed, "
                "{stopped} stopped. A certificate needs {min}% attendance (H; see the rule in "
                "Holidays & rules) and the instructor's \"competent\".").format(
                taken=active + completed, capacity=capacity, active=active, completed=completed,
                stopped=stopped, min=self.program.min_attendance_pct if self.program else 80))
        self._update_buttons()

    def selected(self) -> EnrollmentRow | None:
        row = self.table.selected_source_row()
        return None if row is None else self.model.row_at(row)

    def _update_buttons(self) -> None:
        row = self.selected()
        manage = self.ctx.can(Action.TRAINING_MANAGE)
        active = row is not None and row.status == EnrollmentStatus.ACTIVE
        self.enroll_button.setEnabled(manage and self.program is not None)
        self.stop_button.setEnabled(manage and active)
        self.competent_button.setEnabled(manage and active and row.competent is not True)
        self.not_competent_button.setEnabled(manage and active and row.competent is not False)
        self.complete_button.setEnabled(self.ctx.can(Action.CERTIFICATE_ISSUE) and active)

    # ---------------------------------------------------------------- actions
    def _run(self, fn, *args, done: str) -> bool:
        try:
            result = fn(self.ctx.db, self.ctx.actor, *args)
        except KesosError as error:
            show_error(self, error)
            return False
        changes = result[1] if isinstance(result, tuple) else result
        self.ctx.announce(changes)
        self.ctx.say(done)
        self.refresh()
        return True

    def enroll(self) -> None:
        from kesos_desktop.ui.pages.training_enroll import EnrollDialog

        if self.program is not None and EnrollDialog.ask(self.ctx, self.program, self):
            self.refresh()

    def stop(self) -> None:
        row = self.selected()
        if row is None:
            return
        reason = ask_reason(self, _("Stop the program"), _(
            "Why does {name} stop {program}? (The attendance so far is kept.)").format(
            name=row.name, program=row.program_name))
        if reason is not None:
            self._run(training_enrollment.stop_enrollment, row.id, reason, row.version,
                      done=_("{name} stopped the program.").format(name=row.name))

    def assess(self, competent: bool) -> None:
        row = self.selected()
        if row is not None:
            self._run(training_enrollment.set_competent, row.id, competent, row.version,
                      done=_("Assessment saved."))

    def complete(self) -> None:
        row = self.selected()
        if row is None:
            return
        question = _("Complete {program} for {name} and issue a certificate number? "
                     "Attendance: {pct}.").format(program=row.program_name, name=row.name,
                                                  pct=pct_text(row))
        if not Messages.confirm(self, question):
            return
        try:
            number, changes = training_completion.complete(self.ctx.db, self.ctx.actor, row.id,
                                                           expected_version=row.version)
        except KesosError as error:
            show_error(self, error)
            return
        self.ctx.announce(changes)
        Messages.info(self, _("{name} completed {program}. Certificate number: {number}").format(
            name=row.name, program=row.program_name, number=number))
        self.refresh()
