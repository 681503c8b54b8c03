"""Taking the roll of one session, entirely by keyboard.

Up/Down (and PgUp/PgDn/Home/End) move between residents; H, I, S or A marks the current
resident and moves to the next; Delete clears a mark; F2 (or Enter on the note column) edits the
note; Alt+H marks everyone not yet marked as present; Ctrl+S saves; Esc closes (asking first if
anything is unsaved).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from kesos_desktop.domain.errors import ConflictError, KesosError
from kesos_desktop.i18n import _, format_date
from kesos_desktop.services import training_attendance
from kesos_desktop.services.training_types import Roll
from kesos_desktop.ui.models.attendance_roll import CODE_COLORS, AttendanceRollModel, code_text
from kesos_desktop.ui.widgets.conflict import ConflictChoice, ConflictDialog
from kesos_desktop.ui.widgets.messages import Messages, show_error

CODE_KEYS = {Qt.Key.Key_H: "H", Qt.Key.Key_I: "I", Qt.Key.Key_S: "S", Qt.Key.Key_A: "A"}


class RollTable(QTableView):
    """A table where letters mark attendance instead of starting an editor."""

    save_requested = Signal()

    def __init__(self, model: AttendanceRollModel, parent=None):
        super().__init__(parent)
        self.roll_model = model
        self.setObjectName("roll_table")
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.DoubleClicked)
        self.setTabKeyNavigation(False)  # Tab leaves the table for the buttons
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(28)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(model.COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(model.COL_NOTE, QHeaderView.ResizeMode.Stretch)

    def go_to(self, row: int) -> None:
        row = max(0, min(row, self.roll_model.rowCount() - 1))
        column = self.currentIndex().column() if self.currentIndex().isValid() else \
            self.roll_model.COL_CODE
        self.setCurrentIndex(self.roll_model.index(row, column))

    def commit_editor(self) -> None:
        """Keep a note still being typed when the user saves straight away."""
        if self.state() != QAbstractItemView.State.EditingState:
            return
        editor = self.indexWidget(self.currentIndex())
        if editor is not None:
            self.commitData(editor)
            self.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if event.matches(QKeySequence.StandardKey.Save):  # also when no shortcut is active
            self.save_requested.emit()
            event.accept()
            return
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        plain = mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier)
        row = self.currentIndex().row() if self.currentIndex().isValid() else 0
        if plain and event.key() in CODE_KEYS and self.state() != QAbstractItemView.State.EditingState:
            if self.roll_model.set_code(row, CODE_KEYS[event.key()]):
                self.go_to(row + 1)
            event.accept()
            return
        if plain and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.roll_model.set_code(row, None)
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
            if self.currentIndex().column() == self.roll_model.COL_NOTE:
                self.edit(self.currentIndex())
            else:
                self.go_to(row + 1)
            event.accept()
            return
        super().keyPressEvent(event)


class AttendanceRollDialog(QDialog):
    def __init__(self, ctx, roll: Roll, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.saved = False
        s = roll.session
        self.setWindowTitle(_("Attendance: {program}").format(program=s.program_name))
        self.model = AttendanceRollModel(self)
        self.table = RollTable(self.model, self)
        heading = QLabel(f"<b>{s.program_name}</b><br>{format_date(s.day)} · "
                         f"{s.start_time:%H:%M}-{s.end_time:%H:%M}"
                         + (f" · {s.place}" if s.place else "")
                         + (f" · {s.topic}" if s.topic else ""))
        heading.setObjectName("roll_heading")
        self.banner = QLabel()
        self.banner.setObjectName("roll_banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fde2e0; color: #7f1d1d; padding: 6px;")
        self.counts = QLabel()
        self.counts.setObjectName("roll_counts")
        help_text = QLabel(_("Keys: H present · I excused · S sick · A absent · Delete clear · "
                             "↑↓ move · F2 note · Ctrl+S save · Esc close"))
        help_text.setObjectName("roll_help")
        help_text.setStyleSheet("color: #5f6b66;")
        help_text.setWordWrap(True)
        self.fill_button = QPushButton(_("Mark the rest &present"))
        self.fill_button.setObjectName("fill_present")
        self.fill_button.clicked.connect(self.fill_present)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(_("Save (Ctrl+S)"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Close"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        self.table.save_requested.connect(self.save)
        bottom = QHBoxLayout()
        bottom.addWidget(self.fill_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.banner)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.counts)
        layout.addWidget(help_text)
        layout.addLayout(bottom)
        self.model.changed.connect(self._update_counts)
        self.show_roll(roll)
        self.resize(760, 560)

    def show_roll(self, roll: Roll, keep=None) -> None:
        self.roll = roll
        self.model.set_roll(roll, keep)
        self.banner.setText(roll.reason)
        self.banner.setVisible(not roll.can_record)
        self.save_button.setEnabled(roll.can_record)
        self.fill_button.setEnabled(roll.can_record and bool(roll.entries))
        if not roll.entries:
            self.banner.setText(_("No one is enrolled in this program on this day."))
            self.banner.setVisible(True)
        self.table.setFocus()
        if roll.entries:
            first_blank = next((i for i, c in enumerate(self.model.codes) if c is None), 0)
            self.table.setCurrentIndex(self.model.index(first_blank, self.model.COL_CODE))

    def _update_counts(self) -> None:
        counts = self.model.counts()
        parts = [f"{code_text(code)}: {counts[code]}" for code in CODE_COLORS]
        parts.append(_("not yet: {n}").format(n=counts[None]))
        self.counts.setText("   ".join(parts))

    def fill_present(self) -> None:
        self.model.fill_blanks("H")
        self.table.setFocus()

    def save(self) -> None:
        if not self.roll.can_record:
            return
        self.table.commit_editor()
        try:
            counts, changes = training_attendance.record_attendance(
                self.ctx.db, self.ctx.actor, self.roll.session.id, self.model.marks(),
                self.roll.session.version)
        except ConflictError as error:
            self._conflict(error)
            return
        except KesosError as error:
            show_error(self, error)
            return
        self.saved = True
        self.ctx.announce(changes)
        self.ctx.say(_("Attendance saved: {counts}.").format(
            counts=", ".join(f"{code} {n}" for code, n in counts.items())))
        self.accept()

    def _conflict(self, error: ConflictError) -> None:
        mine = self.model.edits()
        try:
            fresh = training_attendance.get_roll(self.ctx.db, self.ctx.actor, self.roll.session.id)
        except KesosError as other:
            show_error(self, other)
            return
        theirs = {e.enrollment_id: (e.code, e.note) for e in fresh.entries}
        names = {e.enrollment_id: e.name for e in fresh.entries}
        differences = [
            (names[eid], code_text(mine[eid][0]) or "-", code_text(theirs[eid][0]) or "-")
            for eid in theirs if eid in mine and mine[eid][0] != theirs[eid][0]
        ]
        choice = ConflictDialog.ask(error, differences, self)
        self.show_roll(fresh, keep=mine if choice == ConflictChoice.KEEP_MINE else None)

    def reject(self) -> None:
        if self.model.is_dirty() and not Messages.confirm(
                self, _("Close without saving the attendance you entered?")):
            return
        super().reject()

    @classmethod
    def ask(cls, ctx, roll: Roll, parent=None) -> bool:
        """True when the roll was saved."""
        dialog = cls(ctx, roll, parent)
        dialog.exec()
        return dialog.saved
