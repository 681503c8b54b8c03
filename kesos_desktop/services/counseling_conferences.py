"""Case conferences (konferensi kasus): staff meet on one stay and record their decisions.

Decisions are operational (refer, trace the family, change the plan) and are carried out by the
staff who attend, so every role that may see counseling metadata sees them; what a resident said
in counseling belongs in the session notes, which stay confidential.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kesos_desktop.db.models import Admission, CaseConference, ConferenceAttendee, Resident, User
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.services import audit
from kesos_desktop.services.common import check_version, get_or_404, mark_updated
from kesos_desktop.services.context import requires
from kesos_desktop.services.counseling_common import user_names
from kesos_desktop.services.counseling_dto import ConferenceInput, ConferenceRow, UserRef

ENTITY = "case_conference"
MAX_DECISIONS = 10_000


@requires(Action.COUNSELING_VIEW)
def list_staff(db, actor: Actor) -> list[UserRef]:
    """Active users who can attend a conference."""
    with db.read() as session:
        rows = session.execute(
            sa.select(User.id, User.full_name, User.is_supervisor)
            .where(User.active.is_(True)).order_by(User.full_name)
        )
        return [UserRef(r.id, r.full_name, bool(r.is_supervisor)) for r in rows]


def _validate(session: Session, data: ConferenceInput, today: date) -> None:
    errors = {}
    stay = session.execute(
        sa.select(Admission.admitted_on).where(Admission.id == data.admission_id)
    ).first()
    if stay is None:
        errors["admission_id"] = _("Choose the resident the conference is about.")
    elif data.held_on < stay.admitted_on:
        errors["held_on"] = _("The conference date is before the admission date.")
    if data.held_on > today:
        errors["held_on"] = _("A conference with decisions cannot be dated in the future.")
    if not (data.decisions or "").strip():
        errors["decisions"] = _("Write the decisions taken.")
    elif len(data.decisions) > MAX_DECISIONS:
        errors["decisions"] = _("The decisions may have at most {n} characters.").format(n=MAX_DECISIONS)
    people = set(data.attendee_ids) | ({data.led_by_id} if data.led_by_id else set())
    if not data.attendee_ids:
        errors["attendee_ids"] = _("Choose who attended.")
    elif people:
        known = set(session.execute(
            sa.select(User.id).where(User.id.in_(people), User.active.is_(True))
        ).scalars())
        if people - known:
            errors["attendee_ids"] = _("Attendees must be active users.")
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)


def _row(session: Session, conference: CaseConference) -> ConferenceRow:
    return _rows(session, [conference])[0]


def _rows(session: Session, conferences: list[CaseConference]) -> list[ConferenceRow]:
    ids = [c.id for c in conferences]
    attendees: dict[int, list[UserRef]] = {i: [] for i in ids}
    if ids:
        for conference_id, user_id, name in session.execute(
            sa.select(ConferenceAttendee.conference_id, User.id, User.full_name)
            .join(User, User.id == ConferenceAttendee.user_id)
            .where(ConferenceAttendee.conference_id.in_(ids)).order_by(User.full_name)
        ):
            attendees[conference_id].append(UserRef(user_id, name))
    residents = dict(session.execute(
        sa.select(Admission.id, Resident.name).join(Resident, Resident.id == Admission.resident_id)
        .where(Admission.id.in_({c.admission_id for c in conferences}))
    ).all()) if conferences else {}
    leaders = user_names(session, (c.led_by_id for c in conferences))
    return [
        ConferenceRow(
            id=c.id, admission_id=c.admission_id, resident_name=residents.get(c.admission_id, "?"),
            held_on=c.held_on, decisions=c.decisions, led_by_name=leaders.get(c.led_by_id),
            attendees=tuple(attendees[c.id]), version=c.version,
        )
        for c in conferences
    ]


def _set_attendees(session: Session, conference_id: int, user_ids) -> None:
    session.execute(sa.delete(ConferenceAttendee).where(ConferenceAttendee.conference_id == conference_id))
    for user_id in sorted(set(user_ids)):
        session.add(ConferenceAttendee(conference_id=conference_id, user_id=user_id))


@requires(Action.COUNSELING_WRITE)
def create_conference(
    db, actor: Actor, data: ConferenceInput, today: date | None = None
) -> tuple[ConferenceRow, Changes]:
    today = today or date.today()
    with db.write() as session:
        _validate(session, data, today)
        conference = CaseConference(
            admission_id=data.admission_id, held_on=data.held_on, decisions=data.decisions.strip(),
            led_by_id=data.led_by_id, updated_by=actor.username,
        )
        session.add(conference)
        session.flush()
        _set_attendees(session, conference.id, data.attendee_ids)
        session.flush()
        audit.record(session, actor, "create", ENTITY, conference.id,
                     {"admission_id": data.admission_id, "held_on": data.held_on,
                      "attendees": len(set(data.attendee_ids))})
        return _row(session, conference), Changes.of(ENTITY)


@requires(Action.COUNSELING_WRITE)
def update_conference(
    db, actor: Actor, conference_id: int, data: ConferenceInput, expected_version: int | None = None,
    today: date | None = None,
) -> tuple[ConferenceRow, Changes]:
    today = today or date.today()
    with db.write() as session:
        conference = get_or_404(session, CaseConference, conference_id, _("The case conference"))
        check_version(conference, expected_version)
        if data.admission_id != conference.admission_id:
            raise ValidationError(_("A conference cannot be moved to another resident."))
        _validate(session, data, today)
        changed = ["decisions"] if data.decisions.strip() != conference.decisions else []
        audit.record(session, actor, "update", ENTITY, conference.id,
                     {"held_on": [conference.held_on, data.held_on], "changed": changed})
        conference.held_on = data.held_on
        conference.decisions = data.decisions.strip()
        conference.led_by_id = data.led_by_id
        mark_updated(conference, actor.username)  # attendees alone must move the version too
        _set_attendees(session, conference.id, data.attendee_ids)
        session.flush()
        return _row(session, conference), Changes.of(ENTITY)


@requires(Action.COUNSELING_VIEW)
def list_conferences(
    db, actor: Actor, admission_id: int | None = None, limit: int = 200
) -> list[ConferenceRow]:
    with db.read() as session:
        query = sa.select(CaseConference).order_by(CaseConference.held_on.desc(), CaseConference.id.desc())
        if admission_id:
            query = query.where(CaseConference.admission_id == admission_id)
        return _rows(session, list(session.execute(query.limit(max(1, min(limit, 1000)))).scalars()))
