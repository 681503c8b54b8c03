"""Changing a stay's case manager after intake, and handing all current cases of one worker
over to another: permissions, version check, audit rows, the lists that follow the change."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from kesos_desktop.db.models import Admission
from kesos_desktop.domain.enums import AftercareStatus, Confidentiality, Role, TerminationReason
from kesos_desktop.domain.errors import ConflictError, PermissionDenied, ValidationError
from kesos_desktop.services import case_manager, counseling_notes, dashboard, residents, users
from kesos_desktop.services import counseling_caseload as caseload
from tests.conftest import make_user
from tests.factories import admit_resident
from tests.services.test_counseling_support import TODAY, audit_rows, record_session


def stay_version(db, admission_id: int) -> int:
    with db.read() as session:
        return session.get(Admission, admission_id).version


def manager_of(db, admission_id: int) -> int | None:
    with db.read() as session:
        return session.get(Admission, admission_id).case_manager_id


@pytest.fixture
def second(db, admin):
    return make_user(db, admin, "konselor2", Role.COUNSELOR)


def test_admin_reassigns_and_the_caseload_follows(db, admin, counselor, second):
    resident_id, stay = admit_resident(db, name="Adi Fiktif", case_manager_id=counselor.id)
    assert [r.stay.name for r in caseload.my_caseload(db, counselor, today=TODAY)] == ["Adi Fiktif"]
    version = stay_version(db, stay)
    changes = case_manager.reassign(db, admin, stay, second.id, version, reason="  cuti   sakit ")
    assert "admission" in changes.entities
    assert manager_of(db, stay) == second.id
    assert stay_version(db, stay) == version + 1
    assert caseload.my_caseload(db, counselor, today=TODAY) == []
    assert [r.stay.name for r in caseload.my_caseload(db, second, today=TODAY)] == ["Adi Fiktif"]
    file = residents.get_file(db, admin, resident_id)
    assert file.stays[0].case_manager == second.full_name
    [row] = audit_rows(db, "reassign")
    assert row[:4] == ("admin", "reassign", "admission", str(stay))
    assert row[4] == {"resident_id": resident_id, "case_manager": [counselor.full_name, second.full_name],
                      "case_manager_id": [counselor.id, second.id], "via": "reassign",
                      "reason": "cuti sakit"}


def test_only_the_supervisor_among_counselors_may_reassign(db, admin, counselor, second, staff):
    _, stay = admit_resident(db, case_manager_id=counselor.id)
    with pytest.raises(PermissionDenied):
        case_manager.reassign(db, staff, stay, second.id, None)  # staff lack case.assign
    with pytest.raises(PermissionDenied):
        case_manager.reassign(db, counselor, stay, second.id, None)  # not the supervisor
    assert manager_of(db, stay) == counselor.id
    denied = [r[4] for r in audit_rows(db, "denied")]
    assert {"action": "case.assign", "reason": "not supervisor"} in denied
    assert {"action": "case.assign"} in denied
    boss = make_user(db, admin, "supervisor1", Role.COUNSELOR, supervisor=True)
    case_manager.reassign(db, boss, stay, second.id, None)
    assert manager_of(db, stay) == second.id


def test_version_conflict_and_invalid_choices(db, admin, counselor, second):
    _, stay = admit_resident(db, case_manager_id=counselor.id)
    old = stay_version(db, stay)
    case_manager.reassign(db, admin, stay, second.id, old)
    with pytest.raises(ConflictError):
        case_manager.reassign(db, admin, stay, counselor.id, old)  # read before the change
    with pytest.raises(ValidationError):
        case_manager.reassign(db, admin, stay, second.id, None)  # already theirs
    users.set_active(db, admin, counselor.id, False)
    with pytest.raises(ValidationError) as error:
        case_manager.reassign(db, admin, stay, counselor.id, None)  # no longer active
    assert "case_manager_id" in error.value.field_errors
    with pytest.raises(ValidationError):
        case_manager.reassign(db, admin, stay, second.id, None, reason="x" * 201)
    assert manager_of(db, stay) == second.id
    assert len(audit_rows(db, "reassign")) == 1


def test_ended_stay_keeps_its_case_manager_unless_aftercare_runs(db, admin, counselor, second):
    _, stay = admit_resident(db, case_manager_id=counselor.id)
    with db.write() as session:
        admission = session.get(Admission, stay)
        admission.terminated_on, admission.termination_reason = date(2026, 11, 1), TerminationReason.REUNIFIED
    with pytest.raises(ValidationError):
        case_manager.reassign(db, admin, stay, second.id, None)
    with db.write() as session:
        session.get(Admission, stay).aftercare_status = AftercareStatus.ACTIVE
    case_manager.reassign(db, admin, stay, second.id, None)
    assert manager_of(db, stay) == second.id


def test_dashboard_reminders_follow_the_new_case_manager(db, admin, counselor, second):
    _, stay = admit_resident(db, name="Lewat Fiktif", case_manager_id=counselor.id)
    record_session(db, counselor, [stay], held_on=date(2026, 11, 2), next_session_on=date(2026, 11, 9))

    def names(actor):
        return {r.text.split(": ")[-1] for r in dashboard.reminders(db, actor, TODAY)
                if r.kind == "counseling"}

    assert names(counselor) == {"Lewat Fiktif"} and names(second) == set()
    case_manager.reassign(db, admin, stay, second.id, None)
    assert names(counselor) == set() and names(second) == {"Lewat Fiktif"}


def test_new_case_manager_reads_earlier_normal_notes_not_highly_confidential(db, admin, counselor, second):
    _, stay = admit_resident(db, case_manager_id=counselor.id)
    normal = record_session(db, counselor, [stay])
    secret = record_session(db, counselor, [stay], confidentiality=Confidentiality.HIGH)
    case_manager.reassign(db, admin, stay, second.id, None)
    assert "Catatan fiktif" in counseling_notes.get_note(db, second, normal.id).current.body
    with pytest.raises(PermissionDenied):
        counseling_notes.get_note(db, second, secret.id)


def test_handover_moves_every_current_case_in_one_audited_transaction(db, admin, counselor, second):
    _, first = admit_resident(db, name="Adi Fiktif", case_manager_id=counselor.id)
    _, other = admit_resident(db, name="Bela Fiktif", case_manager_id=counselor.id)
    _, ended = admit_resident(db, name="Cici Fiktif", case_manager_id=counselor.id)
    _, theirs = admit_resident(db, name="Dodi Fiktif", case_manager_id=second.id)
    with db.write() as session:
        admission = session.get(Admission, ended)
        admission.terminated_on, admission.termination_reason = date(2026, 11, 1), TerminationReason.REUNIFIED
    assert [c.name for c in case_manager.current_cases(db, admin, counselor.id)] == [
        "Adi Fiktif", "Bela Fiktif"]
    users.set_active(db, admin, counselor.id, False)  # left the facility
    result, _changes = case_manager.handover(db, admin, counselor.id, second.id, "pindah tugas")
    assert (result.moved, result.to_name) == (2, second.full_name)
    assert [manager_of(db, s) for s in (first, other, ended, theirs)] == [
        second.id, second.id, counselor.id, second.id]
    moved = audit_rows(db, "reassign")
    assert sorted(int(r[3]) for r in moved) == [first, other]
    assert all(r[4]["via"] == "handover" and r[4]["case_manager_id"] == [counselor.id, second.id]
               for r in moved)
    [summary] = audit_rows(db, "case_handover")
    assert summary[2:] == ("user", str(counselor.id), {
        "to_user": "konselor2", "to_user_id": second.id, "cases": 2, "reason": "pindah tugas"})
    assert case_manager.current_cases(db, admin, counselor.id) == []


def test_handover_is_all_or_nothing(db, admin, counselor, second, monkeypatch):
    stays = [admit_resident(db, name=f"Fiktif {n}", case_manager_id=counselor.id)[1] for n in range(3)]
    real_move = case_manager._move
    calls = []

    def failing_move(session, actor, admission, new, reason, via):
        calls.append(admission.id)
        if len(calls) == 3:
            raise RuntimeError("disk full (simulated)")
        real_move(session, actor, admission, new, reason, via)

    monkeypatch.setattr(case_manager, "_move", failing_move)
    with pytest.raises(RuntimeError):
        case_manager.handover(db, admin, counselor.id, second.id)
    assert [manager_of(db, s) for s in stays] == [counselor.id] * 3
    assert audit_rows(db, "reassign") == [] and audit_rows(db, "case_handover") == []


def test_handover_is_for_administrators_and_needs_another_active_user(db, admin, counselor, second):
    boss = make_user(db, admin, "supervisor1", Role.COUNSELOR, supervisor=True)
    admit_resident(db, case_manager_id=counselor.id)
    with pytest.raises(PermissionDenied):
        case_manager.handover(db, boss, counselor.id, second.id)
    with pytest.raises(ValidationError):
        case_manager.handover(db, admin, counselor.id, counselor.id)
    users.set_active(db, admin, second.id, False)
    with pytest.raises(ValidationError):
        case_manager.handover(db, admin, counselor.id, second.id)
    with db.read() as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Admission)
                               .where(Admission.case_manager_id == counselor.id)).scalar_one() == 1
