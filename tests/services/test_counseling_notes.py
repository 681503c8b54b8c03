"""Notes: versions, the 24-hour rule, signing, addenda, observations, reading, search."""

from __future__ import annotations

import pytest

from kesos_desktop.domain.enums import (
    Confidentiality,
    CounselingStatus,
    CounselingType,
    NoteVersionKind,
    Role,
)
from kesos_desktop.domain.errors import ConflictError, PermissionDenied, ValidationError
from kesos_desktop.services import counseling
from kesos_desktop.services import counseling_notes as notes
from kesos_desktop.services.counseling_dto import NoteInput
from tests.conftest import make_user
from tests.factories import admit_resident
from tests.services.test_counseling_support import (
    TODAY,
    age_note,
    audit_rows,
    count_versions,
    record_session,
    session_input,
)


@pytest.fixture
def stay(db):
    return admit_resident(db, name="Budi Fiktif")[1]


def test_edit_keeps_every_version(db, counselor, stay):
    row = record_session(db, counselor, [stay], body="Versi pertama")
    edited, _ = notes.edit_note(db, counselor, row.id, NoteInput("Versi kedua", "Tindak lanjut"),
                                expected_version_no=1)
    assert edited.note_versions == 2
    view = notes.get_note(db, counselor, row.id)
    assert view.current.body == "Versi kedua" and view.current.kind == NoteVersionKind.EDIT
    assert view.can_edit and view.can_sign
    history = notes.note_history(db, counselor, row.id)
    assert [(v.version_no, v.kind, v.body) for v in history] == [
        (1, NoteVersionKind.ORIGINAL, "Versi pertama"), (2, NoteVersionKind.EDIT, "Versi kedua")]


def test_a_stale_editor_gets_a_conflict_not_an_overwrite(db, counselor, stay):
    row = record_session(db, counselor, [stay])
    notes.edit_note(db, counselor, row.id, NoteInput("Dari workstation A"), expected_version_no=1)
    with pytest.raises(ConflictError):
        notes.edit_note(db, counselor, row.id, NoteInput("Dari workstation B"), expected_version_no=1)
    assert count_versions(db) == 2


def test_a_signed_note_cannot_be_edited_only_amended(db, counselor, stay):
    row = record_session(db, counselor, [stay], body="Isi asli")
    signed, _ = notes.sign_note(db, counselor, row.id)
    assert signed.signed_at is not None and signed.note_locked
    with pytest.raises(ValidationError) as error:
        notes.edit_note(db, counselor, row.id, NoteInput("Diam-diam diubah"), expected_version_no=1)
    assert "adendum" in str(error.value).lower()
    with pytest.raises(ValidationError):
        notes.sign_note(db, counselor, row.id)
    with pytest.raises(ValidationError) as error:
        notes.add_addendum(db, counselor, row.id, "Tambahan", reason="  ")
    assert "reason" in error.value.field_errors
    notes.add_addendum(db, counselor, row.id, "Nama keluarga dikoreksi", reason="Salah ketik")
    view = notes.get_note(db, counselor, row.id)
    assert view.current.body == "Isi asli" and not view.can_edit and not view.can_sign
    assert [(a.body, a.reason) for a in view.addenda] == [("Nama keluarga dikoreksi", "Salah ketik")]
    assert count_versions(db) == 2


def test_after_24_hours_only_an_addendum(db, counselor, stay):
    row = record_session(db, counselor, [stay])
    age_note(db, row.id, hours=23)
    notes.edit_note(db, counselor, row.id, NoteInput("Masih boleh"), expected_version_no=1)
    age_note(db, row.id, hours=2)  # the first version is now 25 hours old
    with pytest.raises(ValidationError) as error:
        notes.edit_note(db, counselor, row.id, NoteInput("Terlambat"), expected_version_no=2)
    assert "24" in str(error.value)
    assert counseling.get_session(db, counselor, row.id).note_locked
    assert not notes.get_note(db, counselor, row.id).can_edit


