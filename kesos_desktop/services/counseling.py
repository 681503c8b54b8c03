"""Counseling sessions (bimbingan): plan, record, change, cancel, list. Metadata only.

Everyone with ``Action.COUNSELING_VIEW`` sees that a session happened: date, type, level,
counselor, participants, status. The topic and the note are confidential and come only from
``counseling_notes`` (``Action.NOTE_READ``, audited).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from kesos_desktop.db.models import Admission, CounselingSession, SessionParticipant
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.enums import CounselingStatus, CounselingType, NoteVersionKind
from kesos_desktop.domain.errors import PermissionDenied, ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.services import audit, confidentiality
from kesos_desktop.services.common import check_version, get_or_404
from kesos_desktop.services.confidentiality import audited_refusals, body_writer
from kesos_desktop.services.context import requires
from kesos_desktop.services.counseling_common import (
    MAX_LIST,
    clean,
    counselors,
    session_row,
    session_rows,
    set_participants,
    set_worker_roles,
    validate_session,
)
from kesos_desktop.services.counseling_dto import NoteInput, SessionInput, SessionRow, UserRef
from kesos_desktop.services.counseling_notes import (
    add_observations,
    add_version,
    check_note_text,
    write_edit,
    write_original,
)

ENTITY = "counseling_session"


@dataclass(frozen=True)
class SessionFilter:
    date_from: date | None = None
    date_to: date | None = None
    admission_id: int | None = None
    resident_id: int | None = None
    counselor_id: int | None = None
    status: CounselingStatus | None = None
    session_type: CounselingType | None = None
    limit: int = 500


@requires(Action.COUNSELING_VIEW)
def list_counselors(db, actor: Actor) -> list[UserRef]:
    """Active social workers, for the counselor and attendee pickers."""
    with db.read() as session:
        return counselors(session)


def _apply(data: SessionInput, cs: CounselingSession) -> None:
    cs.session_type = data.session_type
    cs.level = data.level
    cs.held_on = data.held_on
    cs.start_time = data.start_time
    cs.duration_minutes = data.duration_minutes
    cs.place = clean(data.place)
    cs.approach = data.approach
    cs.topic = clean(data.topic)
    cs.status = data.status
    cs.confidentiality = data.confidentiality
    cs.next_session_on = data.next_session_on


def _summary(data: SessionInput) -> dict:
    """What the audit log may say about a session: never its topic."""
    return {
        "type": str(data.session_type), "held_on": data.held_on, "status": str(data.status),
        "confidentiality": str(data.confidentiality), "participants": len(set(data.participants)),
    }


@body_writer(confidentiality.NOTE_ENTITY)
@requires(Action.COUNSELING_WRITE)
def create_session(
    db, actor: Actor, data: SessionInput, note: NoteInput | None = None, today: date | None = None
) -> tuple[SessionRow, Changes]:
    """Plan or record a session; with ``note``, its first note version in the same transaction
    (all or nothing). Only the session's counselor may write its note."""
    today = today or date.today()
    counselor_id = data.counselor_id or actor.id
    if note is not None:
        check_note_text(note)
        if counselor_id != actor.id:
            raise ValidationError(_("Only the session's counselor can write its note."))
        if data.status != CounselingStatus.DONE:
            raise ValidationError(
                _("Only a session that took place can have a note. Mark it as done."),
                {"status": _("Mark the session as done to write its note.")},
            )
    with db.write() as session:
        validate_session(session, data, counselor_id, today)
        cs = CounselingSession(counselor_id=counselor_id, updated_by=actor.username)
        _apply(data, cs)
        session.add(cs)
        session.flush()
        set_participants(session, cs.id, data.participants)
        set_worker_roles(session, cs.id, data.worker_roles)
        session.flush()
        audit.record(session, actor, "create", ENTITY, cs.id, _summary(data))
        if note is not None:
            add_version(session, actor, cs, NoteVersionKind.ORIGINAL, note.body, note.agreed_actions)
            observed = add_observations(session, cs, note.observations)
            audit.record(session, actor, "write_note", confidentiality.NOTE_ENTITY, cs.id,
                         {"version_no": 1, "observations": observed})
        return session_row(session, cs), Changes.of(ENTITY)


def _own(cs: CounselingSession, actor: Actor) -> None:
    if cs.counselor_id != actor.id:
        raise PermissionDenied(_("Only the session's counselor can change this session."))


