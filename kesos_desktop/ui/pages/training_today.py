"""Pelatihan > Hari ini: every session of every program on one day, to take the rolls."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget

from kesos_desktop.i18n import _, format_date
from kesos_desktop.services import training_schedule
from kesos_desktop.services.training_types import SessionRow
from kesos_desktop.ui.dialogs.program_dialog import qdate
from kesos_desktop.ui.models.dto_table import DtoTableModel
from kesos_desktop.ui.pages.training_shared import open_roll, session_columns, setup_table
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.form import date_edit
from kesos_desktop.ui.widgets.table_view import DataTable


class TodayTab(QWidget):
    open_program = Signal(int)

    def __init__(self, ctx, parent=None, today: date | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.today = today or date.today()
        self.prev_button = QToolButton(text="◀")
        self.prev_button.setToolTip(_("Previous day"))
        self.day = date_edit(qdate(self.today))
        self.day.setObjectName("today_date")
        self.next_button = QToolButton(text="▶")
        self.next_button.setToolTip(_("Next day"))
        self.today_button = QPushButton(_("Today"))
        self.heading = QLabel()
        self.heading.setStyleSheet("font-weight: 600; font-size: 11pt;")
        self.roll_button = QPushButton(_("Take attendance…"))
        self.roll_button.setObjectName("today_roll")
        self.program_button = QPushButton(_("Open program"))
        top = QHBoxLayout()
        for widget in (self.prev_button, self.day, self.next_button, self.today_button,
                       self.heading):
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.roll_button)
        top.addWidget(self.program_button)
        self.model = DtoTableModel(session_columns(with_program=True))
        self.table = DataTable("training_today_table")
        self.table.set_source_model(self.model)
        setup_table(self.table, [90, 95, 210, 150, 130, 150, 70])
        self.count = QLabel()
        self.count.setObjectName("today_count")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self.prev_button.clicked.connect(lambda: self._shift(-1))
        self.next_button.clicked.connect(lambda: self._shift(1))
        self.today_button.clicked.connect(lambda: self.day.setDate(qdate(date.today())))
        self.day.dateChanged.connect(lambda _d: self.refresh())
        self.table.activated_row.connect(lambda _r: self.take_attendance())
        self.roll_button.clicked.connect(self.take_attendance)
        self.program_button.clicked.connect(self._open_program)

    def _shift(self, days: int) -> None:
        self.day.setDate(qdate(self.day.date().toPython() + timedelta(days=days)))

    def refresh(self) -> None:
        day = self.day.date().toPython()
        self.heading.setText(format_date(day))
        run_in_background(training_schedule.sessions_on, self.ctx.db, self.ctx.actor, day
                          ).owned_by(self).on_success(self.show_rows).start()

    def show_rows(self, rows: list[SessionRow]) -> None:
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)
            pending = sum(1 for r in rows if not r.cancelled and r.recorded < r.enrolled)
            self.count.setText(_("{n} sessions on this day; {pending} still without a complete "
                                 "roll. Select one and press Enter to take attendance.").format(
                n=len(rows), pending=pending))
        else:
            self.count.setText(_("No training sessions on this day."))

    def selected(self) -> SessionRow | None:
        row = self.table.selected_source_row()
        return None if row is None else self.model.row_at(row)

    def take_attendance(self) -> None:
        row = self.selected()
        if row is not None and not row.cancelled:
            open_roll(self, self.ctx, row.id, on_saved=self.refresh)

    def _open_program(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_program.emit(row.program_id)
