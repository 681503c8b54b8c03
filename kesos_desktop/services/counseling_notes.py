"""Counseling notes: write, edit (author, 24 hours, unsigned), sign, addenda, read, search.

No silent overwrite: every change is a new ``NoteVersion`` row; after the note is signed or 24
hours after its first version, only an addendum with a reason can be added. Observations of
group participants are recorded with the note; one already written cannot be replaced (an
addendum corrects it), so nothing written is ever lost.

Every function here that returns text is a ``@body_reader`` (``Action.NOTE_READ``, the note's
level checked by ``confidentiality.open_note``, each read audited).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kesos_desktop.db.models import (
    Admission,
    CounselingSession,
    NoteVersion,
    Resident,
    SessionParticipant,
)
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.enums import CounselingStatus, NoteVersionKind
from kesos_desktop.domain.errors import ConflictError, PermissionDenied, ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.services import audit, confidentiality
from kesos_desktop.services.common import get_or_404, mark_updated
from kesos_desktop.services.confidentiality import audited_refusals, body_reader, body_writer
from kesos_desktop.services.context import requires
from kesos_desktop.services.counseling_common import (
    chunks,
    clean,
    current_time,
    edit_deadline,
    is_locked,
    note_stats,
    session_row,
    session_rows,
    user_names,
)
from kesos_desktop.services.counseling_dto import (
    NoteHit,
    NoteInput,
    NoteVersionView,
    NoteView,
    ObservationView,
    SessionRow,
)

MAX_BODY = 20_000
MAX_OBSERVATION = 2_000
SEARCH_LIMIT = 100


def _session(session: Session, session_id: int) -> CounselingSession:
    return get_or_404(session, CounselingSession, session_id, _("The counseling session"))


def _latest_version_no(session: Session, session_id: int) -> int:
    return session.execute(
        sa.select(sa.func.coalesce(sa.func.max(NoteVersion.version_no), 0))
        .where(NoteVersion.session_id == session_id)
    ).scalar_one()


def _require_author(cs: CounselingSession, actor: Actor) -> None:
    if cs.counselor_id != actor.id:
        raise PermissionDenied(
            _("Only the session's counselor can write or change its note. You can add an addendum.")
        )


def check_note_text(note: NoteInput) -> None:
    errors = {}
    if not (note.body or "").strip():
        errors["body"] = _("Write the note before saving.")
    elif len(note.body) > MAX_BODY:
        errors["body"] = _("The note may have at most {n} characters.").format(n=MAX_BODY)
    for text in note.observations.values():
        if text and len(text) > MAX_OBSERVATION:
            errors["observations"] = _("An observation may have at most {n} characters.").format(
                n=MAX_OBSERVATION)
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)


def add_version(
    session: Session, actor: Actor, cs: CounselingSession, kind: NoteVersionKind, body: str,
    agreed_actions: str | None = None, reason: str | None = None,
) -> int:
    """Append one version (the caller has checked who may write); returns its number."""
    number = _latest_version_no(session, cs.id) + 1
    session.add(NoteVersion(
        session_id=cs.id, version_no=number, kind=kind, body=body.strip(),
        agreed_actions=clean(agreed_actions), reason=clean(reason), author_id=actor.id,
        written_at=current_time(),
    ))
    mark_updated(cs, actor.username)  # bumps the session's version: other workstations see it
    session.flush()
    return number


def add_observations(session: Session, cs: CounselingSession, observations: dict[int, str]) -> int:
    """Record observations of participants who have none yet; refuse to replace one."""
    wanted = {a: t.strip() for a, t in observations.items() if t and t.strip()}
    if not wanted:
        return 0
    rows = {
        p.admission_id: p
        for p in session.execute(
            sa.select(SessionParticipant).where(SessionParticipant.session_id == cs.id)
        ).scalars()
    }
    unknown = [a for a in wanted if a not in rows]
    if unknown:
        raise ValidationError(
            _("An observation was given for someone who is not a participant of this session."),
            {"observations": _("Only participants can have an observation.")},
        )
    already = set(session.execute(
        sa.select(SessionParticipant.admission_id).where(
            SessionParticipant.session_id == cs.id,
            SessionParticipant.admission_id.in_(list(wanted)),
            SessionParticipant.observation.is_not(None),
        )
    ).scalars())
    if already:
        raise ValidationError(
            _("An observation already saved cannot be replaced. Add an addendum to correct it."),
            {"observations": _("An observation already saved cannot be replaced.")},
        )
    for admission_id, text in wanted.items():
        rows[admission_id].observation = text
    return len(wanted)


def write_original(session: Session, actor: Actor, cs: CounselingSession, note: NoteInput, today: date) -> None:
    """The first version, inside the caller's transaction (text already checked)."""
    _require_author(cs, actor)
    if _latest_version_no(session, cs.id):
        raise ValidationError(_("This session already has a note. Change it or add an addendum."))
    if cs.status == CounselingStatus.CANCELLED:
        raise ValidationError(_("This session was cancelled; it cannot have a note."))
    if cs.held_on > today:
        raise ValidationError(
            _("A session dated in the future cannot be marked as done. Save it as planned, or "
              "correct the date."),
            {"status": _("The session has not happened yet.")},
        )
    cs.status = CounselingStatus.DONE
    add_version(session, actor, cs, NoteVersionKind.ORIGINAL, note.body, note.agreed_actions)
    observed = add_observations(session, cs, note.observations)
    audit.record(session, actor, "write_note", confidentiality.NOTE_ENTITY, cs.id,
                 {"version_no": 1, "observations": observed})


