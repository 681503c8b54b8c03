"""A figure with its caption, clickable to open the matching list."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

CARD_STYLE = """
QFrame[card="true"] { background: white; border: 1px solid #d9dedb; border-radius: 6px; }
QFrame[card="true"]:hover { border-color: #0b6e4f; }
"""


class StatCard(QFrame):
    clicked = Signal()

    def __init__(self, caption: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("card", True)
        self.setStyleSheet(CARD_STYLE)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.value = QLabel("…")
        self.value.setStyleSheet("font-size: 22pt; font-weight: 600; color: #0b6e4f;")
        self.caption = QLabel(caption)
        self.caption.setWordWrap(True)
        self.detail = QLabel("")
        self.detail.setStyleSheet("color: #5f6b66;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)
        layout.addWidget(self.detail)
        self.setMinimumWidth(180)

    def set_value(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)
