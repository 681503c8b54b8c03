"""Pelatihan: life-skills training. The overview (programs, today's sessions, holidays and the
attendance rule) and, on opening a program, its detail (schedule, participants, attendance)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QStackedWidget, QTabWidget, QVBoxLayout

from kesos_desktop.i18n import _
from kesos_desktop.ui.actions import ActionId
from kesos_desktop.ui.pages.base import Page
from kesos_desktop.ui.pages.training_detail import ProgramDetailView
from kesos_desktop.ui.pages.training_holidays import HolidaysTab
from kesos_desktop.ui.pages.training_list import ProgramListTab
from kesos_desktop.ui.pages.training_today import TodayTab


class TrainingPage(Page):
    watches = frozenset({"training_program", "training_session", "enrollment", "attendance",
                         "holiday", "setting", "admission", "resident", "user"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        heading = QLabel(_("Training"))
        heading.setObjectName("training_heading")
        heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.programs = ProgramListTab(ctx)
        self.today_tab = TodayTab(ctx)
        self.holidays = HolidaysTab(ctx)
        self.overview = QTabWidget()
        self.overview.setObjectName("training_overview")
        self.overview.addTab(self.programs, _("Programs"))
        self.overview.addTab(self.today_tab, _("Today"))
        self.overview.addTab(self.holidays, _("Holidays && rules"))
        self.detail = ProgramDetailView(ctx)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.overview)
        self.stack.addWidget(self.detail)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addWidget(heading)
        layout.addWidget(self.stack, 1)
        self.programs.open_program.connect(self.open_program)
        self.today_tab.open_program.connect(self.open_program)
        self.detail.back.connect(self.show_overview)
        self.overview.currentChanged.connect(lambda _i: self.refresh())

    # ---------------------------------------------------------------- navigation
    def open_program(self, program_id: int, tab: int | None = None) -> None:
        self.stack.setCurrentWidget(self.detail)
        self.detail.load(program_id, tab)

    def show_overview(self) -> None:
        self.stack.setCurrentWidget(self.overview)
        self.refresh()

    def open_target(self, target: dict) -> None:
        """{"program_id": 3} opens a program; {"view": "today"} the day's sessions."""
        if "program_id" in target:
            self.open_program(int(target["program_id"]), target.get("tab"))
        elif target.get("view") == "today":
            self.stack.setCurrentWidget(self.overview)
            self.overview.setCurrentWidget(self.today_tab)

    # ---------------------------------------------------------------- page protocol
    def refresh(self) -> None:
        super().refresh()
        if self.stack.currentWidget() is self.detail:
            self.detail.reload()
            return
        current = self.overview.currentWidget()
        if current is not None:
            current.refresh()

    def handle_action(self, action: ActionId) -> bool:
        in_detail = self.stack.currentWidget() is self.detail
        if action == ActionId.NEW:
            if in_detail:
                tab = self.detail.tabs.currentWidget()
                if tab is self.detail.participants:
                    self.detail.participants.enroll()
                else:
                    self.detail.schedule.add_session()
            else:
                self.programs.new_program()
            return True
        if action == ActionId.FIND and not in_detail:
            self.overview.setCurrentWidget(self.programs)
            self.programs.search.setFocus()
            self.programs.search.selectAll()
            return True
        return super().handle_action(action)