@body_writer(confidentiality.NOTE_ENTITY)
@requires(Action.COUNSELING_WRITE)
@audited_refusals(ENTITY)
def update_session(
    db, actor: Actor, session_id: int, data: SessionInput, expected_version: int | None = None,
    today: date | None = None, note: NoteInput | None = None,
    expected_note_version: int | None = None,
) -> tuple[SessionRow, Changes]:
    """Change a session's details, by its counselor, while its note is still open; with
    ``note``, write its first version or a new version in the same transaction (all or nothing).

    Once the note is signed or 24 hours old the session's record is fixed; the next-session date
    can still be set (``set_next_session``).
    """
    today = today or date.today()
    if note is not None:
        check_note_text(note)
    with db.write() as session:
        cs = get_or_404(session, CounselingSession, session_id, _("The counseling session"))
        _own(cs, actor)
        check_version(cs, expected_version)
        row = session_row(session, cs)
        if row.note_locked:
            raise ValidationError(
                _("This session's note is signed or more than 24 hours old: its record can no "
                  "longer be changed. Add an addendum to the note instead.")
            )
        if (row.has_note or note is not None) and data.status != CounselingStatus.DONE:
            raise ValidationError(
                _("A session with a note took place: it stays marked as done."),
                {"status": _("A session with a note stays done.")},
            )
        counselor_id = data.counselor_id or cs.counselor_id
        if counselor_id != cs.counselor_id and row.has_note:
            raise ValidationError(_("The counselor of a session with a note cannot change."))
        validate_session(session, data, counselor_id, today)
        before = {"held_on": cs.held_on, "status": str(cs.status), "type": str(cs.session_type),
                  "confidentiality": str(cs.confidentiality), "counselor_id": cs.counselor_id}
        _apply(data, cs)
        cs.counselor_id = counselor_id
        cs.updated_by = actor.username
        set_participants(session, cs.id, data.participants)
        set_worker_roles(session, cs.id, data.worker_roles)
        session.flush()
        after = {"held_on": cs.held_on, "status": str(cs.status), "type": str(cs.session_type),
                 "confidentiality": str(cs.confidentiality), "counselor_id": cs.counselor_id}
        audit.record(session, actor, "update", ENTITY, cs.id, audit.diff(before, after))
        if note is not None and row.has_note:
            write_edit(session, actor, cs, note, expected_note_version or 0)
        elif note is not None:
            write_original(session, actor, cs, note, today)
        return session_row(session, cs), Changes.of(ENTITY)


@requires(Action.COUNSELING_WRITE)
@audited_refusals(ENTITY)
def set_next_session(
    db, actor: Actor, session_id: int, next_on: date | None, expected_version: int | None = None
) -> tuple[SessionRow, Changes]:
    """The agreed date of the next session (allowed after signing too)."""
    with db.write() as session:
        cs = get_or_404(session, CounselingSession, session_id, _("The counseling session"))
        _own(cs, actor)
        check_version(cs, expected_version)
        if next_on is not None and next_on <= cs.held_on:
            raise ValidationError(_("The next session must come after this one."),
                                  {"next_session_on": _("The next session must come after this one.")})
        audit.record(session, actor, "update", ENTITY, cs.id,
                     {"next_session_on": [cs.next_session_on, next_on]})
        cs.next_session_on = next_on
        cs.updated_by = actor.username
        session.flush()
        return session_row(session, cs), Changes.of(ENTITY)


@requires(Action.COUNSELING_WRITE)
@audited_refusals(ENTITY)
def cancel_session(
    db, actor: Actor, session_id: int, expected_version: int | None = None
) -> tuple[SessionRow, Changes]:
    """Cancel a planned session (kept in the list, marked Cancelled)."""
    with db.write() as session:
        cs = get_or_404(session, CounselingSession, session_id, _("The counseling session"))
        _own(cs, actor)
        check_version(cs, expected_version)
        if cs.status != CounselingStatus.PLANNED:
            raise ValidationError(_("Only a planned session can be cancelled."))
        cs.status = CounselingStatus.CANCELLED
        cs.updated_by = actor.username
        audit.record(session, actor, "cancel", ENTITY, cs.id)
        session.flush()
        return session_row(session, cs), Changes.of(ENTITY)


def _filtered(query: sa.Select, flt: SessionFilter) -> sa.Select:
    if flt.date_from:
        query = query.where(CounselingSession.held_on >= flt.date_from)
    if flt.date_to:
        query = query.where(CounselingSession.held_on <= flt.date_to)
    if flt.counselor_id:
        query = query.where(CounselingSession.counselor_id == flt.counselor_id)
    if flt.status:
        query = query.where(CounselingSession.status == flt.status)
    if flt.session_type:
        query = query.where(CounselingSession.session_type == flt.session_type)
    if flt.admission_id or flt.resident_id:
        members = sa.select(SessionParticipant.session_id).join(
            Admission, Admission.id == SessionParticipant.admission_id)
        if flt.admission_id:
            members = members.where(SessionParticipant.admission_id == flt.admission_id)
        if flt.resident_id:
            members = members.where(Admission.resident_id == flt.resident_id)
        query = query.where(CounselingSession.id.in_(members))
    return query


@requires(Action.COUNSELING_VIEW)
def list_sessions(db, actor: Actor, flt: SessionFilter | None = None) -> list[SessionRow]:
    """Sessions, newest first: metadata only (no topic, no note)."""
    flt = flt or SessionFilter()
    with db.read() as session:
        query = _filtered(sa.select(CounselingSession), flt).order_by(
            CounselingSession.held_on.desc(), CounselingSession.start_time.desc(),
            CounselingSession.id.desc(),
        ).limit(max(1, min(flt.limit, MAX_LIST)))
        return session_rows(session, list(session.execute(query).scalars()))


@requires(Action.COUNSELING_VIEW)
def count_sessions(db, actor: Actor, flt: SessionFilter | None = None) -> int:
    flt = flt or SessionFilter()
    with db.read() as session:
        query = _filtered(sa.select(sa.func.count(CounselingSession.id)), flt)
        return session.execute(query).scalar_one()


@requires(Action.COUNSELING_VIEW)
def get_session(db, actor: Actor, session_id: int) -> SessionRow:
    with db.read() as session:
        cs = get_or_404(session, CounselingSession, session_id, _("The counseling session"))
        return session_row(session, cs)
