"""Pieces the training pages share: session columns, opening a roll, cancelling a session."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget

from kesos_desktop.domain.errors import KesosError
from kesos_desktop.i18n import _, format_date
from kesos_desktop.services import training_attendance, training_schedule
from kesos_desktop.services.training_types import SessionRow
from kesos_desktop.ui.models.dto_table import Column
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.messages import Messages, show_error

CANCELLED_COLOR = "#8a8f8c"


def session_state(row: SessionRow) -> str:
    if row.cancelled:
        return _("Cancelled: {reason}").format(reason=row.cancel_reason) if row.cancel_reason \
            else _("Cancelled")
    if row.recorded:
        return _("Recorded {done} of {total}").format(done=row.recorded,
                                                      total=max(row.enrolled, row.recorded))
    return _("Scheduled")


def session_state_color(row: SessionRow) -> str | None:
    if row.cancelled:
        return CANCELLED_COLOR
    if row.recorded:
        return "#14532d"
    return None


def time_range(row: SessionRow) -> str:
    return f"{row.start_time:%H:%M}-{row.end_time:%H:%M}"


def session_columns(with_program: bool) -> list[Column]:
    columns = [
        Column(_("Date"), lambda r: r.day),
        Column(_("Time"), time_range),
    ]
    if with_program:
        columns += [Column(_("Program"), lambda r: r.program_name),
                    Column(_("Instructor"), lambda r: r.instructor)]
    columns += [
        Column(_("Place"), lambda r: r.place),
        Column(_("Topic"), lambda r: r.topic + (" " + _("(extra)") if r.is_extra else "")),
        Column(_("Participants"), lambda r: r.enrolled),
        Column(_("Status"), session_state, color=session_state_color),
    ]
    return columns


def open_roll(parent: QWidget, ctx, session_id: int, on_saved=None) -> None:
    """Load the roll off the GUI thread, then open the keyboard roll dialog."""
    from kesos_desktop.ui.dialogs.attendance_roll import AttendanceRollDialog

    def show(roll) -> None:
        if AttendanceRollDialog.ask(ctx, roll, parent) and on_saved is not None:
            on_saved()

    run_in_background(training_attendance.get_roll, ctx.db, ctx.actor, session_id).owned_by(
        parent).on_success(show).start()


def ask_reason(parent: QWidget, title: str, question: str) -> str | None:
    """A one-line reason (None when the user cancels); tests replace this function."""
    text, ok = QInputDialog.getText(parent, title, question, QLineEdit.EchoMode.Normal, "")
    return text if ok else None


def cancel_session(parent: QWidget, ctx, row: SessionRow) -> bool:
    """Ask for the reason, then cancel one session (audited). True when cancelled."""
    question = _("Cancel the session of {program} on {day} {time}? Give the reason:").format(
        program=row.program_name, day=format_date(row.day), time=time_range(row))
    reason = ask_reason(parent, _("Cancel session"), question)
    if reason is None:
        return False
    try:
        changes = training_schedule.cancel_session(ctx.db, ctx.actor, row.id, reason, row.version)
    except KesosError as error:
        show_error(parent, error)
        return False
    ctx.announce(changes)
    ctx.say(_("Session cancelled."))
    return True


def reinstate_session(parent: QWidget, ctx, row: SessionRow) -> bool:
    if not Messages.confirm(parent, _("Hold the session of {program} on {day} after all?").format(
            program=row.program_name, day=format_date(row.day))):
        return False
    try:
        changes = training_schedule.reinstate_session(ctx.db, ctx.actor, row.id, row.version)
    except KesosError as error:
        show_error(parent, error)
        return False
    ctx.announce(changes)
    return True


def setup_table(table, widths: list[int], sort_column: int | None = None,
                descending: bool = False) -> None:
    """First-use column widths (a layout the user saved wins) and a definite sort order."""
    from PySide6.QtCore import Qt

    saved = not table.first_widths(widths)
    if sort_column is None:
        table.setSortingEnabled(False)
        table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        table.setSortingEnabled(True)
        return
    header = table.horizontalHeader()
    if saved and header.sortIndicatorSection() >= 0:
        table.sortByColumn(header.sortIndicatorSection(), header.sortIndicatorOrder())
    else:
        table.sortByColumn(sort_column, Qt.SortOrder.DescendingOrder if descending
                           else Qt.SortOrder.AscendingOrder)
