"""One way for dialogs to save: field errors next to the field, an edit that meets someone
else's newer save offers "reload" or "keep my edits", any other error is said in plain words."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from PySide6.QtWidgets import QLineEdit, QWidget

from kesos_desktop.domain.enums import RoomSex, SkillCategory
from kesos_desktop.domain.errors import ConflictError, NotFoundError, ValidationError
from kesos_desktop.domain.resident_dto import RoomInput
from kesos_desktop.services import rooms
from kesos_desktop.services import training_programs as programs
from kesos_desktop.services.training_types import ProgramInput
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.dialogs.program_dialog import ProgramDialog
from kesos_desktop.ui.dialogs.rooms import RoomDialog
from kesos_desktop.ui.widgets.conflict import ConflictChoice, differences
from kesos_desktop.ui.widgets.form import Form
from kesos_desktop.ui.widgets.saving import OnConflict, save_form
from tests.factories import add_room
from tests.ui import saving_fixtures

boxes, answer = saving_fixtures.boxes, saving_fixtures.answer  # shared fixtures


def _raise(error: Exception):
    def save():
        raise error

    return save


# --------------------------------------------------------------------------- the helper


def test_result_is_returned_and_field_errors_land_next_to_their_field(qtbot, boxes):
    holder = QWidget()
    qtbot.addWidget(holder)
    form = Form(holder)
    form.add("name", "Nama", QLineEdit(), required=True)
    assert save_form(holder, lambda: ("saved", "changes"), form) == ("saved", "changes")
    error = ValidationError("Periksa isian.", {"name": "Nama wajib diisi."})
    assert save_form(holder, _raise(error), form) is None
    assert form.error_text("name") == "Nama wajib diisi."
    assert boxes == []  # the field says it; no message box on top


def test_a_validation_without_field_errors_and_other_errors_are_shown(qtbot, boxes):
    holder = QWidget()
    qtbot.addWidget(holder)
    assert save_form(holder, _raise(ValidationError("Tanggal tidak masuk akal.")), Form()) is None
    assert save_form(holder, _raise(NotFoundError("Data sudah dihapus."))) is None
    assert [text for text, _title in boxes] == ["Tanggal tidak masuk akal.", "Data sudah dihapus."]


def test_a_conflict_without_a_way_to_reload_says_to_reopen(qtbot, boxes, answer):
    seen = answer(ConflictChoice.KEEP_MINE)
    holder = QWidget()
    qtbot.addWidget(holder)
    assert save_form(holder, _raise(ConflictError("Diubah oleh budi."))) is None
    assert not seen  # no comparison offered when the form cannot reload
    (text, title), = boxes
    assert text.startswith("Diubah oleh budi.") and "buka" in text.lower()
    assert title == "Sudah diubah orang lain"


def test_a_record_removed_meanwhile_is_reported_instead_of_compared(qtbot, boxes, answer):
    seen = answer(ConflictChoice.RELOAD)
    holder = QWidget()
    qtbot.addWidget(holder)
    conflict = OnConflict(fetch=_raise(NotFoundError("Kamar sudah tidak ada.")), mine=dict,
                          theirs=dict, labels={}, adopt=print, show=print)
    assert save_form(holder, _raise(ConflictError("Diubah.")), conflict=conflict) is None
    assert not seen and boxes == [("Kamar sudah tidak ada.", None)]


def test_differences_read_as_staff_read_them():
    mine = {"sex": RoomSex.FEMALE, "day": date(2026, 12, 1), "active": True, "notes": "",
            "tags": ["a", "b"], "same": 3}
    theirs = {"sex": RoomSex.MALE, "day": date(2026, 11, 28), "active": False, "notes": None,
              "tags": ["a"], "same": 3}
    labels = {key: key for key in mine}
    assert differences(mine, theirs, labels) == [
        ("sex", RoomSex.FEMALE.label, RoomSex.MALE.label),
        ("day", "01/12/2026", "28/11/2026"),
        ("active", "Ya", "Tidak"),
        ("tags", "a, b", "a"),
    ]  # an empty text box and an empty record field are no difference


# --------------------------------------------------------------------------- rooms


def _room_dialog(qtbot, db, admin, room_id: int) -> RoomDialog:
    row = next(r for r in rooms.list_rooms(db, admin, include_inactive=True) if r.id == room_id)
    dialog = RoomDialog(AppContext(db, admin, WorkstationSettings()), row)
    qtbot.addWidget(dialog)
    return dialog


def _other_user_saves_room(db, admin, room_id: int, **changed) -> None:
    row = next(r for r in rooms.list_rooms(db, admin, include_inactive=True) if r.id == room_id)
    data = RoomInput(row.name, row.sex, row.capacity, row.notes, row.active)
    rooms.update_room(db, admin, room_id, replace(data, **changed), row.version)


def test_room_name_error_lands_next_to_the_name(qtbot, db, admin, boxes):
    add_room(db, "Anggrek")
    dialog = _room_dialog(qtbot, db, admin, add_room(db, "Melati"))
    dialog.name.setText("anggrek")
    dialog.save()
    assert dialog.form.error_text("name")
    assert dialog.saved is None and boxes == []


def test_room_conflict_keep_mine_saves_on_top_of_the_other_edit(qtbot, db, admin, answer):
    room_id = add_room(db, "Melati", RoomSex.FEMALE, 4)
    dialog = _room_dialog(qtbot, db, admin, room_id)
    _other_user_saves_room(db, admin, room_id, capacity=8)
    seen = answer(ConflictChoice.KEEP_MINE)
    dialog.capacity.setValue(5)
    dialog.save()
    assert dialog.saved is None  # not saved yet: the user chose with the differences in view
    (message, rows), = seen
    assert "admin" in message
    assert ("Tempat tidur", "5", "8") in rows
    assert dialog.capacity.value() == 5  # the user's edit is still in the form
    dialog.save()  # a deliberate second save applies it on top of the newer version
    assert dialog.saved is not None and dialog.saved.capacity == 5
    assert len(seen) == 1


def test_room_conflict_reload_shows_the_other_users_values(qtbot, db, admin, answer):
    room_id = add_room(db, "Melati", RoomSex.FEMALE, 4)
    dialog = _room_dialog(qtbot, db, admin, room_id)
    _other_user_saves_room(db, admin, room_id, name="Melati Atas", notes="Lantai dua")
    answer(ConflictChoice.RELOAD)
    dialog.name.setText("Melati Bawah")
    dialog.save()
    assert dialog.name.text() == "Melati Atas"
    assert dialog.notes.toPlainText() == "Lantai dua"
    saved = next(r for r in rooms.list_rooms(db, admin) if r.id == room_id)
    assert saved.name == "Melati Atas"  # nothing of the dropped edit was written


# --------------------------------------------------------------------------- training programs


def _program(db, staff) -> int:
    start = date.today() - timedelta(days=7)
    detail, _changes = programs.create_program(db, staff, ProgramInput(
        name="Menjahit Dasar", skill_category=SkillCategory.SEWING, start_date=start,
        end_date=start + timedelta(days=55), instructor_name="Ibu Fiktif", place="Ruang Jahit"))
    return detail.id


def _program_dialog(qtbot, db, staff, program_id: int) -> ProgramDialog:
    dialog = ProgramDialog(AppContext(db, staff, WorkstationSettings()),
                           programs.get_program(db, staff, program_id))
    qtbot.addWidget(dialog)
    return dialog


def _other_user_saves_program(db, staff, program_id: int, **changed) -> None:
    detail = programs.get_program(db, staff, program_id)
    programs.update_program(db, staff, program_id, replace(detail.as_input(), **changed),
                            detail.version)


def test_program_conflict_keep_mine_saves_with_the_new_version(qtbot, db, staff, answer):
    program_id = _program(db, staff)
    dialog = _program_dialog(qtbot, db, staff, program_id)
    _other_user_saves_program(db, staff, program_id, place="Aula", capacity=12,
                              skill_category=SkillCategory.COOKING)
    seen = answer(ConflictChoice.KEEP_MINE)
    dialog.place.setText("Ruang Jahit 2")
    dialog.save()
    assert dialog.saved is None
    (_message, rows), = seen
    assert ("Tempat", "Ruang Jahit 2", "Aula") in rows
    assert ("Kapasitas (peserta)", "20", "12") in rows
    assert ("Keterampilan", SkillCategory.SEWING.label, SkillCategory.COOKING.label) in rows
    dialog.save()
    saved = programs.get_program(db, staff, program_id)
    assert saved.place == "Ruang Jahit 2" and saved.capacity == 20  # mine, as chosen


def test_program_conflict_reload_shows_the_other_users_values(qtbot, db, staff, answer):
    program_id = _program(db, staff)
    dialog = _program_dialog(qtbot, db, staff, program_id)
    _other_user_saves_program(db, staff, program_id, name="Menjahit Lanjutan",
                              instructor_name="Pak Fiktif")
    answer(ConflictChoice.RELOAD)
    dialog.name.setText("Menjahit Dasar B")
    dialog.save()
    assert dialog.name.text() == "Menjahit Lanjutan"
    assert dialog.outside_name.text() == "Pak Fiktif"
    assert programs.get_program(db, staff, program_id).name == "Menjahit Lanjutan"
