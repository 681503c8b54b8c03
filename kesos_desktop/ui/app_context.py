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
    navigate = Signal(str, object)  # page key, target dict: open a page at a record or filter

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

    def open(self, page: str, target: dict | None = None) -> None:
        """Ask the main window to show ``page`` (e.g. "residents") at ``target``."""
        self.navigate.emit(page, target or {})

    @property
    def shared_server(self) -> bool:
        """True when several workstations share the database (refresh on a timer then)."""
        return not getattr(self.db, "is_sqlite", True)

    def say(self, message: str) -> None:
        """A short status-bar message (after a save, for example)."""
        self.status_message.emit(message)
