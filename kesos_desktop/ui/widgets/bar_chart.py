"""A horizontal bar chart (QtCharts) whose bars can be clicked."""

from __future__ import annotations

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QValueAxis,
)
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPainter

ACCENT = QColor("#0b6e4f")


class ClickableBarChart(QChartView):
    """Bars labelled with their value; ``bar_clicked`` gives the key of the bar."""

    bar_clicked = Signal(object)

    def __init__(self, title: str, parent=None):
        chart = QChart()
        chart.setTitle(title)
        chart.legend().hide()
        chart.setBackgroundRoundness(4)
        chart.setMargins(chart.margins().__class__(4, 4, 4, 4))
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumHeight(210)
        self.keys: list[object] = []

    def set_bars(self, items: list[tuple[object, str, int]]) -> None:
        """``items``: (key, label, value), drawn top to bottom in the given order."""
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
        ordered = list(reversed(items))  # Qt draws the first category at the bottom
        self.keys = [key for key, _label, _value in ordered]
        bars = QBarSet("")
        bars.setColor(ACCENT)
        for _key, _label, value in ordered:
            bars.append(value)
        bars.clicked.connect(lambda index: self.bar_clicked.emit(self.keys[index]))
        series = QHorizontalBarSeries()
        series.append(bars)
        series.setLabelsVisible(True)
        series.setBarWidth(0.7)
        chart.addSeries(series)
        labels = QBarCategoryAxis()
        labels.setTruncateLabels(False)
        font = labels.labelsFont()
        font.setPointSizeF(8)
        labels.setLabelsFont(font)
        labels.append([label for _key, label, _value in ordered] or [""])
        chart.addAxis(labels, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(labels)
        values = QValueAxis()
        top = max([1] + [value for _key, _label, value in items])
        values.setRange(0, top * 1.1)
        values.setLabelFormat("%d")
        values.applyNiceNumbers()
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(values)

    def click_bar(self, index_from_top: int) -> None:
        """For tests and keyboard users: act as if the n-th bar from the top was clicked."""
        self.bar_clicked.emit(self.keys[len(self.keys) - 1 - index_from_top])
