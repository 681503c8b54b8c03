"""When a save meets a newer version saved elsewhere: say who and when, compare, let staff choose.

Never a silent overwrite: the user either takes the saved version (their edits are dropped) or
keeps their own edits on top of it, having seen every field that differs.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.enums import LabeledEnum
from kesos_desktop.domain.errors import ConflictError
from kesos_desktop.i18n import _, format_date, format_datetime


class ConflictChoice(Enum):
    RELOAD = "reload"  # show the saved version, drop my edits
    KEEP_MINE = "keep_mine"  # keep my edits on top of the saved version; save again to apply


class ConflictDialog(QDialog):
    def __init__(self, error: ConflictError, differences: list[tuple[str, str, str]],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.choice = ConflictChoice.RELOAD
        self.setWindowTitle(_("Changed by someone else"))
        message = QLabel(str(error))
        message.setWordWrap(True)
        table = QTableWidget(len(differences), 3)
        table.setObjectName("conflict_table")
        table.setHorizontalHeaderLabels([_("Field"), _("Your edit"), _("Saved by the other user")])
        for row, (field, mine, theirs) in enumerate(differences):
            for column, text in enumerate((field, mine, theirs)):
                table.setItem(row, column, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox()
        reload_button = QPushButton(_("Use the saved version"))
        keep_button = QPushButton(_("Keep my edits"))
        buttons.addButton(reload_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(keep_button, QDialogButtonBox.ButtonRole.ActionRole)
        reload_button.clicked.connect(self._reload)
        keep_button.clicked.connect(self._keep)
        layout = QVBoxLayout(self)
        layout.addWidget(message)
        if differences:
            layout.addWidget(QLabel(_("Fields that differ:")))
            layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(620, 360)

    def _reload(self) -> None:
        self.choice = ConflictChoice.RELOAD
        self.accept()

    def _keep(self) -> None:
        self.choice = ConflictChoice.KEEP_MINE
        self.accept()

    @classmethod
    def ask(cls, error: ConflictError, differences: list[tuple[str, str, str]],
            parent: QWidget | None = None) -> ConflictChoice:
        dialog = cls(error, differences, parent)
        dialog.exec()
        return dialog.choice


def differences(mine: dict, theirs: dict, labels: dict[str, str]) -> list[tuple[str, str, str]]:
    """(label, my value, saved value) for every labelled field whose values differ."""
    return [
        (labels[key], display(mine.get(key)), display(theirs.get(key)))
        for key in labels
        if _same_kind(mine.get(key)) != _same_kind(theirs.get(key))
    ]


def _same_kind(value):
    """Text boxes give "" where the record has None: that is no difference."""
    return None if value == "" else value


def display(value) -> str:
    """A value as staff read it: labels, not codes; dates as dd/mm/yyyy; yes/no; "-" for empty."""
    if value is None or value == "":
        return "-"
    if isinstance(value, LabeledEnum):
        return value.label
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, date):
        return format_date(value, "short")
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(display(item) for item in value)
    return str(value)
