"""Bimbingan: the counselor's working list, and the session record for everyone else.

Social workers see: today's sessions, their caseload, residents overdue for a session,
residents waiting for an assessment, all sessions, one resident's file, and a search inside
the notes. Staff and administrators see the same lists of *what happened* (date, type,
counselor, residents) but never a note: the services refuse it, and this page does not offer it.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout

from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.services.counseling_dto import SessionRow, StayRef
from kesos_desktop.ui.actions import ActionId
from kesos_desktop.ui.pages.base import Page
from kesos_desktop.ui.pages.counseling_lists import (
    MUTED,
    AssessmentDueTab,
    CaseloadTab,
    SessionsTab,
)
from kesos_desktop.ui.pages.counseling_resident import ResidentFileTab


class CounselingPage(Page):
    watches = frozenset({"counseling_session", "assessment", "intervention_plan", "case_conference",
                         "admission", "resident", "setting"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.counselor = ctx.can(Action.NOTE_READ)
        title = QLabel(_("Counseling"))
        title.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.new_button = QPushButton(_("New session…"))
        self.new_button.setObjectName("new_session")
        self.new_button.setToolTip(_("New counseling session (Ctrl+N)"))
        self.new_button.setVisible(ctx.can(Action.COUNSELING_WRITE))
        self.notice = QLabel(_(
            "You can see which sessions took place. Their notes are confidential: only social "
            "workers can read them."))
        self.notice.setObjectName("confidential_notice")
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(f"color: {MUTED};")
        self.notice.setVisible(not self.counselor)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(16)
        top.addWidget(self.notice, 1)
        if self.counselor:
            top.addStretch(1)
        top.addWidget(self.new_button)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("counseling_tabs")
        self.today = SessionsTab(ctx, today_only=True)
        self.sessions = SessionsTab(ctx, today_only=False)
        self.caseload = CaseloadTab(ctx, overdue=False) if self.counselor else None
        self.overdue = CaseloadTab(ctx, overdue=True)
        self.assessment_due = AssessmentDueTab(ctx)
        self.resident = ResidentFileTab(ctx)
        self.search = None
        self.tabs.addTab(self.today, _("Today"))
        if self.caseload is not None:
            self.tabs.addTab(self.caseload, _("My caseload"))
        self.tabs.addTab(self.overdue, _("Next session overdue"))
        self.tabs.addTab(self.assessment_due, _("Assessment waiting"))
        self.tabs.addTab(self.sessions, _("All sessions"))
        self.tabs.addTab(self.resident, _("Per resident"))
        if self.counselor:
            from kesos_desktop.ui.pages.counseling_search import NoteSearchTab

            self.search = NoteSearchTab(ctx)
            self.tabs.addTab(self.search, _("Search the notes"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 8)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

        for tab in (self.today, self.sessions):
            tab.open_row.connect(self.open_session)
        for tab in (self.caseload, self.overdue, self.assessment_due):
            if tab is not None:
                tab.open_stay.connect(self.open_stay)
        if self.search is not None:
            self.search.open_row.connect(self.open_session)
        self.new_button.clicked.connect(self.new_session)
        self.tabs.currentChanged.connect(lambda _i: self._refresh_current())
        self._loaded: set[int] = set()

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        super().refresh()
        self._loaded.clear()
        self._refresh_current()

    def _refresh_current(self) -> None:
        index = self.tabs.currentIndex()
        if index in self._loaded:
            return
        self._loaded.add(index)
        widget = self.tabs.currentWidget()
        if hasattr(widget, "refresh"):
            widget.refresh()

    # ------------------------------------------------------------------ actions
    def open_session(self, row: SessionRow) -> None:
        from kesos_desktop.ui.dialogs.note_editor_view import open_session

        if open_session(self.ctx, self, row):
            self.refresh()

    def open_stay(self, stay: StayRef) -> None:
        self.tabs.setCurrentWidget(self.resident)
        self.resident.show_stay(stay)

    def new_session(self) -> None:
        from kesos_desktop.ui.dialogs.note_editor import NoteEditorDialog

        if not self.ctx.can(Action.COUNSELING_WRITE):
            return
        stay = self.resident.stay if self.tabs.currentWidget() is self.resident else None
        saved = NoteEditorDialog.ask(self.ctx, self, stay=stay)
        if saved is not None:
            self.ctx.say(_("Session saved."))

    def handle_action(self, action: ActionId) -> bool:
        if action == ActionId.NEW and self.ctx.can(Action.COUNSELING_WRITE):
            self.new_session()
            return True
        if action == ActionId.EXPORT and self.ctx.can(Action.EXCEL_EXPORT):
            tab = self.tabs.currentWidget()
            if hasattr(tab, "export"):  # the session lists (Ctrl+E)
                tab.export()
                return True
        if action == ActionId.FIND:
            current = self.tabs.currentWidget()
            target = getattr(current, "filter", None) or getattr(current, "query", None)
            if target is None and self.search is not None:
                self.tabs.setCurrentWidget(self.search)
                target = self.search.query
            if target is None:
                self.tabs.setCurrentWidget(self.resident)
                target = self.resident.picker.search
            target.setFocus()
            target.selectAll()
            return True
        return super().handle_action(action)

    def open_target(self, target: dict) -> None:
        """{"admission_id": ..} opens that resident's file; {"tab": "overdue"} a list."""
        tabs = {"today": self.today, "overdue": self.overdue, "assessment": self.assessment_due,
                "sessions": self.sessions, "caseload": self.caseload, "search": self.search}
        if target.get("tab") in tabs and tabs[target["tab"]] is not None:
            self.tabs.setCurrentWidget(tabs[target["tab"]])
        if "admission_id" in target:
            from kesos_desktop.services import counseling_caseload

            stay = counseling_caseload.get_stay(self.ctx.db, self.ctx.actor, target["admission_id"])
            if stay is not None:
                self.open_stay(stay)
