"""Small pieces shared by the reintegration page and its dialogs."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from kesos_desktop.i18n import _, format_date
from kesos_desktop.services.reintegration_common import StayInfo, Worker
from kesos_desktop.ui.widgets.form import date_edit

ACCENT = "#0b6e4f"
LATE = "#b3261e"
SOON = "#8a5a00"
MUTED = "#5f6b66"
GOOD = "#0b6e4f"
_NO_DATE = QDate(1900, 1, 1)


def to_qdate(value: date | None) -> QDate:
    return QDate(value.year, value.month, value.day) if value else QDate.currentDate()


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def date_field(value: date | None = None) -> QDateEdit:
    """A dd/MM/yyyy date edit with a calendar, never later than today by mistake of typing."""
    return date_edit(to_qdate(value))


def optional_date_field(value: date | None = None) -> QDateEdit:
    """A date edit that can also be empty (shown as "-"); read it with ``optional_date``."""
    edit = date_edit(to_qdate(value) if value else _NO_DATE)
    edit.setMinimumDate(_NO_DATE)
    edit.setSpecialValueText(_("(none)"))
    edit.setToolTip(_("Set the earliest date (or press Home) to leave it empty."))
    return edit


def optional_date(edit: QDateEdit) -> date | None:
    return None if edit.date() == _NO_DATE else to_date(edit.date())


def text_area(text: str | None = None, lines: int = 3) -> QPlainTextEdit:
    edit = QPlainTextEdit(text or "")
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(12 + lines * edit.fontMetrics().lineSpacing() + 8)
    return edit


def worker_combo(workers: list[Worker], current: int | None, blank: str | None = None) -> QComboBox:
    combo = QComboBox()
    if blank is not None:
        combo.addItem(blank, None)
    for worker in workers:
        combo.addItem(worker.full_name, worker.id)
    index = combo.findData(current)
    combo.setCurrentIndex(index if index >= 0 else 0)
    return combo


def save_buttons(parent: QWidget, save_text: str | None = None) -> QDialogButtonBox:
    """Save (Ctrl+S, default) and Cancel (Esc)."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    save: QPushButton = buttons.button(QDialogButtonBox.StandardButton.Save)
    save.setText(save_text or _("Save"))
    save.setShortcut("Ctrl+S")
    save.setDefault(True)
    save.setObjectName("save_button")
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
    buttons.rejected.connect(parent.reject)
    return buttons


class StayHeader(QLabel):
    """Who the dialog is about: name, registration number, stage, dates, room."""

    def __init__(self, stay: StayInfo, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("stay_header")
        self.setWordWrap(True)
        self.setStyleSheet(
            "QLabel#stay_header { background: #f3f5f4; border: 1px solid #d9dedb;"
            " border-radius: 4px; padding: 8px; }"
        )
        self.set_stay(stay)

    def set_stay(self, stay: StayInfo) -> None:
        parts = [
            stay.reg_no,
            stay.stage.label,
            _("admitted {date}").format(date=format_date(stay.admitted_on)),
        ]
        if stay.room_name:
            parts.append(_("room {room}").format(room=stay.room_name))
        if stay.terminated_on:
            parts.append(_("terminated {date}").format(date=format_date(stay.terminated_on)))
        self.setText(f"<b style='font-size:11pt'>{_escape(stay.name)}</b><br>"
                     f"<span style='color:{MUTED}'>{_escape(' · '.join(parts))}</span>")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class FirstLayout:
    """Until the user arranges a table's columns (DataTable remembers them), give it a sensible
    first look: a default sort and column widths that fit the usual contents at 1366x768.
    Call right after ``set_source_model`` (which restores a remembered layout)."""

    def __init__(self, table, sort_column: int | None, widths: list[int]):
        from PySide6.QtCore import Qt

        if table.has_saved_layout():
            return
        if sort_column is not None:
            table.sortByColumn(sort_column, Qt.SortOrder.AscendingOrder)
        table.first_widths(widths)


def enum_data(combo: QComboBox, enum_cls):
    """The chosen member of an ``enum_combo`` (Qt hands string enums back as plain str)."""
    value = combo.currentData()
    return None if value is None else enum_cls(value)
