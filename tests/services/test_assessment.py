"""Assessments: scores and their range, narratives for counselors only, comparison over time."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from kesos_desktop.db.models import Admission, Assessment, AssessmentScore
from kesos_desktop.domain.enums import AssessmentDomain, Role
from kesos_desktop.domain.errors import PermissionDenied, ValidationError
from kesos_desktop.services import assessment
from kesos_desktop.services.counseling_dto import AssessmentInput
from tests.conftest import make_user
from tests.factories import admit_resident
from tests.services.test_counseling_support import TODAY, audit_rows

D = AssessmentDomain


def scores(value: int = 3, **overrides) -> dict[AssessmentDomain, int]:
    result = dict.fromkeys(AssessmentDomain, value)
    result.update({D(k): v for k, v in overrides.items()})
    return result


def make(db, actor, admission_id, on=date(2026, 10, 5), values=None, **texts):
    row, _ = assessment.create_assessment(
        db, actor, AssessmentInput(admission_id, on, values or scores(), **texts), today=TODAY)
    return row


def counts(db) -> tuple[int, int]:
    with db.read() as session:
        return (session.execute(sa.select(sa.func.count(Assessment.id))).scalar_one(),
                session.execute(sa.select(sa.func.count()).select_from(AssessmentScore)).scalar_one())


@pytest.fixture
def stay(db):
    return admit_resident(db, name="Budi Fiktif")[1]


def test_create_and_list_scores_for_everyone(db, counselor, staff, stay):
    row = make(db, counselor, stay, values=scores(2, fisik=4),
               narratives={D.PHYSICAL: "Sehat, batuk ringan"}, needs="Kebutuhan rahasia")
    assert row.score(D.PHYSICAL) == 4 and row.score(D.SOCIAL) == 2
    assert row.assessor_name == counselor.full_name
    seen = assessment.list_assessments(db, staff, admission_id=stay)
    assert [r.id for r in seen] == [row.id]
    assert assessment.get_assessment(db, staff, row.id).average == pytest.approx(14 / 6)


@pytest.mark.parametrize("bad", [0, 6, -1, True, 2.5, None])
def test_a_score_out_of_range_saves_nothing(db, counselor, stay, bad):
    values = scores()
    if bad is None:
        del values[D.ECONOMIC]
    else:
        values[D.ECONOMIC] = bad
    with pytest.raises(ValidationError) as error:
        make(db, counselor, stay, values=values)
    assert "score_ekonomi" in error.value.field_errors
    assert counts(db) == (0, 0)


def test_dates_must_fit_the_stay(db, counselor, stay):
    with pytest.raises(ValidationError) as error:
        make(db, counselor, stay, on=date(2026, 12, 1))
    assert "assessed_on" in error.value.field_errors
    with pytest.raises(ValidationError):
        make(db, counselor, stay, on=date(2026, 9, 1))


def test_staff_and_admin_cannot_assess(db, admin, staff, stay):
    for actor in (admin, staff):
        with pytest.raises(PermissionDenied):
            make(db, actor, stay)
    assert counts(db) == (0, 0)


def test_narratives_only_for_counselors_and_audited(db, admin, staff, counselor, stay):
    row = make(db, counselor, stay, narratives={D.PSYCHOLOGICAL: "Trauma masa kecil"},
               needs="Pendampingan psikolog", strengths="Rajin", recommendations="Konseling rutin")
    for actor in (admin, staff):
        with pytest.raises(PermissionDenied):
            assessment.read_assessment(db, actor, row.id)
    denied = audit_rows(db, "denied", "permission")
    assert [(r[0], r[4]["action"]) for r in denied] == [
        ("admin", "counseling.note.read"), ("petugas1", "counseling.note.read")]
    other = make_user(db, admin, "konselor2", Role.COUNSELOR)
    text = assessment.read_assessment(db, other, row.id)
    assert text.narrative(D.PSYCHOLOGICAL) == "Trauma masa kecil"
    assert (text.needs, text.strengths, text.recommendations) == (
        "Pendampingan psikolog", "Rajin", "Konseling rutin")
    reads = audit_rows(db, "read_assessment", "assessment")
    assert [(r[0], r[3]) for r in reads] == [("konselor2", str(row.id))]
    assert "Trauma" not in str(audit_rows(db))


def test_compare_two_assessments_with_score_changes(db, counselor, staff, stay):
    first = make(db, counselor, stay, on=date(2026, 10, 5), values=scores(2, fisik=3, ekonomi=1))
    second = make(db, counselor, stay, on=date(2026, 11, 20), values=scores(3, fisik=3, ekonomi=4))
    comparison = assessment.compare_assessments(db, staff, second.id, first.id)
    assert comparison.earlier.id == first.id and comparison.later.id == second.id
    changes = {c.domain: c.delta for c in comparison.changes}
    assert changes[D.PHYSICAL] == 0 and changes[D.ECONOMIC] == 3 and changes[D.SOCIAL] == 1
    assert comparison.days_between == 46


def test_compare_across_stays_of_one_person_but_not_two_people(db, counselor, stay):
    first = make(db, counselor, stay)
    with db.write() as session:
        old = session.get(Admission, stay)
        resident_id = old.resident_id
        old.terminated_on, old.termination_reason = date(2026, 10, 10), "absconded"
        readmitted = Admission(resident_id=resident_id, admitted_on=date(2026, 11, 1),
                               referral_source=old.referral_source, approach=old.approach,
                               stage=old.stage)
        session.add(readmitted)
        session.flush()
        again = readmitted.id
    second = make(db, counselor, again, on=date(2026, 11, 10))
    assert assessment.compare_assessments(db, counselor, first.id, second.id).later.id == second.id
    assert len(assessment.list_assessments(db, counselor, resident_id=resident_id)) == 2
    someone_else = admit_resident(db, name="Citra Fiktif")[1]
    third = make(db, counselor, someone_else)
    with pytest.raises(ValidationError):
        assessment.compare_assessments(db, counselor, first.id, third.id)
    with pytest.raises(ValidationError):
        assessment.compare_assessments(db, counselor, first.id, first.id)


def test_the_assessor_corrects_within_24_hours_then_never(db, admin, counselor, stay):
    row = make(db, counselor, stay, narratives={D.SOCIAL: "awal"})
    other = make_user(db, admin, "konselor2", Role.COUNSELOR)
    data = AssessmentInput(stay, date(2026, 10, 5), scores(4), {D.SOCIAL: "diperbaiki"})
    with pytest.raises(PermissionDenied):
        assessment.update_assessment(db, other, row.id, data, today=TODAY)
    assert audit_rows(db, "denied", "assessment")[-1][0] == "konselor2"
    fixed, _ = assessment.update_assessment(db, counselor, row.id, data,
                                            expected_version=row.version, today=TODAY)
    assert fixed.score(D.SOCIAL) == 4
    assert assessment.read_assessment(db, counselor, row.id).narrative(D.SOCIAL) == "diperbaiki"
    with db.write() as session:
        record = session.get(Assessment, row.id)
        record.created_at = record.created_at.replace(year=2025)
    with pytest.raises(ValidationError):
        assessment.update_assessment(db, counselor, row.id, data, today=TODAY)
