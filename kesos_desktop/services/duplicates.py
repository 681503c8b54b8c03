"""Is this person already registered? Candidates before an intake is saved.

A candidate is either the same NIK, or a close name (spelling variants of the old Indonesian
orthography count as the same: Soekarno = Sukarno, Djoko = Joko) together with the same birth
date or a birth year within a few years (estimated ages are rough). Staff then open the
existing person and start a new stay (readmission) instead of registering them twice.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from difflib import SequenceMatcher

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import Admission, Resident
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.enums import Sex, TerminationReason
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.resident_dto import DuplicateCandidate, DuplicateProbe
from kesos_desktop.domain.validation import mask_nik, normalize_id_number
from kesos_desktop.i18n import _
from kesos_desktop.services.context import requires
from kesos_desktop.services.resident_search import search_mode, text_condition

NAME_THRESHOLD = 0.82
YEAR_WINDOW = 3
MAX_CANDIDATES = 10
_OLD_SPELLING = (("oe", "u"), ("dj", "j"), ("tj", "c"), ("nj", "ny"), ("sj", "sy"), ("ch", "kh"))
_NON_LETTERS = re.compile(r"[^a-z ]+")
_TITLES = {"bin", "binti", "bt", "h", "hj", "haji", "hajjah", "ir", "dr", "drs", "st", "sh"}


def normalize_name(name: str) -> str:
    """A spelling-tolerant form of a name: lower case, no accents or punctuation, old spelling
    modernised, doubled letters single, titles (H., Hj., bin, binti) dropped."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    text = _NON_LETTERS.sub(" ", text)
    for old, new in _OLD_SPELLING:
        text = text.replace(old, new)
    text = re.sub(r"(.)\1+", r"\1", text)
    return " ".join(w for w in text.split() if w not in _TITLES)


def name_similarity(a: str, b: str) -> float:
    """1.0 for the same name; word order and spelling variants do not matter much."""
    left, right = normalize_name(a), normalize_name(b)
    if not left or not right:
        return 0.0
    left_words, right_words = set(left.split()), set(right.split())
    if left == right or left_words == right_words:
        return 1.0
    if min(len(left_words), len(right_words)) >= 2 and (
            left_words <= right_words or right_words <= left_words):
        return 0.9  # every word of the shorter name is in the longer one ("Siti Aminah" / "Siti Aminah Lubis")
    direct = SequenceMatcher(None, left, right).ratio()
    reordered = SequenceMatcher(None, " ".join(sorted(left.split())),
                                " ".join(sorted(right.split()))).ratio()
    return max(direct, reordered)


def _name_words(name: str) -> list[str]:
    """Search words for the candidates query: each word's first 3 letters as written and as
    modernised, so both spellings are found."""
    found: list[str] = []
    raw = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().lower()
    for word in _NON_LETTERS.sub(" ", raw).split():
        if word in _TITLES or len(word) < 2:
            continue
        for variant in {word[:3], normalize_name(word)[:3]}:
            if len(variant) >= 2 and variant not in found:
                found.append(variant)
    return found


def find_in(session: Session, mode: str, probe: DuplicateProbe, today: date | None = None) -> list[DuplicateCandidate]:
    """Candidates for ``probe`` inside an open session (for importers checking many rows)."""
    today = today or probe.on or date.today()
    nik = normalize_id_number(probe.nik)
    reasons: dict[int, list[str]] = {}
    scores: dict[int, float] = {}
    if nik:
        for rid in session.execute(sa.select(Resident.id).where(Resident.nik == nik)).scalars():
            reasons.setdefault(rid, []).append(_("Same NIK"))
            scores[rid] = 1.0
    year = probe.birth_date.year if probe.birth_date else (
        today.year - probe.estimated_age if probe.estimated_age is not None else None)
    if year is not None and probe.name.strip():
        _by_name(session, mode, probe, year, reasons, scores)
    if probe.exclude_resident_id is not None:
        reasons.pop(probe.exclude_resident_id, None)
    if not reasons:
        return []
    ranked = sorted(reasons, key=lambda rid: -scores.get(rid, 0))[:MAX_CANDIDATES]
    return _candidates(session, ranked, reasons, scores)


def _by_name(session: Session, mode: str, probe: DuplicateProbe, year: int,
             reasons: dict[int, list[str]], scores: dict[int, float]) -> None:
    words = _name_words(probe.name)
    if not words:
        return
    any_word = sa.or_(*[c for c in (text_condition(mode, w) for w in words) if c is not None])
    near_birth = sa.or_(
        Resident.birth_date.between(date(year - YEAR_WINDOW, 1, 1), date(year + YEAR_WINDOW, 12, 31)),
        Resident.birth_year_estimated.between(year - YEAR_WINDOW, year + YEAR_WINDOW),
    )
    rows = session.execute(
        sa.select(Resident.id, Resident.name, Resident.alias, Resident.birth_date,
                  Resident.birth_year_estimated).where(any_word, near_birth).limit(2000)
    ).all()
    for rid, name, alias, birth_date, _estimated in rows:
        score = max(name_similarity(probe.name, name), name_similarity(probe.name, alias or ""))
        if score < NAME_THRESHOLD:
            continue
        if probe.birth_date is not None and birth_date == probe.birth_date:
            reason = _("Similar name, same birth date")
        elif probe.birth_date is not None and birth_date is not None:
            continue  # both birth dates known and different: not the same person
        else:
            reason = _("Similar name, similar age")
            score -= 0.05
        reasons.setdefault(rid, []).append(reason)
        scores[rid] = max(scores.get(rid, 0), score)


def _candidates(session: Session, ids: list[int], reasons: dict[int, list[str]],
                scores: dict[int, float]) -> list[DuplicateCandidate]:
    people = {r.id: r for r in session.execute(
        sa.select(Resident).where(Resident.id.in_(ids))).scalars()}
    stays: dict[int, Admission] = {}
    for stay in session.execute(
        sa.select(Admission).where(Admission.resident_id.in_(ids))
        .order_by(Admission.admitted_on, Admission.id)
    ).scalars():
        stays[stay.resident_id] = stay  # the last one wins: the latest stay
    result = []
    for rid in ids:
        person, stay = people[rid], stays.get(rid)
        result.append(DuplicateCandidate(
            resident_id=rid, reg_no=person.reg_no, name=person.name, alias=person.alias,
            sex=Sex(person.sex), birth_date=person.birth_date,
            birth_year_estimated=person.birth_year_estimated, nik_masked=mask_nik(person.nik),
            reasons=tuple(reasons[rid]), score=round(scores.get(rid, 0.0), 3),
            last_admitted_on=stay.admitted_on if stay else None,
            last_terminated_on=stay.terminated_on if stay else None,
            last_termination_reason=TerminationReason(stay.termination_reason)
            if stay and stay.termination_reason else None,
            has_open_stay=bool(stay and stay.terminated_on is None),
        ))
    return result


@requires(Action.RESIDENT_VIEW)
def find_candidates(db: Database, actor: Actor, probe: DuplicateProbe) -> list[DuplicateCandidate]:
    """People who may be the one being registered: same NIK, or close name and age."""
    mode = search_mode(db)
    with db.read() as session:
        return find_in(session, mode, probe)
