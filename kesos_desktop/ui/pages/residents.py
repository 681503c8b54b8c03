"""Penerima Manfaat: the registry staff live in all day.

Search as you type, filters, sortable columns; every page of rows comes from SQL in the
background (``ResidentTableModel``). Enter or double-click opens the resident file; Ctrl+N
starts an intake; Ctrl+E exports the current view once the Excel export is installed
(``export_query()`` is the seam it uses).
"""

from __future__ import annotations

import importlib

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.resident_dto import ResidentQuery, ResidentRow
from kesos_desktop.i18n import _
from kesos_desktop.services import rooms
from kesos_desktop.ui.actions import ActionId
from kesos_desktop.ui.models.resident_table import ResidentTableModel
from kesos_desktop.ui.pages.base import Page
from kesos_desktop.ui.pages.residents_filters import ResidentFilters
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.messages import Messages, show_error
from kesos_desktop.ui.widgets.table_view import DataTable

ACCENT_BUTTON = ("QPushButton { background: #0b6e4f; color: white; padding: 6px 14px; "
                 "border-radius: 4px; font-weight: 600; } QPushButton:disabled { background: #9bb8ad; }")
EXPORT_MODULE = "kesos_desktop.ui.dialogs.import_wizard"  # provides export_view(ctx, query, parent)


