"""Breach support (UU PDP: notify within 3 x 24 hours): who read, printed or exported one
person's data in a period, from the audit log, on screen and as an Excel file. The other half of
the report, everything exported or printed by anyone in a period, is the audit tab's action
filter "(exported, printed or backed up)"."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.i18n import _, format_number
from kesos_desktop.services import audit_log, person_data
from kesos_desktop.ui.models.dto_table import Column, DtoTableModel
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.form import date_edit
from kesos_desktop.ui.widgets.messages import show_error
from kesos_desktop.ui.widgets.table_view import DataTable

OUTPUTS = "__outputs__"  # the audit tab's action filter for audit_log.OUTPUT_ACTIONS


def accesses(db, actor, reg_no: str, date_from: date | None, date_to: date | None):
    """Worker thread: the person's id by registration number, then their accesses."""
    resident_id = person_data.find_by_reg_no(db, actor, reg_no)
    return resident_id, person_data.access_report(db, actor, resident_id, date_from, date_to)


def write_report(db, actor, resident_id: int, path: str, date_from: date | None,
                 date_to: date | None):
    from kesos_desktop.reports.person_export import write_access_report

    return write_access_report(db, actor, resident_id, path, date_from, date_to)


class PersonAccessDialog(QDialog):
    """Registration number and period in, the accesses out (each lookup is itself audited)."""

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.resident_id: int | None = None
        self.setWindowTitle(_("Accesses to one person's data"))
        self.reg_no = QLineEdit()
        self.reg_no.setObjectName("breach_reg_no")
        self.reg_no.setPlaceholderText(_("Registration number, e.g. PM/2026/0001"))
        self.use_from = QCheckBox(_("From date"))
        self.date_from = date_edit(QDate.currentDate().addDays(-30))
        self.use_to = QCheckBox(_("To date"))
        self.date_to = date_edit()
        for check, edit in ((self.use_from, self.date_from), (self.use_to, self.date_to)):
            edit.setEnabled(False)
            check.toggled.connect(edit.setEnabled)
        self.show_button = QPushButton(_("Show"))
        self.show_button.setObjectName("breach_show")
        self.show_button.clicked.connect(self.load)
        self.reg_no.returnPressed.connect(self.load)
        self.export_button = QPushButton(_("Export to Excel..."))
        self.export_button.setObjectName("breach_export")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export)
        self.model = DtoTableModel([
            Column(_("Time"), lambda r: r.at.strftime("%d/%m/%Y %H:%M:%S")),
            Column(_("User"), lambda r: r.username),
            Column(_("Action"), lambda r: audit_log.action_label(r.action)),
            Column(_("Entity"), lambda r: audit_log.entity_label(r.entity)),
            Column(_("Record"), lambda r: r.entity_id or ""),
        ])
        self.table = DataTable("breach_table")
        self.table.set_source_model(self.model)
        for column, width in enumerate((150, 120, 160, 200, 90)):
            self.table.setColumnWidth(column, width)
        self.count = QLabel(_("Enter a registration number and click Show."))
        self.count.setObjectName("breach_count")
        self.count.setWordWrap(True)
        query = QHBoxLayout()
        query.addWidget(self.reg_no, 1)
        for widget in (self.use_from, self.date_from, self.use_to, self.date_to, self.show_button):
            query.addWidget(widget)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        close.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(query)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.resize(900, 520)

    def period(self) -> tuple[date | None, date | None]:
        return (self.date_from.date().toPython() if self.use_from.isChecked() else None,
                self.date_to.date().toPython() if self.use_to.isChecked() else None)

    def load(self):
        if not self.reg_no.text().strip():
            self.count.setText(_("Enter a registration number and click Show."))
            return None
        self.count.setText(_("Loading..."))
        return (run_in_background(accesses, self.ctx.db, self.ctx.actor, self.reg_no.text(),
                                  *self.period())
                .owned_by(self).on_success(self._show).on_failure(self._failed).start())

    def _show(self, loaded) -> None:
        self.resident_id, rows = loaded
        self.model.set_rows(rows)
        self.export_button.setEnabled(True)
        users = {r.username for r in rows}
        self.count.setText(_("{n} accesses by {users} users.").format(
            n=format_number(len(rows)), users=format_number(len(users))))

    def _failed(self, error: BaseException) -> None:
        self.resident_id = None
        self.model.set_rows([])
        self.export_button.setEnabled(False)
        self.count.setText("")
        show_error(self, error)

    @classmethod
    def choose_path(cls, parent) -> str:
        path, _filter = QFileDialog.getSaveFileName(
            parent, _("Export the accesses"), f"akses-{date.today():%Y%m%d}.xlsx",
            _("Excel workbook (*.xlsx)"))
        return path

    def export(self):
        path = self.choose_path(self)
        if not path or self.resident_id is None:
            return None
        return (run_in_background(write_report, self.ctx.db, self.ctx.actor, self.resident_id,
                                  path, *self.period())
                .owned_by(self).on_success(lambda written: self.ctx.say(
                    _("Written: {path}").format(path=written)))
                .on_failure(lambda error: show_error(self, error)).start())
