"""Helpers shared by the counseling services: metadata rows, stay look-ups, session rules.

Nothing here reads confidential text: these build the metadata that every role may see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from kesos_desktop.db.base import now
from kesos_desktop.db.models import (
    Admission,
    CounselingSession,
    NoteVersion,
    Resident,
    SessionParticipant,
    SessionWorkerRole,
    User,
)
from kesos_desktop.domain.enums import (
    CounselingStatus,
    CounselingType,
    Role,
    Stage,
    WorkerRole,
)
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.i18n import _
from kesos_desktop.services.counseling_dto import (
    Participant,
    SessionInput,
    SessionRow,
    StayRef,
    UserRef,
)
from kesos_desktop.services.resident_common import user_names

#: A note stays editable by its author this long after its first version (unless signed).
EDIT_WINDOW = timedelta(hours=24)
MAX_LIST = 1000


def current_time() -> datetime:
    """Now, for the 24-hour rule (tests move it)."""
    return now()


def chunks(values: Sequence[int], size: int = 500) -> Iterable[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


# ----------------------------------------------------------------------------- stays

_CaseManager = aliased(User)


def stay_columns():
    return (
        Admission.id, Admission.resident_id, Resident.name, Resident.reg_no, Admission.stage,
        Admission.admitted_on, Admission.terminated_on, Admission.case_manager_id,
        _CaseManager.full_name,
    )


def stays_select() -> sa.Select:
    return (
        sa.select(*stay_columns())
        .join(Resident, Resident.id == Admission.resident_id)
        .outerjoin(_CaseManager, _CaseManager.id == Admission.case_manager_id)
    )


def stay_ref(row) -> StayRef:
    return StayRef(
        admission_id=row[0], resident_id=row[1], name=row[2], reg_no=row[3], stage=Stage(row[4]),
        admitted_on=row[5], terminated_on=row[6], case_manager_id=row[7], case_manager_name=row[8],
    )


def stay_refs(session: Session, admission_ids: Iterable[int]) -> dict[int, StayRef]:
    ids = sorted(set(admission_ids))
    found: dict[int, StayRef] = {}
    for part in chunks(ids):
        for row in session.execute(stays_select().where(Admission.id.in_(part))):
            found[row[0]] = stay_ref(row)
    return found


def counselors(session: Session) -> list[UserRef]:
    rows = session.execute(
        sa.select(User.id, User.full_name, User.is_supervisor)
        .where(User.role == Role.COUNSELOR, User.active.is_(True))
        .order_by(User.full_name)
    )
    return [UserRef(r.id, r.full_name, bool(r.is_supervisor)) for r in rows]


def active_counselor(session: Session, user_id: int) -> bool:
    return session.execute(
        sa.select(User.id).where(
            User.id == user_id, User.role == Role.COUNSELOR, User.active.is_(True)
        )
    ).first() is not None


# ----------------------------------------------------------------------------- sessions


def note_stats(session: Session, session_ids: Sequence[int]) -> dict[int, tuple[int, datetime]]:
    """session id -> (number of note versions, when the first was written)."""
    stats: dict[int, tuple[int, datetime]] = {}
    for part in chunks(list(session_ids)):
        rows = session.execute(
            sa.select(NoteVersion.session_id, sa.func.count(NoteVersion.id),
                      sa.func.min(NoteVersion.written_at))
            .where(NoteVersion.session_id.in_(part))
            .group_by(NoteVersion.session_id)
        )
        stats.update({r[0]: (r[1], r[2]) for r in rows})
    return stats


def is_locked(signed_at: datetime | None, first_written_at: datetime | None) -> bool:
    if signed_at is not None:
        return True
    return first_written_at is not None and current_time() >= first_written_at + EDIT_WINDOW


def edit_deadline(signed_at: datetime | None, first_written_at: datetime | None) -> datetime | None:
    if signed_at is not None or first_written_at is None:
        return None
    return first_written_at + EDIT_WINDOW


def session_rows(session: Session, sessions: Sequence[CounselingSession]) -> list[SessionRow]:
    """Metadata rows for ORM sessions, in the given order (a few queries, not one per row)."""
    ids = [s.id for s in sessions]
    participants: dict[int, list[Participant]] = defaultdict(list)
    roles: dict[int, list[WorkerRole]] = defaultdict(list)
    for part in chunks(ids):
        for row in session.execute(
            sa.select(SessionParticipant.session_id, SessionParticipant.admission_id,
                      Resident.id, Resident.name, Resident.reg_no)
            .join(Admission, Admission.id == SessionParticipant.admission_id)
            .join(Resident, Resident.id == Admission.resident_id)
            .where(SessionParticipant.session_id.in_(part))
            .order_by(Resident.name)
        ):
            participants[row[0]].append(Participant(row[1], row[2], row[3], row[4]))
        for session_id, role in session.execute(
            sa.select(SessionWorkerRole.session_id, SessionWorkerRole.role)
            .where(SessionWorkerRole.session_id.in_(part))
        ):
            roles[session_id].append(WorkerRole(role))
    names = user_names(session, (s.counselor_id for s in sessions))
    stats = note_stats(session, ids)
    order = list(WorkerRole)
    rows = []
    for s in sessions:
        count, first = stats.get(s.id, (0, None))
        rows.append(SessionRow(
            id=s.id, held_on=s.held_on, start_time=s.start_time,
            duration_minutes=s.duration_minutes, place=s.place,
            session_type=CounselingType(s.session_type), level=s.level,
            status=CounselingStatus(s.status), confidentiality=s.confidentiality,
            approach=s.approach, counselor_id=s.counselor_id,
            counselor_name=names.get(s.counselor_id, "?"),
            participants=tuple(participants.get(s.id, ())),
            worker_roles=tuple(sorted(roles.get(s.id, ()), key=order.index)),
            next_session_on=s.next_session_on, signed_at=s.signed_at,
            note_versions=count, note_first_written_at=first,
            note_locked=is_locked(s.signed_at, first), version=s.version,
        ))
    return rows


def session_row(session: Session, counseling_session: CounselingSession) -> SessionRow:
    return session_rows(session, [counseling_session])[0]


def validate_session(session: Session, data: SessionInput, counselor_id: int, today: date) -> None:
    """Raise ValidationError (field -> message) for a session that cannot be saved."""
    errors: dict[str, str] = {}
    participants = list(dict.fromkeys(data.participants))
    if data.status == CounselingStatus.DONE and data.held_on > today:
        errors["status"] = _(
            "A session dated in the future cannot be marked as done. Save it as planned, or "
            "correct the date."
        )
    if data.session_type == CounselingType.GROUP and not participants:
        errors["participants"] = _("A group session needs at least one participant.")
    elif data.session_type == CounselingType.INDIVIDUAL and len(participants) != 1:
        errors["participants"] = _("An individual session has exactly one resident.")
    elif data.session_type == CounselingType.FAMILY and not participants:
        errors["participants"] = _("Choose the resident whose family takes part.")
    if data.duration_minutes is not None and not 0 < data.duration_minutes <= 600:
        errors["duration_minutes"] = _("The duration must be between 1 and 600 minutes.")
    if data.place and len(data.place.strip()) > 120:
        errors["place"] = _("The place may have at most {n} characters.").format(n=120)
    if data.topic and len(data.topic.strip()) > 200:
        errors["topic"] = _("The topic may have at most {n} characters.").format(n=200)
    if data.next_session_on is not None and data.next_session_on <= data.held_on:
        errors["next_session_on"] = _("The next session must come after this one.")
    if not active_counselor(session, counselor_id):
        errors["counselor_id"] = _("Choose an active social worker as the counselor.")
    if participants:
        stays = {
            row.id: row
            for row in session.execute(
                sa.select(Admission.id, Admission.admitted_on, Admission.terminated_on)
                .where(Admission.id.in_(participants))
            )
        }
        missing = [a for a in participants if a not in stays]
        if missing:
            errors["participants"] = _("A chosen resident's stay was not found (it may have been removed).")
        elif any(data.held_on < stays[a].admitted_on for a in participants):
            errors["held_on"] = _("The session date is before a participant's admission date.")
        elif any(stays[a].terminated_on and data.held_on > stays[a].terminated_on for a in participants):
            errors["held_on"] = _("The session date is after a participant's stay ended.")
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)


def set_participants(session: Session, session_id: int, admission_ids: Sequence[int]) -> None:
    """Make the participant list exactly ``admission_ids`` (observations of those kept stay)."""
    wanted = list(dict.fromkeys(admission_ids))
    existing = set(session.execute(
        sa.select(SessionParticipant.admission_id).where(SessionParticipant.session_id == session_id)
    ).scalars())
    gone = existing - set(wanted)
    if gone:
        session.execute(sa.delete(SessionParticipant).where(
            SessionParticipant.session_id == session_id, SessionParticipant.admission_id.in_(gone)
        ))
    for admission_id in wanted:
        if admission_id not in existing:
            session.add(SessionParticipant(session_id=session_id, admission_id=admission_id))


def set_worker_roles(session: Session, session_id: int, roles: Iterable[WorkerRole]) -> None:
    session.execute(sa.delete(SessionWorkerRole).where(SessionWorkerRole.session_id == session_id))
    for role in sorted(set(roles), key=list(WorkerRole).index):
        session.add(SessionWorkerRole(session_id=session_id, role=role))


def clean(text: str | None) -> str | None:
    text = (text or "").strip()
    return text or None
