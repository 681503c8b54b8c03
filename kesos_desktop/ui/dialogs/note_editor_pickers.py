"""Choosing residents (current stays) by typing part of a name or registration number."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.i18n import _
from kesos_desktop.services import counseling_caseload
from kesos_desktop.services.counseling_dto import StayRef
from kesos_desktop.ui.tasks import run_in_background

STAY_ROLE = Qt.ItemDataRole.UserRole


def stay_label(stay: StayRef) -> str:
    parts = [stay.name, stay.reg_no] + ([stay.stage.label] if stay.stage else [])
    return " · ".join(parts)


class StayPicker(QWidget):
    """A search box, the matching current stays, and the chosen ones.

    With ``multiple`` several residents can be chosen (group sessions); otherwise choosing one
    replaces the previous choice. ``changed`` is emitted whenever the choice changes.
    With ``browse`` (a list to pick from, single choice): every current stay is listed at first,
    selecting a line chooses it, and the chosen list is not shown.
    """

    changed = Signal()

    def __init__(self, ctx, multiple: bool = False, parent: QWidget | None = None,
                 browse: bool = False):
        super().__init__(parent)
        self.ctx = ctx
        self.multiple = multiple and not browse
        self.browse = browse
        self.search = QLineEdit()
        self.search.setObjectName("stay_search")
        self.search.setPlaceholderText(_("Type a resident's name or registration number…"))
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setObjectName("stay_results")
        self.results.setMaximumHeight(96)
        self.results.setToolTip(_("Double-click or press Enter to choose"))
        self.chosen = QListWidget()
        self.chosen.setObjectName("stay_chosen")
        self.chosen.setMaximumHeight(72)
        self.remove_button = QPushButton(_("Remove"))
        self.remove_button.setToolTip(_("Remove the selected resident from the list"))
        self.hint = QLabel()
        self.hint.setStyleSheet("color: #5f6b66;")
        chosen_row = QHBoxLayout()
        chosen_row.addWidget(self.chosen, 1)
        chosen_row.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.search)
        layout.addWidget(self.results, 1 if browse else 0)
        if browse:
            self.results.setMaximumHeight(16_777_215)
            self.chosen.hide()
            self.remove_button.hide()
        else:
            layout.addWidget(QLabel(_("Chosen:")))
            layout.addLayout(chosen_row)
        layout.addWidget(self.hint)
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self.find)
        self.search.textChanged.connect(self._timer.start)
        self.results.itemActivated.connect(self._choose_item)
        self.results.itemDoubleClicked.connect(self._choose_item)
        self.remove_button.clicked.connect(self._remove_selected)
        self.search.returnPressed.connect(self._choose_first)
        if browse:
            self.results.currentItemChanged.connect(
                lambda item, _old: item is not None and self._choose_item(item))
            self._listed = False

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        if self.browse and not self._listed:
            self._listed = True
            self.find()

    # ------------------------------------------------------------------ searching
    def find(self) -> None:
        text = self.search.text().strip()
        if not text and not self.browse:
            self.results.clear()
            return
        run_in_background(counseling_caseload.find_stays, self.ctx.db, self.ctx.actor, text,
                          limit=500 if self.browse else 50).owned_by(self).on_success(
            self.show_results).start()

    def show_results(self, stays: list[StayRef]) -> None:
        self.results.blockSignals(True)
        self.results.clear()
        self.results.blockSignals(False)
        for stay in stays:
            item = QListWidgetItem(stay_label(stay))
            item.setData(STAY_ROLE, stay)
            self.results.addItem(item)
        if not stays:
            self.hint.setText(_("No current resident matches \"{text}\".").format(
                text=self.search.text().strip()))
        elif self.browse:
            self.hint.setText(_("{n} current residents").format(n=len(stays)))
        else:
            self.hint.setText("")

    def _choose_item(self, item: QListWidgetItem) -> None:
        self.add(item.data(STAY_ROLE))

    def _choose_first(self) -> None:
        if self.results.count():
            self.add(self.results.item(0).data(STAY_ROLE))

    # ------------------------------------------------------------------ the choice
    def add(self, stay: StayRef) -> None:
        if stay is None or stay.admission_id in self.admission_ids():
            return
        if not self.multiple:
            self.chosen.clear()
        item = QListWidgetItem(stay_label(stay))
        item.setData(STAY_ROLE, stay)
        self.chosen.addItem(item)
        self.changed.emit()

    def _remove_selected(self) -> None:
        for item in self.chosen.selectedItems():
            self.chosen.takeItem(self.chosen.row(item))
        self.changed.emit()

    def set_stays(self, stays: list[StayRef]) -> None:
        self.chosen.clear()
        for stay in stays:
            item = QListWidgetItem(stay_label(stay))
            item.setData(STAY_ROLE, stay)
            self.chosen.addItem(item)
        self.changed.emit()

    def stays(self) -> list[StayRef]:
        return [self.chosen.item(i).data(STAY_ROLE) for i in range(self.chosen.count())]

    def admission_ids(self) -> tuple[int, ...]:
        return tuple(s.admission_id for s in self.stays())

    def set_multiple(self, multiple: bool) -> None:
        self.multiple = multiple
        if not multiple and self.chosen.count() > 1:
            keep = self.stays()[:1]
            self.set_stays(keep)

    def set_read_only(self, read_only: bool) -> None:
        for widget in (self.search, self.results, self.remove_button):
            widget.setVisible(not read_only)
