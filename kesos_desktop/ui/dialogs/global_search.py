"""Search everywhere (Ctrl+K): type, see residents and programs, Enter opens the record."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout

from kesos_desktop.i18n import _
from kesos_desktop.services import global_search
from kesos_desktop.ui.tasks import run_in_background

TARGET_ROLE = Qt.ItemDataRole.UserRole + 1


class GlobalSearchDialog(QDialog):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Search everywhere"))
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(_("Name, alias, NIK, registration number or program..."))
        self.edit.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setObjectName("global_results")
        self.status = QLabel(_("Type at least 2 characters."))
        self.status.setStyleSheet("color: #5f6b66;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.edit)
        layout.addWidget(self.results)
        layout.addWidget(self.status)
        self._timer = QTimer(self, singleShot=True, interval=150, timeout=self.search)
        self.edit.textChanged.connect(lambda _t: self._timer.start())
        self.edit.returnPressed.connect(self.open_current)
        self.results.itemActivated.connect(lambda _item: self.open_current())
        self._asked = ""
        self.resize(560, 420)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.edit.hasFocus():
            self.results.setFocus()
            self.results.keyPressEvent(event)
            return
        super().keyPressEvent(event)

    def search(self) -> None:
        text = self.edit.text().strip()
        self._asked = text
        if len(text) < 2:
            self.results.clear()
            self.status.setText(_("Type at least 2 characters."))
            return
        run_in_background(global_search.search_everything, self.ctx.db, self.ctx.actor, text).owned_by(
            self).on_success(self.show_results).start()

    def show_results(self, found: global_search.SearchResults) -> None:
        if found.text != self._asked:
            return  # an answer to an older question
        self.results.clear()
        for row in found.residents:
            where = row.room_name or (_("left") if row.terminated_on else "")
            label = f"{row.name}" + (f" ({row.alias})" if row.alias else "") + f"  ·  {row.reg_no}"
            if where:
                label += f"  ·  {where}"
            self._add(_("Resident: {text}").format(text=label), "residents", {"resident_id": row.resident_id})
        for program in found.programs:
            self._add(_("Program: {name} ({start} - {end})").format(
                name=program.name, start=program.start_date.strftime("%d/%m/%Y"),
                end=program.end_date.strftime("%d/%m/%Y")), "training", {"program_id": program.program_id})
        count = self.results.count()
        self.status.setText(_("{n} found. Enter opens the selected one.").format(n=count) if count
                            else _("Nothing found for {text!r}.").format(text=found.text))
        if count:
            self.results.setCurrentRow(0)

    def _add(self, text: str, page: str, target: dict) -> None:
        item = QListWidgetItem(text)
        item.setData(TARGET_ROLE, (page, target))
        self.results.addItem(item)

    def open_current(self) -> None:
        item = self.results.currentItem()
        if item is None:
            return
        page, target = item.data(TARGET_ROLE)
        self.accept()
        self.ctx.open(page, target)

    @classmethod
    def open_for(cls, ctx, parent=None) -> None:
        dialog = cls(ctx, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        dialog.edit.setFocus()
