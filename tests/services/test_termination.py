"""Termination: the state changes (stay, bed, stage history, aftercare) and the bad input."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from kesos_desktop.db.models import Admission, AuditEntry, FollowUp, RoomAssignment, StageChange
from kesos_desktop.domain.enums import (
    AftercareOutcome,
    AftercareStatus,
    FollowUpCondition,
    FollowUpMethod,
    Role,
    Stage,
    TerminationReason,
)
from kesos_desktop.domain.errors import ConflictError, PermissionDenied, ValidationError
from kesos_desktop.domain.validation import mask_nik
from kesos_desktop.services import aftercare, termination
from kesos_desktop.services.termination import HandoverDetails, TerminationInput
from tests.conftest import make_user
from tests.factories import add_room, admit_resident

TODAY = date(2026, 11, 23)
FAMILY = HandoverDetails(
    destination="Desa Contoh RT 01/RW 02, Kab. Fiktif", received_by="Siti Fiktif",
    relationship="Ibu kandung", id_number="3271010101800001", witness="Pak RT Contoh",
)


def _assign_room(db, admission_id: int, room_id: int, since: date) -> None:
    with db.write() as session:
        session.get(Admission, admission_id).room_id = room_id
        session.add(RoomAssignment(admission_id=admission_id, room_id=room_id, from_date=since))


@pytest.fixture
def stay(db):
    room = add_room(db, "Mawar")
    resident_id, admission_id = admit_resident(
        db, name="Budi Fiktif", stage=Stage.REINTEGRATION, admitted_on=date(2026, 3, 2),
        room_id=room,
    )
    _assign_room(db, admission_id, room, date(2026, 3, 2))
    return resident_id, admission_id, room


def test_terminate_reunified_frees_bed_and_starts_aftercare(db, staff, stay):
    resident_id, admission_id, room = stay
    result, changes = termination.terminate(
        db, staff, admission_id,
        TerminationInput(date(2026, 11, 20), TerminationReason.REUNIFIED, FAMILY), today=TODAY,
    )
    assert "admission" in changes.entities and "follow_up" in changes.entities
    assert result.stage == Stage.AFTERCARE
    assert result.aftercare_status == AftercareStatus.ACTIVE
    assert result.freed_room == "Mawar"
    assert result.follow_up_dates == (date(2026, 12, 20), date(2027, 1, 20), date(2027, 2, 20))
    with db.read() as session:
        admission = session.get(Admission, admission_id)
        assert admission.terminated_on == date(2026, 11, 20)
        assert admission.termination_reason == TerminationReason.REUNIFIED
        assert admission.room_id is None
        assert admission.stage == Stage.AFTERCARE
        assert admission.handover_received_by == "Siti Fiktif"
        assert admission.handover_relationship == "Ibu kandung"
        assignment = session.execute(
            sa.select(RoomAssignment).where(RoomAssignment.admission_id == admission_id)
        ).scalar_one()
        assert assignment.until_date == date(2026, 11, 20)
        moves = session.execute(
            sa.select(StageChange.from_stage, StageChange.to_stage, StageChange.changed_on)
            .where(StageChange.admission_id == admission_id).order_by(StageChange.id)
        ).all()
        assert moves[-2:] == [
            (Stage.REINTEGRATION, Stage.TERMINATION, date(2026, 11, 20)),
            (Stage.TERMINATION, Stage.AFTERCARE, date(2026, 11, 20)),
        ]
        follow_ups = session.execute(
            sa.select(FollowUp.due_on, FollowUp.method).where(FollowUp.admission_id == admission_id)
            .order_by(FollowUp.due_on)
        ).all()
        assert follow_ups == [
            (date(2026, 12, 20), FollowUpMethod.HOME_VISIT),
            (date(2027, 1, 20), FollowUpMethod.PHONE),
            (date(2027, 2, 20), FollowUpMethod.PHONE),
        ]
        entry = session.execute(
            sa.select(AuditEntry).where(AuditEntry.action == "terminate")
        ).scalar_one()
        assert entry.entity_id == str(admission_id)
        assert entry.username == staff.username
        # the handover's ID number is masked, the recipient's name not copied
        assert mask_nik("3271010101800001") in entry.details
        assert "3271010101800001" not in entry.details
        assert "Siti" not in entry.details


def test_died_closes_the_case_without_follow_ups(db, counselor, stay):
    _, admission_id, _ = stay
    result, _ = termination.terminate(
        db, counselor, admission_id, TerminationInput(date(2026, 11, 1), TerminationReason.DIED),
        today=TODAY,
    )
    assert result.stage == Stage.TERMINATION
    assert result.aftercare_status == AftercareStatus.NONE
    assert result.follow_up_dates == ()
    with db.read() as session:
        assert session.execute(sa.select(sa.func.count(FollowUp.id))).scalar_one() == 0
        assert session.get(Admission, admission_id).room_id is None


def test_died_refuses_aftercare(db, staff, stay):
    _, admission_id, _ = stay
    with pytest.raises(ValidationError) as info:
        termination.terminate(
            db, staff, admission_id,
            TerminationInput(date(2026, 11, 1), TerminationReason.DIED, aftercare=True), today=TODAY,
        )
    assert "aftercare" in info.value.field_errors


def test_absconded_closes_by_default_and_keeps_history_for_readmission(db, staff, stay):
    resident_id, admission_id, _ = stay
    termination.terminate(
        db, staff, admission_id,
        TerminationInput(date(2026, 10, 5), TerminationReason.ABSCONDED), today=TODAY,
    )
    previous = termination.previous_outcome(db, staff, resident_id)
    assert previous.reason == TerminationReason.ABSCONDED
    assert previous.terminated_on == date(2026, 10, 5)
    assert previous.aftercare_status == AftercareStatus.NONE
    assert previous.earlier_stays == 1
    text = termination.describe_previous_outcome(previous)
    assert "5 Oktober 2026" in text
    # readmitted later: the old stay stays untouched, previous_outcome still reports it
    with db.write() as session:
        session.add(Admission(
            resident_id=resident_id, admitted_on=date(2026, 11, 10),
            referral_source="satpol_pp", approach="koersif", stage=Stage.INTAKE,
        ))
    assert termination.previous_outcome(db, staff, resident_id).admission_id == admission_id
    with db.read() as session:
        old = session.get(Admission, admission_id)
        assert old.terminated_on == date(2026, 10, 5)
        assert len(old.stage_changes) == 2


def test_absconded_may_still_start_aftercare_when_asked(db, staff, stay):
    _, admission_id, _ = stay
    result, _ = termination.terminate(
        db, staff, admission_id,
        TerminationInput(date(2026, 10, 5), TerminationReason.ABSCONDED, aftercare=True),
        today=TODAY,
    )
    assert result.aftercare_status == AftercareStatus.ACTIVE
    assert len(result.follow_up_dates) == 3


def test_closing_instead_of_aftercare_when_chosen(db, staff, stay):
    _, admission_id, _ = stay
    result, _ = termination.terminate(
        db, staff, admission_id,
        TerminationInput(date(2026, 11, 2), TerminationReason.WORK, aftercare=False), today=TODAY,
    )
    assert result.stage == Stage.TERMINATION and result.follow_up_dates == ()


def _nothing_saved(db, admission_id):
    with db.read() as session:
        admission = session.get(Admission, admission_id)
        assert admission.terminated_on is None
        assert admission.room_id is not None
        assert admission.stage == Stage.REINTEGRATION
        assert session.execute(sa.select(sa.func.count(FollowUp.id))).scalar_one() == 0
        assert session.execute(
            sa.select(sa.func.count(AuditEntry.id)).where(AuditEntry.action == "terminate")
        ).scalar_one() == 0


@pytest.mark.parametrize(
    ("when", "fragment"),
    [
        (date(2026, 3, 1), "sebelum"),  # before the admission on 2 March
        (date(2026, 11, 24), "masa depan"),  # tomorrow
        (None, "tanggal"),
    ],
)
def test_bad_termination_dates(db, staff, stay, when, fragment):
    _, admission_id, _ = stay
    with pytest.raises(ValidationError) as info:
        termination.terminate(
            db, staff, admission_id, TerminationInput(when, TerminationReason.INDEPENDENT),
            today=TODAY,
        )
    assert fragment in info.value.field_errors["terminated_on"].lower()
    _nothing_saved(db, admission_id)


def test_termination_on_admission_day_and_today_is_allowed(db, staff):
    _, first = admit_resident(db, admitted_on=TODAY, stage=Stage.INTAKE)
    result, _ = termination.terminate(
        db, staff, first, TerminationInput(TODAY, TerminationReason.INDEPENDENT), today=TODAY
    )
    assert result.terminated_on == TODAY


def test_reunification_needs_who_received_the_person(db, staff, stay):
    _, admission_id, _ = stay
    with pytest.raises(ValidationError) as info:
        termination.terminate(
            db, staff, admission_id,
            TerminationInput(date(2026, 11, 20), TerminationReason.REUNIFIED), today=TODAY,
        )
    assert set(info.value.field_errors) == {"received_by", "relationship"}
    _nothing_saved(db, admission_id)


def test_reason_is_required_and_too_long_fields_are_named(db, staff, stay):
    _, admission_id, _ = stay
    with pytest.raises(ValidationError) as info:
        termination.terminate(
            db, staff, admission_id,
            TerminationInput(date(2026, 11, 20), None, HandoverDetails(witness="x" * 151)),
            today=TODAY,
        )
    assert set(info.value.field_errors) == {"reason", "witness"}


def test_terminating_twice_is_refused(db, staff, stay):
    _, admission_id, _ = stay
    data = TerminationInput(date(2026, 11, 20), TerminationReason.INDEPENDENT)
    termination.terminate(db, staff, admission_id, data, today=TODAY)
    with pytest.raises(ValidationError, match="sudah diterminasi"):
        termination.terminate(db, staff, admission_id, data, today=TODAY)
    with db.read() as session:
        assert session.execute(sa.select(sa.func.count(FollowUp.id))).scalar_one() == 3
        assert session.execute(
            sa.select(sa.func.count(StageChange.id)).where(StageChange.admission_id == admission_id)
        ).scalar_one() == 3


def test_stale_version_is_a_conflict(db, staff, stay):
    _, admission_id, _ = stay
    with db.read() as session:
        version = session.get(Admission, admission_id).version
    with db.write() as session:
        session.get(Admission, admission_id).initial_condition = "diubah di komputer lain"
    with pytest.raises(ConflictError):
        termination.terminate(
            db, staff, admission_id, TerminationInput(date(2026, 11, 20), TerminationReason.OTHER),
            expected_version=version, today=TODAY,
        )
    _nothing_saved(db, admission_id)


def test_termination_cannot_predate_a_room_move(db, staff, stay):
    _, admission_id, room = stay
    other = add_room(db, "Melati")
    with db.write() as session:
        session.execute(sa.update(RoomAssignment).values(until_date=date(2026, 9, 1)))
        session.add(RoomAssignment(admission_id=admission_id, room_id=other, from_date=date(2026, 9, 1)))
        session.get(Admission, admission_id).room_id = other
    with pytest.raises(ValidationError) as info:
        termination.terminate(
            db, staff, admission_id,
            TerminationInput(date(2026, 8, 30), TerminationReason.INDEPENDENT), today=TODAY,
        )
    assert "1 September 2026" in info.value.field_errors["terminated_on"]


def test_schedule_setting_changes_future_follow_ups(db, admin, staff, stay):
    _, admission_id, _ = stay
    aftercare.set_schedule(db, admin, [6, 1, 3])
    assert aftercare.get_schedule(db, staff) == (1, 3, 6)
    result, _ = termination.terminate(
        db, staff, admission_id,
        TerminationInput(date(2026, 8, 31), TerminationReason.INDEPENDENT),
        today=TODAY,
    )
    # end-of-month dates clamp to the month's last day
    assert result.follow_up_dates == (date(2026, 9, 30), date(2026, 11, 30), date(2027, 2, 28))


def test_permissions(db, admin, stay):
    from kesos_desktop.domain.errors import AuthenticationError

    _, admission_id, _ = stay
    data = TerminationInput(TODAY, TerminationReason.OTHER)
    with pytest.raises(AuthenticationError):
        termination.terminate(db, None, admission_id, data, today=TODAY)
    staff = make_user(db, admin, "petugas9", Role.STAFF)
    with pytest.raises(PermissionDenied):
        aftercare.set_schedule(db, staff, [1])
    with pytest.raises(ValidationError):
        aftercare.set_schedule(db, admin, [0, 30])
    with db.read() as session:
        assert session.get(Admission, admission_id).terminated_on is None


def test_handover_data_for_the_berita_acara(db, admin, staff, stay):
    resident_id, admission_id, _ = stay
    with pytest.raises(ValidationError):
        termination.handover_data(db, staff, admission_id)
    termination.terminate(
        db, staff, admission_id,
        TerminationInput(date(2026, 11, 20), TerminationReason.REUNIFIED, FAMILY), today=TODAY,
    )
    data = termination.handover_data(db, staff, admission_id)
    assert data.facility.name.startswith("UPT Rehabilitasi")
    assert data.facility.head_nip == "197001012000031001"
    assert data.name == "Budi Fiktif"
    assert data.received_by == "Siti Fiktif" and data.witness == "Pak RT Contoh"
    assert data.reason == TerminationReason.REUNIFIED
    assert data.admitted_on == date(2026, 3, 2) and data.terminated_on == date(2026, 11, 20)
    assert data.categories


def test_update_handover_corrects_details_only(db, staff, stay):
    _, admission_id, _ = stay
    termination.terminate(
        db, staff, admission_id,
        TerminationInput(date(2026, 11, 20), TerminationReason.REUNIFIED, FAMILY), today=TODAY,
    )
    with db.read() as session:
        version = session.get(Admission, admission_id).version
    fixed = HandoverDetails(**{**FAMILY.__dict__, "witness2": "Bu Lurah Contoh"})
    termination.update_handover(db, staff, admission_id, fixed, expected_version=version)
    assert termination.handover_data(db, staff, admission_id).witness2 == "Bu Lurah Contoh"
    with pytest.raises(ConflictError):
        termination.update_handover(db, staff, admission_id, fixed, expected_version=version)
    with pytest.raises(ValidationError):
        termination.update_handover(db, staff, admission_id, HandoverDetails())


def test_previous_outcome_reports_aftercare(db, staff, stay):
    resident_id, admission_id, _ = stay
    assert termination.previous_outcome(db, staff, resident_id) is None
    termination.terminate(
        db, staff, admission_id,
        TerminationInput(date(2026, 7, 1), TerminationReason.INDEPENDENT), today=TODAY,
    )
    first = aftercare.list_follow_ups(db, staff, admission_id)[0]
    aftercare.record_follow_up(
        db, staff, first.id,
        aftercare.FollowUpResult(date(2026, 8, 3), FollowUpMethod.PHONE, FollowUpCondition.STABLE),
        today=TODAY,
    )
    aftercare.close_aftercare(db, staff, admission_id, AftercareOutcome.SUCCESSFUL,
                              date(2026, 10, 1), today=TODAY)
    previous = termination.previous_outcome(db, staff, resident_id)
    assert previous.aftercare_outcome == AftercareOutcome.SUCCESSFUL
    assert previous.last_condition == FollowUpCondition.STABLE
    assert previous.last_follow_up_on == date(2026, 8, 3)
