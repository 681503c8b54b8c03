"""Forms the way UI.md asks: label left, field right, required fields marked *, the message
for a field shown right under it in plain Indonesian."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.enums import LabeledEnum
from kesos_desktop.i18n import _

ERROR_STYLE = "color: #b3261e;"


class Form(QFormLayout):
    """A QFormLayout that knows its fields by key and can show a message under each."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.fields: dict[str, QWidget] = {}
        self._errors: dict[str, QLabel] = {}
        self._labels: dict[str, str] = {}

    def add(self, key: str, label: str, widget: QWidget, required: bool = False) -> QWidget:
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        error = QLabel()
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.setObjectName(f"error_{key}")
        error.hide()
        column.addWidget(error)
        caption = QLabel(f"{label} *" if required else label)
        caption.setBuddy(widget)
        if required:
            caption.setToolTip(_("Required"))
        self.addRow(caption, holder)
        self.fields[key] = widget
        self._errors[key] = error
        self._labels[key] = label
        return widget

    def set_error(self, key: str, message: str | None) -> None:
        label = self._errors.get(key)
        if label is None:
            return
        label.setText(message or "")
        label.setVisible(bool(message))

    def set_errors(self, errors: dict[str, str]) -> None:
        for key in self._errors:
            self.set_error(key, errors.get(key))

    def clear_errors(self) -> None:
        self.set_errors({})

    def labels(self, *keys: str) -> dict[str, str]:
        """{key: label} of the named fields (all that have a label when none are named)."""
        return {key: self._labels[key] for key in keys or self._labels if self._labels[key]}

    def error_text(self, key: str) -> str:
        label = self._errors.get(key)
        return label.text() if label is not None and not label.isHidden() else ""


def enum_combo(enum_cls: type[LabeledEnum], with_blank: str | None = None) -> QComboBox:
    """A combo box of an enumeration's labels; ``currentData()`` gives the member."""
    combo = QComboBox()
    if with_blank is not None:
        combo.addItem(with_blank, None)
    for member, label in enum_cls.choices():
        combo.addItem(label, member)
    return combo


def select_data(combo: QComboBox, value) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


def date_edit(value: QDate | None = None) -> QDateEdit:
    edit = QDateEdit(value or QDate.currentDate())
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    return edit
