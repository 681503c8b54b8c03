"""Aftercare (bimbingan lanjut): generated follow-ups, recording, due lists, closing."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from kesos_desktop.db.models import Admission, AuditEntry, FollowUp
from kesos_desktop.domain.enums import (
    AftercareOutcome,
    AftercareStatus,
    FollowUpCondition,
    FollowUpMethod,
    Stage,
    TerminationReason,
)
from kesos_desktop.domain.errors import ConflictError, ValidationError
from kesos_desktop.services import aftercare, termination
from kesos_desktop.services.aftercare import FollowUpResult
from kesos_desktop.services.termination import TerminationInput
from tests.factories import admit_resident

TODAY = date(2026, 11, 23)  # a Monday


def _terminated(db, actor, name="Ani Fiktif", on=date(2026, 9, 10),
                reason=TerminationReason.INDEPENDENT, **kwargs) -> tuple[int, int]:
    resident_id, admission_id = admit_resident(
        db, name=name, admitted_on=date(2026, 2, 1), stage=Stage.REINTEGRATION
    )
    termination.terminate(db, actor, admission_id, TerminationInput(on, reason, **kwargs),
                          today=TODAY)
    return resident_id, admission_id


def test_add_months_clamps_to_month_end():
    assert aftercare.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert aftercare.add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert aftercare.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert aftercare.add_months(date(2026, 12, 15), 12) == date(2027, 12, 15)


def test_default_schedule_and_a_broken_setting_falls_back(db, admin, staff):
    assert aftercare.get_schedule(db, staff) == (1, 2, 3)
    from kesos_desktop.services.common import put_setting

    with db.write() as session:
        put_setting(session, aftercare.SCHEDULE_KEY, ["x"])
    assert aftercare.get_schedule(db, staff) == (1, 2, 3)


def test_record_follow_up(db, staff):
    _, admission_id = _terminated(db, staff)
    rows = aftercare.list_follow_ups(db, staff, admission_id)
    assert [r.due_on for r in rows] == [date(2026, 10, 10), date(2026, 11, 10), date(2026, 12, 10)]
    first = rows[0]
    row, changes = aftercare.record_follow_up(
        db, staff, first.id,
        FollowUpResult(date(2026, 10, 12), FollowUpMethod.HOME_VISIT, FollowUpCondition.STABLE,
                       "Tinggal bersama kakak", "Telepon bulan depan"),
        expected_version=first.version, today=TODAY,
    )
    assert "follow_up" in changes.entities
    assert row.done and row.condition == FollowUpCondition.STABLE
    assert row.done_by == staff.full_name
    # the same old version again: someone else's save wins, ours is refused
    with pytest.raises(ConflictError):
        aftercare.record_follow_up(
            db, staff, first.id,
            FollowUpResult(date(2026, 10, 12), FollowUpMethod.PHONE, FollowUpCondition.STABLE),
            expected_version=first.version, today=TODAY,
        )
    with db.read() as session:
        details = session.execute(
            sa.select(AuditEntry.details).where(AuditEntry.entity == "follow_up")
        ).scalar_one()
        assert "Tinggal bersama" not in details  # notes never go to the audit trail


def test_follow_up_result_validation(db, staff):
    _, admission_id = _terminated(db, staff)
    first = aftercare.list_follow_ups(db, staff, admission_id)[0]
    cases = [
        (FollowUpResult(date(2026, 9, 9), FollowUpMethod.PHONE, FollowUpCondition.STABLE), "done_on"),
        (FollowUpResult(date(2026, 11, 24), FollowUpMethod.PHONE, FollowUpCondition.STABLE), "done_on"),
        (FollowUpResult(None, FollowUpMethod.PHONE, FollowUpCondition.STABLE), "done_on"),
        (FollowUpResult(date(2026, 10, 1), FollowUpMethod.PHONE, None), "condition"),
    ]
    for result, field in cases:
        with pytest.raises(ValidationError) as info:
            aftercare.record_follow_up(db, staff, first.id, result, today=TODAY)
        assert field in info.value.field_errors
    assert not aftercare.list_follow_ups(db, staff, admission_id)[0].done


def test_follow_up_for_a_person_still_in_the_facility_is_refused(db, staff):
    _, admission_id = admit_resident(db, name="Masih Tinggal", stage=Stage.REINTEGRATION)
    with pytest.raises(ValidationError, match="masih tinggal di panti"):
        aftercare.add_follow_up(db, staff, admission_id, date(2026, 12, 1), FollowUpMethod.PHONE,
                                today=TODAY)
    with db.read() as session:
        assert session.execute(sa.select(sa.func.count(FollowUp.id))).scalar_one() == 0


def test_no_follow_ups_after_a_closed_case(db, staff):
    _, admission_id = _terminated(db, staff, reason=TerminationReason.DIED)
    with pytest.raises(ValidationError, match="tanpa bimbingan lanjut"):
        aftercare.add_follow_up(db, staff, admission_id, date(2026, 12, 1), FollowUpMethod.PHONE,
                                today=TODAY)


def test_add_extra_follow_ups_planned_and_done_at_once(db, staff):
    _, admission_id = _terminated(db, staff)
    with pytest.raises(ValidationError) as info:
        aftercare.add_follow_up(db, staff, admission_id, date(2026, 9, 1), FollowUpMethod.PHONE,
                                today=TODAY)
    assert "due_on" in info.value.field_errors
    planned, _ = aftercare.add_follow_up(db, staff, admission_id, date(2027, 6, 10),
                                         FollowUpMethod.VIA_DINSOS, today=TODAY)
    assert not planned.done
    call, _ = aftercare.add_follow_up(
        db, staff, admission_id, date(2026, 11, 20), FollowUpMethod.PHONE,
        FollowUpResult(date(2026, 11, 20), FollowUpMethod.PHONE, FollowUpCondition.NEEDS_SUPPORT),
        today=TODAY,
    )
    assert call.done and call.condition == FollowUpCondition.NEEDS_SUPPORT
    assert len(aftercare.list_follow_ups(db, staff, admission_id)) == 5


def test_reschedule(db, staff):
    _, admission_id = _terminated(db, staff)
    first = aftercare.list_follow_ups(db, staff, admission_id)[0]
    row, _ = aftercare.reschedule_follow_up(db, staff, first.id, date(2026, 10, 20),
                                            FollowUpMethod.VIA_DINSOS, expected_version=first.version)
    assert row.due_on == date(2026, 10, 20) and row.method == FollowUpMethod.VIA_DINSOS
    aftercare.record_follow_up(
        db, staff, first.id,
        FollowUpResult(date(2026, 10, 21), FollowUpMethod.PHONE, FollowUpCondition.STABLE),
        today=TODAY,
    )
    with pytest.raises(ValidationError):
        aftercare.reschedule_follow_up(db, staff, first.id, date(2026, 10, 25), FollowUpMethod.PHONE)


def test_due_lists_overdue_and_this_week(db, staff):
    # terminated 10 Sept -> due 10 Oct, 10 Nov (both overdue on 23 Nov), 10 Dec
    _, late = _terminated(db, staff, name="Terlambat Fiktif")
    # terminated 25 Oct -> due 25 Nov (this week), 25 Dec, 25 Jan
    _, soon = _terminated(db, staff, name="Segera Fiktif", on=date(2026, 10, 25))
    # no aftercare: never listed
    _terminated(db, staff, name="Kabur Fiktif", reason=TerminationReason.ABSCONDED)
    due = aftercare.due_follow_ups(db, staff, today=TODAY)
    assert due.week_end == date(2026, 11, 29)
    assert [(r.name, r.due_on) for r in due.overdue] == [
        ("Terlambat Fiktif", date(2026, 10, 10)), ("Terlambat Fiktif", date(2026, 11, 10)),
    ]
    assert due.overdue[0].overdue_days(TODAY) == 44
    assert [(r.name, r.due_on) for r in due.this_week] == [("Segera Fiktif", date(2026, 11, 25))]
    # done ones drop out; closed aftercare drops out
    first = due.overdue[0]
    aftercare.record_follow_up(
        db, staff, first.id,
        FollowUpResult(date(2026, 10, 11), FollowUpMethod.PHONE, FollowUpCondition.STABLE),
        today=TODAY,
    )
    aftercare.close_aftercare(db, staff, soon, AftercareOutcome.LOST, TODAY, today=TODAY)
    due = aftercare.due_follow_ups(db, staff, today=TODAY)
    assert [r.due_on for r in due.overdue] == [date(2026, 11, 10)] and due.this_week == []
    # search over running aftercare
    assert {r.name for r in aftercare.list_follow_ups(db, staff, search="terlambat")} == {
        "Terlambat Fiktif"}
    assert len(aftercare.list_follow_ups(db, staff, only_open=True)) == 2


def test_close_aftercare(db, staff):
    _, admission_id = _terminated(db, staff)
    with db.read() as session:
        version = session.get(Admission, admission_id).version
    with pytest.raises(ValidationError) as info:
        aftercare.close_aftercare(db, staff, admission_id, None, date(2026, 9, 1), today=TODAY)
    assert set(info.value.field_errors) == {"outcome", "closed_on"}
    changes = aftercare.close_aftercare(db, staff, admission_id, AftercareOutcome.SUCCESSFUL,
                                        date(2026, 11, 20), expected_version=version, today=TODAY)
    assert "admission" in changes.entities
    with db.read() as session:
        admission = session.get(Admission, admission_id)
        assert admission.aftercare_status == AftercareStatus.CLOSED
        assert admission.aftercare_outcome == AftercareOutcome.SUCCESSFUL
        assert admission.aftercare_closed_on == date(2026, 11, 20)
        assert admission.stage == Stage.AFTERCARE
    with pytest.raises(ValidationError, match="sudah ditutup"):
        aftercare.close_aftercare(db, staff, admission_id, AftercareOutcome.SUCCESSFUL, TODAY,
                                  today=TODAY)
    first = aftercare.list_follow_ups(db, staff, admission_id)[0]
    with pytest.raises(ValidationError, match="sudah ditutup"):
        aftercare.record_follow_up(
            db, staff, first.id,
            FollowUpResult(date(2026, 10, 11), FollowUpMethod.PHONE, FollowUpCondition.STABLE),
            today=TODAY,
        )


def test_person_back_in_the_facility(db, staff):
    resident_id, admission_id = _terminated(db, staff)
    with db.write() as session:
        session.add(Admission(resident_id=resident_id, admitted_on=date(2026, 11, 1),
                              referral_source="satpol_pp", approach="koersif", stage=Stage.INTAKE))
    rows = aftercare.list_follow_ups(db, staff, admission_id)
    assert all(r.back_in_facility for r in rows)
    # a contact before the return can still be recorded late; one after it cannot
    aftercare.record_follow_up(
        db, staff, rows[0].id,
        FollowUpResult(date(2026, 10, 10), FollowUpMethod.PHONE, FollowUpCondition.BACK_ON_STREET),
        today=TODAY,
    )
    with pytest.raises(ValidationError, match="kembali ke panti"):
        aftercare.record_follow_up(
            db, staff, rows[1].id,
            FollowUpResult(date(2026, 11, 10), FollowUpMethod.PHONE, FollowUpCondition.STABLE),
            today=TODAY,
        )
    with db.write() as session:
        closed = aftercare.close_aftercare_for_readmission(session, staff, resident_id,
                                                           date(2026, 11, 1))
    assert closed == [admission_id]
    previous = termination.previous_outcome(db, staff, resident_id)
    assert previous.aftercare_outcome == AftercareOutcome.RETURNED
    assert previous.aftercare_closed_on == date(2026, 11, 1)
