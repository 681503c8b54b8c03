"""The attendance matrix of a program: residents down, sessions across, with each resident's
percentage. Column 0 is the name, column 1 the percentage (the page freezes both), then one
column per session in date order."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from kesos_desktop.domain.enums import EnrollmentStatus
from kesos_desktop.domain.schedule import WEEKDAY_SHORT
from kesos_desktop.i18n import N_, _
from kesos_desktop.services.training_types import AttendanceMatrix, MatrixRow, MatrixSession
from kesos_desktop.ui.models.attendance_roll import CODE_COLORS, code_text

SESSION_ROLE = Qt.ItemDataRole.UserRole + 10  # the MatrixSession of a column
ENROLLMENT_ROLE = Qt.ItemDataRole.UserRole + 11  # the enrollment id of a row
CANCELLED_BG, UPCOMING_BG, MISSING_FG = "#eceeed", "#f8f9f8", "#b3261e"
STATUS_SUFFIX = {EnrollmentStatus.STOPPED: N_("stopped"), EnrollmentStatus.COMPLETED: N_("completed")}


def percent_label(row: MatrixRow) -> str:
    if row.percentage is None:
        return "-"
    mark = "✓" if row.meets_minimum else "✗"
    return f"{mark} {row.percentage:.0f}%"


class AttendanceMatrixModel(QAbstractTableModel):
    COL_NAME, COL_PCT = 0, 1
    FIRST_SESSION = 2

    def __init__(self, parent=None):
        super().__init__(parent)
        self.matrix: AttendanceMatrix | None = None

    def set_matrix(self, matrix: AttendanceMatrix | None) -> None:
        self.beginResetModel()
        self.matrix = matrix
        self.endResetModel()

    def session_at(self, column: int) -> MatrixSession | None:
        if self.matrix is None or column < self.FIRST_SESSION:
            return None
        index = column - self.FIRST_SESSION
        return self.matrix.sessions[index] if index < len(self.matrix.sessions) else None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() or self.matrix is None else len(self.matrix.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        if parent.isValid() or self.matrix is None:
            return 0
        return self.FIRST_SESSION + len(self.matrix.sessions)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or self.matrix is None:
            return None
        session = self.session_at(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if section == self.COL_NAME:
                return _("Name")
            if section == self.COL_PCT:
                return _("Attendance")
            if session is not None:
                return f"{session.day:%d/%m}\n{_(WEEKDAY_SHORT[session.day.weekday()])}"
        if role == Qt.ItemDataRole.ToolTipRole and session is not None:
            state = (_("cancelled") if session.cancelled else
                     _("held") if session.held else _("not yet held"))
            return f"{session.day:%d/%m/%Y} {session.start_time:%H:%M} · {state}"
        if role == Qt.ItemDataRole.ForegroundRole and session is not None and session.cancelled:
            return QColor("#8a8f8c")
        if role == SESSION_ROLE:
            return session
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self.matrix is None:
            return None
        row = self.matrix.rows[index.row()]
        column = index.column()
        if role == ENROLLMENT_ROLE:
            return row.enrollment_id
        if column == self.COL_NAME:
            return self._name_data(row, role)
        if column == self.COL_PCT:
            return self._pct_data(row, role)
        session = self.session_at(column)
        if session is None:
            return None
        code = row.codes[column - self.FIRST_SESSION]
        if role == Qt.ItemDataRole.DisplayRole:
            if session.cancelled:
                return "×"
            if code is None and session.held and row.enrolled_on <= session.day:
                return "·"  # held, nothing recorded: counts as not attended
            return code or ""
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if session.cancelled:
                return QColor(CANCELLED_BG)
            if code:
                return QColor(CODE_COLORS[code][1])
            if not session.held:
                return QColor(UPCOMING_BG)
        if role == Qt.ItemDataRole.ForegroundRole:
            if code:
                return QColor(CODE_COLORS[code][0])
            return QColor(MISSING_FG if session.held else "#8a8f8c")
        if role == Qt.ItemDataRole.ToolTipRole:
            when = f"{session.day:%d/%m/%Y} {session.start_time:%H:%M}"
            if session.cancelled:
                return f"{row.name} · {when} · " + _("session cancelled")
            return f"{row.name} · {when} · " + (code_text(code) or _("not recorded"))
        if role == Qt.ItemDataRole.FontRole and code:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _name_data(self, row: MatrixRow, role):
        if role == Qt.ItemDataRole.DisplayRole:
            suffix = STATUS_SUFFIX.get(row.status)
            return f"{row.name} ({_(suffix)})" if suffix else row.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.reg_no} · " + _("enrolled {day}").format(day=f"{row.enrolled_on:%d/%m/%Y}")
        if role == Qt.ItemDataRole.ForegroundRole and row.status == EnrollmentStatus.STOPPED:
            return QColor("#8a8f8c")
        return None

    def _pct_data(self, row: MatrixRow, role):
        if role == Qt.ItemDataRole.DisplayRole:
            return percent_label(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and row.percentage is not None:
            return QColor("#14532d" if row.meets_minimum else "#b3261e")
        if role == Qt.ItemDataRole.ToolTipRole:
            return _("{attended} of {held} held sessions attended; minimum {min}%").format(
                attended=row.attended, held=row.held, min=self.matrix.min_attendance_pct)
        return None
