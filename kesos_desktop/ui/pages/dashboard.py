"""Dasbor: what needs doing today, per role. Every figure and bar opens the matching list."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.i18n import _, format_date, format_number
from kesos_desktop.services import dashboard
from kesos_desktop.ui.pages.base import Page
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.bar_chart import ClickableBarChart
from kesos_desktop.ui.widgets.stat_card import StatCard

SERVER_REFRESH_MS = 2 * 60 * 1000
TARGET_ROLE = 0x0101
TOP_CATEGORIES = 8


def _versus(before: int) -> str:
    return _("last month: {n}").format(n=format_number(before))


class DashboardPage(Page):
    watches = frozenset({"resident", "admission", "facility", "stage", "room", "training_session",
                         "attendance", "counseling_session", "assessment", "plan", "follow_up",
                         "reintegration", "termination"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.data: dashboard.DashboardData | None = None
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.subheading = QLabel()
        refresh = QPushButton(_("Refresh"))
        refresh.clicked.connect(self.refresh)
        top = QHBoxLayout()
        titles = QVBoxLayout()
        titles.addWidget(self.heading)
        titles.addWidget(self.subheading)
        top.addLayout(titles, 1)
        top.addWidget(refresh)

        self.cards: dict[str, StatCard] = {}
        grid = QGridLayout()
        specs = [
            ("current", _("Residents now"), "residents", {"status": "current"}),
            ("admitted", _("Admitted this month"), "residents", {"status": "all", "this_month": True}),
            ("terminated", _("Left this month"), "residents", {"status": "former"}),
            ("counseling", _("Counseling sessions today"), "counseling", {"tab": "today"}),
            ("followups", _("Follow-ups overdue"), "reintegration", {"tab": "aftercare"}),
            ("assessment", _("Waiting for assessment"), "counseling", {"tab": "assessment"}),
            ("plans", _("Plans past their review date"), "counseling", {"tab": "caseload"}),
            ("training", _("Training sessions today"), "training", {"view": "today"}),
            ("consent", _("Residents without consent"), "residents",
             {"status": "current", "without_consent": True}),
        ]
        for index, (key, caption, page, target) in enumerate(specs):
            card = StatCard(caption)
            card.setObjectName(f"card_{key}")
            card.clicked.connect(lambda p=page, t=target: self.open_figure(p, t))
            self.cards[key] = card
            grid.addWidget(card, index // 4, index % 4)

        self.categories = ClickableBarChart(_("Residents by PPKS category"))
        self.categories.bar_clicked.connect(
            lambda category: self.ctx.open("residents", {"category": str(category), "status": "current"}))
        self.stages = ClickableBarChart(_("Residents by stage"))
        self.stages.bar_clicked.connect(
            lambda stage: self.ctx.open("residents", {"stage": str(stage), "status": "current"}))
        charts = QHBoxLayout()
        charts.addWidget(self.categories, 3)
        charts.addWidget(self.stages, 2)

        self.reminders = self._list("reminders")
        self.rooms = self._list("rooms")
        self.today = self._list("today")
        lists = QHBoxLayout()
        for title, widget in ((_("My reminders"), self.reminders), (_("Training today"), self.today),
                              (_("Rooms near capacity"), self.rooms)):
            column = QVBoxLayout()
            column.setSpacing(4)
            column.addWidget(QLabel(f"<b>{title}</b>"))
            column.addWidget(widget)
            column.addStretch(1)
            lists.addLayout(column, 1)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(20, 14, 20, 14)
        layout.addLayout(top)
        layout.addLayout(grid)
        layout.addLayout(charts)
        layout.addLayout(lists)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._timer = QTimer(self, interval=SERVER_REFRESH_MS, timeout=self._timed_refresh)
        if ctx.shared_server:
            self._timer.start()

    def open_figure(self, page: str, target: dict) -> None:
        target = dict(target)  # the card's own dict stays as it is
        if target.pop("this_month", False) and self.data is not None:
            target.update(admitted_from=self.data.today.replace(day=1), admitted_to=self.data.today)
        self.ctx.open(page, target)

    def _list(self, name: str) -> QListWidget:
        widget = QListWidget()
        widget.setObjectName(f"list_{name}")
        widget.setMaximumHeight(130)
        widget.itemActivated.connect(self._open_item)
        widget.itemDoubleClicked.connect(self._open_item)
        return widget

    def _open_item(self, item: QListWidgetItem) -> None:
        target = item.data(TARGET_ROLE)
        if target:
            self.ctx.open(*target)

    def _timed_refresh(self) -> None:
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        super().refresh()
        run_in_background(dashboard.load, self.ctx.db, self.ctx.actor).owned_by(self).on_success(
            self.show_data).start()
        run_in_background(dashboard.reminders, self.ctx.db, self.ctx.actor).owned_by(self).on_success(
            self.show_reminders).start()

    # ------------------------------------------------------------------ showing
    def show_data(self, data: dashboard.DashboardData) -> None:
        self.data = data
        self.heading.setText(_("Welcome, {name}").format(name=self.ctx.actor.full_name))
        self.subheading.setText(f"{data.facility_name} · {format_date(data.today)}")
        beds = _("of {n} beds").format(n=format_number(data.capacity)) if data.capacity else ""
        self.cards["current"].set_value(format_number(data.current_residents), beds)
        self.cards["admitted"].set_value(format_number(data.admitted_this_month),
                                         _versus(data.admitted_last_month))
        self.cards["terminated"].set_value(format_number(data.terminated_this_month),
                                           _versus(data.terminated_last_month))
        self._optional("counseling", data.counseling_today,
                       _("mine: {n}").format(n=data.my_counseling_today) if data.my_counseling_today is not None else "")
        self._optional("followups", data.followups_overdue,
                       _("due this week: {n}").format(n=data.followups_due_week or 0))
        self._optional("assessment", data.no_assessment,
                       _("more than {n} days in the assessment stage").format(n=data.assessment_due_days))
        self._optional("plans", data.plans_past_review)
        self._optional("training", None if data.training_today is None else len(data.training_today))
        self._optional("consent", data.without_consent, _("no consent on record (UU PDP)"))
        top = data.by_category[:TOP_CATEGORIES]
        self.categories.set_bars([(c, c.label, n) for c, n in top])
        self.stages.set_bars([(s, s.label, n) for s, n in data.by_stage])
        self.today.clear()
        for item in data.training_today or []:
            self._item(self.today, f"{item.start:%H:%M}-{item.end:%H:%M}  {item.program}  ·  {item.place}",
                       ("training", {"program_id": item.program_id}))
        if not data.training_today:
            self._item(self.today, _("No training sessions today."), None)
        self.rooms.clear()
        for room in data.rooms_near_capacity:
            self._item(self.rooms, _("{room}: {n} of {cap} beds").format(
                room=room.name, n=room.occupied, cap=room.capacity), ("residents", {"room_id": room.room_id}))
        if not data.rooms_near_capacity:
            self._item(self.rooms, _("No room is near capacity."), None)

    def _optional(self, key: str, value: int | None, detail: str = "") -> None:
        card = self.cards[key]
        card.setVisible(value is not None)
        if value is not None:
            card.set_value(format_number(value), detail)

    def show_reminders(self, items: list[dashboard.Reminder]) -> None:
        self.reminders.clear()
        for reminder in items:
            when = reminder.due_on.strftime("%d/%m/%Y") if reminder.due_on else ""
            self._item(self.reminders, f"{when}  {reminder.text}", (reminder.page, reminder.target))
        if not items:
            self._item(self.reminders, _("Nothing due. Well done."), None)

    def _item(self, widget: QListWidget, text: str, target) -> None:
        item = QListWidgetItem(text)
        item.setData(TARGET_ROLE, target)
        widget.addItem(item)
