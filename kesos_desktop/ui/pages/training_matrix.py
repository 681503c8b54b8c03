"""Program detail > Kehadiran: the attendance matrix (residents x sessions) with each resident's
percentage. Name and percentage stay in view while the sessions scroll sideways; double-click
(or Enter on) a session column opens its roll."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _, current_language
from kesos_desktop.services import training_attendance
from kesos_desktop.services.training_types import AttendanceMatrix, ProgramDetail
from kesos_desktop.ui.models.attendance_matrix import AttendanceMatrixModel
from kesos_desktop.ui.models.attendance_roll import CODE_COLORS, code_text
from kesos_desktop.ui.pages.training_shared import open_roll
from kesos_desktop.ui.tasks import run_in_background

CELL_W = 44


def month_text(year: int, month: int) -> str:
    """"November 2026" in the current language."""
    from babel.dates import format_date

    return format_date(date(year, month, 1), "MMMM y", locale=current_language())


def _plain_view(name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(24)
    view.setWordWrap(False)
    return view


class AttendanceMatrixView(QWidget):
    """Two views on one model: the frozen left part (name, %) and the sessions."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = AttendanceMatrixModel(self)
        self.left = _plain_view("matrix_names")
        self.right = _plain_view("matrix_cells")
        for view in (self.left, self.right):
            view.setModel(self.model)
        self.right.setSelectionModel(self.left.selectionModel())
        self.left.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.left.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.left.verticalScrollBar().valueChanged.connect(self.right.verticalScrollBar().setValue)
        self.right.verticalScrollBar().valueChanged.connect(self.left.verticalScrollBar().setValue)
        self.right.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.right.horizontalHeader().setDefaultSectionSize(CELL_W)
        self.left.horizontalHeader().setStretchLastSection(False)
        self.model.modelReset.connect(self._layout_columns)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        row.addWidget(self.left)
        row.addWidget(self.right, 1)

    def set_matrix(self, matrix: AttendanceMatrix | None) -> None:
        self.model.set_matrix(matrix)

    def _layout_columns(self) -> None:
        columns = self.model.columnCount()
        for column in range(columns):
            frozen = column < self.model.FIRST_SESSION
            self.left.setColumnHidden(column, not frozen)
            self.right.setColumnHidden(column, frozen)
        self.left.setColumnWidth(self.model.COL_NAME, 220)
        self.left.setColumnWidth(self.model.COL_PCT, 92)
        self.left.setFixedWidth(220 + 92 + 2 * self.left.frameWidth())
        header_h = self.right.horizontalHeader().sizeHint().height()
        self.left.horizontalHeader().setFixedHeight(max(header_h, 36))
        self.right.horizontalHeader().setFixedHeight(max(header_h, 36))
        self.scroll_to_today()

    def scroll_to_today(self) -> None:
        """Show the latest held sessions first: that is where attendance is being taken."""
        matrix = self.model.matrix
        if matrix is None or not matrix.sessions:
            return
        held = [i for i, s in enumerate(matrix.sessions) if s.held]
        target = held[-1] if held else 0
        self.right.scrollTo(self.model.index(0, self.model.FIRST_SESSION + target),
                            QAbstractItemView.ScrollHint.PositionAtCenter)


class MatrixTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.program: ProgramDetail | None = None
        self.today = date.today()
        self.view = AttendanceMatrixView()
        self.roll_button = QPushButton(_("Take attendance for the selected session…"))
        self.roll_button.setObjectName("matrix_roll")
        self.roll_button.clicked.connect(self.open_selected_roll)
        legend = QLabel("   ".join(code_text(code) for code in CODE_COLORS) + "   "
                        + _("· held, not recorded (counts as absent)") + "   "
                        + _("× cancelled"))
        legend.setObjectName("matrix_legend")
        legend.setStyleSheet("color: #5f6b66;")
        self.summary = QLabel()
        self.summary.setObjectName("matrix_summary")
        self.summary.setWordWrap(True)
        self.month = QComboBox()
        self.month.setObjectName("matrix_month")
        self.month.setToolTip(_("The month to export"))
        self.month.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.month.setMinimumContentsLength(14)
        self.export_button = QPushButton(_("Excel export"))
        self.export_button.setObjectName("matrix_export")
        self.export_button.setToolTip(_("The attendance of the chosen month to Excel"))
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(lambda: self.export_month())
        top = QHBoxLayout()
        top.addWidget(self.roll_button)
        top.addStretch(1)
        top.addWidget(QLabel(_("Month:")))
        top.addWidget(self.month)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(legend)
        layout.addWidget(self.summary)
        self.view.right.doubleClicked.connect(lambda _i: self.open_selected_roll())
        self.view.right.horizontalHeader().sectionDoubleClicked.connect(self.open_column_roll)

    def set_program(self, program: ProgramDetail, today: date | None = None) -> None:
        self.program = program
        self.today = today or date.today()
        self.refresh()

    def refresh(self) -> None:
        if self.program is None:
            return
        run_in_background(training_attendance.attendance_matrix, self.ctx.db, self.ctx.actor,
                          self.program.id, self.today).owned_by(self).on_success(
            self.show_matrix).start()

    def show_matrix(self, matrix: AttendanceMatrix) -> None:
        self.view.set_matrix(matrix)
        self._fill_months(matrix)
        held = sum(1 for s in matrix.sessions if s.held)
        below = sum(1 for r in matrix.rows if r.percentage is not None and not r.meets_minimum)
        counted = ", ".join(sorted(matrix.counted_codes))
        if not matrix.rows:
            self.summary.setText(_("No participants yet: enroll residents in the Participants "
                                   "tab."))
            return
        self.summary.setText(_(
            "{residents} participants, {held} of {sessions} sessions held. Counted as attended: "
            "{codes}. Minimum for a certificate: {min}%. Below the minimum now: {below}.").format(
            residents=len(matrix.rows), held=held, sessions=len(matrix.sessions), codes=counted,
            min=matrix.min_attendance_pct, below=below))

    def open_column_roll(self, column: int) -> None:
        session = self.view.model.session_at(column)
        if session is not None and not session.cancelled:
            open_roll(self, self.ctx, session.id, on_saved=self.refresh)

    def open_selected_roll(self) -> None:
        index = self.view.right.currentIndex()
        if index.isValid():
            self.open_column_roll(index.column())

    def _fill_months(self, matrix: AttendanceMatrix) -> None:
        """The months with sessions; the one of the latest held session chosen (else the first)."""
        months = sorted({(s.day.year, s.day.month) for s in matrix.sessions})
        current = self.month.currentData()
        held = [(s.day.year, s.day.month) for s in matrix.sessions if s.held]
        self.month.blockSignals(True)
        self.month.clear()
        for year, month in months:
            self.month.addItem(month_text(year, month), (year, month))
        wanted = current if current in months else (held[-1] if held else None)
        if wanted in months:
            self.month.setCurrentIndex(months.index(wanted))
        self.month.blockSignals(False)
        self.export_button.setEnabled(bool(months) and self.ctx.can(Action.EXCEL_EXPORT))

    def export_month(self, path: str | None = None):
        """The chosen month of this program's matrix to .xlsx, in the background."""
        from kesos_desktop.ui.pages.training_excel import export_matrix

        if self.program is None or self.month.currentData() is None:
            return None
        year, month = self.month.currentData()
        return export_matrix(self.ctx, self, self.program.id, self.program.name, year, month, path,
                             self.today)
