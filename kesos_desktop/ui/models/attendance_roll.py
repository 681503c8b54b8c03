"""The roll of one session as an editable table: a code (H/I/S/A or empty) and a note per row."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from kesos_desktop.domain.enums import AttendanceCode
from kesos_desktop.i18n import N_, _
from kesos_desktop.services.training_types import Mark, Roll

# text colour, background: always together with the letter and its word, never colour alone
CODE_COLORS = {
    "H": ("#14532d", "#dcf2e3"),
    "I": ("#1e3a8a", "#e0eaff"),
    "S": ("#713f12", "#fdf0c8"),
    "A": ("#7f1d1d", "#fbdcdc"),
}
CODE_WORDS = {"H": N_("Present"), "I": N_("Excused"), "S": N_("Sick"), "A": N_("Absent")}


def code_text(code: str | None) -> str:
    return "" if code is None else f"{code} · {_(CODE_WORDS[code])}"


class AttendanceRollModel(QAbstractTableModel):
    COL_NO, COL_REG, COL_NAME, COL_CODE, COL_NOTE = range(5)
    HEADERS = (N_("No."), N_("Reg. no."), N_("Name"), N_("Attendance"), N_("Note"))

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.roll: Roll | None = None
        self.codes: list[str | None] = []
        self.notes: list[str] = []
        self._saved: list[tuple[str | None, str]] = []
        self.editable = False

    def set_roll(self, roll: Roll, keep: dict[int, tuple[str | None, str]] | None = None) -> None:
        """Show ``roll``; ``keep`` (enrollment id -> code, note) lays unsaved edits on top."""
        self.beginResetModel()
        self.roll = roll
        self.editable = roll.can_record
        self.codes = [e.code for e in roll.entries]
        self.notes = [e.note for e in roll.entries]
        self._saved = list(zip(self.codes, self.notes, strict=True))
        for row, entry in enumerate(roll.entries):
            if keep and entry.enrollment_id in keep:
                self.codes[row], self.notes[row] = keep[entry.enrollment_id]
        self.endResetModel()
        self.changed.emit()

    # ------------------------------------------------------------------ editing
    def set_code(self, row: int, code: str | None) -> bool:
        if not self.editable or not 0 <= row < len(self.codes):
            return False
        if code is not None and code not in CODE_COLORS:
            return False
        self.codes[row] = code
        index = self.index(row, self.COL_CODE)
        self.dataChanged.emit(index, index)
        self.changed.emit()
        return True

    def fill_blanks(self, code: str = AttendanceCode.PRESENT.value) -> int:
        """Everyone not yet marked gets ``code`` (usually H); returns how many."""
        blanks = [row for row, c in enumerate(self.codes) if c is None]
        for row in blanks:
            self.set_code(row, code)
        return len(blanks)

    def is_dirty(self) -> bool:
        return list(zip(self.codes, self.notes, strict=True)) != self._saved

    def edits(self) -> dict[int, tuple[str | None, str]]:
        if self.roll is None:
            return {}
        return {e.enrollment_id: (self.codes[i], self.notes[i])
                for i, e in enumerate(self.roll.entries)}

    def marks(self) -> list[Mark]:
        if self.roll is None:
            return []
        return [Mark(e.enrollment_id, self.codes[i], self.notes[i])
                for i, e in enumerate(self.roll.entries)]

    def counts(self) -> dict[str | None, int]:
        result: dict[str | None, int] = {code: 0 for code in (*CODE_COLORS, None)}
        for code in self.codes:
            result[code] += 1
        return result

    # ------------------------------------------------------------------ Qt model
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.roll is None else len(self.roll.entries)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.HEADERS)):
            return _(self.HEADERS[section])
        return None

    def flags(self, index):
        base = super().flags(index)
        if index.isValid() and index.column() == self.COL_NOTE and self.editable:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.roll is None:
            return None
        row, column = index.row(), index.column()
        if not 0 <= row < len(self.roll.entries):
            return None
        entry = self.roll.entries[row]
        code = self.codes[row]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if column == self.COL_NO:
                return str(row + 1)
            if column == self.COL_REG:
                return entry.reg_no
            if column == self.COL_NAME:
                return entry.name
            if column == self.COL_CODE:
                return code_text(code) if code else ("" if role == Qt.ItemDataRole.EditRole
                                                     else _("- not yet -"))
            if column == self.COL_NOTE:
                return self.notes[row]
        if role == Qt.ItemDataRole.ForegroundRole and column == self.COL_CODE:
            return QColor(CODE_COLORS[code][0]) if code else QColor("#8a8f8c")
        if role == Qt.ItemDataRole.BackgroundRole and column == self.COL_CODE and code:
            return QColor(CODE_COLORS[code][1])
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.COL_NO:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.AccessibleTextRole and column == self.COL_CODE:
            return code_text(code) or _("not yet recorded")
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if (index.isValid() and index.column() == self.COL_NOTE and self.editable
                and role == Qt.ItemDataRole.EditRole):
            self.notes[index.row()] = str(value or "")[:200]
            self.dataChanged.emit(index, index)
            self.changed.emit()
            return True
        return False
