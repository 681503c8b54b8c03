"""Kerahasiaan: the single place that decides who may read what a counselor wrote.

What is confidential: counseling note bodies (every version, addenda and their reasons), agreed
actions, a session's topic, participants' observations, and the assessment narratives (per-domain
narrative, needs, strengths, recommendations). Who may read it:

- only users whose role has ``Action.NOTE_READ`` (counselors), checked against the database at
  the moment of reading (a role changed or an account deactivated on another workstation counts
  at once);
- a note marked *sangat rahasia* (``Confidentiality.HIGH``) only its author (the session's
  counselor) and the counselor(s) an administrator designated as supervisor
  (``User.is_supervisor``).

Administrators and staff see that a session happened (date, type, counselor, participants),
never what was written.

How every path goes through here: the only functions that return confidential text are
decorated ``@body_reader`` (which demands ``@requires(Action.NOTE_READ)`` underneath) and call
``open_note`` / ``open_assessment`` / ``readable_sessions`` before reading. Each read writes an
audit row (``read_note`` / ``read_assessment``, with the record's id, never the text); each
refusal writes a ``denied`` row. ``tests/test_confidentiality_paths.py`` scans the whole package
so that a new path (an export, a report, a command) that reads these columns without coming
through here fails the test suite.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kesos_desktop.db.models import CounselingSession, User
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.enums import Confidentiality, Role
from kesos_desktop.domain.errors import PermissionDenied
from kesos_desktop.domain.permissions import Action, allowed
from kesos_desktop.i18n import _
from kesos_desktop.services import audit

F = TypeVar("F", bound=Callable)

#: Field names that carry what was written. No metadata DTO may have one of these.
CONFIDENTIAL_FIELDS = frozenset({
    "body", "agreed_actions", "observation", "observations", "narrative", "narratives",
    "needs", "strengths", "recommendations", "snippet", "note_body",
})

#: Model attributes holding confidential text (what the path scan looks for).
CONFIDENTIAL_COLUMNS: dict[str, frozenset[str]] = {
    "NoteVersion": frozenset({"body", "agreed_actions", "reason"}),
    "SessionParticipant": frozenset({"observation"}),
    "AssessmentScore": frozenset({"narrative"}),
    "Assessment": frozenset({"needs", "strengths", "recommendations"}),
    "CounselingSession": frozenset({"topic"}),
}

NOTE_ENTITY = "counseling_note"
ASSESSMENT_ENTITY = "assessment"

#: qualified name -> what it reads; filled by ``@body_reader``
BODY_READERS: dict[str, str] = {}
#: qualified name -> what it writes; filled by ``@body_writer``
BODY_WRITERS: dict[str, str] = {}

_WRITE_ACTIONS = frozenset({Action.COUNSELING_WRITE, Action.ASSESSMENT_WRITE})


def body_writer(entity: str) -> Callable[[F], F]:
    """Mark a service function that writes confidential text (and may look at what is stored,
    e.g. whether an observation exists) but returns none of it. Needs a write permission."""

    def decorate(fn: F) -> F:
        if getattr(fn, "required_action", None) not in _WRITE_ACTIONS:
            raise TypeError(f"{fn.__qualname__} writes {entity} text: it needs a write permission")
        BODY_WRITERS[f"{fn.__module__}.{fn.__qualname__}"] = entity
        return fn

    return decorate


def body_reader(entity: str) -> Callable[[F], F]:
    """Mark a service function that returns confidential text.

    Put it above ``@requires(Action.NOTE_READ)``; importing a module where that is missing
    fails at once, so a body-returning function can never be reachable without the permission.
    """

    def decorate(fn: F) -> F:
        if getattr(fn, "required_action", None) != Action.NOTE_READ:
            raise TypeError(f"{fn.__qualname__} returns {entity} text: it needs @requires(Action.NOTE_READ)")
        BODY_READERS[f"{fn.__module__}.{fn.__qualname__}"] = entity
        fn.reads_confidential = entity  # type: ignore[attr-defined]
        return fn

    return decorate


@dataclass(frozen=True)
class Reader:
    """The acting user as the database knows them right now."""

    user_id: int
    role: Role | None
    active: bool
    is_supervisor: bool

    @property
    def may_read_notes(self) -> bool:
        return self.active and self.role is not None and allowed(self.role, Action.NOTE_READ)


def reader(session: Session, actor: Actor) -> Reader:
    row = session.execute(
        sa.select(User.role, User.active, User.is_supervisor).where(User.id == actor.id)
    ).one_or_none()
    if row is None:
        return Reader(actor.id, None, False, False)
    role = Role(row.role)
    return Reader(actor.id, role, bool(row.active), bool(row.is_supervisor) and role == Role.COUNSELOR)


def may_read_note(who: Reader, counselor_id: int, level: Confidentiality) -> bool:
    """The rule itself."""
    if not who.may_read_notes:
        return False
    if Confidentiality(level) == Confidentiality.HIGH:
        return who.user_id == counselor_id or who.is_supervisor
    return True


def readable_sessions(who: Reader) -> sa.ColumnElement[bool]:
    """The same rule as an SQL condition on ``CounselingSession`` (for search and lists)."""
    if not who.may_read_notes:
        return sa.false()
    if who.is_supervisor:
        return sa.true()
    return sa.or_(
        CounselingSession.confidentiality == Confidentiality.NORMAL,
        CounselingSession.counselor_id == who.user_id,
    )


def open_note(
    session: Session, actor: Actor, counseling_session: CounselingSession, via: str,
    reading: bool = True,
) -> bool:
    """Decide whether ``actor`` may read this session's note, and audit the answer.

    True: a ``read_note`` row is written in the caller's transaction (which then reads), unless
    ``reading`` is False (adding an addendum: the rule is the same, nothing is read).
    False: a ``denied`` row is written; the caller lets its transaction commit and then raises
    ``refusal()``, so the refusal stays on record.
    """
    who = reader(session, actor)
    if may_read_note(who, counseling_session.counselor_id, counseling_session.confidentiality):
        if reading:
            audit.record(session, actor, "read_note", NOTE_ENTITY, counseling_session.id, {"via": via})
        return True
    audit.record(
        session, actor, "denied", NOTE_ENTITY, counseling_session.id,
        {"via": via, "confidentiality": str(counseling_session.confidentiality)},
    )
    return False


def record_note_reads(session: Session, actor: Actor, session_ids: Iterable[int], via: str) -> None:
    """One ``read_note`` row per note shown (search results: never the search words)."""
    audit.record_many(session, actor, "read_note", NOTE_ENTITY,
                      [(session_id, {"via": via}) for session_id in session_ids])


def open_assessment(session: Session, actor: Actor, assessment_id: int, via: str) -> bool:
    """Decide whether ``actor`` may read an assessment's narratives, and audit the answer."""
    if reader(session, actor).may_read_notes:
        audit.record(session, actor, "read_assessment", ASSESSMENT_ENTITY, assessment_id, {"via": via})
        return True
    audit.record(session, actor, "denied", ASSESSMENT_ENTITY, assessment_id, {"via": via})
    return False


def _audited(error: PermissionDenied) -> PermissionDenied:
    error.audited = True  # type: ignore[attr-defined]
    return error


def refusal() -> PermissionDenied:
    """The error to raise after ``open_note`` said no (its ``denied`` row is already written)."""
    return _audited(PermissionDenied(
        _("This note is highly confidential: only its author and the supervisor may read it. "
          "Your attempt has been recorded.")
    ))


def assessment_refusal() -> PermissionDenied:
    return _audited(PermissionDenied(
        _("Only social workers may read assessment narratives. Your attempt has been recorded.")
    ))


def audited_refusals(entity: str) -> Callable[[F], F]:
    """Put under ``@requires``: a PermissionDenied raised inside the function (its transaction
    rolled back) is written to the audit log as ``denied`` on ``entity`` (id: first argument)."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(db, actor: Actor, *args, **kwargs):
            try:
                return fn(db, actor, *args, **kwargs)
            except PermissionDenied as error:
                if not getattr(error, "audited", False):
                    with db.write() as session:
                        audit.record(session, actor, "denied", entity, args[0] if args else None,
                                     {"via": fn.__name__})
                    _audited(error)
                raise

        return wrapper  # type: ignore[return-value]

    return decorate
