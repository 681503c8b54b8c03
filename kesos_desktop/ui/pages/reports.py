"""Laporan: pick a month, preview/save the laporan bulanan (PDF) or export the monthly statistics
workbook (Excel). Both run in the background with progress; the export can be cancelled."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.dialogs.pdf_preview import print_document
from kesos_desktop.ui.pages.base import Page
from kesos_desktop.ui.print_actions import month_edit
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.messages import show_error


def _last_month(today: date) -> date:
    return date(today.year - 1, 12, 1) if today.month == 1 else date(today.year, today.month - 1, 1)


class ReportsPage(Page):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(ctx, parent)
        layout = QVBoxLayout(self)
        title = QLabel(f"<h2>{_('Reports')}</h2>")
        layout.addWidget(title)
        box = QGroupBox(_("Monthly report to the Dinas Sosial"), self)
        form = QFormLayout(box)
        self.month = month_edit(self)
        start = _last_month(date.today())
        self.month.setDate(QDate(start.year, start.month, 1))
        self.month.setMaximumDate(QDate.currentDate())
        form.addRow(_("Month"), self.month)
        buttons = QHBoxLayout()
        self.pdf_button = QPushButton(_("Preview monthly report (PDF)…"), self)
        self.excel_button = QPushButton(_("Export monthly statistics (Excel)…"), self)
        self.pdf_button.setToolTip(_("The laporan bulanan on letterhead, with Save and Print"))
        self.excel_button.setToolTip(_("The same figures as a workbook for the Dinas Sosial"))
        self.pdf_button.clicked.connect(self.preview_monthly)
        self.excel_button.clicked.connect(self.export_monthly)
        self.pdf_button.setEnabled(ctx.can(Action.REPORT_PRINT))
        self.excel_button.setEnabled(ctx.can(Action.EXCEL_EXPORT))
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.excel_button)
        buttons.addStretch(1)
        form.addRow(buttons)
        layout.addWidget(box)
        hint = QLabel(_("Other documents are printed where their data lives: the case file from the "
                        "resident file, attendance sheets and certificates from the training program, "
                        "the handover record from reintegration."), self)
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addStretch(1)
        self.last_export = None

    def selected_month(self) -> tuple[int, int]:
        value = self.month.date()
        return value.year(), value.month()

    def preview_monthly(self) -> None:
        from kesos_desktop.reports.monthly import build_monthly_report

        year, month = self.selected_month()
        print_document(self, _("Monthly report"), build_monthly_report, self.ctx.db, self.ctx.actor,
                       year, month, suggested_name=f"laporan-bulanan-{year}-{month:02d}.pdf")

    @staticmethod
    def ask_export_path(parent: QWidget, suggested: str) -> str:
        """Patchable in tests."""
        path, _filter = QFileDialog.getSaveFileName(parent, _("Export monthly statistics"), suggested,
                                                    _("Excel workbooks (*.xlsx)"))
        return path

    def export_monthly(self) -> None:
        from kesos_desktop.excel.exports import export_monthly

        year, month = self.selected_month()
        path = self.ask_export_path(self, f"statistik-bulanan-{year}-{month:02d}.xlsx")
        if not path:
            return
        db, actor = self.ctx.db, self.ctx.actor

        def work(progress=None):
            from kesos_desktop.excel.writer import ExportCancelled
            from kesos_desktop.ui.tasks import Cancelled

            try:
                return export_monthly(db, actor, year, month, path,
                                      progress=progress.report if progress else None,
                                      cancelled=(lambda: progress.cancelled) if progress else None)
            except ExportCancelled as stop:
                raise Cancelled() from stop

        (run_in_background(work)
         .with_progress(self, _("Exporting the monthly statistics…"))
         .on_success(self._exported)
         .on_failure(lambda error: show_error(self, error))
         .on_cancel(lambda: self.ctx.status_message.emit(_("Export cancelled: no file was written.")))
         .start())

    def _exported(self, path) -> None:
        self.last_export = path
        self.ctx.status_message.emit(_("Saved: {path}").format(path=path))

    def refresh(self) -> None:
        self.mark_fresh()
