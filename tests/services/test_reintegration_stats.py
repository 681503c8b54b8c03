"""The outcome figures over a period, against hand-counted fixtures."""

from __future__ import annotations

from datetime import date

import pytest

from kesos_desktop.domain.enums import (
    AftercareOutcome,
    FollowUpCondition,
    FollowUpMethod,
    Stage,
    TerminationReason,
)
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.services import aftercare, reintegration_stats, termination
from kesos_desktop.services.aftercare import FollowUpResult
from kesos_desktop.services.termination import HandoverDetails, TerminationInput
from tests.factories import admit_resident

TODAY = date(2026, 11, 23)
WHO = HandoverDetails(received_by="Keluarga Fiktif", relationship="Kakak")


def _end(db, actor, name, on, reason, **kwargs) -> int:
    _, admission_id = admit_resident(db, name=name, admitted_on=date(2026, 1, 5),
                                     stage=Stage.REINTEGRATION)
    termination.terminate(db, actor, admission_id, TerminationInput(on, reason, WHO, **kwargs),
                          today=TODAY)
    return admission_id


def _do(db, actor, admission_id, index, on, condition):
    row = aftercare.list_follow_ups(db, actor, admission_id)[index]
    aftercare.record_follow_up(db, actor, row.id,
                               FollowUpResult(on, FollowUpMethod.PHONE, condition), today=TODAY)


@pytest.fixture
def facility(db, staff):
    a = _end(db, staff, "A", date(2026, 8, 20), TerminationReason.REUNIFIED)  # due 20/9 20/10 20/11
    b = _end(db, staff, "B", date(2026, 9, 3), TerminationReason.WORK)  # due 3/10 3/11 3/12
    c = _end(db, staff, "C", date(2026, 10, 7), TerminationReason.REUNIFIED)  # due 7/11 7/12 7/1
    _end(db, staff, "D", date(2026, 10, 15), TerminationReason.ABSCONDED)  # no aftercare
    _end(db, staff, "E", date(2026, 11, 2), TerminationReason.DIED)
    _end(db, staff, "F", date(2026, 9, 30), TerminationReason.INDEPENDENT)  # due 30/10 30/11 ...
    _do(db, staff, a, 0, date(2026, 9, 21), FollowUpCondition.STABLE)
    _do(db, staff, a, 1, date(2026, 10, 19), FollowUpCondition.NEEDS_SUPPORT)
    _do(db, staff, b, 0, date(2026, 10, 5), FollowUpCondition.STABLE)
    _do(db, staff, b, 1, date(2026, 11, 4), FollowUpCondition.BACK_ON_STREET)
    aftercare.close_aftercare(db, staff, b, AftercareOutcome.RETURNED, date(2026, 11, 5),
                              today=TODAY)
    _do(db, staff, c, 0, date(2026, 11, 9), FollowUpCondition.UNREACHABLE)
    return a, b, c


def test_october(db, staff, facility):
    stats = reintegration_stats.outcomes(db, staff, date(2026, 10, 1), date(2026, 10, 31))
    assert stats.terminations == 2
    assert stats.by_reason[TerminationReason.REUNIFIED] == 1
    assert stats.by_reason[TerminationReason.ABSCONDED] == 1
    assert stats.by_reason[TerminationReason.DIED] == 0
    assert list(stats.by_reason) == list(TerminationReason)
    assert stats.into_aftercare == 1
    # done in October: A's 2nd (needs support), B's 1st (stable)
    assert stats.follow_ups_done == 2
    assert stats.by_condition[FollowUpCondition.STABLE] == 1
    assert stats.by_condition[FollowUpCondition.NEEDS_SUPPORT] == 1
    assert stats.people_followed == 2
    # due in October and not done by 31/10: F's first (30/10)
    # (A's 20/10 done 19/10, B's 3/10 done 5/10)
    assert stats.follow_ups_missed == 1
    assert stats.aftercare_closed == 0


def test_autumn(db, staff, facility):
    stats = reintegration_stats.outcomes(db, staff, date(2026, 9, 1), date(2026, 11, 30))
    assert stats.terminations == 5  # A (20/8) is outside
    assert stats.by_reason == {
        TerminationReason.REUNIFIED: 1, TerminationReason.WORK: 1, TerminationReason.REFERRED: 0,
        TerminationReason.INDEPENDENT: 1, TerminationReason.ABSCONDED: 1, TerminationReason.DIED: 1,
        TerminationReason.OTHER: 0,
    }
    assert stats.into_aftercare == 3  # B, C, F
    assert stats.follow_ups_done == 5
    # latest per person: A needs support (19/10), B back on street (4/11), C unreachable
    assert stats.people_followed == 3
    assert stats.latest_condition[FollowUpCondition.NEEDS_SUPPORT] == 1
    assert stats.latest_condition[FollowUpCondition.BACK_ON_STREET] == 1
    assert stats.latest_condition[FollowUpCondition.UNREACHABLE] == 1
    assert stats.latest_condition[FollowUpCondition.STABLE] == 0
    assert stats.closed_by_outcome[AftercareOutcome.RETURNED] == 1
    assert stats.aftercare_closed == 1
    # due in the period and not done: A 20/11, F 30/10, F 30/11 (C's 7/11 was done on 9/11;
    # B's 3/12 is outside the period)
    assert stats.follow_ups_missed == 3


def test_empty_period_and_bad_period(db, staff):
    stats = reintegration_stats.outcomes(db, staff, date(2020, 1, 1), date(2020, 1, 31))
    assert stats.terminations == 0 and all(v == 0 for v in stats.by_condition.values())
    with pytest.raises(ValidationError):
        reintegration_stats.outcomes(db, staff, date(2026, 2, 1), date(2026, 1, 1))
