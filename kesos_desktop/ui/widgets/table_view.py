"""A QTableView set up the way every list in the app behaves (UI.md "Lists")."""

from __future__ import annotations

from PySide6.QtCore import QSettings, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QApplication, QHeaderView, QTableView

from kesos_desktop.ui.models.dto_table import SORT_ROLE
from kesos_desktop.ui.window_settings import window_settings


class DataTable(QTableView):
    """Alternating rows, whole-row selection, sortable headers, column layout remembered;
    Enter or double-click emits ``activated_row`` with the source row number."""

    activated_row = Signal(int)
    MAX_FITTED_WIDTH = 320  # a long address must not push every other column off screen

    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSortingEnabled(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(26)
        header = self.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Saved when the user drags a column, not when Qt sizes them at first show.
        header.sectionResized.connect(self._maybe_save)
        header.sectionMoved.connect(lambda *_: self.save_layout())
        self.doubleClicked.connect(lambda index: self._emit(index.row()))
        self._fitted = False

    def set_source_model(self, model, sortable_in_proxy: bool = True) -> None:
        """Small models sort through a proxy; SQL-backed models sort themselves."""
        if sortable_in_proxy:
            proxy = QSortFilterProxyModel(self)
            proxy.setSourceModel(model)
            proxy.setSortRole(SORT_ROLE)
            proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            proxy.setFilterKeyColumn(-1)
            self.setModel(proxy)
        else:
            self.setModel(model)
        model.modelReset.connect(self._fit_once)
        model.rowsInserted.connect(self._fit_once)
        self.restore_layout()

    def _fit_once(self, *_args) -> None:
        """Until the user has a layout of their own, the first rows size the columns, so that
        headers such as "Terakhir masuk" are not cut off at Qt's default width."""
        model = self.model()
        if self._fitted or model is None or model.rowCount() == 0:
            return
        self._fitted = True
        self.resizeColumnsToContents()
        header = self.horizontalHeader()
        for column in range(header.count()):
            if header.sectionSize(column) > self.MAX_FITTED_WIDTH:
                header.resizeSection(column, self.MAX_FITTED_WIDTH)

    def source_row(self, view_row: int) -> int:
        model = self.model()
        if isinstance(model, QSortFilterProxyModel):
            return model.mapToSource(model.index(view_row, 0)).row()
        return view_row

    def selected_source_row(self) -> int | None:
        rows = self.selectionModel().selectedRows() if self.selectionModel() else []
        return self.source_row(rows[0].row()) if rows else None

    def _emit(self, view_row: int) -> None:
        if view_row >= 0:
            self.activated_row.emit(self.source_row(view_row))

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)

    def _maybe_save(self, *_args) -> None:
        if self.horizontalHeader().underMouse() and QApplication.mouseButtons():
            self.save_layout()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if self._fitted and (self.isVisible() or self.model() is not None):
            self.save_layout()  # only a layout worth keeping: not Qt's default widths
        super().hideEvent(event)

    def _settings(self) -> QSettings:
        return window_settings()

    def has_saved_layout(self) -> bool:
        return self._settings().value(f"tables/{self.objectName()}") is not None

    def first_widths(self, widths: list[int]) -> bool:
        """Widths a page chose for a table the user has not arranged yet, in place of the
        automatic fit to the first rows. False (nothing changed) when a layout was saved."""
        if self.has_saved_layout():
            return False
        for column, width in enumerate(widths):
            self.setColumnWidth(column, width)
        self._fitted = True
        return True

    def save_layout(self) -> None:
        settings = self._settings()
        settings.setValue(f"tables/{self.objectName()}", self.horizontalHeader().saveState())
        settings.sync()

    def restore_layout(self) -> None:
        state = self._settings().value(f"tables/{self.objectName()}")
        if state is not None:
            self._fitted = self.horizontalHeader().restoreState(state)
