"""Pelatihan > Program: every training program, searched as you type, filtered by status."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.enums import ProgramStatus
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _, format_number
from kesos_desktop.services import training_programs
from kesos_desktop.services.training_types import ProgramRow
from kesos_desktop.ui.models.dto_table import Column, DtoTableModel
from kesos_desktop.ui.pages.training_shared import setup_table
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.form import enum_combo
from kesos_desktop.ui.widgets.table_view import DataTable

STATUS_COLORS = {ProgramStatus.PLANNED: "#1e3a8a", ProgramStatus.RUNNING: "#14532d",
                 ProgramStatus.FINISHED: "#5f6b66", ProgramStatus.CANCELLED: "#8a8f8c"}


class ProgramListTab(QWidget):
    open_program = Signal(int)

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.search = QLineEdit()
        self.search.setObjectName("program_search")
        self.search.setPlaceholderText(_("Search programs by name, place or instructor (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.status = enum_combo(ProgramStatus, with_blank=_("All statuses"))
        self.new_button = QPushButton(_("New program…"))
        self.new_button.setObjectName("new_program")
        self.new_button.setToolTip(_("New program (Ctrl+N)"))
        self.new_button.setEnabled(ctx.can(Action.TRAINING_MANAGE))
        self.open_button = QPushButton(_("Open"))
        from kesos_desktop.ui.pages.training_excel import excel_button

        self.excel_button = excel_button(ctx, self, self.export_list)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.status)
        top.addWidget(self.open_button)
        top.addWidget(self.excel_button)
        top.addWidget(self.new_button)
        self.model = DtoTableModel([
            Column(_("Program"), lambda r: r.name),
            Column(_("Skill"), lambda r: r.skill_category.label),
            Column(_("Instructor"), lambda r: r.instructor),
            Column(_("Place"), lambda r: r.place),
            Column(_("Start"), lambda r: r.start_date),
            Column(_("End"), lambda r: r.end_date),
            Column(_("Participants"), lambda r: f"{r.enrolled}/{r.capacity}"),
            Column(_("Sessions held"), lambda r: f"{r.held}/{r.sessions}"),
            Column(_("Next session"), lambda r: r.next_session),
            Column(_("Status"), lambda r: r.status.label, color=lambda r: STATUS_COLORS[r.status]),
        ])
        self.table = DataTable("training_programs_table")
        self.table.set_source_model(self.model)
        setup_table(self.table, [210, 100, 125, 115, 82, 82, 70, 95, 100])
        self.count = QLabel()
        self.count.setObjectName("program_count")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._timer.start)
        self.status.currentIndexChanged.connect(lambda _i: self.refresh())
        self.table.activated_row.connect(lambda row: self.open_program.emit(
            self.model.row_at(row).id))
        self.open_button.clicked.connect(self.open_selected)
        self.new_button.clicked.connect(self.new_program)

    def refresh(self) -> None:
        run_in_background(training_programs.list_programs, self.ctx.db, self.ctx.actor,
                          self.search.text(), self.status.currentData()).owned_by(self).on_success(
            self.show_rows).start()

    def show_rows(self, rows: list[ProgramRow]) -> None:
        self.model.set_rows(rows)
        if rows:
            self.count.setText(_("Showing {n} training programs.").format(n=format_number(len(rows))))
        elif self.search.text().strip() or self.status.currentData() is not None:
            self.count.setText(_("No program matches the search."))
        else:
            self.count.setText(_("No training programs yet. Click \"New program…\" to plan the "
                                 "first one (for example Menjahit Dasar)."))

    def export_list(self, path: str | None = None):
        """What the list shows (search and status) to Excel, in the background."""
        from kesos_desktop.ui.pages.training_excel import export_programs

        return export_programs(self.ctx, self, self.search.text(), self.status.currentData(), path)

    def open_selected(self) -> None:
        row = self.table.selected_source_row()
        if row is not None:
            self.open_program.emit(self.model.row_at(row).id)

    def new_program(self) -> None:
        from kesos_desktop.ui.dialogs.program_dialog import ProgramDialog

        if not self.ctx.can(Action.TRAINING_MANAGE):
            return
        created = ProgramDialog.ask(self.ctx, parent=self)
        if created is not None:
            self.ctx.say(_("Program {name} saved.").format(name=created.name))
            self.open_program.emit(created.id)
