"""This area on a person's timeline: plan, readiness, home visits, follow-ups, aftercare closed."""

from __future__ import annotations

from datetime import date

from kesos_desktop.domain.enums import (
    AftercareOutcome,
    DestinationType,
    FamilyReadiness,
    FollowUpCondition,
    FollowUpMethod,
    ReadinessItemType,
    ReadinessStatus,
    Stage,
    TerminationReason,
)
from kesos_desktop.services import (
    aftercare,
    reintegration,
    reintegration_visits,
    termination,
    timeline,
)
from tests.factories import admit_resident

TODAY = date(2026, 11, 23)


def test_reintegration_events_on_the_timeline(db, staff, counselor):
    resident_id, stay = admit_resident(db, admitted_on=date(2026, 2, 2), stage=Stage.REINTEGRATION)
    reintegration.save_plan(db, staff, stay, reintegration.PlanInput(DestinationType.FAMILY))
    reintegration.set_readiness(db, staff, stay, ReadinessItemType.FAMILY_TRACED,
                                ReadinessStatus.DONE, done_on=date(2026, 6, 1), today=TODAY)
    reintegration_visits.add_home_visit(db, staff, stay, reintegration_visits.HomeVisitInput(
        date(2026, 7, 1), "Petugas1", findings="Rahasia keluarga", family_readiness=FamilyReadiness.READY),
        today=TODAY)
    termination.terminate(db, staff, stay, termination.TerminationInput(
        date(2026, 8, 1), TerminationReason.INDEPENDENT), today=TODAY)
    first = aftercare.list_follow_ups(db, staff, stay)[0]
    aftercare.record_follow_up(db, staff, first.id, aftercare.FollowUpResult(
        date(2026, 9, 2), FollowUpMethod.PHONE, FollowUpCondition.STABLE), today=TODAY)
    aftercare.close_aftercare(db, staff, stay, AftercareOutcome.SUCCESSFUL, date(2026, 11, 2),
                              today=TODAY)

    events = timeline.timeline(db, counselor, resident_id)
    kinds = [(e.on, e.kind) for e in events]
    assert (date(2026, 6, 1), "reintegration") in kinds  # readiness item
    assert (date(2026, 7, 1), "home_visit") in kinds
    assert (date(2026, 9, 2), "follow_up") in kinds
    assert (date(2026, 11, 2), "follow_up") in kinds  # aftercare closed
    visit = next(e for e in events if e.kind == "home_visit")
    assert "Rahasia" not in visit.detail and visit.by == "Petugas1"
    closed = next(e for e in events if e.on == date(2026, 11, 2))
    assert closed.detail == AftercareOutcome.SUCCESSFUL.label
    # newest first: the closing comes before the follow-up, which comes before the visit
    order = [e.on for e in events]
    assert order == sorted(order, reverse=True)
