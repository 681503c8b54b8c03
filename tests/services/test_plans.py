"""Intervention plans: versions on revision, earlier versions readable, goal progress."""

from __future__ import annotations

from datetime import date

import pytest

from kesos_desktop.domain.enums import AssessmentDomain, AtensiService, GoalStatus
from kesos_desktop.domain.errors import ConflictError, PermissionDenied, ValidationError
from kesos_desktop.services import plans
from kesos_desktop.services.counseling_dto import GoalInput, PlanInput
from tests.factories import admit_resident
from tests.services.test_counseling_support import TODAY, audit_rows

D = AssessmentDomain


@pytest.fixture
def stay(db):
    return admit_resident(db, name="Budi Fiktif")[1]


def plan_input(stay, responsible, *goals, services=(AtensiService.THERAPY,), on=date(2026, 10, 10),
               review=date(2026, 12, 10)):
    goals = goals or (GoalInput(D.SOCIAL, "Menghubungi keluarga", date(2026, 11, 30)),)
    return PlanInput(stay, responsible.id, on, tuple(goals), frozenset(services), review)


def test_revisions_keep_earlier_versions_readable(db, counselor, staff, stay):
    first, _ = plans.create_plan(db, counselor, plan_input(stay, counselor), today=TODAY)
    assert first.plan_version == 1 and first.is_current
    revised_input = plan_input(
        stay, counselor,
        GoalInput(D.SOCIAL, "Kunjungan rumah", date(2026, 12, 15)),
        GoalInput(D.VOCATIONAL, "Pelatihan menjahit", date(2027, 1, 31)),
        services=(AtensiService.FAMILY_SUPPORT, AtensiService.VOCATIONAL), on=date(2026, 11, 15))
    second, _ = plans.revise_plan(db, counselor, revised_input, "Keluarga sudah ditemukan",
                                  expected_plan_version=1, today=TODAY)
    assert second.plan_version == 2 and second.revision_reason == "Keluarga sudah ditemukan"
    versions = plans.list_plan_versions(db, staff, stay)
    assert [(v.plan_version, v.goals, v.is_current) for v in versions] == [(2, 2, True), (1, 1, False)]
    old = plans.get_plan(db, staff, first.id)
    assert not old.is_current
    assert [g.description for g in old.goals] == ["Menghubungi keluarga"]
    assert old.services == (AtensiService.THERAPY,)
    assert plans.current_plan(db, staff, stay).id == second.id


def test_a_stale_revision_is_a_conflict(db, counselor, stay):
    plans.create_plan(db, counselor, plan_input(stay, counselor), today=TODAY)
    plans.revise_plan(db, counselor, plan_input(stay, counselor), "A", 1, today=TODAY)
    with pytest.raises(ConflictError):
        plans.revise_plan(db, counselor, plan_input(stay, counselor), "B", 1, today=TODAY)
    assert len(plans.list_plan_versions(db, counselor, stay)) == 2


def test_revision_needs_a_reason_and_a_first_plan(db, counselor, stay):
    with pytest.raises(ValidationError):
        plans.revise_plan(db, counselor, plan_input(stay, counselor), "Alasan", 0, today=TODAY)
    plans.create_plan(db, counselor, plan_input(stay, counselor), today=TODAY)
    with pytest.raises(ValidationError) as error:
        plans.revise_plan(db, counselor, plan_input(stay, counselor), " ", 1, today=TODAY)
    assert "reason" in error.value.field_errors
    with pytest.raises(ValidationError):
        plans.create_plan(db, counselor, plan_input(stay, counselor), today=TODAY)


def test_bad_plans_are_refused(db, counselor, staff, stay):
    cases = [
        (plan_input(stay, counselor, services=()), "services"),
        (PlanInput(stay, counselor.id, date(2026, 10, 10), (), frozenset({AtensiService.CARE})), "goals"),
        (plan_input(stay, counselor, GoalInput(D.SOCIAL, "  ")), "goals"),
        (plan_input(stay, counselor, GoalInput(D.SOCIAL, "x", date(2026, 1, 1))), "goals"),
        (plan_input(stay, staff), "responsible_id"),
        (plan_input(stay, counselor, on=date(2027, 1, 1)), "drawn_up_on"),
        (plan_input(stay, counselor, review=date(2026, 10, 1)), "review_on"),
    ]
    for data, field in cases:
        with pytest.raises(ValidationError) as error:
            plans.create_plan(db, counselor, data, today=TODAY)
        assert field in error.value.field_errors, field
    assert plans.list_plan_versions(db, counselor, stay) == []
    with pytest.raises(PermissionDenied):
        plans.create_plan(db, staff, plan_input(stay, counselor), today=TODAY)


def test_goal_progress_on_the_current_version_only(db, counselor, stay):
    first, _ = plans.create_plan(db, counselor, plan_input(stay, counselor), today=TODAY)
    goal = first.goals[0]
    updated, _ = plans.update_goal(db, counselor, goal.id, GoalStatus.IN_PROGRESS,
                                   "Nomor telepon paman ditemukan", expected_version=first.version)
    assert updated.goals[0].status == GoalStatus.IN_PROGRESS
    with pytest.raises(ConflictError):
        plans.update_goal(db, counselor, goal.id, GoalStatus.ACHIEVED, None,
                          expected_version=first.version)
    plans.revise_plan(db, counselor, plan_input(stay, counselor), "Revisi", 1, today=TODAY)
    with pytest.raises(ValidationError):
        plans.update_goal(db, counselor, goal.id, GoalStatus.ACHIEVED, None)
    assert audit_rows(db, "update_goal", "intervention_plan")
