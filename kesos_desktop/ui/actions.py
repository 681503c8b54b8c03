"""Window-wide actions in one registry (like Picard's), with their shortcuts.

The main window owns one QAction per id and forwards a trigger to the current page's
``handle_action(action_id)``; a page that returns False leaves the action to the window.
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from kesos_desktop.i18n import N_, _


class ActionId(Enum):
    NEW = (N_("New"), "Ctrl+N")
    SAVE = (N_("Save"), "Ctrl+S")
    FIND = (N_("Search in list"), "Ctrl+F")
    SEARCH_ALL = (N_("Search everywhere"), "Ctrl+K")
    PRINT = (N_("Print"), "Ctrl+P")
    EXPORT = (N_("Export to Excel"), "Ctrl+E")
    REFRESH = (N_("Refresh"), "F5")


def create_actions(parent: QWidget) -> dict[ActionId, QAction]:
    actions = {}
    for action_id in ActionId:
        label, shortcut = action_id.value
        action = QAction(_(label), parent)
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{_(label)} ({shortcut})")
        parent.addAction(action)
        actions[action_id] = action
    return actions