def write_edit(
    session: Session, actor: Actor, cs: CounselingSession, note: NoteInput, expected_version_no: int
) -> None:
    """A new version, inside the caller's transaction: author, unsigned, within 24 hours."""
    _require_author(cs, actor)
    count, first = note_stats(session, [cs.id]).get(cs.id, (0, None))
    if not count:
        raise ValidationError(_("This session has no note yet."))
    if cs.signed_at is not None:
        raise ValidationError(
            _("This note was signed on {when} and can no longer be changed. Add an addendum "
              "with a reason instead.").format(when=cs.signed_at.strftime("%d/%m/%Y %H:%M"))
        )
    if is_locked(None, first):
        raise ValidationError(
            _("More than 24 hours have passed since this note was written; it can no longer "
              "be changed. Add an addendum with a reason instead.")
        )
    latest = _latest_version_no(session, cs.id)
    if latest != expected_version_no:
        raise ConflictError(
            _("Someone added to this note after you opened it (version {n}). Close it, open "
              "it again and make your change once more.").format(n=latest)
        )
    number = add_version(session, actor, cs, NoteVersionKind.EDIT, note.body, note.agreed_actions)
    observed = add_observations(session, cs, note.observations)
    audit.record(session, actor, "edit_note", confidentiality.NOTE_ENTITY, cs.id,
                 {"version_no": number, "observations": observed})


@body_writer(confidentiality.NOTE_ENTITY)
@requires(Action.COUNSELING_WRITE)
@audited_refusals(confidentiality.NOTE_ENTITY)
def write_note(
    db, actor: Actor, session_id: int, note: NoteInput, today: date | None = None
) -> tuple[SessionRow, Changes]:
    """The first version of a session's note; a planned session becomes done."""
    today = today or date.today()
    check_note_text(note)
    with db.write() as session:
        cs = _session(session, session_id)
        write_original(session, actor, cs, note, today)
        return session_row(session, cs), Changes.of("counseling_session")


@body_writer(confidentiality.NOTE_ENTITY)
@requires(Action.COUNSELING_WRITE)
@audited_refusals(confidentiality.NOTE_ENTITY)
def edit_note(
    db, actor: Actor, session_id: int, note: NoteInput, expected_version_no: int
) -> tuple[SessionRow, Changes]:
    """A new version of the text, by its author, before signing and within 24 hours."""
    check_note_text(note)
    with db.write() as session:
        cs = _session(session, session_id)
        write_edit(session, actor, cs, note, expected_version_no)
        return session_row(session, cs), Changes.of("counseling_session")


@requires(Action.COUNSELING_WRITE)
def add_addendum(
    db, actor: Actor, session_id: int, text: str, reason: str
) -> tuple[SessionRow, Changes]:
    """An addition with a reason, by any counselor allowed to read the note."""
    errors = {}
    if not (text or "").strip():
        errors["body"] = _("Write the addendum.")
    elif len(text) > MAX_BODY:
        errors["body"] = _("The note may have at most {n} characters.").format(n=MAX_BODY)
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for the addendum.")
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)
    with db.write() as session:
        cs = _session(session, session_id)
        if not _latest_version_no(session, cs.id):
            raise ValidationError(_("This session has no note yet: write the note first."))
        if confidentiality.open_note(session, actor, cs, via="addendum", reading=False):
            number = add_version(session, actor, cs, NoteVersionKind.ADDENDUM, text, reason=reason)
            audit.record(session, actor, "add_addendum", confidentiality.NOTE_ENTITY, cs.id,
                         {"version_no": number})
            return session_row(session, cs), Changes.of("counseling_session")
    raise confidentiality.refusal()


