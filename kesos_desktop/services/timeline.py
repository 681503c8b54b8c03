"""A person's timeline: everything that happened, newest first, from every area.

Each area contributes a *provider*: ``fn(session, actor, resident_id) -> list[TimelineEvent]``.
Register one with ``@timeline_provider`` in your own module and add the module's name to
``PROVIDER_MODULES`` (one line), so it is imported before the first timeline is built; this
module never needs editing otherwise. A provider decides what the actor may see: counseling,
for instance, gives only the date, the type and the counselor, never the content.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import (
    Admission,
    Attachment,
    Consent,
    Room,
    RoomAssignment,
    StageChange,
)
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.enums import (
    ConsentRelation,
    DocumentType,
    ReferralSource,
    Stage,
    TerminationReason,
)
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.resident_dto import TimelineEvent
from kesos_desktop.i18n import _
from kesos_desktop.services.common import get_or_404
from kesos_desktop.services.context import requires
from kesos_desktop.services.resident_common import user_names

log = logging.getLogger(__name__)

Provider = Callable[[Session, Actor, int], list[TimelineEvent]]

#: every registered provider, in registration order
TIMELINE_PROVIDERS: list[Provider] = []

#: modules that register providers when imported (one line per area)
PROVIDER_MODULES: list[str] = [
    "kesos_desktop.services.timeline",
    "kesos_desktop.services.counseling_timeline",
    "kesos_desktop.services.reintegration_timeline",
    "kesos_desktop.services.training_timeline",
]

_loaded = False


def timeline_provider(fn: Provider) -> Provider:
    """Decorator: add ``fn`` to the timeline providers (once)."""
    if fn not in TIMELINE_PROVIDERS:
        TIMELINE_PROVIDERS.append(fn)
    return fn


def _load_providers() -> None:
    global _loaded
    if _loaded:
        return
    for name in PROVIDER_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:  # an area not installed in this build
            log.warning("timeline provider module %s cannot be imported", name, exc_info=True)
    _loaded = True


def _sort_key(event: TimelineEvent) -> tuple:
    return (event.on, event.at or datetime.combine(event.on, time.min))


@requires(Action.RESIDENT_VIEW)
def timeline(db: Database, actor: Actor, resident_id: int) -> list[TimelineEvent]:
    """Every event of every provider for one person, newest first."""
    from kesos_desktop.db.models import Resident

    _load_providers()
    events: list[TimelineEvent] = []
    with db.read() as session:
        get_or_404(session, Resident, resident_id, _("The resident"))
        for provider in TIMELINE_PROVIDERS:
            events.extend(provider(session, actor, resident_id))
    return sorted(events, key=_sort_key, reverse=True)


# ------------------------------------------------------------------ this area's providers


@timeline_provider
def stays_and_stages(session: Session, actor: Actor, resident_id: int) -> list[TimelineEvent]:
    """Admissions, stage changes and terminations."""
    stays = session.execute(
        sa.select(Admission).where(Admission.resident_id == resident_id)
    ).scalars().all()
    if not stays:
        return []
    ids = [a.id for a in stays]
    changes = session.execute(
        sa.select(StageChange).where(StageChange.admission_id.in_(ids))
    ).scalars().all()
    names = user_names(session, [c.user_id for c in changes])
    events = []
    for stay in stays:
        events.append(TimelineEvent(
            stay.admitted_on, "admission", _("Admitted"),
            _("Referred by: {source}").format(source=ReferralSource(stay.referral_source).label),
            admission_id=stay.id, at=stay.created_at,
        ))
        if stay.terminated_on is not None:
            reason = TerminationReason(stay.termination_reason).label if stay.termination_reason else ""
            events.append(TimelineEvent(
                stay.terminated_on, "termination", _("Stay ended"), reason,
                admission_id=stay.id, at=datetime.combine(stay.terminated_on, time.max),
            ))
    for change in changes:
        if change.from_stage is None:
            continue  # the first stage is the admission itself
        events.append(TimelineEvent(
            change.changed_on, "stage",
            _("Stage: {from_stage} → {to_stage}").format(
                from_stage=Stage(change.from_stage).label, to_stage=Stage(change.to_stage).label),
            change.note or "", names.get(change.user_id), change.admission_id, change.recorded_at,
        ))
    return events


@timeline_provider
def room_moves(session: Session, actor: Actor, resident_id: int) -> list[TimelineEvent]:
    rows = session.execute(
        sa.select(RoomAssignment, Room.name).join(Room, Room.id == RoomAssignment.room_id)
        .join(Admission, Admission.id == RoomAssignment.admission_id)
        .where(Admission.resident_id == resident_id)
    ).all()
    names = user_names(session, [r.user_id for r, _name in rows])
    events = []
    for assignment, room_name in rows:
        detail = assignment.note or ""
        if assignment.over_capacity_override:
            detail = (detail + " " + _("(over capacity)")).strip()
        events.append(TimelineEvent(
            assignment.from_date, "room", _("Room: {room}").format(room=room_name), detail,
            names.get(assignment.user_id), assignment.admission_id,
        ))
    return events


@timeline_provider
def documents_and_consent(session: Session, actor: Actor, resident_id: int) -> list[TimelineEvent]:
    files = session.execute(
        sa.select(Attachment).where(Attachment.resident_id == resident_id)
    ).scalars().all()
    consents = session.execute(
        sa.select(Consent).where(Consent.resident_id == resident_id)
    ).scalars().all()
    names = user_names(session, [f.added_by_id for f in files] + [c.recorded_by_id for c in consents])
    events = [
        TimelineEvent(f.added_at.date(), "document",
                      _("Document added: {title}").format(title=f.title),
                      DocumentType(f.doc_type).label, names.get(f.added_by_id), f.admission_id,
                      f.added_at)
        for f in files
    ]
    for consent in consents:
        events.append(TimelineEvent(
            consent.given_on, "consent", _("Consent given"),
            _("{name} ({relation})").format(name=consent.given_by_name,
                                            relation=ConsentRelation(consent.relation).label),
            names.get(consent.recorded_by_id), consent.admission_id, consent.created_at,
        ))
        if consent.withdrawn_on:
            events.append(TimelineEvent(consent.withdrawn_on, "consent", _("Consent withdrawn"),
                                        consent.given_by_name, admission_id=consent.admission_id))
    return events
