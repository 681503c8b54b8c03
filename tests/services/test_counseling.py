"""Counseling sessions: recording, the bad inputs, participants, changes and cancellation."""

from __future__ import annotations

from datetime import date

import pytest

from kesos_desktop.domain.enums import (
    Confidentiality,
    CounselingStatus,
    CounselingType,
    Role,
    WorkerRole,
)
from kesos_desktop.domain.errors import (
    ConflictError,
    PermissionDenied,
    ValidationError,
)
from kesos_desktop.services import counseling
from kesos_desktop.services.counseling import SessionFilter
from kesos_desktop.services.counseling_dto import NoteInput
from tests.conftest import make_user
from tests.factories import admit_resident
from tests.services.test_counseling_support import (
    TODAY,
    age_note,
    audit_rows,
    count_sessions,
    count_versions,
    record_session,
    session_input,
)


@pytest.fixture
def stay(db):
    return admit_resident(db, name="Budi Fiktif")[1]


def test_record_an_individual_session_with_its_note(db, counselor, staff, stay):
    row = record_session(db, counselor, [stay], worker_roles=frozenset({WorkerRole.COUNSELOR,
                                                                         WorkerRole.BROKER}),
                         topic="Rahasia: topik", place="Ruang konseling", duration_minutes=45)
    assert row.status == CounselingStatus.DONE
    assert row.note_versions == 1 and not row.note_locked
    assert row.worker_roles == (WorkerRole.BROKER, WorkerRole.COUNSELOR)
    assert [p.name for p in row.participants] == ["Budi Fiktif"]
    # Staff see that it happened, with whom and by whom.
    seen = counseling.list_sessions(db, staff, SessionFilter(admission_id=stay))
    assert [s.id for s in seen] == [row.id]
    assert seen[0].counselor_name == counselor.full_name
    assert not hasattr(seen[0], "topic") and not hasattr(seen[0], "body")
    create = audit_rows(db, "create", "counseling_session")
    assert create and "Rahasia" not in str(create)


def test_a_future_session_cannot_be_done_and_nothing_is_saved(db, counselor, stay):
    with pytest.raises(ValidationError) as error:
        counseling.create_session(
            db, counselor, session_input([stay], held_on=date(2026, 12, 1)),
            NoteInput("Catatan"), today=TODAY,
        )
    assert "status" in error.value.field_errors
    assert "masa depan" in error.value.field_errors["status"]  # Indonesian, plain
    assert count_sessions(db) == 0 and count_versions(db) == 0


def test_a_future_session_can_be_planned(db, counselor, stay):
    row, _ = counseling.create_session(
        db, counselor, session_input([stay], held_on=date(2026, 12, 1),
                                     status=CounselingStatus.PLANNED), today=TODAY)
    assert row.status == CounselingStatus.PLANNED and not row.has_note


def test_a_group_session_needs_participants(db, counselor):
    with pytest.raises(ValidationError) as error:
        counseling.create_session(
            db, counselor, session_input([], kind=CounselingType.GROUP), NoteInput("Catatan"),
            today=TODAY)
    assert "participants" in error.value.field_errors
    assert count_sessions(db) == 0


def test_an_individual_session_has_exactly_one_resident(db, counselor, stay):
    other = admit_resident(db, name="Citra Fiktif")[1]
    with pytest.raises(ValidationError) as error:
        counseling.create_session(db, counselor, session_input([stay, other]), today=TODAY)
    assert "participants" in error.value.field_errors


def test_a_session_before_the_admission_is_refused(db, counselor, stay):
    with pytest.raises(ValidationError) as error:
        counseling.create_session(db, counselor, session_input([stay], held_on=date(2026, 9, 1)),
                                  today=TODAY)
    assert "held_on" in error.value.field_errors


def test_a_group_session_with_observations(db, counselor, stay):
    other = admit_resident(db, name="Citra Fiktif")[1]
    row, _ = counseling.create_session(
        db, counselor, session_input([stay, other], kind=CounselingType.GROUP),
        NoteInput("Diskusi kelompok fiktif", observations={stay: "Aktif bertanya"}), today=TODAY)
    assert len(row.participants) == 2 and row.session_type == CounselingType.GROUP


def test_an_observation_for_a_non_participant_saves_nothing(db, counselor, stay):
    stranger = admit_resident(db, name="Dedi Fiktif")[1]
    with pytest.raises(ValidationError):
        counseling.create_session(
            db, counselor, session_input([stay], kind=CounselingType.GROUP),
            NoteInput("Diskusi", observations={stranger: "Tidak hadir"}), today=TODAY)
    assert count_sessions(db) == 0 and count_versions(db) == 0


def test_staff_and_admin_cannot_record_sessions(db, admin, staff, stay):
    for actor in (admin, staff):
        with pytest.raises(PermissionDenied):
            counseling.create_session(db, actor, session_input([stay]), today=TODAY)
    assert count_sessions(db) == 0
    assert len(audit_rows(db, "denied", "permission")) == 2


def test_the_counselor_must_be_an_active_social_worker(db, counselor, staff, stay):
    with pytest.raises(ValidationError) as error:
        counseling.create_session(db, counselor, session_input([stay], counselor_id=staff.id,
                                                               status=CounselingStatus.PLANNED),
                                  today=TODAY)
    assert "counselor_id" in error.value.field_errors


