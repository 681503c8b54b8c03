"""Taking a roll with the keyboard only: arrows, H/I/S/A, Delete, F2 for a note, Ctrl+S."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from kesos_desktop.domain.enums import SkillCategory
from kesos_desktop.services import training_attendance as attendance
from kesos_desktop.services import training_enrollment as enrollment
from kesos_desktop.services import training_programs as programs
from kesos_desktop.services import training_schedule as schedule
from kesos_desktop.services.training_types import Mark, ProgramInput
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.dialogs.attendance_roll import AttendanceRollDialog
from kesos_desktop.ui.models.attendance_roll import AttendanceRollModel
from kesos_desktop.ui.widgets import messages
from tests.factories import admit_resident

TODAY = date.today()


@pytest.fixture(autouse=True)
def no_modal_boxes(monkeypatch):
    """Any error box fails the test instead of blocking it."""
    errors = []
    monkeypatch.setattr(messages.Messages, "error",
                        staticmethod(lambda parent, text, title=None: errors.append(text)))
    monkeypatch.setattr(messages.Messages, "info", staticmethod(lambda *a, **k: None))
    monkeypatch.setattr(messages.Messages, "confirm", staticmethod(lambda *a, **k: True))
    yield errors
    assert not errors, errors


@pytest.fixture
def course(db, staff):
    """A program that started two weeks ago (Mon-Fri 9-11) with Ani, Budi, Citra enrolled."""
    start = TODAY - timedelta(days=14)
    detail, _ = programs.create_program(db, staff, ProgramInput(
        name="Menjahit Dasar", skill_category=SkillCategory.SEWING, start_date=start,
        end_date=TODAY + timedelta(days=30), instructor_name="Ibu Ani", place="Ruang Jahit"))
    schedule.generate_sessions(db, staff, detail.id, {0, 1, 2, 3, 4}, time(9), time(11), start,
                               TODAY + timedelta(days=30))
    eids = []
    for name in ("Ani Fiktif", "Budi Fiktif", "Citra Fiktif"):
        _rid, aid = admit_resident(db, name, admitted_on=start - timedelta(days=30))
        eids.append(enrollment.enroll(db, staff, detail.id, aid, enrolled_on=start)[0])
    sessions = schedule.list_sessions(db, staff, detail.id)
    return detail.id, eids, sessions


def open_dialog(qtbot, db, actor, session_id) -> AttendanceRollDialog:
    ctx = AppContext(db, actor, WorkstationSettings())
    dialog = AttendanceRollDialog(ctx, attendance.get_roll(db, actor, session_id))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.table.setFocus()
    return dialog


def codes(db, actor, session_id):
    return [(e.code, e.note) for e in attendance.get_roll(db, actor, session_id).entries]


def press(qtbot, widget, *keys) -> None:
    for key in keys:
        if isinstance(key, tuple):
            qtbot.keyClick(widget, key[0], key[1])
        else:
            qtbot.keyClick(widget, key)


def test_whole_roll_by_keyboard(qtbot, db, staff, course):
    _pid, _eids, sessions = course
    past = sessions[0]
    dialog = open_dialog(qtbot, db, staff, past.id)
    table = dialog.table
    assert table.currentIndex().row() == 0  # the first unmarked resident has the focus
    press(qtbot, table, Qt.Key.Key_H, Qt.Key.Key_S, Qt.Key.Key_A)  # marks and moves down
    assert dialog.model.codes == ["H", "S", "A"]
    assert table.currentIndex().row() == 2  # the last row stays current
    press(qtbot, table, Qt.Key.Key_Up, Qt.Key.Key_I)  # Budi: S -> I
    assert dialog.model.codes == ["H", "I", "A"]
    press(qtbot, table, Qt.Key.Key_Delete, Qt.Key.Key_A)  # clear Citra, then mark A again
    assert table.currentIndex().row() == 2
    # a note for Citra: to the note column, F2, type, Enter
    press(qtbot, table, Qt.Key.Key_Right, Qt.Key.Key_F2)
    assert table.state() == table.State.EditingState
    editor = table.viewport().findChild(QLineEdit)
    qtbot.keyClicks(editor, "tanpa kabar")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.state() != table.State.EditingState)
    assert dialog.model.notes[2] == "tanpa kabar"
    assert "H · Hadir: 1" in dialog.counts.text() and "belum: 0" in dialog.counts.text()
    qtbot.keyClick(table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.saved and dialog.result() == dialog.DialogCode.Accepted
    assert codes(db, staff, past.id) == [("H", ""), ("I", ""), ("A", "tanpa kabar")]


def test_lower_case_letters_and_mark_the_rest_present(qtbot, db, staff, course):
    _pid, _eids, sessions = course
    dialog = open_dialog(qtbot, db, staff, sessions[1].id)
    qtbot.keyClicks(dialog.table, "s")  # Ani sick; the rest are present
    qtbot.keyClick(dialog, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    if dialog.model.codes != ["S", "H", "H"]:  # mnemonics need a real window manager
        dialog.fill_button.click()
    assert dialog.model.codes == ["S", "H", "H"]
    qtbot.keyClick(dialog.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert [c for c, _n in codes(db, staff, sessions[1].id)] == ["S", "H", "H"]


def test_escape_asks_before_dropping_marks(qtbot, db, staff, course, monkeypatch):
    _pid, _eids, sessions = course
    asked = []
    monkeypatch.setattr(messages.Messages, "confirm",
                        staticmethod(lambda *a, **k: asked.append(a) or False))
    dialog = open_dialog(qtbot, db, staff, sessions[0].id)
    press(qtbot, dialog.table, Qt.Key.Key_H)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    assert asked and dialog.isVisible()  # the user said "no": still open, marks kept
    assert dialog.model.codes[0] == "H"
    monkeypatch.setattr(messages.Messages, "confirm", staticmethod(lambda *a, **k: True))
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and not dialog.saved
    assert codes(db, staff, sessions[0].id)[0] == (None, "")


def test_cancelled_and_future_sessions_are_read_only(qtbot, db, staff, course):
    _pid, _eids, sessions = course
    schedule.cancel_session(db, staff, sessions[2].id, "Libur mendadak")
    dialog = open_dialog(qtbot, db, staff, sessions[2].id)
    assert dialog.banner.isVisible() and "dibatalkan" in dialog.banner.text()
    assert not dialog.save_button.isEnabled()
    press(qtbot, dialog.table, Qt.Key.Key_H)
    assert dialog.model.codes == [None, None, None]
    future = next(s for s in sessions if s.day > TODAY)
    dialog = open_dialog(qtbot, db, staff, future.id)
    assert not dialog.save_button.isEnabled() and future.day.strftime("%d/%m/%Y") in \
        dialog.banner.text()


def test_someone_else_saved_the_same_roll(qtbot, db, staff, admin, course, monkeypatch):
    from kesos_desktop.ui.widgets.conflict import ConflictChoice, ConflictDialog

    _pid, eids, sessions = course
    dialog = open_dialog(qtbot, db, staff, sessions[0].id)
    press(qtbot, dialog.table, Qt.Key.Key_H, Qt.Key.Key_H, Qt.Key.Key_H)
    attendance.record_attendance(db, admin, sessions[0].id, [Mark(eids[0], "A")])
    seen = []
    monkeypatch.setattr(ConflictDialog, "ask", classmethod(
        lambda cls, error, diffs, parent=None: seen.append(diffs) or ConflictChoice.KEEP_MINE))
    qtbot.keyClick(dialog.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.saved and seen[0][0][0] == "Ani Fiktif"
    assert dialog.model.codes == ["H", "H", "H"]  # my marks kept on top of the new version
    qtbot.keyClick(dialog.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.saved
    assert [c for c, _n in codes(db, staff, sessions[0].id)] == ["H", "H", "H"]


def test_roll_model_passes_the_model_tester(qtmodeltester, db, staff, course):
    _pid, _eids, sessions = course
    model = AttendanceRollModel()
    model.set_roll(attendance.get_roll(db, staff, sessions[0].id))
    model.set_code(1, "I")
    qtmodeltester.check(model)
    assert model.is_dirty() and model.marks()[1].code == "I"


def test_saving_while_typing_a_note_keeps_the_note(qtbot, db, staff, course):
    _pid, _eids, sessions = course
    dialog = open_dialog(qtbot, db, staff, sessions[3].id)
    table = dialog.table
    press(qtbot, table, Qt.Key.Key_I, Qt.Key.Key_Up, Qt.Key.Key_Right, Qt.Key.Key_Return)
    editor = table.viewport().findChild(QLineEdit)
    qtbot.keyClicks(editor, "urusan keluarga")
    qtbot.keyClick(editor, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    if not dialog.saved:  # the editor kept Ctrl+S for itself: the table's shortcut still works
        qtbot.keyClick(table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert dialog.saved
    assert codes(db, staff, sessions[3].id)[0] == ("I", "urusan keluarga")
