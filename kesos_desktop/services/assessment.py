"""Assessments (asesmen): per stay, repeatable; a score 1-5 and a narrative for each of the six
domains, plus needs, strengths and recommendations. Compare two assessments of one person.

Scores, dates and assessor are metadata (``Action.ASSESSMENT_VIEW``: everyone); the narratives,
needs, strengths and recommendations are confidential: only ``read_assessment`` returns them
(``Action.NOTE_READ``, audited). A score of 1 means a serious problem in that domain, 5 that
the person is doing well; a positive change is an improvement.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kesos_desktop.db.models import Admission, Assessment, AssessmentScore, Resident, User
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.enums import AssessmentDomain
from kesos_desktop.domain.errors import PermissionDenied, ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import N_, _
from kesos_desktop.services import audit, confidentiality
from kesos_desktop.services.common import check_version, get_or_404, mark_updated
from kesos_desktop.services.confidentiality import audited_refusals, body_reader, body_writer
from kesos_desktop.services.context import requires
from kesos_desktop.services.counseling_common import EDIT_WINDOW, clean, current_time
from kesos_desktop.services.counseling_dto import (
    AssessmentComparison,
    AssessmentInput,
    AssessmentNarratives,
    AssessmentRow,
    DomainScore,
    ScoreChange,
)

ENTITY = "assessment"
MIN_SCORE, MAX_SCORE = 1, 5
MAX_TEXT = 5_000
SCORE_MEANING = {
    1: N_("Very poor: serious problem"),
    2: N_("Poor"),
    3: N_("Fair"),
    4: N_("Good"),
    5: N_("Very good: a strength"),
}


def _validate(session: Session, data: AssessmentInput, today: date) -> None:
    errors: dict[str, str] = {}
    for domain in AssessmentDomain:
        value = data.scores.get(domain)
        key = f"score_{domain.value}"
        if value is None:
            errors[key] = _("Give a score for {domain}.").format(domain=domain.label)
        elif isinstance(value, bool) or not isinstance(value, int) or not MIN_SCORE <= value <= MAX_SCORE:
            errors[key] = _("The score for {domain} must be a whole number from 1 to 5.").format(
                domain=domain.label)
    unknown = set(data.scores) - set(AssessmentDomain)
    if unknown:
        errors["scores"] = _("Unknown assessment domain.")
    for domain, text in data.narratives.items():
        if text and len(text) > MAX_TEXT:
            errors[f"narrative_{AssessmentDomain(domain).value}"] = _(
                "A text may have at most {n} characters.").format(n=MAX_TEXT)
    for key, text in (("needs", data.needs), ("strengths", data.strengths),
                      ("recommendations", data.recommendations)):
        if text and len(text) > MAX_TEXT:
            errors[key] = _("A text may have at most {n} characters.").format(n=MAX_TEXT)
    if data.assessed_on > today:
        errors["assessed_on"] = _("An assessment cannot be dated in the future.")
    stay = session.execute(
        sa.select(Admission.admitted_on, Admission.terminated_on).where(Admission.id == data.admission_id)
    ).first()
    if stay is None:
        errors["admission_id"] = _("Choose the resident who was assessed.")
    elif data.assessed_on < stay.admitted_on:
        errors["assessed_on"] = _("The assessment date is before the admission date.")
    elif stay.terminated_on and data.assessed_on > stay.terminated_on:
        errors["assessed_on"] = _("The assessment date is after the stay ended.")
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)


def _write_scores(session: Session, assessment_id: int, data: AssessmentInput) -> None:
    session.execute(sa.delete(AssessmentScore).where(AssessmentScore.assessment_id == assessment_id))
    for domain in AssessmentDomain:
        session.add(AssessmentScore(
            assessment_id=assessment_id, domain=domain, score=data.scores[domain],
            narrative=clean(data.narratives.get(domain)),
        ))


def _rows(session: Session, assessments: list[Assessment]) -> list[AssessmentRow]:
    ids = [a.id for a in assessments]
    scores: dict[int, list[DomainScore]] = {i: [] for i in ids}
    if ids:
        for assessment_id, domain, score in session.execute(
            sa.select(AssessmentScore.assessment_id, AssessmentScore.domain, AssessmentScore.score)
            .where(AssessmentScore.assessment_id.in_(ids))
        ):
            scores[assessment_id].append(DomainScore(AssessmentDomain(domain), score))
    order = list(AssessmentDomain)
    people = {}
    if assessments:
        people = {
            r[0]: (r[1], r[2])
            for r in session.execute(
                sa.select(Admission.id, Resident.id, Resident.name)
                .join(Resident, Resident.id == Admission.resident_id)
                .where(Admission.id.in_({a.admission_id for a in assessments}))
            )
        }
    names = dict(session.execute(
        sa.select(User.id, User.full_name).where(User.id.in_({a.assessor_id for a in assessments}))
    ).all()) if assessments else {}
    return [
        AssessmentRow(
            id=a.id, admission_id=a.admission_id, resident_id=people.get(a.admission_id, (0, ""))[0],
            resident_name=people.get(a.admission_id, (0, "?"))[1], assessed_on=a.assessed_on,
            assessor_id=a.assessor_id, assessor_name=names.get(a.assessor_id, "?"),
            scores=tuple(sorted(scores[a.id], key=lambda s: order.index(s.domain))),
            version=a.version,
        )
        for a in assessments
    ]


def _row(session: Session, assessment: Assessment) -> AssessmentRow:
    return _rows(session, [assessment])[0]


@body_writer(confidentiality.ASSESSMENT_ENTITY)
@requires(Action.ASSESSMENT_WRITE)
def create_assessment(
    db, actor: Actor, data: AssessmentInput, today: date | None = None
) -> tuple[AssessmentRow, Changes]:
    today = today or date.today()
    with db.write() as session:
        _validate(session, data, today)
        assessment = Assessment(
            admission_id=data.admission_id, assessed_on=data.assessed_on, assessor_id=actor.id,
            needs=clean(data.needs), strengths=clean(data.strengths),
            recommendations=clean(data.recommendations), updated_by=actor.username,
        )
        session.add(assessment)
        session.flush()
        _write_scores(session, assessment.id, data)
        session.flush()
        audit.record(session, actor, "create", ENTITY, assessment.id,
                     {"admission_id": data.admission_id, "assessed_on": data.assessed_on,
                      "scores": {d.value: s for d, s in data.scores.items()}})
        return _row(session, assessment), Changes.of(ENTITY)


def editable_until(created_at: datetime) -> datetime:
    return created_at + EDIT_WINDOW


@body_writer(confidentiality.ASSESSMENT_ENTITY)
@requires(Action.ASSESSMENT_WRITE)
@audited_refusals(ENTITY)
def update_assessment(
    db, actor: Actor, assessment_id: int, data: AssessmentInput,
    expected_version: int | None = None, today: date | None = None,
) -> tuple[AssessmentRow, Changes]:
    """Corrections by the assessor within 24 hours; later, a new assessment records change."""
    today = today or date.today()
    with db.write() as session:
        assessment = get_or_404(session, Assessment, assessment_id, _("The assessment"))
        if assessment.assessor_id != actor.id:
            raise PermissionDenied(_("Only the assessor can correct an assessment."))
        check_version(assessment, expected_version)
        if current_time() >= editable_until(assessment.created_at):
            raise ValidationError(
                _("This assessment is more than 24 hours old and can no longer be changed. Record "
                  "a new assessment instead: the comparison will show what changed.")
            )
        if data.admission_id != assessment.admission_id:
            raise ValidationError(_("An assessment cannot be moved to another stay."))
        _validate(session, data, today)
        before = {d.domain.value: d.score for d in _row(session, assessment).scores}
        assessment.assessed_on = data.assessed_on
        assessment.needs = clean(data.needs)
        assessment.strengths = clean(data.strengths)
        assessment.recommendations = clean(data.recommendations)
        mark_updated(assessment, actor.username)  # scores alone must move the version too
        _write_scores(session, assessment.id, data)
        session.flush()
        after = {d.value: s for d, s in data.scores.items()}
        audit.record(session, actor, "update", ENTITY, assessment.id,
                     {"scores": audit.diff(before, after), "texts": "updated"})
        return _row(session, assessment), Changes.of(ENTITY)


@requires(Action.ASSESSMENT_VIEW)
def list_assessments(
    db, actor: Actor, admission_id: int | None = None, resident_id: int | None = None
) -> list[AssessmentRow]:
    """Assessments of a stay or of a person (every stay), newest first: scores only."""
    with db.read() as session:
        query = sa.select(Assessment).order_by(Assessment.assessed_on.desc(), Assessment.id.desc())
        if admission_id:
            query = query.where(Assessment.admission_id == admission_id)
        if resident_id:
            query = query.where(Assessment.admission_id.in_(
                sa.select(Admission.id).where(Admission.resident_id == resident_id)))
        return _rows(session, list(session.execute(query.limit(500)).scalars()))


@requires(Action.ASSESSMENT_VIEW)
def get_assessment(db, actor: Actor, assessment_id: int) -> AssessmentRow:
    with db.read() as session:
        return _row(session, get_or_404(session, Assessment, assessment_id, _("The assessment")))


@body_reader(confidentiality.ASSESSMENT_ENTITY)
@requires(Action.NOTE_READ)
def read_assessment(db, actor: Actor, assessment_id: int) -> AssessmentNarratives:
    """The narratives, needs, strengths and recommendations (counselors only; audited)."""
    with db.write() as session:
        assessment = get_or_404(session, Assessment, assessment_id, _("The assessment"))
        if confidentiality.open_assessment(session, actor, assessment.id, via="read_assessment"):
            texts = session.execute(
                sa.select(AssessmentScore.domain, AssessmentScore.narrative)
                .where(AssessmentScore.assessment_id == assessment.id)
            ).all()
            order = list(AssessmentDomain)
            return AssessmentNarratives(
                assessment=_row(session, assessment),
                narratives=tuple(sorted(((AssessmentDomain(d), t or "") for d, t in texts),
                                        key=lambda p: order.index(p[0]))),
                needs=assessment.needs, strengths=assessment.strengths,
                recommendations=assessment.recommendations,
            )
    raise confidentiality.assessment_refusal()


@requires(Action.ASSESSMENT_VIEW)
def compare_assessments(db, actor: Actor, first_id: int, second_id: int) -> AssessmentComparison:
    """Two assessments of the same person side by side, earlier first, with score changes."""
    if first_id == second_id:
        raise ValidationError(_("Choose two different assessments to compare."))
    with db.read() as session:
        found = list(session.execute(
            sa.select(Assessment).where(Assessment.id.in_([first_id, second_id]))
        ).scalars())
        if len(found) != 2:
            get_or_404(session, Assessment, first_id if second_id in {a.id for a in found} else second_id,
                       _("The assessment"))
        rows = sorted(_rows(session, found), key=lambda r: (r.assessed_on, r.id))
    earlier, later = rows
    if earlier.resident_id != later.resident_id:
        raise ValidationError(_("Only two assessments of the same person can be compared."))
    changes = tuple(ScoreChange(d, earlier.score(d), later.score(d)) for d in AssessmentDomain)
    return AssessmentComparison(earlier, later, changes)


def score_meaning(score: int) -> str:
    return _(SCORE_MEANING.get(score, ""))

