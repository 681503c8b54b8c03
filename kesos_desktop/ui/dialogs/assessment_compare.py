"""Two assessments of the same person side by side: scores with their change (in words and
colour), and - for social workers - the narratives of both."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from kesos_desktop.domain.enums import AssessmentDomain
from kesos_desktop.i18n import _, format_date
from kesos_desktop.services.counseling_dto import (
    AssessmentComparison,
    AssessmentNarratives,
    ScoreChange,
)
from kesos_desktop.ui.dialogs.assessment_dialog import score_text

BETTER, WORSE = "#14532d", "#b3261e"


def change_text(change: ScoreChange) -> tuple[str, str | None]:
    delta = change.delta
    if delta is None:
        return "-", None
    if delta > 0:
        return _("Better (+{n})").format(n=delta), BETTER
    if delta < 0:
        return _("Worse ({n})").format(n=delta), WORSE
    return _("Same"), None


def _item(text: str, color: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if color:
        item.setForeground(QColor(color))
    return item


class AssessmentCompareDialog(QDialog):
    def __init__(self, comparison: AssessmentComparison, earlier: AssessmentNarratives | None = None,
                 later: AssessmentNarratives | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("assessment_compare")
        self.setWindowTitle(_("Compare assessments"))
        a, b = comparison.earlier, comparison.later
        heading = QLabel(_("{name}: {first} and {second} ({days} days apart)").format(
            name=b.resident_name, first=format_date(a.assessed_on), second=format_date(b.assessed_on),
            days=comparison.days_between))
        heading.setStyleSheet("font-size: 12pt; font-weight: 600;")
        with_text = earlier is not None and later is not None
        headers = [_("Domain"), format_date(a.assessed_on, "short"), format_date(b.assessed_on, "short"),
                   _("Change")]
        if with_text:
            headers += [_("Narrative {date}").format(date=format_date(a.assessed_on, "short")),
                        _("Narrative {date}").format(date=format_date(b.assessed_on, "short"))]
        self.table = QTableWidget(len(comparison.changes) + 1, len(headers))
        self.table.setObjectName("comparison_table")
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        for row, change in enumerate(comparison.changes):
            text, color = change_text(change)
            self.table.setItem(row, 0, _item(change.domain.label))
            self.table.setItem(row, 1, _item(score_text(change.before)))
            self.table.setItem(row, 2, _item(score_text(change.after)))
            self.table.setItem(row, 3, _item(text, color))
            if with_text:
                self.table.setItem(row, 4, _item(earlier.narrative(change.domain)))
                self.table.setItem(row, 5, _item(later.narrative(change.domain)))
        last = len(comparison.changes)
        average_a, average_b = a.average or 0, b.average or 0
        delta = round(average_b - average_a, 2)
        self.table.setItem(last, 0, _item(_("Average")))
        self.table.setItem(last, 1, _item(f"{average_a:.1f}"))
        self.table.setItem(last, 2, _item(f"{average_b:.1f}"))
        self.table.setItem(last, 3, _item(f"{delta:+.1f}", BETTER if delta > 0 else WORSE if delta < 0 else None))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        if with_text:
            header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
            header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        else:
            header.setStretchLastSection(True)
        self.table.resizeRowsToContents()
        note = QLabel(_("Scores: 1 = a serious problem ... 5 = a strength. \"Better\" means a higher "
                        "score at the later assessment.") + ("" if with_text else " " + _(
                        "The narratives are confidential: only social workers can read them.")))
        note.setWordWrap(True)
        note.setStyleSheet("color: #5f6b66;")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(1080 if with_text else 700, 560)

    def change_cells(self) -> dict[AssessmentDomain, str]:
        return {list(AssessmentDomain)[r]: self.table.item(r, 3).text()
                for r in range(len(AssessmentDomain))}
