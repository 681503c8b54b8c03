"""The registry's search box and filters, turned into a ``ResidentQuery``."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from kesos_desktop.domain.enums import PpksCategory, Sex, Stage
from kesos_desktop.domain.resident_dto import ResidentQuery, ResidentStatus, RoomRow
from kesos_desktop.i18n import _
from kesos_desktop.ui.widgets.form import enum_combo, select_data

TYPING_PAUSE_MS = 150
NO_DATE = QDate(1900, 1, 1)


def optional_date_edit(name: str) -> QDateEdit:
    """A date field that can be empty: at its minimum it shows "—" and means no limit."""
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText("—")
    edit.setDate(NO_DATE)
    return edit


def _marker_icon() -> QIcon:
    from kesos_desktop.ui.models.resident_table import NO_CONSENT_COLOR

    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(NO_CONSENT_COLOR))
    return QIcon(pixmap)


def enum_value(combo: QComboBox, enum_cls):
    """The chosen member of ``enum_cls`` (Qt hands enum data back as plain strings), or None."""
    value = combo.currentData()
    return None if value is None else enum_cls(value)


def date_or_none(edit: QDateEdit) -> date | None:
    value = edit.date()
    return None if value == edit.minimumDate() else value.toPython()


class LazyComboBox(QComboBox):
    """A combo box whose choices are fetched only when someone reaches for it (focus or popup):
    most visits to the registry never filter by room, and a large facility has thousands."""

    wanted = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.filled = False

    def showPopup(self) -> None:  # noqa: N802 - Qt naming
        if not self.filled:
            self.wanted.emit()
        super().showPopup()

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if not self.filled:
            self.wanted.emit()
        super().focusInEvent(event)


class ResidentFilters(QWidget):
    """Search as you type (a short pause after the last key), status and filters."""

    changed = Signal()
    #: the room filter needs its choices (``set_rooms``)
    rooms_wanted = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.search = QLineEdit()
        self.search.setObjectName("resident_search")
        self.search.setClearButtonEnabled(True)
        self.search.setPlaceholderText(_("Search name, alias, NIK or registration number (Ctrl+F)"))
        self.status = QComboBox()
        self.status.setObjectName("resident_status")
        for status in ResidentStatus:
            self.status.addItem(status.label, status)
        self.category = enum_combo(PpksCategory, with_blank=_("All categories"))
        self.category.setObjectName("filter_category")
        self.category.setMaximumWidth(230)
        self.stage = enum_combo(Stage, with_blank=_("All stages"))
        self.stage.setObjectName("filter_stage")
        self.room = LazyComboBox()
        self.room.setObjectName("filter_room")
        self.room.addItem(_("All rooms"), None)
        self.room.wanted.connect(self.rooms_wanted)
        self._pending_room = None  # a room asked for before the choices arrived
        self.sex = enum_combo(Sex, with_blank=_("Both sexes"))
        self.sex.setObjectName("filter_sex")
        self.admitted_from = optional_date_edit("filter_from")
        self.admitted_to = optional_date_edit("filter_to")
        self.without_consent = QCheckBox(_("Without consent"))
        self.without_consent.setObjectName("filter_without_consent")
        self.without_consent.setIcon(_marker_icon())  # the same red mark as the list's names
        self.without_consent.setToolTip(_("Only people with no consent to care and data "
                                          "processing on record (UU PDP)"))
        self.clear_button = QPushButton(_("Clear filters"))
        self.clear_button.setObjectName("clear_filters")

        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(TYPING_PAUSE_MS)
        self._pause.timeout.connect(self.changed)
        self.search.textChanged.connect(lambda _t: self._pause.start())
        self.search.returnPressed.connect(self._now)
        for combo in (self.status, self.category, self.stage, self.room, self.sex):
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
        for edit in (self.admitted_from, self.admitted_to):
            edit.dateChanged.connect(lambda _d: self.changed.emit())
        self.without_consent.toggled.connect(lambda _c: self.changed.emit())
        self.clear_button.clicked.connect(self.clear)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.status)
        top.addWidget(self.without_consent)
        grid.addLayout(top, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("Filter:")))
        for widget in (self.category, self.stage, self.room, self.sex):
            row.addWidget(widget)
        row.addSpacing(6)
        admitted = QLabel(_("Admitted"))
        admitted.setBuddy(self.admitted_from)
        row.addWidget(admitted)
        row.addWidget(self.admitted_from)
        row.addWidget(QLabel(_("to")))
        row.addWidget(self.admitted_to)
        row.addStretch(1)
        row.addWidget(self.clear_button)
        grid.addLayout(row, 1, 0)

    def _now(self) -> None:
        self._pause.stop()
        self.changed.emit()

    FILTER_KEYS = frozenset({"status", "category", "stage", "room_id", "sex", "admitted_from",
                             "admitted_to", "text", "without_consent"})

    def show_target(self, target: dict) -> None:
        """Set the filters from a dashboard click, e.g. {"category": "gelandangan"}; others cleared."""
        combos = {"status": self.status, "category": self.category, "stage": self.stage, "sex": self.sex}
        widgets = [self.search, *combos.values(), self.room, self.admitted_from, self.admitted_to,
                   self.without_consent]
        for widget in widgets:
            widget.blockSignals(True)
        self.search.setText(str(target.get("text", "")))
        for key, combo in combos.items():
            combo.setCurrentIndex(0 if key != "status" else combo.findData(ResidentStatus.CURRENT))
            if target.get(key):
                select_data(combo, target[key])
        self._pending_room = target.get("room_id")
        self.room.setCurrentIndex(0)
        if self._pending_room is not None:
            select_data(self.room, self._pending_room)
            if not self.room.filled:
                self.rooms_wanted.emit()
        for key, edit in (("admitted_from", self.admitted_from), ("admitted_to", self.admitted_to)):
            value = target.get(key)
            edit.setDate(QDate(value) if isinstance(value, date) else NO_DATE)
        self.without_consent.setChecked(bool(target.get("without_consent")))
        for widget in widgets:
            widget.blockSignals(False)
        self.changed.emit()

    def rooms_loaded(self) -> bool:
        return self.room.filled

    def set_rooms(self, rooms: list[RoomRow]) -> None:
        current = self._pending_room or self.room.currentData()
        self._pending_room = None
        self.room.filled = True
        self.room.blockSignals(True)
        self.room.clear()
        self.room.addItem(_("All rooms"), None)
        for room in rooms:
            self.room.addItem(room.name, room.id)
        select_data(self.room, current)
        self.room.blockSignals(False)

    def apply(self, query: ResidentQuery) -> ResidentQuery:
        """``query`` with this bar's search text and filters (sort and paging kept)."""
        return replace(
            query,
            text=self.search.text().strip(),
            status=enum_value(self.status, ResidentStatus) or ResidentStatus.CURRENT,
            category=enum_value(self.category, PpksCategory),
            stage=enum_value(self.stage, Stage),
            room_id=self._pending_room if self._pending_room is not None else self.room.currentData(),
            sex=enum_value(self.sex, Sex),
            admitted_from=date_or_none(self.admitted_from),
            admitted_to=date_or_none(self.admitted_to),
            without_consent=self.without_consent.isChecked(),
        )

    def clear(self) -> None:
        for widget in (self.search, self.category, self.stage, self.room, self.sex,
                       self.admitted_from, self.admitted_to, self.without_consent):
            widget.blockSignals(True)
        self.search.clear()
        for combo in (self.category, self.stage, self.room, self.sex):
            combo.setCurrentIndex(0)
        self.admitted_from.setDate(NO_DATE)
        self.admitted_to.setDate(NO_DATE)
        self.without_consent.setChecked(False)
        for widget in (self.search, self.category, self.stage, self.room, self.sex,
                       self.admitted_from, self.admitted_to, self.without_consent):
            widget.blockSignals(False)
        self.changed.emit()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()
        # again once the page switch has settled (the stacked widget moves focus when it shows)
        QTimer.singleShot(0, lambda: self.search.setFocus(Qt.FocusReason.ShortcutFocusReason))
