"""The pages of the main window, in sidebar order. Each area adds its own entry here.

Factories import their page module lazily, so start-up does not pay for pages not yet opened.
"""

from __future__ import annotations

from dataclasses import dataclass

from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import N_


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str  # marked with N_, translated when shown
    module: str
    class_name: str
    needs: Action

    def visible_to(self, actor: Actor) -> bool:
        return actor.can(self.needs)

    def create(self, ctx):
        import importlib

        module = importlib.import_module(self.module)
        return getattr(module, self.class_name)(ctx)


PAGES: list[PageSpec] = [
    PageSpec("dashboard", N_("Dashboard"), "kesos_desktop.ui.pages.dashboard", "DashboardPage",
             Action.FACILITY_VIEW),
    PageSpec("residents", N_("Residents"), "kesos_desktop.ui.pages.residents", "ResidentsPage", Action.RESIDENT_VIEW),
    PageSpec("training", N_("Training"), "kesos_desktop.ui.pages.training", "TrainingPage", Action.TRAINING_VIEW),
    PageSpec("counseling", N_("Counseling"), "kesos_desktop.ui.pages.counseling", "CounselingPage", Action.COUNSELING_VIEW),
    PageSpec("reintegration", N_("Reintegration"), "kesos_desktop.ui.pages.reintegration", "ReintegrationPage", Action.REINTEGRATION_VIEW),
    PageSpec("reports", N_("Reports"), "kesos_desktop.ui.pages.reports", "ReportsPage", Action.REPORT_PRINT),
    PageSpec("admin", N_("Admin"), "kesos_desktop.ui.pages.admin", "AdminPage",
             Action.USER_MANAGE),
]


def page_spec(key: str) -> PageSpec:
    for spec in PAGES:
        if spec.key == key:
            return spec
    raise KeyError(key)


def visible_pages(actor: Actor) -> list[PageSpec]:
    return [spec for spec in PAGES if spec.visible_to(actor)]


