"""The resident file: identity edits (audited, optimistic locking), family, stages, rooms,
documents, timeline."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa

from kesos_desktop.db.models import Admission, AuditEntry
from kesos_desktop.domain.enums import DocumentType, RoomSex, Sex, Stage, TerminationReason
from kesos_desktop.domain.errors import ConflictError, ValidationError
from kesos_desktop.domain.resident_dto import (
    FamilyContactInput,
    FileUpload,
    RoomInput,
    TimelineEvent,
)
from kesos_desktop.services import attachments, intake, residents, rooms, stages, timeline
from tests.factories import add_room
from tests.resident_requests import TODAY, person, request, stay, write_png


@pytest.fixture
def budi(db, staff):
    return intake.register(db, staff, request(), today=TODAY)


def audit_rows(db, entity: str) -> list[dict]:
    with db.read() as session:
        rows = session.execute(sa.select(AuditEntry).where(AuditEntry.entity == entity)
                               .order_by(AuditEntry.id)).scalars().all()
    return [dict(action=r.action, entity_id=r.entity_id, **json.loads(r.details)) for r in rows]


# ------------------------------------------------------------------------- identity


def test_edit_identity_is_audited_with_before_and_after(db, staff, budi):
    detail = residents.get_detail(db, staff, budi.resident_id)
    edited = replace(detail.to_input(), address="Jl. Baru No. 1", nik="3271011705800009")
    new, warnings, changes = residents.update_identity(db, staff, budi.resident_id, edited,
                                                       detail.version, today=TODAY)
    assert new.address == "Jl. Baru No. 1" and new.version == detail.version + 1
    assert "resident" in changes.entities and warnings == ()
    last = audit_rows(db, "resident")[-1]
    assert last["action"] == "update"
    assert last["address"] == ["Jl. Contoh No. 2", "Jl. Baru No. 1"]
    assert last["nik"] == ["3271********0001", "3271********0009"]  # masked both sides
    assert "3271011705800009" not in json.dumps(last)


def test_edit_with_a_stale_version_is_refused(db, staff, admin, budi):
    detail = residents.get_detail(db, staff, budi.resident_id)
    residents.update_identity(db, admin, budi.resident_id, replace(detail.to_input(), phone="0811111111"),
                              detail.version, today=TODAY)
    with pytest.raises(ConflictError):
        residents.update_identity(db, staff, budi.resident_id, replace(detail.to_input(), phone="0822222222"),
                                  detail.version, today=TODAY)


def test_edit_validates_like_intake(db, staff, budi):
    detail = residents.get_detail(db, staff, budi.resident_id)
    with pytest.raises(ValidationError) as info:
        residents.update_identity(db, staff, budi.resident_id,
                                  replace(detail.to_input(), name="", birth_date=date(2026, 10, 30)),
                                  detail.version, today=TODAY)
    assert {"name", "birth_date"} <= set(info.value.field_errors)  # born after the admission


def test_estimated_age_survives_a_round_trip(db, staff):
    from kesos_desktop.domain.enums import ConsentRelation
    from tests.resident_requests import unknown_person

    result = intake.register(db, staff, request(resident=unknown_person(age=60), admission=stay(
        consent=replace(stay().consent, relation=ConsentRelation.OFFICIAL))), today=TODAY)
    detail = residents.get_detail(db, staff, result.resident_id)
    again, _w, _c = residents.update_identity(db, staff, result.resident_id, detail.to_input(),
                                              detail.version)
    assert again.birth_year_estimated == detail.birth_year_estimated


def test_family_contacts(db, staff, budi):
    file = residents.get_file(db, staff, budi.resident_id)
    mother = file.family[0]
    brother, _ = residents.save_family_contact(db, staff, budi.resident_id, FamilyContactInput(
        "Adik Fiktif", "Adik", "0812 0000 1111", is_primary=True))
    file = residents.get_file(db, staff, budi.resident_id)
    assert [c.name for c in file.family] == ["Adik Fiktif", "Siti Fiktif"]  # the main contact first
    assert not next(c for c in file.family if c.id == mother.id).is_primary
    with pytest.raises(ValidationError) as info:
        residents.save_family_contact(db, staff, budi.resident_id, FamilyContactInput("", "", "x"))
    assert {"name", "relationship", "phone"} <= set(info.value.field_errors)
    residents.remove_family_contact(db, staff, brother.id, brother.version)
    assert [c.name for c in residents.get_file(db, staff, budi.resident_id).family] == ["Siti Fiktif"]


# ------------------------------------------------------------------------- stages


def test_stage_history_forward_and_back(db, staff, budi):
    stages.change_stage(db, staff, budi.admission_id, Stage.ASSESSMENT, date(2026, 10, 8), "Asesmen awal",
                        today=TODAY)
    stages.change_stage(db, staff, budi.admission_id, Stage.PLANNING, date(2026, 10, 15), today=TODAY)
    stages.change_stage(db, staff, budi.admission_id, Stage.ASSESSMENT, date(2026, 10, 16),
                        "Perlu asesmen ulang", today=TODAY)
    history = stages.history(db, staff, budi.admission_id)
    assert [(h.from_stage, h.to_stage) for h in history] == [
        (None, Stage.INTAKE), (Stage.INTAKE, Stage.ASSESSMENT),
        (Stage.ASSESSMENT, Stage.PLANNING), (Stage.PLANNING, Stage.ASSESSMENT)]
    assert history[-1].note == "Perlu asesmen ulang" and history[-1].by == staff.full_name
    file = residents.get_file(db, staff, budi.resident_id)
    assert file.current_stay.stage == Stage.ASSESSMENT and len(file.current_stay.stage_history) == 4
    assert audit_rows(db, "admission")[-1]["stage"] == ["rencana_intervensi", "asesmen"]


@pytest.mark.parametrize("to_stage, on, field", [
    (Stage.INTAKE, date(2026, 10, 8), "to_stage"),  # already there
    (Stage.TERMINATION, date(2026, 10, 8), "to_stage"),  # the termination service does that
    (Stage.AFTERCARE, date(2026, 10, 8), "to_stage"),
    (Stage.ASSESSMENT, date(2026, 10, 1), "on"),  # before the admission
    (Stage.ASSESSMENT, date(2026, 12, 1), "on"),  # in the future
])
def test_stage_change_rules(db, staff, budi, to_stage, on, field):
    with pytest.raises(ValidationError) as info:
        stages.change_stage(db, staff, budi.admission_id, to_stage, on, today=TODAY)
    assert field in info.value.field_errors


def test_stage_change_checks_the_version(db, staff, budi):
    with db.read() as session:
        version = session.get(Admission, budi.admission_id).version
    stages.change_stage(db, staff, budi.admission_id, Stage.ASSESSMENT, date(2026, 10, 8),
                        expected_version=version, today=TODAY)
    with pytest.raises(ConflictError):
        stages.change_stage(db, staff, budi.admission_id, Stage.PLANNING, date(2026, 10, 9),
                            expected_version=version, today=TODAY)


# ------------------------------------------------------------------------- rooms


def test_rooms_management_and_occupancy(db, admin, staff, budi):
    room, _ = rooms.create_room(db, admin, RoomInput("Anggrek", RoomSex.MALE, 2, "Lantai 2"))
    with pytest.raises(ValidationError) as info:
        rooms.create_room(db, admin, RoomInput("anggrek", RoomSex.MALE, 2))
    assert "name" in info.value.field_errors
    rooms.move(db, staff, budi.admission_id, room.id, date(2026, 10, 6), "Pindah", today=TODAY)
    listed = {r.name: r for r in rooms.list_rooms(db, staff)}
    assert listed["Anggrek"].occupied == 1 and listed["Anggrek"].free == 1
    assert [o.name for o in rooms.occupants(db, staff, room.id)] == ["Budi Fiktif Santoso"]
    with pytest.raises(ValidationError):
        rooms.update_room(db, admin, room.id, RoomInput("Anggrek", RoomSex.MALE, 2, active=False),
                          room.version)  # not empty
    with pytest.raises(ValidationError) as info:
        rooms.update_room(db, admin, room.id, RoomInput("Anggrek", RoomSex.FEMALE, 2), room.version)
    assert "sex" in info.value.field_errors


def test_move_keeps_history_and_guards_capacity(db, staff, budi):
    first = add_room(db, "Satu", RoomSex.MALE, 1)
    second = add_room(db, "Dua", RoomSex.MIXED, 1)
    rooms.move(db, staff, budi.admission_id, first, date(2026, 10, 6), today=TODAY)
    other = intake.register(db, staff, request(resident=person(name="Eko Lain", nik=None,
                                                               birth_date=date(1988, 2, 2))), today=TODAY)
    with pytest.raises(ValidationError) as info:
        rooms.move(db, staff, other.admission_id, first, date(2026, 10, 7), today=TODAY)
    assert "room_id" in info.value.field_errors
    rooms.move(db, staff, other.admission_id, first, date(2026, 10, 7), override=True, today=TODAY)
    rooms.move(db, staff, budi.admission_id, second, date(2026, 10, 9), today=TODAY)
    history = residents.get_file(db, staff, budi.resident_id).current_stay.room_history
    assert [(h.room_name, h.from_date, h.until_date) for h in history] == [
        ("Satu", date(2026, 10, 6), date(2026, 10, 9)), ("Dua", date(2026, 10, 9), None)]
    with pytest.raises(ValidationError) as info:
        rooms.move(db, staff, budi.admission_id, first, date(2026, 10, 8), override=True, today=TODAY)
    assert "on" in info.value.field_errors  # before the last move


def test_rooms_for_a_woman(db, staff):
    add_room(db, "Pria", RoomSex.MALE, 2)
    add_room(db, "Wanita", RoomSex.FEMALE, 2)
    add_room(db, "Campur", RoomSex.MIXED, 2)
    assert [r.name for r in rooms.rooms_for(db, staff, Sex.FEMALE)] == ["Campur", "Wanita"]


# ------------------------------------------------------------------------- documents


def test_attachment_opens_after_a_hash_check(db, staff, budi, tmp_path, data_dir):
    scan = tmp_path / "kk.pdf"
    scan.write_bytes(b"%PDF-1.4 kartu keluarga fiktif")
    row, _ = attachments.add_attachment(db, staff, budi.resident_id,
                                        FileUpload(str(scan), DocumentType.KK, "Kartu Keluarga"),
                                        budi.admission_id)
    path = attachments.open_attachment(db, staff, row.id)
    assert path.read_bytes() == scan.read_bytes()
    path.write_bytes(b"changed")  # a damaged local copy is fetched again from the database
    assert attachments.open_attachment(db, staff, row.id).read_bytes() == scan.read_bytes()
    # damage in the database itself: tests/services/test_attachments_shared.py


def test_attachment_types_are_limited(db, staff, budi, tmp_path):
    program = tmp_path / "virus.exe"
    program.write_bytes(b"MZ")
    with pytest.raises(ValidationError):
        attachments.add_attachment(db, staff, budi.resident_id, FileUpload(str(program)))
    with pytest.raises(ValidationError):
        attachments.add_attachment(db, staff, budi.resident_id, FileUpload(str(tmp_path / "gone.pdf")))


def test_photo_replace_and_missing_file(db, staff, budi, tmp_path, data_dir):
    detail = residents.get_detail(db, staff, budi.resident_id)
    attachments.set_photo(db, staff, budi.resident_id, str(write_png(tmp_path / "p.png")), detail.version)
    path = attachments.photo_file(db, staff, budi.resident_id)
    assert path is not None and path.exists()
    path.unlink()  # the local copy is fetched again from the database
    assert attachments.photo_file(db, staff, budi.resident_id).read_bytes() == write_png(tmp_path / "q.png").read_bytes()
    attachments.set_photo(db, staff, budi.resident_id, None)
    assert attachments.photo_file(db, staff, budi.resident_id) is None


# ------------------------------------------------------------------------- timeline


def test_timeline_collects_every_provider(db, staff, budi, monkeypatch):
    stages.change_stage(db, staff, budi.admission_id, Stage.ASSESSMENT, date(2026, 10, 8), today=TODAY)
    room = add_room(db, "Kenanga", RoomSex.MALE, 3)
    rooms.move(db, staff, budi.admission_id, room, date(2026, 10, 9), today=TODAY)

    def training(session, actor, resident_id):
        return [TimelineEvent(date(2026, 10, 10), "training", "Pelatihan Menjahit Dasar")]

    monkeypatch.setattr(timeline, "TIMELINE_PROVIDERS", [*timeline.TIMELINE_PROVIDERS, training])
    events = timeline.timeline(db, staff, budi.resident_id)
    kinds = [e.kind for e in events]
    assert kinds[:3] == ["training", "room", "stage"]
    assert "admission" in kinds and "consent" in kinds
    assert events[-1].on == date(2026, 10, 5)


def test_terminated_stay_shows_in_the_timeline(db, staff, budi):
    with db.write() as session:
        stay_ = session.get(Admission, budi.admission_id)
        stay_.terminated_on, stay_.termination_reason = date(2026, 11, 1), TerminationReason.WORK
    events = timeline.timeline(db, staff, budi.resident_id)
    assert events[0].kind == "termination" and events[0].detail == TerminationReason.WORK.label
