"""Reintegrasi: the board for preparing people's return, following them up, and the outcomes.

Three tabs: Resosialisasi (plans and readiness of the people about to leave), Bimbingan Lanjut
(follow-ups overdue and due this week) and Hasil (outcomes over a chosen period).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout

from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import N_, _
from kesos_desktop.ui.actions import ActionId
from kesos_desktop.ui.pages.base import Page
from kesos_desktop.ui.pages.reintegration_aftercare import AftercareTab
from kesos_desktop.ui.pages.reintegration_board import ResocialisationTab
from kesos_desktop.ui.pages.reintegration_outcomes import OutcomesTab

BOARD, AFTERCARE, OUTCOMES = range(3)
PAGE_TITLE = N_("Reintegration")  # the sidebar entry in registry.py


class ReintegrationPage(Page):
    watches = frozenset({
        "reintegration", "home_visit", "admission", "follow_up", "stage", "room", "resident",
        "setting",
    })

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        heading = QLabel(_("Reintegration and aftercare"))
        heading.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.board = ResocialisationTab(ctx)
        self.aftercare = AftercareTab(ctx)
        self.outcomes = OutcomesTab(ctx)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("reintegration_tabs")
        self.tabs.addTab(self.board, _("Resocialisation"))
        self.tabs.addTab(self.aftercare, _("Aftercare"))
        self.tabs.addTab(self.outcomes, _("Outcomes"))
        self.board.loaded.connect(self._board_count)
        self.aftercare.counts_changed.connect(self._aftercare_counts)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addWidget(heading)
        layout.addWidget(self.tabs, 1)

    def _board_count(self, n: int) -> None:
        self.tabs.setTabText(BOARD, _("Resocialisation ({n})").format(n=n))

    def _aftercare_counts(self, overdue: int, this_week: int) -> None:
        if overdue:
            text = _("Aftercare ({n} overdue)").format(n=overdue)
        elif this_week:
            text = _("Aftercare ({n} this week)").format(n=this_week)
        else:
            text = _("Aftercare")
        self.tabs.setTabText(AFTERCARE, text)

    def refresh(self) -> None:
        super().refresh()
        self.board.refresh()
        self.aftercare.refresh()
        self.outcomes.refresh()

    def handle_action(self, action: ActionId) -> bool:
        if action == ActionId.EXPORT and self.ctx.can(Action.EXCEL_EXPORT):
            self.tabs.currentWidget().export()  # every tab exports what it shows (Ctrl+E)
            return True
        if action == ActionId.FIND:
            tab = self.tabs.currentWidget()
            search = getattr(tab, "search", None)
            if search is not None:
                search.setFocus()
                search.selectAll()
                return True
        return super().handle_action(action)

    def open_target(self, target: dict) -> None:
        """{"tab": "aftercare"} (dashboard: follow-ups due), {"admission_id": n} (a person)."""
        tab = {"board": BOARD, "aftercare": AFTERCARE, "outcomes": OUTCOMES}.get(
            target.get("tab", ""))
        if tab is not None:
            self.tabs.setCurrentIndex(tab)
        if "admission_id" in target:
            admission_id = target["admission_id"]
            self.tabs.setCurrentIndex(BOARD)

            def select(_n: int) -> None:
                self.board.loaded.disconnect(select)
                self.board.select_admission(admission_id)

            self.board.loaded.connect(select)
            if self.board.scope.currentData() is None:
                self.board.refresh()
            else:  # everyone in the facility: the person may be at another stage
                self.board.scope.setCurrentIndex(self.board.scope.findData(None))
