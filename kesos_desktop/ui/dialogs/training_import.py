"""Impor jadwal / kehadiran pelatihan: choose a file -> check the columns -> preview every row
with its status and problems -> import in the background (Cancel writes nothing) -> summary,
with the rejected rows saved to a workbook when asked.

The same steps as the residents import wizard; every read and write runs off the GUI thread and
each modal step has an ``ask(...)`` classmethod (or a patchable static method) for tests.
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
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.i18n import _
from kesos_desktop.ui.tasks import Cancelled, run_in_background
from kesos_desktop.ui.widgets.messages import Messages, show_error

PREVIEW_LIMIT = 5000  # rows shown in the preview table (all rows are imported)
_COLOURS = {"new": "#e3f4ea", "update": "#e3eefb", "duplicate": "#fff4d6", "error": "#fbe3e3"}


def _titles() -> dict[str, str]:
    return {"schedule": _("Import training schedule"), "attendance": _("Import attendance")}


def _status_label(status) -> str:
    return {"new": _("New"), "update": _("Will change"), "duplicate": _("Already there"),
            "error": _("Error")}[str(status)]


class ColumnsDialog(QDialog):
    """Which column of the file holds which item: the automatic guess, to fix or complete."""

    def __init__(self, kind: str, headers: list[str], mapping: dict[str, int], parent=None):
        super().__init__(parent)
        from kesos_desktop.excel.import_training import FIELD_LABELS
        from kesos_desktop.excel.reader import column_letter

        self.setWindowTitle(_("Columns of the file"))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        intro = QLabel(_("Check which column of the file holds each item. Columns found "
                         "automatically are filled in; choose the others or leave them empty."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.combos: dict[str, QComboBox] = {}
        for name, label in FIELD_LABELS[kind].items():
            combo = QComboBox()
            combo.setObjectName(f"map_{name}")
            combo.addItem(_("(not in the file)"), None)
            for index, header in enumerate(headers):
                combo.addItem(f"{column_letter(index)}: {header or '-'}", index)
            if name in mapping:
                combo.setCurrentIndex(mapping[name] + 1)
            self.combos[name] = combo
            form.addRow(_(label), combo)
        layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Next"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def mapping(self) -> dict[str, int]:
        return {f: c.currentData() for f, c in self.combos.items() if c.currentData() is not None}

    @classmethod
    def ask(cls, parent, kind: str, headers: list[str], mapping: dict[str, int]) -> dict[str, int] | None:
        dialog = cls(kind, headers, mapping, parent)
        return dialog.mapping() if dialog.exec() == QDialog.DialogCode.Accepted else None


class TrainingPreviewDialog(QDialog):
    """Every row with its status, what it is about and its problems; import or cancel."""

    def __init__(self, preview, parent: QWidget | None = None):
        super().__init__(parent)
        from kesos_desktop.excel.import_residents import RowStatus
        from kesos_desktop.excel.import_training import describe

        self.preview = preview
        self.setWindowTitle(_("Import preview: {file}").format(file=preview.path.name))
        self.resize(1000, 600)
        layout = QVBoxLayout(self)
        counts = {s: preview.count(s) for s in RowStatus}
        summary = QLabel(_("{total} rows: {new} new, {update} to change, {same} already there "
                           "(skipped), {error} with errors.").format(
            total=len(preview.rows), new=counts[RowStatus.NEW], update=counts[RowStatus.UPDATE],
            same=counts[RowStatus.DUPLICATE], error=counts[RowStatus.ERROR]))
        summary.setObjectName("preview_summary")
        summary.setWordWrap(True)
        layout.addWidget(summary)
        self.table = QTableWidget(min(len(preview.rows), PREVIEW_LIMIT), 4, self)
        self.table.setObjectName("preview_rows")
        self.table.setHorizontalHeaderLabels([_("Row"), _("Status"), _("Program · date · what"),
                                              _("Problems")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setStretchLastSection(True)
        for n, row in enumerate(preview.rows[:PREVIEW_LIMIT]):
            for column, text in enumerate([str(row.row), _status_label(row.status), row.name,
                                           describe(row)]):
                item = QTableWidgetItem(text)
                if column == 1:
                    item.setBackground(QColor(_COLOURS[str(row.status)]))
                if column == 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setToolTip(text)
                self.table.setItem(n, column, item)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(2, min(max(self.table.columnWidth(2), 220), 360))
        layout.addWidget(self.table, 1)
        if len(preview.rows) > PREVIEW_LIMIT:
            layout.addWidget(QLabel(_("The first {n} rows are shown; all rows are checked and "
                                      "imported.").format(n=PREVIEW_LIMIT)))
        self.skip_invalid = QCheckBox(_("Import the correct rows only, and save the rejected rows "
                                        "to a workbook to fix"))
        self.skip_invalid.setObjectName("skip_invalid")
        self.skip_invalid.setVisible(counts[RowStatus.ERROR] > 0)
        self.skip_invalid.toggled.connect(self._refresh)
        layout.addWidget(self.skip_invalid)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(_("Import"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._errors = counts[RowStatus.ERROR]
        self._refresh()

    def _refresh(self) -> None:
        self.ok.setEnabled(not self._errors or self.skip_invalid.isChecked())

    @classmethod
    def ask(cls, parent: QWidget | None, preview) -> bool | None:
        """skip_invalid, or None when cancelled."""
        dialog = cls(preview, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.skip_invalid.isChecked()


def _hooks(progress):
    """(progress callback, cancelled callback) for a worker given a ui.tasks Progress."""
    if progress is None:
        return None, None
    return (lambda d, t: progress.report(d, t)), (lambda: progress.cancelled)


class TrainingImport:
    """Drives the steps for one kind ("schedule" or "attendance")."""

    def __init__(self, ctx, parent: QWidget, kind: str):
        self.ctx, self.parent, self.kind = ctx, parent, kind
        self.preview = None
        self.outcome = None

    @staticmethod
    def ask_open_path(parent: QWidget, title: str) -> str:
        path, _filter = QFileDialog.getOpenFileName(
            parent, title, str(Path.home()),
            _("Spreadsheets (*.xlsx *.xlsm *.xls *.ods);;All files (*)"))
        return path

    @staticmethod
    def ask_errors_path(parent: QWidget, suggested: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(parent, _("Save the rejected rows"), suggested,
                                                    _("Excel workbooks (*.xlsx)"))
        return path

    def start(self, path: str | None = None) -> None:
        path = path or self.ask_open_path(self.parent, _titles()[self.kind])
        if not path:
            return
        db, actor, kind = self.ctx.db, self.ctx.actor, self.kind

        def read(progress=None):
            from kesos_desktop.excel import import_training as imp
            from kesos_desktop.services import training_import

            table = imp.read_register(kind, path)
            key = imp.header_key(table.headers)
            return table, training_import.remembered_mapping(db, actor, kind, key)

        (run_in_background(read).with_progress(self.parent, _("Reading the file…"))
         .on_success(lambda result: self._mapped(path, *result))
         .on_failure(lambda error: show_error(self.parent, error)).start())

    def _mapped(self, path: str, table, remembered) -> None:
        mapping = ColumnsDialog.ask(self.parent, self.kind, table.headers, remembered or table.mapping)
        if mapping is None:
            return
        db, actor, kind = self.ctx.db, self.ctx.actor, self.kind

        def check(progress=None):
            from kesos_desktop.excel import import_training as imp
            from kesos_desktop.services import training_import

            if mapping != table.mapping or remembered is not None:
                training_import.remember_mapping(db, actor, kind, imp.header_key(table.headers), mapping)
            report, stop = _hooks(progress)
            try:
                return imp.preview(db, actor, kind, path, mapping, progress=report, cancelled=stop)
            except training_import.ImportCancelled as error:
                raise Cancelled() from error

        (run_in_background(check).with_progress(self.parent, _("Checking every row…"))
         .on_success(self._previewed)
         .on_failure(lambda error: show_error(self.parent, error)).start())

    def _previewed(self, preview) -> None:
        self.preview = preview
        skip_invalid = TrainingPreviewDialog.ask(self.parent, preview)
        if skip_invalid is None:
            return
        db, actor = self.ctx.db, self.ctx.actor

        def write(progress=None):
            from kesos_desktop.excel import import_training as imp
            from kesos_desktop.services.training_import import ImportCancelled

            report, stop = _hooks(progress)
            try:
                return imp.commit(db, actor, preview, skip_invalid, progress=report, cancelled=stop)
            except ImportCancelled as error:
                raise Cancelled() from error

        (run_in_background(write).with_progress(self.parent, _("Importing…"))
         .on_success(self._done)
         .on_failure(lambda error: show_error(self.parent, error))
         .on_cancel(lambda: Messages.info(self.parent, _("Import cancelled: nothing was written.")))
         .start())

    def _done(self, outcome) -> None:
        self.outcome = outcome
        counts = outcome.counts
        if counts is None:
            Messages.error(self.parent, _("Nothing was written: {n} rows have problems.").format(
                n=len(outcome.rejected)))
            return
        self.ctx.announce(counts.changes)
        text = _("Imported: {new} new, {updated} changed, {skipped} already there, {errors} "
                 "rejected.").format(new=counts.new, updated=counts.updated, skipped=counts.skipped,
                                     errors=len(outcome.rejected))
        if not outcome.rejected:
            Messages.info(self.parent, text)
        elif self.ask_save_rejected(self.parent, text):
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
        path = self.ask_errors_path(self.parent, f"{self.preview.path.stem}-ditolak.xlsx")
        if not path:
            return
        db, actor, preview, rejected = self.ctx.db, self.ctx.actor, self.preview, self.outcome.rejected

        def write(progress=None):
            from kesos_desktop.excel.import_training import write_error_workbook

            return write_error_workbook(db, actor, preview, rejected, path)

        (run_in_background(write).with_progress(self.parent, _("Saving the rejected rows…"))
         .on_success(lambda p: self.ctx.status_message.emit(_("Saved: {path}").format(path=p)))
         .on_failure(lambda error: show_error(self.parent, error)).start())


def start_training_import(ctx, parent: QWidget, kind: str, path: str | None = None) -> TrainingImport:
    flow = TrainingImport(ctx, parent, kind)
    flow.start(path)
    return flow
