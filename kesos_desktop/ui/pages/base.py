"""What a page of the main window provides."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from kesos_desktop.domain.dto import Changes
from kesos_desktop.ui.actions import ActionId
from kesos_desktop.ui.app_context import AppContext


class Page(QWidget):
    """A page shown in the main window. Subclasses load their data off the GUI thread."""

    #: entity names (as in ``Changes``) whose change makes this page reload
    watches: frozenset[str] = frozenset()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self._stale = True
        ctx.data_changed.connect(self._on_data_changed)

    def _on_data_changed(self, changes: Changes) -> None:
        if self.watches & changes.entities:
            self._stale = True
            if self.isVisible():
                self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt naming
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        """Reload the page's data (F5). Override; call ``mark_fresh()`` when loaded."""
        self._stale = False

    def mark_fresh(self) -> None:
        self._stale = False

    def handle_action(self, action: ActionId) -> bool:
        if action == ActionId.REFRESH:
            self.refresh()
            return True
        return False

    def open_target(self, target: dict) -> None:
        """Show a filtered view or a record, e.g. {"resident_id": 5} (dashboard click-through)."""
