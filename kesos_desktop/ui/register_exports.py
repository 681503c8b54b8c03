"""Exporting a register from the list that shows it: ask where, then write it in the background
with progress and Cancel (a cancelled export leaves no file). Shared by the counseling,
reintegration and residents pages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QPushButton, QWidget

from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.ui.tasks import BackgroundTask, Cancelled, run_in_background
from kesos_desktop.ui.widgets.messages import show_error


def ask_path(parent: QWidget, title: str, suggested: str) -> str:
    """Where to save; empty when the user cancelled. Patchable in tests."""
    path, _filter = QFileDialog.getSaveFileName(parent, title, suggested, _("Excel workbooks (*.xlsx)"))
    if path and not path.lower().endswith(".xlsx"):
        path += ".xlsx"
    return path


def export_button(ctx, name: str, tooltip: str) -> QPushButton:
    """The "Export" button of a list; hidden for a role that may not export."""
    button = QPushButton(_("Export to Excel…"))
    button.setObjectName(name)
    button.setToolTip(tooltip)
    if not ctx.can(Action.EXCEL_EXPORT):
        button.hide()
    return button


def start_export(ctx, parent: QWidget, title: str, suggested: str,
                 export: Callable[..., Path], on_done: Callable[[Path], None] | None = None
                 ) -> BackgroundTask | None:
    """Ask for a file, then run ``export(path, progress=..., cancelled=...)`` off the GUI thread.

    ``export`` must take everything else from values captured on the GUI thread (the filters
    as shown when the user clicked), never from widgets."""
    path = ask_path(parent, title, suggested)
    if not path:
        return None

    def work(progress=None):
        from kesos_desktop.excel.writer import ExportCancelled

        try:
            return export(path, progress=progress.report if progress else None,
                          cancelled=(lambda: progress.cancelled) if progress else None)
        except ExportCancelled as stop:
            raise Cancelled() from stop

    def done(written: Path) -> None:
        ctx.status_message.emit(_("Saved: {path}").format(path=written))
        if on_done is not None:
            on_done(written)

    return (run_in_background(work).with_progress(parent, title)
            .on_success(done)
            .on_failure(lambda error: show_error(parent, error))
            .on_cancel(lambda: ctx.status_message.emit(_("Export cancelled: no file was written.")))
            .start())


def export_stays_register(ctx, parent: QWidget) -> BackgroundTask | None:
    """The stays register (riwayat tinggal): choose the period, then where to save."""
    from datetime import date

    from kesos_desktop.excel.export_stays import export_stays
    from kesos_desktop.ui.dialogs.stays_export_dialog import StaysExportDialog

    period = StaysExportDialog.ask(parent)
    if period is None:
        return None
    start, end = period
    db, actor = ctx.db, ctx.actor
    suffix = f"{start:%Y-%m-%d}-{end:%Y-%m-%d}" if start and end else f"{date.today():%Y-%m-%d}"
    return start_export(ctx, parent, _("Exporting the stays register…"), f"riwayat-tinggal-{suffix}.xlsx",
                        lambda path, **kw: export_stays(db, actor, path, start, end, **kw))
