"""Reintegrasi > Bimbingan Lanjut: follow-ups due this week and overdue, and every running one."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.permissions import Action
from kesos_desktop.excel.export_reintegration import ALL, DUE, OPEN, follow_up_rows
from kesos_desktop.i18n import _, format_number, ngettext
from kesos_desktop.services.aftercare import FollowUpRow
from kesos_desktop.ui import print_actions
from kesos_desktop.ui.models.dto_table import Column, DtoTableModel
from kesos_desktop.ui.pages.reintegration_widgets import GOOD, LATE, MUTED, SOON, FirstLayout
from kesos_desktop.ui.register_exports import export_button, start_export
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.messages import Messages
from kesos_desktop.ui.widgets.table_view import DataTable

DUE_COLUMN = 1


def week_end(today: date) -> date:
    return today + timedelta(days=6 - today.weekday())


def status(row: FollowUpRow, today: date) -> tuple[str, str | None]:
    """What to say about a follow-up, with its colour (always text and colour together)."""
    if row.done:
        return _("Done"), GOOD
    if row.back_in_facility:
        return _("Back in the facility"), LATE
    if row.due_on < today:
        days = (today - row.due_on).days
        return ngettext("Overdue {n} day", "Overdue {n} days", days).format(n=days), LATE
    if row.due_on <= week_end(today):
        return (_("Due today") if row.due_on == today else _("This week")), SOON
    return _("Coming"), MUTED


class AftercareTab(QWidget):
    loaded = Signal(int)
    counts_changed = Signal(int, int)  # overdue, due this week

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.today = date.today()
        self.search = QLineEdit()
        self.search.setObjectName("aftercare_search")
        self.search.setPlaceholderText(_("Search name or registration number (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.scope = QComboBox()
        self.scope.setObjectName("aftercare_scope")
        self.scope.addItem(_("Overdue and due this week"), DUE)
        self.scope.addItem(_("All not yet done"), OPEN)
        self.scope.addItem(_("All, done ones too"), ALL)
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.scope.currentIndexChanged.connect(lambda _i: self.refresh())

        self.record_button = QPushButton(_("Record result..."))
        self.move_button = QPushButton(_("Move..."))
        self.add_button = QPushButton(_("Add follow-up..."))
        self.close_button = QPushButton(_("Close aftercare..."))
        self.schedule_button = QPushButton(_("Schedule..."))
        self.schedule_button.setToolTip(_("At how many months after termination follow-ups are "
                                          "planned"))
        for button, name, slot in (
            (self.record_button, "record_button", self.record),
            (self.move_button, "move_button", self.move),
            (self.add_button, "add_button", self.add),
            (self.close_button, "close_aftercare_button", self.close_aftercare),
            (self.schedule_button, "schedule_button", self.edit_schedule),
        ):
            button.setObjectName(name)
            button.clicked.connect(slot)
        manage = ctx.can(Action.REINTEGRATION_MANAGE)
        for button in (self.record_button, self.move_button, self.add_button, self.close_button):
            button.setVisible(manage)
        self.schedule_button.setVisible(ctx.can(Action.SETTINGS_EDIT))

        self.model = DtoTableModel([
            Column(_("Status"), lambda r: status(r, self.today)[0],
                   color=lambda r: status(r, self.today)[1]),
            Column(_("Due"), lambda r: r.due_on),
            Column(_("Name"), lambda r: r.name),
            Column(_("Reg. no."), lambda r: r.reg_no),
            Column(_("Method"), lambda r: r.method),
            Column(_("Done on"), lambda r: r.done_on),
            Column(_("Condition"), lambda r: r.condition),
            Column(_("Terminated"), lambda r: r.terminated_on),
            Column(_("Reason"), lambda r: r.termination_reason),
            Column(_("Destination"), lambda r: r.destination),
        ], self)
        self.table = DataTable("aftercare_table")
        self.table.set_source_model(self.model)
        FirstLayout(self.table, DUE_COLUMN, [130, 85, 170, 140, 120, 90, 120, 85, 150])
        self.table.activated_row.connect(lambda _row: self.record())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.summary = QLabel()
        self.summary.setObjectName("aftercare_summary")
        self.export_button = export_button(ctx, "aftercare_export",
                                           _("Export the follow-ups as listed to Excel"))
        self.export_button.clicked.connect(self.export)
        self.empty = QLabel()
        self.empty.setObjectName("aftercare_empty")
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet(f"color: {MUTED}; padding: 12px;")
        self.empty.hide()

        top = QHBoxLayout()
        top.addWidget(self.search, 2)
        top.addWidget(self.scope, 1)
        top.addSpacing(12)
        for button in (self.record_button, self.move_button, self.add_button, self.close_button,
                       self.schedule_button):
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.export_button)
        layout.addLayout(bottom)

    # ------------------------------------------------------------------ data
    def refresh(self) -> None:
        self.today = date.today()
        run_in_background(
            _load, self.ctx.db, self.ctx.actor, self.scope.currentData(), self.search.text(),
            self.today,
        ).owned_by(self).on_success(self.show_rows).start()

    def show_rows(self, loaded: tuple[list[FollowUpRow], int, int]) -> None:
        rows, overdue, this_week = loaded
        self.model.set_rows(rows)
        self.summary.setText(" · ".join([
            _("{n} overdue").format(n=format_number(overdue)),
            _("{n} due this week").format(n=format_number(this_week)),
            _("showing {n}").format(n=format_number(len(rows))),
        ]))
        self.summary.setStyleSheet(f"color: {LATE if overdue else MUTED};")
        if not rows:
            self.empty.setText(
                _("Nobody matches this search.") if self.search.text().strip() else
                _("No follow-up is overdue or due this week.") if self.scope.currentData() == DUE
                else _("Nobody is in aftercare. Follow-ups are planned when a person is "
                       "terminated with aftercare.")
            )
        self.empty.setVisible(not rows)
        self.counts_changed.emit(overdue, this_week)
        self.loaded.emit(len(rows))

    def selected(self) -> FollowUpRow | None:
        row = self.table.selected_source_row()
        return None if row is None else self.model.row_at(row)

    def _chosen(self) -> FollowUpRow | None:
        row = self.selected()
        if row is None:
            Messages.info(self, _("Choose a follow-up in the list first."))
        return row

    def _context_menu(self, pos) -> None:
        if self.selected() is None:
            return
        menu = QMenu(self)
        for button in (self.record_button, self.move_button, self.add_button, self.close_button):
            if button.isVisible():
                menu.addAction(button.text(), button.click)
        if self.ctx.can(Action.TERMINATE):
            menu.addSeparator()
            menu.addAction(_("Handover details..."), self.edit_handover)
        if self.ctx.can(Action.REPORT_PRINT):  # issue 10: berita acara serah terima
            row = self.selected()
            menu.addAction(_("Print handover record..."), lambda: print_actions.print_handover(
                self, self.ctx, row.admission_id, row.reg_no))
        menu.exec(self.table.viewport().mapToGlobal(pos))

    # ------------------------------------------------------------------ actions
    def export(self) -> None:
        from kesos_desktop.excel.export_reintegration import export_follow_up_register

        db, actor, today = self.ctx.db, self.ctx.actor, self.today
        scope, search = self.scope.currentData(), self.search.text()
        self.export_task = start_export(
            self.ctx, self, _("Exporting the follow-up register…"),
            f"bimbingan-lanjut-{today:%Y-%m-%d}.xlsx",
            lambda path, **kw: export_follow_up_register(db, actor, path, scope, search, today=today, **kw))

    def record(self) -> None:
        from kesos_desktop.ui.dialogs.follow_up_dialog import FollowUpDialog, Mode

        if not self.ctx.can(Action.REINTEGRATION_MANAGE):
            return
        if (row := self._chosen()) and FollowUpDialog.ask(self.ctx, row.admission_id, Mode.RECORD,
                                                          row, self):
            self.refresh()

    def move(self) -> None:
        from kesos_desktop.ui.dialogs.follow_up_dialog import FollowUpDialog, Mode

        row = self._chosen()
        if row is None:
            return
        if row.done:
            Messages.info(self, _("This follow-up is already done; use Record result to correct "
                                  "it."))
            return
        if FollowUpDialog.ask(self.ctx, row.admission_id, Mode.RESCHEDULE, row, self):
            self.refresh()

    def add(self) -> None:
        from kesos_desktop.ui.dialogs.follow_up_dialog import FollowUpDialog, Mode

        if (row := self._chosen()) and FollowUpDialog.ask(self.ctx, row.admission_id, Mode.NEW,
                                                          None, self):
            self.refresh()

    def close_aftercare(self) -> None:
        from kesos_desktop.ui.dialogs.follow_up_dialog import CloseAftercareDialog

        if (row := self._chosen()) and CloseAftercareDialog.ask(self.ctx, row.admission_id, self):
            self.refresh()

    def edit_handover(self) -> None:
        from kesos_desktop.ui.dialogs.termination_dialog import TerminationDialog

        if (row := self._chosen()) and TerminationDialog.ask_handover(self.ctx, row.admission_id,
                                                                      self):
            self.refresh()

    def edit_schedule(self) -> None:
        from kesos_desktop.ui.dialogs.follow_up_schedule import FollowUpScheduleDialog

        FollowUpScheduleDialog.ask(self.ctx, self)


def _load(db, actor, scope: str, search: str, today: date) -> tuple[list[FollowUpRow], int, int]:
    """Runs off the GUI thread: the rows to show plus the overdue / this-week counts (the same
    rows the export writes)."""
    return follow_up_rows(db, actor, scope, search, today)
