"""Excel on the training pages: blank templates to download, the program list and the attendance
matrix exported, each written in the background with progress and Cancel (a cancelled export
leaves no file: the writer only renames a finished one into place)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtWidgets import QFileDialog, QMenu, QToolButton, QWidget

from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.ui.tasks import Cancelled, run_in_background
from kesos_desktop.ui.widgets.messages import show_error


def ask_save_path(parent: QWidget, title: str, suggested: str) -> str:
    """Patchable in tests."""
    path, _filter = QFileDialog.getSaveFileName(parent, title, suggested, _("Excel workbooks (*.xlsx)"))
    return path


def write_in_background(ctx, parent: QWidget, label: str, work: Callable, path: str):
    """Run ``work(path, progress, cancelled)`` off the GUI thread with a progress dialog."""

    def task(progress=None):
        from kesos_desktop.excel.writer import ExportCancelled

        try:
            return work(path, progress.report if progress else None,
                        (lambda: progress.cancelled) if progress else None)
        except ExportCancelled as stop:
            raise Cancelled() from stop

    return (run_in_background(task).with_progress(parent, label)
            .on_success(lambda p: ctx.status_message.emit(_("Saved: {path}").format(path=p)))
            .on_failure(lambda error: show_error(parent, error))
            .on_cancel(lambda: ctx.status_message.emit(_("Export cancelled: no file was written.")))
            .start())


def download_template(ctx, parent: QWidget, kind: str, path: str | None = None):
    """The blank schedule or attendance register, with today's programs in its dropdown."""
    names = {"schedule": "template-jadwal-pelatihan.xlsx", "attendance": "template-kehadiran.xlsx"}
    path = path or ask_save_path(parent, _("Save the blank register"), names[kind])
    if not path:
        return None
    db, actor = ctx.db, ctx.actor

    def work(target, progress, cancelled):
        from kesos_desktop.excel.templates import TEMPLATES
        from kesos_desktop.services.training_programs import list_programs

        programs = sorted({p.name for p in list_programs(db, actor)})
        return TEMPLATES[kind](target, programs)

    return write_in_background(ctx, parent, _("Writing the template…"), work, path)


def export_programs(ctx, parent: QWidget, text: str, status, path: str | None = None):
    """The program list as shown (search and status) to .xlsx."""
    path = path or ask_save_path(parent, _("Export training programs"),
                                 f"program-pelatihan-{date.today():%Y-%m-%d}.xlsx")
    if not path:
        return None
    db, actor = ctx.db, ctx.actor

    def work(target, progress, cancelled):
        from kesos_desktop.excel.export_training import export_programs as export

        return export(db, actor, target, text, status, progress, cancelled)

    return write_in_background(ctx, parent, _("Exporting the training programs…"), work, path)


def export_matrix(ctx, parent: QWidget, program_id: int, program_name: str, year: int, month: int,
                  path: str | None = None, today: date | None = None):
    """One program's attendance matrix for one month to .xlsx."""
    slug = "-".join(program_name.lower().split())[:40]
    path = path or ask_save_path(parent, _("Export the attendance matrix"),
                                 f"kehadiran-{slug}-{year}-{month:02d}.xlsx")
    if not path:
        return None
    db, actor = ctx.db, ctx.actor

    def work(target, progress, cancelled):
        from kesos_desktop.excel.exports import export_attendance

        return export_attendance(db, actor, program_id, year, month, target, progress, cancelled,
                                 today)

    return write_in_background(ctx, parent, _("Exporting the attendance matrix…"), work, path)


def excel_button(ctx, parent: QWidget, on_export: Callable[[], None]) -> QToolButton:
    """The "Excel" menu of the program list: templates, imports (by permission), the export."""
    from kesos_desktop.ui.dialogs.training_import import start_training_import

    button = QToolButton(parent)
    button.setObjectName("training_excel")
    button.setText(_("Excel"))
    button.setToolTip(_("Templates, import and export of the training registers"))
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    menu = QMenu(button)
    actions = {
        "export": menu.addAction(_("Export this list…"), on_export),
    }
    menu.addSeparator()
    actions["template_schedule"] = menu.addAction(
        _("Download schedule template…"), lambda: download_template(ctx, parent, "schedule"))
    actions["template_attendance"] = menu.addAction(
        _("Download attendance template…"), lambda: download_template(ctx, parent, "attendance"))
    menu.addSeparator()
    parent.training_imports = []  # the running flows, kept alive while their dialogs are open
    actions["import_schedule"] = menu.addAction(
        _("Import schedule…"),
        lambda: parent.training_imports.append(start_training_import(ctx, parent, "schedule")))
    actions["import_attendance"] = menu.addAction(
        _("Import attendance…"),
        lambda: parent.training_imports.append(start_training_import(ctx, parent, "attendance")))
    can_import = ctx.can(Action.EXCEL_IMPORT)
    actions["import_schedule"].setEnabled(can_import and ctx.can(Action.TRAINING_MANAGE))
    actions["import_attendance"].setEnabled(can_import and ctx.can(Action.ATTENDANCE_RECORD))
    actions["export"].setEnabled(ctx.can(Action.EXCEL_EXPORT))
    for key, action in actions.items():
        action.setObjectName(f"excel_{key}")
    button.setMenu(menu)
    button.excel_actions = actions
    return button