def test_only_the_author_edits_or_signs_and_the_refusal_is_audited(db, admin, counselor, stay):
    other = make_user(db, admin, "konselor2", Role.COUNSELOR)
    row = record_session(db, counselor, [stay])
    with pytest.raises(PermissionDenied):
        notes.edit_note(db, other, row.id, NoteInput("Bukan penulis"), expected_version_no=1)
    with pytest.raises(PermissionDenied):
        notes.sign_note(db, other, row.id)
    assert [r[0] for r in audit_rows(db, "denied", "counseling_note")] == ["konselor2", "konselor2"]
    # another counselor may add an addendum to a normal note, attributed to them
    notes.add_addendum(db, other, row.id, "Pengamatan tambahan", reason="Ikut mendampingi")
    assert notes.get_note(db, counselor, row.id).addenda[0].author_name == other.full_name


def test_writing_a_note_on_a_planned_session(db, counselor, stay):
    from datetime import date

    future, _ = counseling.create_session(
        db, counselor, session_input([stay], status=CounselingStatus.PLANNED,
                                     held_on=date(2099, 1, 5)), today=TODAY)
    with pytest.raises(ValidationError):
        notes.write_note(db, counselor, future.id, NoteInput("Belum terjadi"), today=TODAY)
    past, _ = counseling.create_session(
        db, counselor, session_input([stay], status=CounselingStatus.PLANNED), today=TODAY)
    done, _ = notes.write_note(db, counselor, past.id, NoteInput("Sudah terjadi"), today=TODAY)
    assert done.status == CounselingStatus.DONE and done.note_versions == 1
    with pytest.raises(ValidationError):
        notes.write_note(db, counselor, past.id, NoteInput("Lagi"), today=TODAY)


def test_a_blank_note_is_refused(db, counselor, stay):
    with pytest.raises(ValidationError) as error:
        counseling.create_session(db, counselor, session_input([stay]), NoteInput("   "), today=TODAY)
    assert "body" in error.value.field_errors


def test_observations_are_added_never_replaced(db, counselor, stay):
    other = admit_resident(db, name="Citra Fiktif")[1]
    row, _ = counseling.create_session(
        db, counselor, session_input([stay, other], kind=CounselingType.GROUP),
        NoteInput("Kelompok", observations={stay: "Aktif"}), today=TODAY)
    notes.edit_note(db, counselor, row.id, NoteInput("Kelompok (diperbaiki)",
                                                     observations={other: "Pendiam"}),
                    expected_version_no=1)
    with pytest.raises(ValidationError):
        notes.edit_note(db, counselor, row.id, NoteInput("Kelompok", observations={stay: "Pasif"}),
                        expected_version_no=2)
    view = notes.get_note(db, counselor, row.id)
    assert {o.name: o.observation for o in view.observations} == {
        "Budi Fiktif": "Aktif", "Citra Fiktif": "Pendiam"}


def test_search_finds_only_what_the_counselor_may_read(db, admin, counselor, stay):
    other = make_user(db, admin, "konselor2", Role.COUNSELOR)
    supervisor = make_user(db, admin, "supervisor1", Role.COUNSELOR, supervisor=True)
    normal = record_session(db, counselor, [stay], body="PM bercerita tentang ladang jagung")
    secret = record_session(db, counselor, [stay], body="Rahasia: ladang milik paman",
                            confidentiality=Confidentiality.HIGH)
    found = {h.session.id for h in notes.search_notes(db, other, "LADANG")}
    assert found == {normal.id}
    assert {h.session.id for h in notes.search_notes(db, supervisor, "ladang")} == {normal.id, secret.id}
    hit = notes.search_notes(db, counselor, "jagung")[0]
    assert "jagung" in hit.snippet
    reads = audit_rows(db, "read_note")
    assert all(r[4] == {"via": "search"} for r in reads)
    assert "ladang" not in str(audit_rows(db)).lower()  # the search words are never logged


def test_search_escapes_wildcards_and_needs_three_letters(db, counselor, stay):
    record_session(db, counselor, [stay], body="Tidak ada persen di sini")
    assert notes.search_notes(db, counselor, "%%%") == []
    with pytest.raises(ValidationError):
        notes.search_notes(db, counselor, "ab")


def test_every_read_is_audited_without_the_text(db, counselor, stay):
    row = record_session(db, counselor, [stay], body="Kalimat yang tidak boleh bocor")
    notes.get_note(db, counselor, row.id)
    notes.note_history(db, counselor, row.id)
    reads = audit_rows(db, "read_note", "counseling_note")
    assert [(r[0], r[3], r[4]["via"]) for r in reads] == [
        ("konselor1", str(row.id), "get_note"), ("konselor1", str(row.id), "history")]
    assert "bocor" not in str(audit_rows(db))
