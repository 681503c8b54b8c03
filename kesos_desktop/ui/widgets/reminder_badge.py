"""The count of the user's due and overdue items, next to "Dasbor" in the sidebar.

Recounted after any change announced in this window, and every few minutes (other
workstations may have changed things when the database is shared).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from kesos_desktop.services import dashboard
from kesos_desktop.ui.tasks import run_in_background

INTERVAL_MS = 5 * 60 * 1000
DEBOUNCE_MS = 800


class ReminderBadge(QObject):
    def __init__(self, window, ctx):
        super().__init__(window)
        self.window, self.ctx = window, ctx
        self.count: int | None = None
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS, timeout=self.refresh)
        self._timer = QTimer(self, interval=INTERVAL_MS, timeout=self.refresh)
        self._timer.start()
        ctx.data_changed.connect(lambda _changes: self._debounce.start())
        self.refresh()

    def refresh(self) -> None:
        run_in_background(dashboard.reminders, self.ctx.db, self.ctx.actor).owned_by(
            self.window).on_success(self._show).on_failure(lambda _error: None).start()

    def _show(self, items) -> None:
        self.count = len(items)
        self.window.set_badge("dashboard", self.count)
