"""Figures for the first screen after login."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import Admission, FacilityProfile
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.permissions import Action
from kesos_desktop.services.context import requires


@dataclass(frozen=True)
class FacilitySummary:
    facility_name: str
    capacity: int
    current_residents: int
    admitted_this_month: int
    terminated_this_month: int
    today: date


def _month_start(day: date) -> date:
    return day.replace(day=1)


@requires(Action.FACILITY_VIEW)
def facility_summary(db: Database, actor: Actor, today: date | None = None) -> FacilitySummary:
    today = today or date.today()
    start = _month_start(today)
    with db.read() as session:
        profile = session.get(FacilityProfile, 1)
        current = session.execute(
            sa.select(sa.func.count(Admission.id)).where(Admission.terminated_on.is_(None))
        ).scalar_one()
        admitted = session.execute(
            sa.select(sa.func.count(Admission.id)).where(Admission.admitted_on.between(start, today))
        ).scalar_one()
        terminated = session.execute(
            sa.select(sa.func.count(Admission.id)).where(Admission.terminated_on.between(start, today))
        ).scalar_one()
    return FacilitySummary(
        facility_name=profile.name if profile else "",
        capacity=profile.capacity if profile else 0,
        current_residents=current,
        admitted_this_month=admitted,
        terminated_this_month=terminated,
        today=today,
    )
