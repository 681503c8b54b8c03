"""Consent to care and to processing personal data (UU PDP No. 27/2022), after intake.

Intake records consent with the stay. People registered without it (an imported register, a
person brought in unconscious) are flagged until someone records it here; a wrong entry is
corrected here and a withdrawal is dated here. Every change is audited.

A person "has consent" when their latest consent (by date given) is not withdrawn, the same rule
as the file header's ``retention.consent_status``. For a child (under
18 when the stay began) the consent must come from a parent, a guardian or the referring
official standing in as guardian, never from the child alone.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import Admission, Consent, Resident
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.enums import ConsentMethod, ConsentRelation
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.resident_dto import ConsentInput, ConsentRow
from kesos_desktop.domain.resident_validation import (
    ADULT_AGE,
    clean_multiline,
    clean_text,
    date_problem,
    validate_consent,
)
from kesos_desktop.domain.validation import age_on
from kesos_desktop.i18n import _
from kesos_desktop.services import audit
from kesos_desktop.services.common import get_or_404
from kesos_desktop.services.context import requires
from kesos_desktop.services.resident_common import user_names

ENTITY = "consent"


_C = Consent.__table__.alias("c")
_NEWER = Consent.__table__.alias("newer_consent")


def _is_latest():
    """Condition on ``_C``: no later consent of the same person exists."""
    return ~sa.exists().where(
        _NEWER.c.resident_id == _C.c.resident_id,
        sa.or_(_NEWER.c.given_on > _C.c.given_on,
               sa.and_(_NEWER.c.given_on == _C.c.given_on, _NEWER.c.id > _C.c.id)))


def _latest_not_withdrawn():
    """Conditions on ``_C``: it is not withdrawn and no later consent of the person exists."""
    return sa.and_(_C.c.withdrawn_on.is_(None), _is_latest())


def consented_people():
    """SQL: the ids of everyone with consent on record, a list the database builds once.

    People with an open consent, less those whose latest consent is withdrawn: the second part
    looks only at withdrawn consents (few), so the list costs one index pass over ``consent``.
    """
    c = Consent.__table__.c
    open_consent = sa.select(c.resident_id).where(c.withdrawn_on.is_(None))
    withdrawn_last = sa.select(_C.c.resident_id).where(
        _C.c.withdrawn_on.is_not(None), _is_latest())
    return open_consent.except_(withdrawn_last)


def consented_ids(session: Session, resident_ids: list[int]) -> set[int]:
    """Which of these people have consent on record."""
    if not resident_ids:
        return set()
    return set(session.connection().execute(
        sa.select(_C.c.resident_id).where(_C.c.resident_id.in_(resident_ids), _latest_not_withdrawn())
    ).scalars())


def _row(consent: Consent, names: dict[int, str]) -> ConsentRow:
    return ConsentRow(consent.id, consent.given_by_name, ConsentRelation(consent.relation),
                      ConsentMethod(consent.method),
                      consent.given_on, consent.withdrawn_on, consent.notes,
                      names.get(consent.recorded_by_id), consent.admission_id)


def _values(consent: Consent) -> dict:
    """What the audit row holds: the facts, not the free-text notes (only whether they changed)."""
    return {"given_by_name": consent.given_by_name, "relation": str(consent.relation),
            "method": str(consent.method), "given_on": consent.given_on,
            "withdrawn_on": consent.withdrawn_on, "admission_id": consent.admission_id,
            "notes_length": len(consent.notes or "")}


@requires(Action.RESIDENT_VIEW)
def list_consents(db: Database, actor: Actor, resident_id: int) -> list[ConsentRow]:
    """Every consent of the person, newest first."""
    with db.read() as session:
        get_or_404(session, Resident, resident_id, _("The resident"))
        consents = session.execute(
            sa.select(Consent).where(Consent.resident_id == resident_id)
            .order_by(Consent.given_on.desc(), Consent.id.desc())).scalars().all()
        names = user_names(session, [c.recorded_by_id for c in consents])
        return [_row(c, names) for c in consents]


def _stay_for(session: Session, resident_id: int) -> Admission | None:
    """The stay a consent recorded now belongs to: the open one, else the latest."""
    return session.execute(
        sa.select(Admission).where(Admission.resident_id == resident_id)
        .order_by(Admission.terminated_on.is_not(None), Admission.admitted_on.desc(),
                  Admission.id.desc()).limit(1)
    ).scalar_one_or_none()


def _is_child(person: Resident, stay: Admission | None, given_on: date) -> bool:
    """Under 18 when the stay began (or on the consent date, for a person with no stay)."""
    on = stay.admitted_on if stay is not None else given_on
    age = age_on(person.birth_date, on, person.birth_year_estimated)
    return age is not None and age < ADULT_AGE


def _clean(data: ConsentInput) -> ConsentInput:
    return replace(data, given_by_name=clean_text(data.given_by_name) or "",
                   notes=clean_multiline(data.notes))


def _check(person: Resident, stay: Admission | None, data: ConsentInput, today: date) -> None:
    errors = validate_consent(data, _is_child(person, stay, data.given_on), today)
    if errors:
        raise ValidationError(_("Please correct the marked fields."),
                              {k.split(".")[-1]: v for k, v in errors.items()})


@requires(Action.RESIDENT_EDIT)
def record_consent(db: Database, actor: Actor, resident_id: int, data: ConsentInput,
                   today: date | None = None) -> tuple[ConsentRow, Changes]:
    """Record a consent given after intake (it belongs to the open or latest stay)."""
    today = today or date.today()
    data = _clean(data)
    with db.write() as session:
        person = get_or_404(session, Resident, resident_id, _("The resident"))
        stay = _stay_for(session, resident_id)
        _check(person, stay, data, today)
        consent = Consent(resident_id=resident_id, admission_id=stay.id if stay else None,
                          given_by_name=data.given_by_name, relation=data.relation,
                          method=data.method, given_on=data.given_on, recorded_by_id=actor.id,
                          notes=data.notes)
        session.add(consent)
        session.flush()
        audit.record(session, actor, "create", ENTITY, consent.id,
                     {"resident_id": resident_id, **_values(consent)})
        return _row(consent, {actor.id: actor.full_name}), Changes.of("resident", ENTITY)


@requires(Action.RESIDENT_EDIT)
def correct_consent(db: Database, actor: Actor, consent_id: int, data: ConsentInput,
                    today: date | None = None) -> tuple[ConsentRow, Changes]:
    """Correct a consent entered wrongly (who, relation, method, date, notes); audited as a diff."""
    today = today or date.today()
    data = _clean(data)
    with db.write() as session:
        consent = get_or_404(session, Consent, consent_id, _("The consent"))
        person = session.get(Resident, consent.resident_id)
        stay = session.get(Admission, consent.admission_id) if consent.admission_id else None
        _check(person, stay, data, today)
        before = _values(consent)
        consent.given_by_name, consent.relation = data.given_by_name, data.relation
        consent.method, consent.given_on, consent.notes = data.method, data.given_on, data.notes
        session.flush()
        changes = audit.diff(before, _values(consent))
        if changes:
            audit.record(session, actor, "update", ENTITY, consent.id,
                         {"resident_id": consent.resident_id, **changes})
        names = user_names(session, [consent.recorded_by_id])
        return _row(consent, names), Changes.of("resident", ENTITY)


@requires(Action.RESIDENT_EDIT)
def set_withdrawn(db: Database, actor: Actor, consent_id: int, withdrawn_on: date | None,
                  today: date | None = None) -> tuple[ConsentRow, Changes]:
    """Date a withdrawal of consent (``None`` undoes a withdrawal recorded by mistake)."""
    today = today or date.today()
    with db.write() as session:
        consent = get_or_404(session, Consent, consent_id, _("The consent"))
        if withdrawn_on is not None:
            problem = date_problem(withdrawn_on, today, _("The withdrawal date"))
            if problem is None and withdrawn_on < consent.given_on:
                problem = _("The withdrawal cannot be before the consent was given.")
            if problem:
                raise ValidationError(problem, {"withdrawn_on": problem})
        before = _values(consent)
        consent.withdrawn_on = withdrawn_on
        session.flush()
        audit.record(session, actor, "withdraw" if withdrawn_on else "update", ENTITY, consent.id,
                     {"resident_id": consent.resident_id, **audit.diff(before, _values(consent))})
        names = user_names(session, [consent.recorded_by_id])
        return _row(consent, names), Changes.of("resident", ENTITY)