def test_update_a_planned_session_then_cancel_it(db, counselor, stay):
    row, _ = counseling.create_session(
        db, counselor, session_input([stay], status=CounselingStatus.PLANNED,
                                     held_on=date(2026, 11, 30)), today=TODAY)
    changed, _ = counseling.update_session(
        db, counselor, row.id, session_input([stay], status=CounselingStatus.PLANNED,
                                             held_on=date(2026, 12, 2), place="Aula"),
        expected_version=row.version, today=TODAY)
    assert changed.held_on == date(2026, 12, 2) and changed.place == "Aula"
    with pytest.raises(ConflictError):
        counseling.update_session(db, counselor, row.id, session_input(
            [stay], status=CounselingStatus.PLANNED), expected_version=row.version, today=TODAY)
    cancelled, _ = counseling.cancel_session(db, counselor, row.id)
    assert cancelled.status == CounselingStatus.CANCELLED
    with pytest.raises(ValidationError):
        counseling.cancel_session(db, counselor, row.id)


def test_only_the_sessions_counselor_changes_it_and_refusals_are_audited(db, admin, counselor, stay):
    other = make_user(db, admin, "konselor2", Role.COUNSELOR)
    row = record_session(db, counselor, [stay])
    with pytest.raises(PermissionDenied):
        counseling.update_session(db, other, row.id, session_input([stay]), today=TODAY)
    denied = audit_rows(db, "denied", "counseling_session")
    assert denied and denied[-1][0] == "konselor2" and denied[-1][3] == str(row.id)


def test_a_locked_session_record_is_fixed_but_the_next_date_can_be_set(db, counselor, stay):
    row = record_session(db, counselor, [stay])
    age_note(db, row.id)
    with pytest.raises(ValidationError):
        counseling.update_session(db, counselor, row.id, session_input([stay], place="Lain"),
                                  today=TODAY)
    later, _ = counseling.set_next_session(db, counselor, row.id, date(2026, 11, 30))
    assert later.next_session_on == date(2026, 11, 30) and later.note_locked
    with pytest.raises(ValidationError):
        counseling.set_next_session(db, counselor, row.id, date(2026, 11, 1))


def test_high_confidentiality_is_metadata_everyone_sees(db, counselor, staff, stay):
    row = record_session(db, counselor, [stay], confidentiality=Confidentiality.HIGH)
    seen = counseling.get_session(db, staff, row.id)
    assert seen.confidentiality == Confidentiality.HIGH


def test_filters_and_counts(db, counselor, staff, stay):
    other = admit_resident(db, name="Citra Fiktif")[1]
    record_session(db, counselor, [stay], held_on=date(2026, 11, 2))
    record_session(db, counselor, [other], held_on=date(2026, 11, 20))
    assert counseling.count_sessions(db, staff) == 2
    recent = counseling.list_sessions(db, staff, SessionFilter(date_from=date(2026, 11, 10)))
    assert [s.participants[0].admission_id for s in recent] == [other]
    assert counseling.count_sessions(db, staff, SessionFilter(counselor_id=counselor.id)) == 2


def test_the_resident_timeline_shows_date_type_and_counselor_only(db, admin, counselor, staff, stay):
    from kesos_desktop.db.models import Admission
    from kesos_desktop.services import timeline

    row = record_session(db, counselor, [stay], topic="Topik rahasia", body="Isi rahasia")
    with db.read() as session:
        resident_id = session.get(Admission, stay).resident_id
    for actor in (admin, staff, counselor):
        events = [e for e in timeline.timeline(db, actor, resident_id) if e.kind == "counseling"]
        assert [(e.on, e.by, e.admission_id) for e in events] == [
            (row.held_on, counselor.full_name, stay)]
        assert "rahasia" not in repr(events).lower()


def test_recording_a_planned_session_and_its_note_in_one_save(db, counselor, stay):
    row, _ = counseling.create_session(
        db, counselor, session_input([stay], status=CounselingStatus.PLANNED), today=TODAY)
    stranger = admit_resident(db, name="Dedi Fiktif")[1]
    with pytest.raises(ValidationError):  # an observation for a non-participant: all or nothing
        counseling.update_session(db, counselor, row.id, session_input([stay], place="Aula"),
                                  row.version, today=TODAY,
                                  note=NoteInput("Isi", observations={stranger: "x"}))
    unchanged = counseling.get_session(db, counselor, row.id)
    assert unchanged.status == CounselingStatus.PLANNED and unchanged.place is None
    assert count_versions(db) == 0
    done, _ = counseling.update_session(db, counselor, row.id, session_input([stay], place="Aula"),
                                        row.version, today=TODAY, note=NoteInput("Isi catatan"))
    assert done.status == CounselingStatus.DONE and done.note_versions == 1 and done.place == "Aula"
    edited, _ = counseling.update_session(db, counselor, row.id, session_input([stay], place="Aula 2"),
                                          done.version, today=TODAY, note=NoteInput("Isi baru"),
                                          expected_note_version=1)
    assert edited.note_versions == 2 and edited.place == "Aula 2"
    with pytest.raises(ConflictError):
        counseling.update_session(db, counselor, row.id, session_input([stay]), edited.version,
                                  today=TODAY, note=NoteInput("Basi"), expected_note_version=1)
