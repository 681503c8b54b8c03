"""What every page needs: the database handle, the logged-in user, and the change broadcast."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.permissions import Action
from kesos_desktop.settings import WorkstationSettings


class AppContext(QObject):
    """Shared by the main window and its pages.

    ``db`` is opaque to the UI: it is only passed on to services. After a service changes data,
    call ``announce(changes)``; every page listening to ``data_changed`` decides whether to refresh.
    """

    data_changed = Signal(object)  # Changes
    status_message = Signal(str)

    def __init__(self, db, actor: Actor, settings: WorkstationSettings, demo: bool = False):
        super().__init__()
        self.db = db
        self.actor = actor
        self.settings = settings
        self.demo = demo

    def can(self, action: Action) -> bool:
        return self.actor.can(action)

    def announce(self, changes: Changes | None) -> None:
        if changes is not None and changes.entities:
            self.data_changed.emit(changes)

    def say(self, message: str) -> None:
        """A short status-bar message (after a save, for example)."""
        self.status_message.emit(message)
