"""Program detail > Jadwal: the week calendar or the list of sessions, and what can be done to
them (generate from a rule, add an extra session, edit, cancel, take the roll)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.schedule import week_start
from kesos_desktop.i18n import _, format_date
from kesos_desktop.services import training_programs, training_schedule
from kesos_desktop.services.training_types import ProgramDetail, SessionRow
from kesos_desktop.ui.models.dto_table import DtoTableModel
from kesos_desktop.ui.pages.training_shared import (
    cancel_session,
    open_roll,
    reinstate_session,
    session_columns,
    setup_table,
)
from kesos_desktop.ui.pages.training_week import WeekView
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.table_view import DataTable


def load_week(db, actor, monday: date, program_id: int | None):
    sunday = monday + timedelta(days=6)
    rows = training_schedule.sessions_between(db, actor, monday, sunday, program_id)
    holidays = {h.day: h.name for h in training_programs.list_holidays(db, actor, monday, sunday)}
    return rows, holidays


class ScheduleTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.program: ProgramDetail | None = None
        self.today = date.today()
        self.monday = week_start(self.today)
        self.current: SessionRow | None = None
        # navigation row
        self.prev_button = QToolButton(text="◀")
        self.prev_button.setToolTip(_("Previous week"))
        self.this_week = QPushButton(_("This week"))
        self.next_button = QToolButton(text="▶")
        self.next_button.setToolTip(_("Next week"))
        self.week_label = QLabel()
        self.week_label.setObjectName("week_label")
        self.week_label.setStyleSheet("font-weight: 600;")
        self.calendar_button = QToolButton(text=_("Calendar"), checkable=True, checked=True)
        self.list_button = QToolButton(text=_("List"), checkable=True)
        group = QButtonGroup(self)
        group.addButton(self.calendar_button)
        group.addButton(self.list_button)
        self.all_programs = QCheckBox(_("Show every program"))
        self.all_programs.setToolTip(_("See the other programs' sessions in the same week"))
        nav = QHBoxLayout()
        for widget in (self.prev_button, self.this_week, self.next_button, self.week_label):
            nav.addWidget(widget)
        nav.addStretch(1)
        for widget in (self.all_programs, self.calendar_button, self.list_button):
            nav.addWidget(widget)
        # actions row
        self.rule_button = QPushButton(_("Schedule from a rule…"))
        self.add_button = QPushButton(_("Extra session…"))
        self.edit_button = QPushButton(_("Edit session…"))
        self.cancel_button = QPushButton(_("Cancel session…"))
        self.reinstate_button = QPushButton(_("Hold after all"))
        self.roll_button = QPushButton(_("Take attendance…"))
        self.roll_button.setObjectName("take_attendance")
        actions = QHBoxLayout()
        for button in (self.roll_button, self.rule_button, self.add_button, self.edit_button,
                       self.cancel_button, self.reinstate_button):
            actions.addWidget(button)
        actions.addStretch(1)
        # the two views
        self.week = WeekView()
        self.list_model = DtoTableModel(session_columns(with_program=False))
        self.list_table = DataTable("training_sessions_table")
        self.list_table.set_source_model(self.list_model)
        setup_table(self.list_table, [90, 95, 130, 220, 80])
        self.views = QStackedWidget()
        self.views.addWidget(self.week)
        self.views.addWidget(self.list_table)
        self.summary = QLabel()
        self.summary.setObjectName("schedule_summary")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(nav)
        layout.addLayout(actions)
        layout.addWidget(self.views, 1)
        layout.addWidget(self.summary)
        # wiring
        self.prev_button.clicked.connect(lambda: self.go_week(-7))
        self.next_button.clicked.connect(lambda: self.go_week(7))
        self.this_week.clicked.connect(lambda: self.go_week(None))
        self.calendar_button.toggled.connect(self._switch_view)
        self.all_programs.toggled.connect(lambda _on: self.refresh())
        self.week.selected.connect(self._select)
        self.week.activated.connect(lambda row: self.take_attendance())
        self.list_table.activated_row.connect(lambda r: self.take_attendance())
        self.list_table.clicked.connect(lambda _i: self._select_from_list())
        self.rule_button.clicked.connect(self.schedule_from_rule)
        self.add_button.clicked.connect(self.add_session)
        self.edit_button.clicked.connect(self.edit_session)
        self.cancel_button.clicked.connect(self.cancel_session)
        self.reinstate_button.clicked.connect(self.reinstate_session)
        self.roll_button.clicked.connect(self.take_attendance)
        self._update_buttons()

    # ---------------------------------------------------------------- loading
    def set_program(self, program: ProgramDetail, today: date | None = None) -> None:
        changed = self.program is None or self.program.id != program.id
        self.program = program
        self.today = today or date.today()
        if changed:
            first = max(program.start_date, min(self.today, program.end_date))
            self.monday = week_start(first)
            self.current = None
        self.refresh()

    def go_week(self, days: int | None) -> None:
        self.monday = week_start(self.today) if days is None else self.monday + timedelta(days=days)
        self.refresh()

    def refresh(self) -> None:
        if self.program is None:
            return
        sunday = self.monday + timedelta(days=6)
        self.week_label.setText(f"{format_date(self.monday)} – {format_date(sunday)}")
        program_id = None if self.all_programs.isChecked() else self.program.id
        run_in_background(load_week, self.ctx.db, self.ctx.actor, self.monday, program_id
                          ).owned_by(self).on_success(self._show_week).start()
        run_in_background(training_schedule.list_sessions, self.ctx.db, self.ctx.actor,
                          self.program.id).owned_by(self).on_success(self._show_list).start()

    def _show_week(self, result) -> None:
        rows, holidays = result
        self.week.set_week(self.monday, rows, holidays, self.today)
        if self.current is not None:
            self.current = next((r for r in rows if r.id == self.current.id), self.current)
        self._update_buttons()

    def _show_list(self, rows: list[SessionRow]) -> None:
        self.list_model.set_rows(rows)
        held = sum(1 for r in rows if not r.cancelled and r.day < self.today)
        cancelled = sum(1 for r in rows if r.cancelled)
        self.summary.setText(_("{n} sessions in all: {held} held, {cancelled} cancelled, "
                               "{left} still to come.").format(
            n=len(rows), held=held, cancelled=cancelled,
            left=len(rows) - held - cancelled))
        if not rows:
            self.summary.setText(_("No sessions yet. Click \"Schedule from a rule…\" to create "
                                   "them (for example Mon, Wed, Fri 09:00-11:00)."))

    def _switch_view(self, calendar: bool) -> None:
        self.views.setCurrentWidget(self.week if calendar else self.list_table)
        self.current = None
        self._update_buttons()

    # ---------------------------------------------------------------- selection
    def _select(self, row: SessionRow | None) -> None:
        self.current = row
        self._update_buttons()

    def _select_from_list(self) -> None:
        index = self.list_table.selected_source_row()
        self._select(None if index is None else self.list_model.row_at(index))

    def selected(self) -> SessionRow | None:
        if self.views.currentWidget() is self.list_table:
            self._select_from_list()
        return self.current

    def _update_buttons(self) -> None:
        row = self.current
        manage = self.ctx.can(Action.TRAINING_MANAGE)
        own = row is not None and self.program is not None and row.program_id == self.program.id
        self.rule_button.setEnabled(manage and self.program is not None)
        self.add_button.setEnabled(manage and self.program is not None)
        self.edit_button.setEnabled(manage and own and not row.cancelled)
        self.cancel_button.setEnabled(manage and own and not row.cancelled and not row.recorded)
        self.reinstate_button.setEnabled(manage and own and row.cancelled)
        self.roll_button.setEnabled(row is not None and not row.cancelled)

    # ---------------------------------------------------------------- actions
    def _reload_program(self) -> None:
        if self.program is not None:
            self.program = training_programs.get_program(self.ctx.db, self.ctx.actor,
                                                         self.program.id)

    def schedule_from_rule(self) -> None:
        from kesos_desktop.ui.dialogs.program_dialog import ScheduleRuleDialog

        if self.program is None:
            return
        self._reload_program()
        created = ScheduleRuleDialog.ask(self.ctx, self.program, self)
        if created:
            self.ctx.say(_("{n} sessions created.").format(n=created))
            self._reload_program()
            self.refresh()

    def add_session(self) -> None:
        from kesos_desktop.ui.dialogs.program_dialog import SessionDialog

        if self.program is None:
            return
        day = self.current.day if self.current else max(self.monday, self.today)
        if SessionDialog.ask(self.ctx, self.program, day=day, parent=self):
            self.ctx.say(_("Session saved."))
            self.refresh()

    def edit_session(self) -> None:
        from kesos_desktop.ui.dialogs.program_dialog import SessionDialog

        row = self.selected()
        if row is None or self.program is None or row.program_id != self.program.id:
            return
        if SessionDialog.ask(self.ctx, self.program, row, parent=self):
            self.ctx.say(_("Session saved."))
            self.refresh()

    def cancel_session(self) -> None:
        row = self.selected()
        if row is not None and cancel_session(self, self.ctx, row):
            self.refresh()

    def reinstate_session(self) -> None:
        row = self.selected()
        if row is not None and reinstate_session(self, self.ctx, row):
            self.refresh()

    def take_attendance(self) -> None:
        row = self.selected()
        if row is not None and not row.cancelled:
            open_roll(self, self.ctx, row.id, on_saved=self.refresh)
