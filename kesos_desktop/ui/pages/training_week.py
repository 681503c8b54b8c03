"""A week calendar of training sessions: seven day columns, an hour scale, one block per session
(overlapping sessions side by side), holidays named in the day header. Keyboard: the arrow keys
move between sessions in time order, Enter opens the selected one, like a double-click."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from kesos_desktop.domain.schedule import WEEKDAY_SHORT
from kesos_desktop.i18n import _
from kesos_desktop.services.training_types import SessionRow

PALETTE = ["#0b6e4f", "#1d4ed8", "#9333ea", "#b45309", "#be123c", "#0f766e", "#4d7c0f",
           "#7c2d12"]
GUTTER, HEADER = 48, 40


def minutes(t) -> int:
    return t.hour * 60 + t.minute


def lanes(rows: list[SessionRow]) -> dict[int, tuple[int, int]]:
    """Session id -> (lane, lanes in its cluster) so overlapping sessions sit side by side."""
    result: dict[int, tuple[int, int]] = {}
    cluster: list[tuple[SessionRow, int]] = []
    cluster_end = -1

    def close() -> None:
        width = max((lane for _r, lane in cluster), default=-1) + 1
        for r, lane in cluster:
            result[r.id] = (lane, width)

    for row in sorted(rows, key=lambda r: (minutes(r.start_time), minutes(r.end_time))):
        if cluster and minutes(row.start_time) >= cluster_end:
            close()
            cluster, cluster_end = [], -1
        used = {lane for r, lane in cluster if minutes(r.end_time) > minutes(row.start_time)}
        lane = next(i for i in range(len(cluster) + 1) if i not in used)
        cluster.append((row, lane))
        cluster_end = max(cluster_end, minutes(row.end_time))
    if cluster:
        close()
    return result


class WeekView(QWidget):
    activated = Signal(object)  # SessionRow (double-click or Enter)
    selected = Signal(object)  # SessionRow or None

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("week_view")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.monday = date.today() - timedelta(days=date.today().weekday())
        self.rows: list[SessionRow] = []
        self.holidays: dict[date, str] = {}
        self.today = date.today()
        self.current: SessionRow | None = None
        self._rects: list[tuple[QRectF, SessionRow]] = []
        self.first_hour, self.last_hour = 7, 17

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(900, 460)

    def set_week(self, monday: date, rows: list[SessionRow], holidays: dict[date, str],
                 today: date | None = None) -> None:
        self.monday, self.rows, self.holidays = monday, list(rows), dict(holidays)
        self.today = today or date.today()
        starts = [r.start_time.hour for r in rows] + [7]
        ends = [r.end_time.hour + (1 if r.end_time.minute else 0) for r in rows] + [17]
        self.first_hour, self.last_hour = min(starts), max(ends)
        if self.current is not None:
            self.current = next((r for r in self.rows if r.id == self.current.id), None)
        self.update()

    def ordered(self) -> list[SessionRow]:
        return sorted(self.rows, key=lambda r: (r.day, r.start_time, r.program_name))

    def _color(self, row: SessionRow) -> QColor:
        return QColor(PALETTE[row.program_id % len(PALETTE)])

    # ---------------------------------------------------------------- painting
    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt naming
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        width, height = self.width(), self.height()
        p.fillRect(self.rect(), QColor("white"))
        day_w = (width - GUTTER) / 7
        hours = max(self.last_hour - self.first_hour, 1)
        hour_h = (height - HEADER) / hours
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() - 1, 7))
        # header and day backgrounds
        for i in range(7):
            day = self.monday + timedelta(days=i)
            x = GUTTER + i * day_w
            holiday = self.holidays.get(day)
            if holiday or i >= 5:
                p.fillRect(QRectF(x, HEADER, day_w, height - HEADER), QColor("#f6f4ee"))
            if day == self.today:
                p.fillRect(QRectF(x, 0, day_w, HEADER), QColor("#e3f1eb"))
            p.setPen(QColor("#1f2a25"))
            bold = QFont(self.font())
            bold.setBold(day == self.today)
            p.setFont(bold)
            p.drawText(QRectF(x, 2, day_w, 18), Qt.AlignmentFlag.AlignCenter,
                       f"{_(WEEKDAY_SHORT[i])} {day:%d/%m}")
            if holiday:
                p.setFont(small)
                p.setPen(QColor("#b3261e"))
                p.drawText(QRectF(x + 2, 20, day_w - 4, 18), Qt.AlignmentFlag.AlignCenter,
                           p.fontMetrics().elidedText(_("Holiday: {name}").format(name=holiday),
                                                      Qt.TextElideMode.ElideRight, int(day_w - 4)))
        # hour lines
        p.setFont(small)
        for h in range(hours + 1):
            y = HEADER + h * hour_h
            p.setPen(QPen(QColor("#e3e6e4")))
            p.drawLine(GUTTER, int(y), width, int(y))
            if h < hours:
                p.setPen(QColor("#5f6b66"))
                p.drawText(QRectF(0, y + 1, GUTTER - 6, 16),
                           Qt.AlignmentFlag.AlignRight, f"{self.first_hour + h:02d}:00")
        for i in range(8):
            x = GUTTER + i * day_w
            p.setPen(QPen(QColor("#d9dedb")))
            p.drawLine(int(x), 0, int(x), height)
        # sessions
        self._rects = []
        by_day: dict[date, list[SessionRow]] = {}
        for row in self.rows:
            by_day.setdefault(row.day, []).append(row)
        for day, rows in by_day.items():
            i = (day - self.monday).days
            if not 0 <= i < 7:
                continue
            layout = lanes(rows)
            for row in rows:
                lane, count = layout[row.id]
                top = HEADER + (minutes(row.start_time) - self.first_hour * 60) / 60 * hour_h
                bottom = HEADER + (minutes(row.end_time) - self.first_hour * 60) / 60 * hour_h
                lane_w = (day_w - 6) / count
                rect = QRectF(GUTTER + i * day_w + 3 + lane * lane_w, top + 1, lane_w - 2,
                              max(bottom - top - 2, 14))
                self._rects.append((rect, row))
                self._paint_block(p, rect, row, small)
        p.end()

    def _paint_block(self, p: QPainter, rect: QRectF, row: SessionRow, font: QFont) -> None:
        color = self._color(row)
        if row.cancelled:
            p.setBrush(QBrush(QColor("#eceeed"), Qt.BrushStyle.SolidPattern))
            p.setPen(QPen(QColor("#8a8f8c"), 1, Qt.PenStyle.DashLine))
        else:
            fill = QColor(color)
            fill.setAlpha(40)
            p.setBrush(fill)
            p.setPen(QPen(color, 1))
        if self.current is not None and row.id == self.current.id:
            p.setPen(QPen(QColor("#111111"), 2.5))
        p.drawRoundedRect(rect, 4, 4)
        p.fillRect(QRectF(rect.x(), rect.y(), 4, rect.height()),
                   QColor("#8a8f8c") if row.cancelled else color)
        p.setFont(font)
        p.setPen(QColor("#5f6b66") if row.cancelled else QColor("#1f2a25"))
        lines = [f"{row.start_time:%H:%M}-{row.end_time:%H:%M}", row.program_name]
        if row.cancelled:
            lines.append(_("CANCELLED"))
        else:
            if row.place:
                lines.append(row.place)
            if row.enrolled and row.day <= self.today:
                lines.append(_("Attendance {done}/{total}").format(done=row.recorded,
                                                                   total=row.enrolled))
        metrics = p.fontMetrics()
        y = rect.y() + 2
        for line in lines:
            if y + metrics.height() > rect.bottom() + 2:
                break
            p.drawText(QRectF(rect.x() + 7, y, rect.width() - 9, metrics.height()),
                       Qt.AlignmentFlag.AlignLeft,
                       metrics.elidedText(line, Qt.TextElideMode.ElideRight,
                                          int(rect.width() - 9)))
            y += metrics.height()

    # ---------------------------------------------------------------- interaction
    def row_at(self, pos) -> SessionRow | None:
        for rect, row in reversed(self._rects):
            if rect.contains(pos):
                return row
        return None

    def select(self, row: SessionRow | None) -> None:
        self.current = row
        self.selected.emit(row)
        self.update()

    def mousePressEvent(self, event) -> None:  # noqa: N802
        self.setFocus()
        self.select(self.row_at(event.position()))

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802
        row = self.row_at(event.position())
        if row is not None:
            self.select(row)
            self.activated.emit(row)

    def step(self, delta: int) -> bool:
        ordered = self.ordered()
        if not ordered:
            return False
        if self.current is None:
            index = 0 if delta > 0 else len(ordered) - 1
        else:
            ids = [r.id for r in ordered]
            index = ids.index(self.current.id) + delta if self.current.id in ids else 0
            if not 0 <= index < len(ordered):
                return False
        self.select(ordered[index])
        return True

    def keyPressEvent(self, event) -> None:  # noqa: N802
        key = event.key()
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Down):
            self.step(1)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Up):
            self.step(-1)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.current is not None:
            self.activated.emit(self.current)
        else:
            super().keyPressEvent(event)
