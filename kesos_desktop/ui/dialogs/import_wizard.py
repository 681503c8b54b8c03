"""Impor data penerima manfaat: choose a file -> check the column mapping -> preview every row
with its status and problems -> import in the background (Cancel writes nothing) -> summary.

Every step that reads or writes runs off the GUI thread; the dialogs only show DTOs. Each modal
step has an ``ask(...)`` classmethod tests can monkeypatch.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.i18n import _
from kesos_desktop.ui.tasks import Cancelled, run_in_background
from kesos_desktop.ui.widgets.messages import Messages, show_error

PREVIEW_LIMIT = 5000  # rows shown in the preview table (all rows are imported)
_STATUS_COLOURS = {"new": "#e3f4ea", "update": "#e3eefb", "duplicate": "#fff4d6", "error": "#fbe3e3"}


def _status_label(status) -> str:
    return {"new": _("New"), "update": _("Registered (same NIK)"),
            "duplicate": _("Duplicate"), "error": _("Error")}[str(status)]


class MappingDialog(QDialog):
    """Which column of the file holds which field; the automatic guess, to fix or complete."""

    def __init__(self, headers: list[str], mapping: dict[str, int], parent: QWidget | None = None):
        super().__init__(parent)
        from kesos_desktop.excel.import_residents import FIELD_LABELS
        from kesos_desktop.excel.reader import column_letter

        self.setWindowTitle(_("Columns of the file"))
        self.resize(560, 620)
        layout = QVBoxLayout(self)
        intro = QLabel(_("Check which column of the file holds each item. Columns found "
                         "automatically are filled in; choose the others or leave them empty."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        inner = QWidget()
        form = QFormLayout(inner)
        self.combos: dict[str, QComboBox] = {}
        for field, label in FIELD_LABELS.items():
            combo = QComboBox()
            combo.addItem(_("(not in the file)"), None)
            for index, header in enumerate(headers):
                combo.addItem(f"{column_letter(index)}: {header or '-'}", index)
            if field in mapping:
                combo.setCurrentIndex(mapping[field] + 1)
            combo.setObjectName(f"map_{field}")
            self.combos[field] = combo
            form.addRow(_(label), combo)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        layout.addWidget(scroll, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Next"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def mapping(self) -> dict[str, int]:
        return {f: c.currentData() for f, c in self.combos.items() if c.currentData() is not None}

    @classmethod
    def ask(cls, parent: QWidget | None, headers: list[str], mapping: dict[str, int]) -> dict[str, int] | None:
        dialog = cls(headers, mapping, parent)
        return dialog.mapping() if dialog.exec() == QDialog.DialogCode.Accepted else None


class PreviewDialog(QDialog):
    """Every row with its status and problems; the choice for rows already registered."""

    def __init__(self, preview, parent: QWidget | None = None):
        super().__init__(parent)
        from kesos_desktop.excel.import_residents import OnDuplicate, RowStatus, describe

        self.preview = preview
        self.setWindowTitle(_("Import preview: {file}").format(file=preview.path.name))
        self.resize(980, 620)
        layout = QVBoxLayout(self)
        counts = {s: preview.count(s) for s in RowStatus}
        summary = QLabel(_("{total} rows: {new} new, {update} already registered (same NIK), "
                           "{duplicate} possible duplicates, {error} with errors.").format(
            total=len(preview.rows), new=counts[RowStatus.NEW], update=counts[RowStatus.UPDATE],
            duplicate=counts[RowStatus.DUPLICATE], error=counts[RowStatus.ERROR]))
        summary.setWordWrap(True)
        layout.addWidget(summary)
        self.table = QTableWidget(min(len(preview.rows), PREVIEW_LIMIT), 5, self)
        self.table.setHorizontalHeaderLabels([_("Row"), _("Status"), _("Name"), _("Action"),
                                              _("Problems")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        for n, row in enumerate(preview.rows[:PREVIEW_LIMIT]):
            cells = [str(row.row), _status_label(row.status), row.name or "", "", describe(row)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 1:
                    item.setBackground(QColor(_STATUS_COLOURS[str(row.status)]))
                if column == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(n, column, item)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(4, 520)
        self.table.cellDoubleClicked.connect(self._toggle_row)
        layout.addWidget(self.table, 1)
        if len(preview.rows) > PREVIEW_LIMIT:
            layout.addWidget(QLabel(_("The first {n} rows are shown; all rows are checked and "
                                      "imported.").format(n=PREVIEW_LIMIT)))
        choice_row = QHBoxLayout()
        choice_row.addWidget(QLabel(_("Rows already registered:")))
        self.for_all = QComboBox()
        self.for_all.setObjectName("on_duplicate")
        self.for_all.addItem(_("Skip them"), OnDuplicate.SKIP)
        self.for_all.addItem(_("Update them with the file's data"), OnDuplicate.UPDATE)
        self.for_all.currentIndexChanged.connect(self._refresh_actions)
        choice_row.addWidget(self.for_all)
        choice_row.addWidget(QLabel(_("(double-click a row to choose for that row only)")))
        choice_row.addStretch(1)
        layout.addLayout(choice_row)
        self.skip_invalid = QCheckBox(_("Import the correct rows only, and save the rejected rows "
                                        "to a workbook to fix"))
        self.skip_invalid.setObjectName("skip_invalid")
        self.skip_invalid.setVisible(counts[RowStatus.ERROR] > 0)
        self.skip_invalid.toggled.connect(self._refresh_buttons)
        layout.addWidget(self.skip_invalid)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("Import"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._refresh_actions()
        self._refresh_buttons()

    def _refresh_buttons(self) -> None:
        from kesos_desktop.excel.import_residents import RowStatus

        errors = self.preview.count(RowStatus.ERROR)
        self.ok.setEnabled(not errors or self.skip_invalid.isChecked())

    def _action_text(self, row) -> str:
        from kesos_desktop.excel.import_residents import OnDuplicate, RowStatus

        if row.status is RowStatus.NEW:
            return _("Add")
        if row.status is RowStatus.ERROR:
            return _("Not imported")
        if row.match is None:
            return _("Skip")
        choice = row.choice or self.for_all.currentData()
        return _("Update") if choice is OnDuplicate.UPDATE else _("Skip")

    def _refresh_actions(self) -> None:
        for n, row in enumerate(self.preview.rows[:PREVIEW_LIMIT]):
            self.table.item(n, 3).setText(self._action_text(row))

    def _toggle_row(self, n: int, _column: int) -> None:
        from kesos_desktop.excel.import_residents import OnDuplicate

        row = self.preview.rows[n]
        if row.match is None:
            return
        current = row.choice or self.for_all.currentData()
        row.choice = OnDuplicate.SKIP if current is OnDuplicate.UPDATE else OnDuplicate.UPDATE
        self.table.item(n, 3).setText(self._action_text(row))

    @classmethod
    def ask(cls, parent: QWidget | None, preview):
        """(on_duplicate, skip_invalid) or None when cancelled."""
        dialog = cls(preview, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.for_all.currentData(), dialog.skip_invalid.isChecked()


class ImportWizard:
    """Drives the steps; holds no Qt state of its own beyond the parent widget."""

    def __init__(self, ctx, parent: QWidget):
        self.ctx, self.parent = ctx, parent
        self.preview = None
        self.outcome = None

    @staticmethod
    def ask_open_path(parent: QWidget) -> str:
        path, _filter = QFileDialog.getOpenFileName(
            parent, _("Import residents from Excel"), str(Path.home()),
            _("Spreadsheets (*.xlsx *.xlsm *.xls *.ods);;All files (*)"))
        return path

    @staticmethod
    def ask_errors_path(parent: QWidget, suggested: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(parent, _("Save the rejected rows"), suggested,
                                                    _("Excel workbooks (*.xlsx)"))
        return path

    def start(self, path: str | None = None) -> None:
        path = path or self.ask_open_path(self.parent)
        if not path:
            return
        db, actor = self.ctx.db, self.ctx.actor

        def read(progress=None):
            from kesos_desktop.excel import import_residents as imp
            from kesos_desktop.excel.import_residents import header_key
            from kesos_desktop.services import resident_import

            table = imp.read_register(path)
            remembered = resident_import.remembered_mapping(db, actor, header_key(table.headers))
            return table, remembered

        (run_in_background(read).with_progress(self.parent, _("Reading the file…"))
         .on_success(lambda result: self._mapped(path, *result))
         .on_failure(lambda error: show_error(self.parent, error)).start())

    def _mapped(self, path: str, table, remembered) -> None:
        mapping = MappingDialog.ask(self.parent, table.headers, remembered or table.mapping)
        if mapping is None:
            return
        db, actor = self.ctx.db, self.ctx.actor

        def check(progress=None):
            from kesos_desktop.excel import import_residents as imp
            from kesos_desktop.services import resident_import

            if mapping != table.mapping or remembered is not None:
                resident_import.remember_mapping(db, actor, imp.header_key(table.headers), mapping)
            try:
                return imp.preview(db, actor, path, mapping, table=table,  # read once: kept
                                   progress=(lambda d, t: progress.report(d, t)) if progress else None,
                                   cancelled=(lambda: progress.cancelled) if progress else None)
            except resident_import.ImportCancelled as stop:
                raise Cancelled() from stop

        (run_in_background(check).with_progress(self.parent, _("Checking every row…"))
         .on_success(self._previewed)
         .on_failure(lambda error: show_error(self.parent, error)).start())

    def _previewed(self, preview) -> None:
        self.preview = preview
        answer = PreviewDialog.ask(self.parent, preview)
        if answer is None:
            return
        on_duplicate, skip_invalid = answer
        db, actor = self.ctx.db, self.ctx.actor

        def write(progress=None):
            from kesos_desktop.excel import import_residents as imp
            from kesos_desktop.services.resident_import import ImportCancelled

            try:
                return imp.commit(db, actor, preview, on_duplicate, skip_invalid,
                                  progress=(lambda d, t: progress.report(d, t)) if progress else None,
                                  cancelled=(lambda: progress.cancelled) if progress else None)
            except ImportCancelled as stop:
                raise Cancelled() from stop

        (run_in_background(write).with_progress(self.parent, _("Importing…"))
         .on_success(self._done)
         .on_failure(lambda error: show_error(self.parent, error))
         .on_cancel(lambda: Messages.info(self.parent, _("Import cancelled: nothing was written.")))
         .start())

    def _done(self, outcome) -> None:
        self.outcome = outcome
        from kesos_desktop.domain.dto import Changes

        counts = outcome.counts
        if counts is None:
            Messages.error(self.parent, _("Nothing was written: {n} rows have problems.").format(
                n=len(outcome.rejected)))
            return
        self.ctx.announce(Changes.of("resident", "admission"))
        text = _("Imported: {new} new (with {stays} stays), {updated} updated, {skipped} skipped, "
                 "{errors} rejected.").format(new=counts.new, stays=counts.stays,
                                             updated=counts.updated, skipped=counts.skipped,
                                             errors=len(outcome.rejected))
        if not outcome.rejected:
            Messages.info(self.parent, text)
            return
        if self.ask_save_rejected(self.parent, text):
            self.save_rejected()

    @staticmethod
    def ask_save_rejected(parent: QWidget, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Information, _("Import finished"), text,
                          QMessageBox.StandardButton.Close, parent)
        save = box.addButton(_("Save rejected rows…"), QMessageBox.ButtonRole.ActionRole)
        box.exec()
        return box.clickedButton() is save

    def save_rejected(self) -> None:
        if self.preview is None or self.outcome is None or not self.outcome.rejected:
            return
        suggested = f"{self.preview.path.stem}-ditolak.xlsx"
        path = self.ask_errors_path(self.parent, suggested)
        if not path:
            return
        db, actor, preview, rejected = self.ctx.db, self.ctx.actor, self.preview, self.outcome.rejected

        def write(progress=None):
            from kesos_desktop.excel.import_residents import write_error_workbook

            return write_error_workbook(db, actor, preview, rejected, path)

        (run_in_background(write).with_progress(self.parent, _("Saving the rejected rows…"))
         .on_success(lambda p: self.ctx.status_message.emit(_("Saved: {path}").format(path=p)))
         .on_failure(lambda error: show_error(self.parent, error)).start())


def start_import(ctx, parent: QWidget, path: str | None = None) -> ImportWizard:
    wizard = ImportWizard(ctx, parent)
    wizard.start(path)
    return wizard


def export_view(ctx, query, parent: QWidget, path: str | None = None) -> None:
    """The registry's current view to .xlsx in the background, with progress and Cancel."""
    from datetime import date

    path = path or ask_export_path(parent, f"data-induk-pm-{date.today():%Y-%m-%d}.xlsx")
    if not path:
        return
    db, actor = ctx.db, ctx.actor

    def work(progress=None):
        from kesos_desktop.excel.exports import export_residents
        from kesos_desktop.excel.writer import ExportCancelled

        try:
            return export_residents(db, actor, query, path,
                                    progress=progress.report if progress else None,
                                    cancelled=(lambda: progress.cancelled) if progress else None)
        except ExportCancelled as stop:
            raise Cancelled() from stop

    (run_in_background(work).with_progress(parent, _("Exporting the residents register…"))
     .on_success(lambda p: ctx.status_message.emit(_("Saved: {path}").format(path=p)))
     .on_failure(lambda error: show_error(parent, error))
     .on_cancel(lambda: ctx.status_message.emit(_("Export cancelled: no file was written.")))
     .start())


def ask_export_path(parent: QWidget, suggested: str) -> str:
    """Patchable in tests."""
    path, _filter = QFileDialog.getSaveFileName(parent, _("Export residents register"), suggested,
                                                _("Excel workbooks (*.xlsx)"))
    return path
