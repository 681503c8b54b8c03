"""Dasbor: what the facility looks like today."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout

from kesos_desktop.i18n import _, format_date, format_number
from kesos_desktop.services import dashboard
from kesos_desktop.ui.pages.base import Page
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.stat_card import StatCard


class DashboardPage(Page):
    watches = frozenset({"resident", "admission", "facility"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.subheading = QLabel()
        self.cards = {
            "current": StatCard(_("Residents now")),
            "admitted": StatCard(_("Admitted this month")),
            "terminated": StatCard(_("Left this month")),
        }
        grid = QGridLayout()
        for column, card in enumerate(self.cards.values()):
            grid.addWidget(card, 0, column)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(self.heading)
        layout.addWidget(self.subheading)
        layout.addSpacing(12)
        layout.addLayout(grid)
        layout.addStretch(1)

    def refresh(self) -> None:
        super().refresh()
        run_in_background(dashboard.facility_summary, self.ctx.db, self.ctx.actor).owned_by(
            self
        ).on_success(self.show_summary).start()

    def show_summary(self, summary: dashboard.FacilitySummary) -> None:
        self.heading.setText(
            _("Welcome, {name}").format(name=self.ctx.actor.full_name)
        )
        self.subheading.setText(f"{summary.facility_name} · {format_date(summary.today)}")
        capacity = (
            _("of {n} beds").format(n=format_number(summary.capacity)) if summary.capacity else ""
        )
        self.cards["current"].set_value(format_number(summary.current_residents), capacity)
        self.cards["admitted"].set_value(format_number(summary.admitted_this_month))
        self.cards["terminated"].set_value(format_number(summary.terminated_this_month))
