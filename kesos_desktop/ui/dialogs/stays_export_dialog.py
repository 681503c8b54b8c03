"""Which stays the stays register (riwayat tinggal) exports: all of them, or those in a period."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.i18n import _
from kesos_desktop.ui.widgets.form import date_edit

Period = tuple[date | None, date | None]


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class StaysExportDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Export the stays register"))
        self.every = QRadioButton(_("Every stay, since the first admission"))
        self.period = QRadioButton(_("Stays in the facility on any day of this period:"))
        self.period.setChecked(True)
        today = QDate.currentDate()
        self.start = date_edit(QDate(today.year(), 1, 1))
        self.end = date_edit(today)
        row = QHBoxLayout()
        row.addSpacing(24)
        for widget in (self.start, QLabel("–"), self.end):
            row.addWidget(widget)
        row.addStretch(1)
        self.period.toggled.connect(self.start.setEnabled)
        self.period.toggled.connect(self.end.setEnabled)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Export…"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("One row per stay: admission, room, status, exit and length of stay.")))
        layout.addWidget(self.period)
        layout.addLayout(row)
        layout.addWidget(self.every)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def chosen(self) -> Period:
        if self.every.isChecked():
            return None, None
        return _day(self.start.date()), _day(self.end.date())

    def accept(self) -> None:
        start, end = self.chosen()
        if start and end and start > end:
            self.error.setText(_("The start of the period must not be after its end."))
            return
        super().accept()

    @classmethod
    def ask(cls, parent: QWidget | None) -> Period | None:
        """(start, end) - both None for every stay - or None when cancelled. Patchable in tests."""
        dialog = cls(parent)
        return dialog.chosen() if dialog.exec() == QDialog.DialogCode.Accepted else None
