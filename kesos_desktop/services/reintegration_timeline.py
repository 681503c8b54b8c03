"""This area on a person's timeline: the reintegration plan, readiness items done, home visits,
follow-ups done and the closing of aftercare. (Admission, stage moves and the termination itself
come from the residents area's own provider.)"""

from __future__ import annotations

from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kesos_desktop.db.models import (
    Admission,
    FollowUp,
    HomeVisit,
    ReadinessItem,
    ReintegrationPlan,
)
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.enums import (
    AftercareOutcome,
    DestinationType,
    FamilyReadiness,
    FollowUpCondition,
    FollowUpMethod,
    ReadinessItemType,
    ReadinessStatus,
)
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.resident_dto import TimelineEvent
from kesos_desktop.i18n import _
from kesos_desktop.services.resident_common import stays_of, user_names
from kesos_desktop.services.timeline import timeline_provider


@timeline_provider
def reintegration_plan(session: Session, actor: Actor, resident_id: int) -> list[TimelineEvent]:
    """The plan (when made, where to) and each readiness item done (when, by whom)."""
    if not actor.can(Action.REINTEGRATION_VIEW):
        return []
    plans = session.execute(
        sa.select(ReintegrationPlan).where(ReintegrationPlan.admission_id.in_(stays_of(resident_id)))
    ).scalars().all()
    if not plans:
        return []
    items = session.execute(
        sa.select(ReadinessItem).where(
            ReadinessItem.plan_id.in_([p.id for p in plans]),
            ReadinessItem.status == ReadinessStatus.DONE,
        )
    ).scalars().all()
    stay_of = {p.id: p.admission_id for p in plans}
    names = user_names(session, [i.done_by_id for i in items])
    events = [
        TimelineEvent(
            plan.created_at.date(), "reintegration", _("Reintegration plan made"),
            DestinationType(plan.destination_type).label, None, plan.admission_id,
            plan.created_at,
        )
        for plan in plans
    ]
    events += [
        TimelineEvent(
            item.done_on, "reintegration",
            _("Readiness: {item}").format(item=ReadinessItemType(item.item).label), "",
            names.get(item.done_by_id), stay_of[item.plan_id],
            datetime.combine(item.done_on, time(9)),
        )
        for item in items
    ]
    return events


@timeline_provider
def home_visits(session: Session, actor: Actor, resident_id: int) -> list[TimelineEvent]:
    """Home visits: who went and the family's readiness (the findings stay in the visit)."""
    if not actor.can(Action.REINTEGRATION_VIEW):
        return []
    visits = session.execute(
        sa.select(HomeVisit).where(HomeVisit.admission_id.in_(stays_of(resident_id)))
    ).scalars().all()
    events = []
    for visit in visits:
        detail = _("Family readiness: {judgement}").format(
            judgement=FamilyReadiness(visit.family_readiness).label
        ) if visit.family_readiness else ""
        events.append(TimelineEvent(
            visit.visited_on, "home_visit", _("Home visit"), detail, visit.visitors,
            visit.admission_id, datetime.combine(visit.visited_on, time(12)),
        ))
    return events


@timeline_provider
def aftercare(session: Session, actor: Actor, resident_id: int) -> list[TimelineEvent]:
    """Follow-ups done (method and condition) and the closing of aftercare (outcome)."""
    if not actor.can(Action.REINTEGRATION_VIEW):
        return []
    done = session.execute(
        sa.select(FollowUp).where(
            FollowUp.admission_id.in_(stays_of(resident_id)), FollowUp.done_on.is_not(None)
        )
    ).scalars().all()
    names = user_names(session, [f.done_by_id for f in done])
    events = [
        TimelineEvent(
            fu.done_on, "follow_up",
            _("Follow-up ({method})").format(method=FollowUpMethod(fu.method).label),
            FollowUpCondition(fu.condition).label if fu.condition else "",
            names.get(fu.done_by_id), fu.admission_id, datetime.combine(fu.done_on, time(13)),
        )
        for fu in done
    ]
    closed = session.execute(
        sa.select(Admission.id, Admission.aftercare_closed_on, Admission.aftercare_outcome).where(
            Admission.resident_id == resident_id, Admission.aftercare_closed_on.is_not(None)
        )
    ).all()
    events += [
        TimelineEvent(
            on, "follow_up", _("Aftercare closed"),
            AftercareOutcome(outcome).label if outcome else "", None, admission_id,
            datetime.combine(on, time(18)),
        )
        for admission_id, on, outcome in closed
    ]
    return events