class ResidentsPage(Page):
    watches = frozenset({"resident", "admission", "room", "stage", "user"})

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        title = QLabel(_("Residents (Penerima Manfaat)"))
        title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.new_button = QPushButton(_("New intake"))
        self.new_button.setObjectName("new_intake")
        self.new_button.setStyleSheet(ACCENT_BUTTON)
        self.new_button.setToolTip(_("Register a new resident (Ctrl+N)"))
        if not ctx.can(Action.RESIDENT_CREATE):
            self.new_button.hide()  # (setVisible(True) on a widget without parent opens a window)
        self.open_button = QPushButton(_("Open file"))
        self.open_button.setObjectName("open_file")
        self.open_button.setToolTip(_("Open the selected resident's file (Enter)"))
        self.rooms_button = QPushButton(_("Rooms"))
        self.rooms_button.setObjectName("rooms_button")
        self.refresh_button = QPushButton(_("Refresh"))
        self.refresh_button.setToolTip(_("Load the list again (F5)"))
        self.new_button.clicked.connect(self.new_intake)
        self.open_button.clicked.connect(self.open_selected)
        self.rooms_button.clicked.connect(self.open_rooms)
        self.refresh_button.clicked.connect(self.refresh)
        self.import_button = QPushButton(_("Import"))
        self.import_button.setObjectName("import_button")
        self.import_button.setToolTip(_("Import residents from an Excel register"))
        self.import_button.clicked.connect(self.import_register)
        if not ctx.can(Action.EXCEL_IMPORT):
            self.import_button.hide()
        self.export_button = QPushButton(_("Export"))
        self.export_button.setObjectName("export_button")
        self.export_button.setToolTip(_("Export the list as shown (search and filters) to Excel (Ctrl+E)"))
        self.export_button.clicked.connect(self.export_current_view)
        # the arrow beside Export: the other registers of residents (stays)
        self.export_menu = QMenu(self)
        self.export_menu.addAction(_("Residents register (this view)…"), self.export_current_view)
        self.export_menu.addAction(_("Stays register (riwayat tinggal)…"), self.export_stays)
        self.export_more = QToolButton()
        self.export_more.setObjectName("export_more")
        self.export_more.setArrowType(Qt.ArrowType.DownArrow)
        self.export_more.setToolTip(_("More exports: the stays register"))
        self.export_more.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.export_more.setMenu(self.export_menu)
        self.export_more.setStyleSheet("QToolButton::menu-indicator { image: none; }")  # one arrow
        if not ctx.can(Action.EXCEL_EXPORT):
            self.export_button.hide()
            self.export_more.hide()

        self._rooms_stale = self._rooms_loading = False
        self.filters = ResidentFilters()
        self.filters.changed.connect(self.apply_filters)
        self.filters.rooms_wanted.connect(self._load_rooms)
        self.model = ResidentTableModel(ctx, self)
        self.model.loaded.connect(self._loaded)
        self.model.failed.connect(lambda error: show_error(self, error))
        self.table = DataTable("residents_table")
        self.table.set_source_model(self.model, sortable_in_proxy=False)
        self.table.horizontalHeader().setSortIndicator(self.model.sort_column(), Qt.SortOrder.AscendingOrder)
        self.table.activated_row.connect(self.open_row)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self._set_default_widths()
        self.empty = QLabel(self.table.viewport())
        self.empty.setObjectName("empty_state")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("color: #5f6b66; font-size: 11pt; padding: 24px;")
        self.empty.hide()
        self.summary = QLabel(_("Loading…"))
        self.summary.setObjectName("resident_count")

        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        for button in (self.new_button, self.open_button, self.rooms_button, self.import_button,
                       self.export_button, self.export_more, self.refresh_button):
            header.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addLayout(header)
        layout.addWidget(self.filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)

    def _set_default_widths(self) -> None:
        if self.table._settings().value(f"tables/{self.table.objectName()}") is not None:
            return  # the user's own widths, restored by DataTable
        for column, width in enumerate((122, 190, 140, 36, 44, 150, 120, 95, 82, 150)):
            self.table.setColumnWidth(column, width)

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        super().refresh()
        self._rooms_stale = self.filters.rooms_loaded()  # choices shown already: fetch them again
        self.model.set_query(self.filters.apply(self.model.query))

    def _load_rooms(self) -> None:
        """The room filter's choices, fetched when first wanted (or again after a refresh, once
        the rows are in) so they never delay the first screen."""
        self._rooms_stale = False
        if self._rooms_loading:
            return
        self._rooms_loading = True
        run_in_background(rooms.list_rooms, self.ctx.db, self.ctx.actor).owned_by(self) \
            .on_success(self._rooms_arrived).on_failure(self._rooms_failed).start()

    def _rooms_arrived(self, rooms_list) -> None:
        self._rooms_loading = False
        self.filters.set_rooms(rooms_list)

    def _rooms_failed(self, _error) -> None:
        self._rooms_loading = False  # the filter keeps "All rooms"; the next focus asks again

    def apply_filters(self) -> None:
        self.model.set_query(self.filters.apply(self.model.query))

    def _loaded(self, _page) -> None:
        if self._rooms_stale:
            self._load_rooms()
        self.summary.setText(self.model.summary())
        self._show_empty_state()
        if self.model.rowCount() and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def _show_empty_state(self) -> None:
        if self.model.total:
            self.empty.hide()
            return
        if self.model.grand_total == 0:
            text = _("No residents yet. Click New intake to register the first one.")
        else:
            text = _("No resident matches the search or the filters. Clear the filters to see "
                     "everyone.")
        self.empty.setText(text)
        self.empty.resize(self.table.viewport().size())
        self.empty.show()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().resizeEvent(event)
        if self.empty.isVisible():
            self.empty.resize(self.table.viewport().size())

    # ------------------------------------------------------------------ actions
    def selected_row(self) -> ResidentRow | None:
        row = self.table.selected_source_row()
        return None if row is None else self.model.row_at(row)

    def open_row(self, row: int) -> None:
        resident = self.model.row_at(row)
        if resident is not None:
            self.open_resident(resident.resident_id)

    def open_selected(self) -> None:
        resident = self.selected_row()
        if resident is None:
            Messages.info(self, _("Select a resident in the list first."))
            return
        self.open_resident(resident.resident_id)

    def open_resident(self, resident_id: int) -> None:
        from kesos_desktop.ui.dialogs.resident_file import ResidentFileDialog

        ResidentFileDialog.show_for(self.ctx, resident_id, self)

    def new_intake(self) -> None:
        if not self.ctx.can(Action.RESIDENT_CREATE):
            return
        from kesos_desktop.ui.dialogs.intake_wizard import IntakeWizard

        outcome = IntakeWizard.ask(self.ctx, self)
        if outcome is None:
            return
        if outcome.open_resident_id is not None:
            self.open_resident(outcome.open_resident_id)
        elif outcome.result is not None:
            self.ctx.say(_("Saved: {reg_no}.").format(reg_no=outcome.result.reg_no))

    def open_rooms(self) -> None:
        from kesos_desktop.ui.dialogs.rooms import RoomsDialog

        RoomsDialog.ask(self.ctx, self)

    def _context_menu(self, position) -> None:
        menu = QMenu(self)
        menu.addAction(_("Open file"), self.open_selected)
        if self.ctx.can(Action.RESIDENT_CREATE):
            menu.addAction(_("New intake"), self.new_intake)
        menu.addAction(_("Rooms"), self.open_rooms)
        menu.addSeparator()
        menu.addAction(_("Refresh"), self.refresh)
        menu.exec(self.table.viewport().mapToGlobal(position))

    def export_query(self) -> ResidentQuery:
        """The query behind the current view (search, filters, sort), for an exporter that pages
        through ``residents.search`` itself."""
        return self.filters.apply(self.model.query).page(0, self.model.page_size, with_total=True)

    def export_current_view(self) -> None:
        try:
            exporter = importlib.import_module(EXPORT_MODULE)
        except ImportError:
            Messages.info(self, _("Export of this list to Excel is not available in this version yet."))
            return
        exporter.export_view(self.ctx, self.export_query(), self)

    def export_stays(self) -> None:
        from kesos_desktop.ui.register_exports import export_stays_register

        self.stays_export = export_stays_register(self.ctx, self)

    def import_register(self) -> None:
        from kesos_desktop.ui.dialogs.import_wizard import start_import

        self.import_wizard = start_import(self.ctx, self)

    def handle_action(self, action: ActionId) -> bool:
        if action == ActionId.FIND:
            self.filters.focus_search()
            return True
        if action == ActionId.NEW:
            self.new_intake()
            return True
        if action == ActionId.EXPORT:
            self.export_current_view()
            return True
        return super().handle_action(action)

    def open_target(self, target: dict) -> None:
        if self.filters.FILTER_KEYS & set(target):
            self.filters.show_target(target)  # e.g. a dashboard figure or chart bar
        if "resident_id" in target:
            self.open_resident(int(target["resident_id"]))
