"""Kamar: the rooms, how full they are, who sleeps where; add and edit rooms (administrators)."""

from __future__ import annotations

from dataclasses import asdict

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.enums import RoomSex
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.resident_dto import RoomInput, RoomRow
from kesos_desktop.i18n import _, format_number
from kesos_desktop.services import rooms
from kesos_desktop.ui.dialogs.resident_file_tabs import default_widths
from kesos_desktop.ui.models.dto_table import Column, DtoTableModel
from kesos_desktop.ui.pages.residents_filters import enum_value
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.form import Form, enum_combo, select_data
from kesos_desktop.ui.widgets.saving import OnConflict, by_id, save_form
from kesos_desktop.ui.widgets.table_view import DataTable

FULL_COLOR = "#b3261e"
CLOSED_COLOR = "#8a8f8c"


def occupancy_text(room: RoomRow) -> str:
    if not room.active:
        return _("Closed")
    if room.occupied > room.capacity:
        return _("Over capacity")
    if room.full:
        return _("Full")
    return _("{n} free").format(n=format_number(room.free))


def occupancy_color(room: RoomRow) -> str | None:
    if not room.active:
        return CLOSED_COLOR
    return FULL_COLOR if room.full else None


class RoomDialog(QDialog):
    def __init__(self, ctx, room: RoomRow | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.room = ctx, room
        self.saved: RoomRow | None = None
        self.setWindowTitle(_("Edit room") if room else _("New room"))
        self.form = Form()
        self.name = self.form.add("name", _("Name"), QLineEdit(), required=True)
        self.name.setObjectName("room_name")
        self.name.setMaxLength(60)
        self.sex = self.form.add("sex", _("For"), enum_combo(RoomSex), required=True)
        self.capacity = self.form.add("capacity", _("Beds"), QSpinBox(), required=True)
        self.capacity.setObjectName("room_capacity")
        self.capacity.setRange(0, 500)
        self.capacity.setValue(4)
        self.notes = self.form.add("notes", _("Notes"), QPlainTextEdit())
        self.notes.setFixedHeight(60)
        self.active = self.form.add("active", "", QCheckBox(_("In use")))
        self.active.setChecked(True)
        if room is not None:
            self.load(room)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(buttons)
        self.resize(420, 300)

    def load(self, room: RoomRow) -> None:
        self.name.setText(room.name)
        select_data(self.sex, room.sex)
        self.capacity.setValue(room.capacity)
        self.notes.setPlainText(room.notes or "")
        self.active.setChecked(room.active)

    def value(self) -> RoomInput:
        return RoomInput(self.name.text(), enum_value(self.sex, RoomSex), self.capacity.value(),
                         self.notes.toPlainText(), self.active.isChecked())

    def save(self) -> None:
        db, actor, data = self.ctx.db, self.ctx.actor, self.value()
        if self.room is None:
            result = save_form(self, lambda: rooms.create_room(db, actor, data), self.form)
        else:
            result = save_form(
                self, lambda: rooms.update_room(db, actor, self.room.id, data, self.room.version),
                self.form, conflict=self._on_conflict())
        if result is None:
            return
        self.saved, changes = result
        self.ctx.announce(changes)
        self.accept()

    def _on_conflict(self) -> OnConflict:
        labels = {"name": _("Name"), "sex": _("For"), "capacity": _("Beds"), "notes": _("Notes"),
                  "active": _("In use")}
        return OnConflict(fetch=self._saved_room, mine=lambda: asdict(self.value()),
                          theirs=asdict, labels=labels, adopt=self._adopt, show=self.load)

    def _saved_room(self) -> RoomRow:
        return by_id(rooms.list_rooms(self.ctx.db, self.ctx.actor, include_inactive=True),
                     self.room.id, _("This room no longer exists."))

    def _adopt(self, saved: RoomRow) -> None:
        self.room = saved

    @classmethod
    def ask(cls, ctx, room: RoomRow | None = None, parent: QWidget | None = None) -> RoomRow | None:
        dialog = cls(ctx, room, parent)
        return dialog.saved if dialog.exec() == QDialog.DialogCode.Accepted else None


class RoomsDialog(QDialog):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Rooms (Kamar)"))
        self.model = DtoTableModel([
            Column(_("Room"), lambda r: r.name),
            Column(_("For"), lambda r: r.sex.label),
            Column(_("Beds"), lambda r: r.capacity),
            Column(_("Taken"), lambda r: r.occupied),
            Column(_("Status"), occupancy_text, color=occupancy_color),
            Column(_("Notes"), lambda r: r.notes),
        ])
        self.table = DataTable("rooms_table")
        self.table.set_source_model(self.model)
        default_widths(self.table, (190, 90, 95, 60, 110))
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self.show_occupants())
        self.table.activated_row.connect(lambda _row: self.edit_room())
        self.occupants = DtoTableModel([
            Column(_("Reg. no."), lambda o: o.reg_no),
            Column(_("Name"), lambda o: o.name),
            Column(_("Since"), lambda o: o.since),
        ])
        occupant_table = DataTable("occupants_table")
        occupant_table.set_source_model(self.occupants)
        default_widths(occupant_table, (120, 150))
        self.totals = QLabel()
        self.totals.setObjectName("rooms_totals")
        self.show_closed = QCheckBox(_("Show closed rooms"))
        self.show_closed.toggled.connect(lambda _c: self.refresh())
        manage = ctx.can(Action.ROOM_MANAGE)
        self.add_button = QPushButton(_("Add room"))
        self.add_button.setObjectName("add_room")
        self.edit_button = QPushButton(_("Edit room"))
        for button in (self.add_button, self.edit_button):
            if not manage:
                button.hide()
        self.add_button.clicked.connect(self.add_room)
        self.edit_button.clicked.connect(self.edit_room)
        close = QPushButton(_("Close"))
        close.clicked.connect(self.accept)
        who = QGroupBox(_("Who sleeps here"))
        QVBoxLayout(who).addWidget(occupant_table)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(who)
        split.setSizes([620, 340])
        buttons = QHBoxLayout()
        buttons.addWidget(self.totals)
        buttons.addStretch(1)
        buttons.addWidget(self.show_closed)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self.resize(1000, 560)
        self.refresh()

    def refresh(self) -> None:
        run_in_background(rooms.list_rooms, self.ctx.db, self.ctx.actor,
                          self.show_closed.isChecked()).owned_by(self).on_success(self.show_rooms).start()

    def show_rooms(self, rows: list[RoomRow]) -> None:
        self.model.set_rows(rows)
        beds = sum(r.capacity for r in rows if r.active)
        taken = sum(r.occupied for r in rows if r.active)
        self.totals.setText(_("{rooms} rooms, {taken} of {beds} beds taken").format(
            rooms=format_number(len([r for r in rows if r.active])), taken=format_number(taken),
            beds=format_number(beds)))
        if rows and not self.table.selectionModel().hasSelection():
            self.table.selectRow(0)

    def selected(self) -> RoomRow | None:
        row = self.table.selected_source_row()
        return None if row is None else self.model.row_at(row)

    def show_occupants(self) -> None:
        room = self.selected()
        if room is None:
            self.occupants.set_rows([])
            return
        run_in_background(rooms.occupants, self.ctx.db, self.ctx.actor, room.id).owned_by(self) \
            .on_success(self.occupants.set_rows).start()

    def add_room(self) -> None:
        if RoomDialog.ask(self.ctx, None, self):
            self.refresh()

    def edit_room(self) -> None:
        room = self.selected()
        if room is not None and self.ctx.can(Action.ROOM_MANAGE) and RoomDialog.ask(self.ctx, room, self):
            self.refresh()

    @classmethod
    def ask(cls, ctx, parent: QWidget | None = None) -> None:
        cls(ctx, parent).exec()