@requires(Action.COUNSELING_WRITE)
@audited_refusals(confidentiality.NOTE_ENTITY)
def sign_note(db, actor: Actor, session_id: int) -> tuple[SessionRow, Changes]:
    """The author signs: from now on the note can only receive addenda."""
    with db.write() as session:
        cs = _session(session, session_id)
        _require_author(cs, actor)
        if not _latest_version_no(session, cs.id):
            raise ValidationError(_("Write the note before signing it."))
        if cs.signed_at is not None:
            raise ValidationError(_("This note is already signed."))
        cs.signed_at = current_time()
        cs.updated_by = actor.username
        audit.record(session, actor, "sign_note", confidentiality.NOTE_ENTITY, cs.id)
        return session_row(session, cs), Changes.of("counseling_session")


# ----------------------------------------------------------------------------- reading


def _version_views(session: Session, session_id: int) -> list[NoteVersionView]:
    versions = list(session.execute(
        sa.select(NoteVersion).where(NoteVersion.session_id == session_id)
        .order_by(NoteVersion.version_no)
    ).scalars())
    names = user_names(session, (v.author_id for v in versions))
    return [
        NoteVersionView(
            version_no=v.version_no, kind=NoteVersionKind(v.kind), body=v.body,
            agreed_actions=v.agreed_actions, reason=v.reason, author_id=v.author_id,
            author_name=names.get(v.author_id, "?"), written_at=v.written_at,
        )
        for v in versions
    ]


def _observation_views(session: Session, session_id: int) -> tuple[ObservationView, ...]:
    rows = session.execute(
        sa.select(SessionParticipant.admission_id, Resident.name, SessionParticipant.observation)
        .join(Admission, Admission.id == SessionParticipant.admission_id)
        .join(Resident, Resident.id == Admission.resident_id)
        .where(SessionParticipant.session_id == session_id)
        .order_by(Resident.name)
    )
    return tuple(ObservationView(r[0], r[1], r[2] or "") for r in rows)


@body_reader(confidentiality.NOTE_ENTITY)
@requires(Action.NOTE_READ)
def get_note(db, actor: Actor, session_id: int) -> NoteView:
    """The note of one session, as the acting counselor may see it (audited)."""
    with db.write() as session:
        cs = _session(session, session_id)
        if confidentiality.open_note(session, actor, cs, via="get_note"):
            row = session_row(session, cs)
            versions = _version_views(session, cs.id)
            main = [v for v in versions if v.kind != NoteVersionKind.ADDENDUM]
            is_author = cs.counselor_id == actor.id
            return NoteView(
                session=row, topic=cs.topic, current=main[-1] if main else None,
                addenda=tuple(v for v in versions if v.kind == NoteVersionKind.ADDENDUM),
                observations=_observation_views(session, cs.id),
                edit_deadline=edit_deadline(cs.signed_at, row.note_first_written_at),
                can_edit=is_author and bool(versions) and not row.note_locked,
                can_sign=is_author and bool(versions) and cs.signed_at is None,
            )
    raise confidentiality.refusal()


@body_reader(confidentiality.NOTE_ENTITY)
@requires(Action.NOTE_READ)
def note_history(db, actor: Actor, session_id: int) -> tuple[NoteVersionView, ...]:
    """Every version of a session's note, oldest first (audited)."""
    with db.write() as session:
        cs = _session(session, session_id)
        if confidentiality.open_note(session, actor, cs, via="history"):
            return tuple(_version_views(session, cs.id))
    raise confidentiality.refusal()


