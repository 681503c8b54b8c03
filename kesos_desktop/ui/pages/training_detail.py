"""One program: its heading (what, who, where, when, how full) and three tabs: Jadwal (schedule),
Peserta (participants), Kehadiran (attendance matrix)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from kesos_desktop.domain.errors import KesosError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _, format_date
from kesos_desktop.services import training_programs
from kesos_desktop.services.training_types import ProgramDetail
from kesos_desktop.ui import print_actions
from kesos_desktop.ui.pages.training_matrix import MatrixTab
from kesos_desktop.ui.pages.training_participants import ParticipantsTab
from kesos_desktop.ui.pages.training_schedule import ScheduleTab
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.messages import show_error


class ProgramDetailView(QWidget):
    back = Signal()
    TAB_SCHEDULE, TAB_PARTICIPANTS, TAB_ATTENDANCE = range(3)

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.program: ProgramDetail | None = None
        self.today = date.today()
        self.back_button = QPushButton("◀ " + _("All programs"))
        self.back_button.setObjectName("back_to_programs")
        self.edit_button = QPushButton(_("Edit program…"))
        self.edit_button.setEnabled(ctx.can(Action.TRAINING_MANAGE))
        self.title = QLabel()
        self.title.setObjectName("program_title")
        self.title.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("program_subtitle")
        self.subtitle.setWordWrap(True)
        self.subtitle.setStyleSheet("color: #3d4a44;")
        self.schedule = ScheduleTab(ctx)
        self.participants = ParticipantsTab(ctx)
        self.attendance = MatrixTab(ctx)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.schedule, _("Schedule"))
        self.tabs.addTab(self.participants, _("Participants"))
        self.tabs.addTab(self.attendance, _("Attendance"))
        top = QHBoxLayout()
        top.addWidget(self.back_button)
        top.addWidget(self.title, 1)
        top.addWidget(self.edit_button)
        top.addWidget(print_actions.program_print_button(self))  # issue 10: daftar hadir, recap, certificate
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.tabs, 1)
        self.back_button.clicked.connect(self.back.emit)
        self.edit_button.clicked.connect(self.edit)
        self.tabs.currentChanged.connect(lambda _i: self._refresh_tab())

    def load(self, program_id: int, tab: int | None = None) -> None:
        if tab is not None:
            self.tabs.setCurrentIndex(tab)
        run_in_background(training_programs.get_program, self.ctx.db, self.ctx.actor, program_id
                          ).owned_by(self).on_success(self.show_program).start()

    def reload(self) -> None:
        if self.program is not None:
            self.load(self.program.id)

    def show_program(self, program: ProgramDetail) -> None:
        self.program = program
        self.title.setText(program.name)
        parts = [
            program.skill_category.label,
            _("Instructor: {name}").format(name=program.instructor or "-"),
        ]
        if program.place:
            parts.append(_("Place: {place}").format(place=program.place))
        parts += [
            f"{format_date(program.start_date)} – {format_date(program.end_date)}",
            _("{n}/{capacity} participants").format(n=program.enrolled, capacity=program.capacity),
            _("minimum attendance {pct}%").format(pct=program.min_attendance_pct),
            program.status.label,
        ]
        self.subtitle.setText(" · ".join(parts))
        self._refresh_tab()

    def _refresh_tab(self) -> None:
        if self.program is None:
            return
        current = self.tabs.currentWidget()
        current.set_program(self.program, self.today)

    def edit(self) -> None:
        from kesos_desktop.ui.dialogs.program_dialog import ProgramDialog

        if self.program is None:
            return
        try:
            fresh = training_programs.get_program(self.ctx.db, self.ctx.actor, self.program.id)
        except KesosError as error:
            show_error(self, error)
            return
        saved = ProgramDialog.ask(self.ctx, fresh, self)
        if saved is not None:
            self.ctx.say(_("Program {name} saved.").format(name=saved.name))
            self.show_program(saved)
