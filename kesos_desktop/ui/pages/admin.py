"""Admin: the facility profile, users, and (as they land) audit log and backups."""

from __future__ import annotations

import importlib

from PySide6.QtWidgets import QTabWidget, QVBoxLayout

from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import N_, _
from kesos_desktop.ui.pages.base import Page

# (title, module, class, permission): each tab is a QWidget taking (ctx) with refresh().
ADMIN_TABS = [
    (N_("Facility profile"), "kesos_desktop.ui.pages.admin_facility", "FacilityProfileTab",
     Action.FACILITY_EDIT),
    (N_("Users"), "kesos_desktop.ui.pages.admin_users", "UsersTab", Action.USER_MANAGE),
    (N_("Audit log"), "kesos_desktop.ui.pages.admin_audit", "AuditTab", Action.AUDIT_VIEW),
    (N_("Backups"), "kesos_desktop.ui.pages.admin_backup", "BackupTab", Action.BACKUP),
    (N_("Data retention"), "kesos_desktop.ui.pages.admin_retention", "RetentionTab",
     Action.PERSON_ANONYMIZE),
]


class AdminPage(Page):
    watches = frozenset({"user", "facility"})

    def __init__(self, ctx, parent=None):
        super().__init__(ctx, parent)
        self.tabs = QTabWidget()
        self.tab_widgets = []
        for title, module, class_name, action in ADMIN_TABS:
            if not ctx.can(action):
                continue
            widget = getattr(importlib.import_module(module), class_name)(ctx)
            self.tabs.addTab(widget, _(title))
            self.tab_widgets.append(widget)
        self.tabs.currentChanged.connect(lambda _i: self.refresh())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.addWidget(self.tabs)

    def refresh(self) -> None:
        super().refresh()
        current = self.tabs.currentWidget()
        if current is not None and hasattr(current, "refresh"):
            current.refresh()