def _like_pattern(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _snippet(text: str, needle: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    at = flat.lower().find(needle.lower())
    if at < 0:
        return flat[: width * 2] + ("…" if len(flat) > width * 2 else "")
    start = max(0, at - width)
    end = min(len(flat), at + len(needle) + width)
    return ("…" if start else "") + flat[start:end] + ("…" if end < len(flat) else "")


@body_reader(confidentiality.NOTE_ENTITY)
@requires(Action.NOTE_READ)
def search_notes(db, actor: Actor, text: str, limit: int = SEARCH_LIMIT) -> list[NoteHit]:
    """Notes whose text, agreed actions or topic contain ``text`` (case-insensitive), newest
    first, limited to the notes the acting counselor may read. Each hit shown is audited as a
    read; the search words are never written to the log."""
    needle = " ".join((text or "").split())
    if len(needle) < 3:
        raise ValidationError(_("Type at least 3 letters to search in the notes."))
    pattern = _like_pattern(needle)
    with db.write() as session:
        who = confidentiality.reader(session, actor)
        matches = sa.or_(
            sa.func.lower(NoteVersion.body).like(pattern, escape="\\"),
            sa.func.lower(sa.func.coalesce(NoteVersion.agreed_actions, "")).like(pattern, escape="\\"),
            sa.func.lower(sa.func.coalesce(CounselingSession.topic, "")).like(pattern, escape="\\"),
        )
        best = (
            sa.select(NoteVersion.session_id, sa.func.max(NoteVersion.version_no).label("version_no"))
            .join(CounselingSession, CounselingSession.id == NoteVersion.session_id)
            .where(matches, confidentiality.readable_sessions(who))
            .group_by(NoteVersion.session_id)
            .subquery()
        )
        rows = session.execute(
            sa.select(CounselingSession, NoteVersion)
            .join(best, best.c.session_id == CounselingSession.id)
            .join(NoteVersion, sa.and_(NoteVersion.session_id == best.c.session_id,
                                       NoteVersion.version_no == best.c.version_no))
            .order_by(CounselingSession.held_on.desc(), CounselingSession.id.desc())
            .limit(max(1, min(limit, SEARCH_LIMIT)))
        ).all()
        metas = {r.id: r for r in session_rows(session, [row[0] for row in rows])}
        hits = []
        for cs, version in rows:
            source = next(
                (t for t in (version.body, version.agreed_actions, cs.topic)
                 if t and needle.lower() in " ".join(t.split()).lower()),
                version.body,
            )
            hits.append(NoteHit(metas[cs.id], version.version_no, NoteVersionKind(version.kind),
                                _snippet(source, needle)))
        confidentiality.record_note_reads(session, actor, [h.session.id for h in hits], via="search")
        return hits


# ----------------------------------------------------------------------------- export


@dataclass(frozen=True)
class ExportedNote:
    """A note as the session register exports it for a counselor who asked for contents."""

    topic: str
    note_body: str  # the current version, then each addendum with its date and reason
    agreed_actions: str


def _exported_notes(session: Session, session_ids) -> dict[int, ExportedNote]:
    notes: dict[int, ExportedNote] = {}
    for part in chunks(list(session_ids)):
        topics = dict(session.execute(
            sa.select(CounselingSession.id, CounselingSession.topic).where(CounselingSession.id.in_(part))
        ).all())
        versions = session.execute(
            sa.select(NoteVersion).where(NoteVersion.session_id.in_(part))
            .order_by(NoteVersion.session_id, NoteVersion.version_no)
        ).scalars()
        by_session: dict[int, list[NoteVersion]] = {}
        for version in versions:
            by_session.setdefault(version.session_id, []).append(version)
        for session_id in part:
            found = by_session.get(session_id, [])
            main = [v for v in found if v.kind != NoteVersionKind.ADDENDUM]
            addenda = [
                _("Addendum {date} ({reason}): {text}").format(
                    date=v.written_at.strftime("%d/%m/%Y"), reason=v.reason or "-", text=v.body)
                for v in found if v.kind == NoteVersionKind.ADDENDUM
            ]
            body = "\n\n".join(([main[-1].body] if main else []) + addenda)
            notes[session_id] = ExportedNote(topics.get(session_id) or "", body,
                                             (main[-1].agreed_actions or "") if main else "")
    return notes


@body_reader(confidentiality.NOTE_ENTITY)
@requires(Action.NOTE_READ)
def notes_for_export(db, actor: Actor, session_ids) -> dict[int, ExportedNote]:
    """The notes of ``session_ids`` that the acting counselor may read (a highly confidential
    note of another counselor is left out unless they are the supervisor); each one included
    is audited as a read ``via`` the Excel export."""
    with db.write() as session:
        who = confidentiality.reader(session, actor)
        if who.may_read_notes:
            wanted = list(dict.fromkeys(session_ids))
            readable = [
                r for part in chunks(wanted) for r in session.execute(
                    sa.select(CounselingSession.id).where(
                        CounselingSession.id.in_(part), confidentiality.readable_sessions(who))
                ).scalars()
            ]
            notes = _exported_notes(session, readable)
            shown = [i for i in readable if notes[i].note_body or notes[i].topic]
            confidentiality.record_note_reads(session, actor, shown, via="excel_export")
            return notes
        audit.record(session, actor, "denied", confidentiality.NOTE_ENTITY, None, {"via": "excel_export"})
    raise confidentiality.refusal()
