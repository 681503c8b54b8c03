"""Reintegrasi > Resosialisasi: people preparing to leave, their plan and checklist progress."""

from __future__ import annotations

from datetime import date

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

from kesos_desktop.domain.enums import Stage
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _, format_number
from kesos_desktop.services import reintegration
from kesos_desktop.services.reintegration import BoardRow
from kesos_desktop.ui.models.dto_table import Column, DtoTableModel
from kesos_desktop.ui.pages.reintegration_widgets import GOOD, MUTED, SOON, FirstLayout, enum_data
from kesos_desktop.ui.register_exports import export_button, start_export
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.messages import Messages
from kesos_desktop.ui.widgets.table_view import DataTable


def progress_text(row: BoardRow) -> str:
    if row.progress is None:
        return _("no plan yet")
    if row.progress.complete:
        return _("{fraction} ready").format(fraction=row.progress.text)
    return row.progress.text


def progress_color(row: BoardRow) -> str | None:
    if row.progress is None:
        return MUTED
    return GOOD if row.progress.complete else SOON if row.progress.done == 0 else None


STAGE_COLUMN, TARGET_COLUMN = 2, 6


class ResocialisationTab(QWidget):
    loaded = Signal(int)  # number of rows shown

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.search = QLineEdit()
        self.search.setObjectName("board_search")
        self.search.setPlaceholderText(_("Search name or registration number (Ctrl+F)"))
        self.search.setClearButtonEnabled(True)
        self.scope = QComboBox()
        self.scope.setObjectName("board_scope")
        self.scope.addItem(_("In resocialisation"), Stage.REINTEGRATION)
        self.scope.addItem(_("Everyone in the facility"), None)
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.scope.currentIndexChanged.connect(lambda _i: self.refresh())

        self.plan_button = QPushButton(_("Plan..."))
        self.checklist_button = QPushButton(_("Readiness..."))
        self.visit_button = QPushButton(_("Home visits..."))
        self.terminate_button = QPushButton(_("Terminate..."))
        self.plan_button.setToolTip(_("Destination, contact persons, target date, responsible worker"))
        self.checklist_button.setToolTip(_("The readiness checklist, item by item"))
        self.terminate_button.setToolTip(_("End the stay: handover, aftercare or closing the case"))
        for button, name in ((self.plan_button, "plan_button"),
                             (self.checklist_button, "checklist_button"),
                             (self.visit_button, "visit_button"),
                             (self.terminate_button, "terminate_button")):
            button.setObjectName(name)
        self.plan_button.clicked.connect(self.open_plan)
        self.checklist_button.clicked.connect(self.open_checklist)
        self.visit_button.clicked.connect(self.open_visits)
        self.terminate_button.clicked.connect(self.open_termination)
        manage = ctx.can(Action.REINTEGRATION_MANAGE)
        self.plan_button.setVisible(manage)
        self.terminate_button.setVisible(ctx.can(Action.TERMINATE))

        self.model = DtoTableModel([
            Column(_("Reg. no."), lambda r: r.reg_no),
            Column(_("Name"), lambda r: r.name),
            Column(_("Stage"), lambda r: r.stage),
            Column(_("Admitted"), lambda r: r.admitted_on),
            Column(_("Room"), lambda r: r.room_name),
            Column(_("Destination"), lambda r: r.destination_type),
            Column(_("Target"), lambda r: r.target_date),
            Column(_("Readiness"), progress_text, color=progress_color),
            Column(_("Last visit"), lambda r: r.last_visit_on),
            Column(_("Responsible"), lambda r: r.responsible),
        ], self)
        self.table = DataTable("reintegration_board")
        self.table.set_source_model(self.model)
        FirstLayout(self.table, TARGET_COLUMN, [140, 180, 150, 85, 140, 160, 85, 75, 115])
        self.table.activated_row.connect(lambda _row: self.open_checklist())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.count = QLabel()
        self.count.setStyleSheet(f"color: {MUTED};")
        self.export_button = export_button(ctx, "board_export", _("Export the list as shown to Excel"))
        self.export_button.clicked.connect(self.export)
        self.empty = QLabel()
        self.empty.setObjectName("board_empty")
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet(f"color: {MUTED}; padding: 12px;")
        self.empty.hide()

        top = QHBoxLayout()
        top.addWidget(self.search, 2)
        top.addWidget(self.scope, 1)
        top.addSpacing(12)
        for button in (self.plan_button, self.checklist_button, self.visit_button,
                       self.terminate_button):
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.export_button)
        layout.addLayout(bottom)

    # ------------------------------------------------------------------ data
    def refresh(self) -> None:
        run_in_background(
            reintegration.board, self.ctx.db, self.ctx.actor, enum_data(self.scope, Stage),
            self.search.text(),
        ).owned_by(self).on_success(self.show_rows).start()

    def show_rows(self, rows: list[BoardRow]) -> None:
        selected = self.selected()
        self.model.set_rows(rows)
        self.table.setColumnHidden(STAGE_COLUMN, self.scope.currentData() is not None)
        self.count.setText(_("Showing {n} people").format(n=format_number(len(rows))))
        if not rows:
            if self.search.text().strip():
                text = _("Nobody matches this search.")
            elif self.scope.currentData() == Stage.REINTEGRATION:
                text = _("Nobody is in the resocialisation stage. Move a person's stage on the "
                         "Residents page, or choose \u201cEveryone in the facility\u201d.")
            else:
                text = _("Nobody is staying in the facility at the moment.")
            self.empty.setText(text)
        self.empty.setVisible(not rows)
        if selected is not None:
            self.select_admission(selected.admission_id)
        self.loaded.emit(len(rows))

    def selected(self) -> BoardRow | None:
        row = self.table.selected_source_row()
        return None if row is None else self.model.row_at(row)

    def select_admission(self, admission_id: int) -> bool:
        for number, row in enumerate(self.model.rows):
            if row.admission_id == admission_id:
                proxy = self.table.model()
                index = proxy.mapFromSource(self.model.index(number, 0))
                self.table.selectRow(index.row())
                return True
        return False

    def _chosen(self) -> BoardRow | None:
        row = self.selected()
        if row is None:
            Messages.info(self, _("Choose a person in the list first."))
        return row

    def _context_menu(self, pos) -> None:
        if self.selected() is None:
            return
        menu = QMenu(self)
        for button in (self.plan_button, self.checklist_button, self.visit_button,
                       self.terminate_button):
            if button.isVisible():
                menu.addAction(button.text(), button.click)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    # ------------------------------------------------------------------ actions
    def export(self) -> None:
        from kesos_desktop.excel.export_reintegration import export_board

        db, actor = self.ctx.db, self.ctx.actor
        stage, search = enum_data(self.scope, Stage), self.search.text()
        self.export_task = start_export(
            self.ctx, self, _("Exporting the resocialisation board…"),
            f"resosialisasi-{date.today():%Y-%m-%d}.xlsx",
            lambda path, **kw: export_board(db, actor, path, stage, search, **kw))

    def open_plan(self) -> None:
        from kesos_desktop.ui.dialogs.reintegration_plan_dialog import ReintegrationPlanDialog

        if (row := self._chosen()) and ReintegrationPlanDialog.ask(self.ctx, row.admission_id, self):
            self.refresh()

    def open_checklist(self) -> None:
        from kesos_desktop.ui.dialogs.reintegration_plan_checklist import ChecklistDialog
        from kesos_desktop.ui.dialogs.reintegration_plan_dialog import ReintegrationPlanDialog

        row = self._chosen()
        if row is None:
            return
        if row.progress is None:
            if not self.ctx.can(Action.REINTEGRATION_MANAGE):
                Messages.info(self, _("{name} has no reintegration plan yet.").format(name=row.name))
                return
            if not Messages.confirm(self, _("{name} has no reintegration plan yet. The checklist "
                                            "belongs to the plan. Make the plan now?").format(
                                                name=row.name)):
                return
            if not ReintegrationPlanDialog.ask(self.ctx, row.admission_id, self):
                return
        ChecklistDialog.ask(self.ctx, row.admission_id, self)
        self.refresh()

    def open_visits(self) -> None:
        from kesos_desktop.ui.dialogs.home_visit_dialog import HomeVisitsDialog

        if (row := self._chosen()) and HomeVisitsDialog.ask(self.ctx, row.admission_id, self):
            self.refresh()

    def open_termination(self) -> None:
        from kesos_desktop.ui.dialogs.termination_dialog import TerminationDialog

        if (row := self._chosen()) and TerminationDialog.ask(self.ctx, row.admission_id, self):
            self.refresh()
