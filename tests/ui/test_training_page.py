"""The training page: list, detail tabs (week view, participants, matrix), dialogs, today view."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from PySide6.QtCore import QDate, QThreadPool, QTime
from PySide6.QtWidgets import QDialogButtonBox

from kesos_desktop.domain.enums import EnrollmentStatus, Role, SkillCategory
from kesos_desktop.domain.schedule import week_start
from kesos_desktop.services import training_attendance as attendance
from kesos_desktop.services import training_enrollment as enrollment
from kesos_desktop.services import training_programs as programs
from kesos_desktop.services import training_schedule as schedule
from kesos_desktop.services.training_types import Mark, ProgramInput
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.dialogs.program_dialog import ProgramDialog, ScheduleRuleDialog, SessionDialog
from kesos_desktop.ui.main_window import MainWindow
from kesos_desktop.ui.models.attendance_matrix import AttendanceMatrixModel
from kesos_desktop.ui.pages.training_enroll import EnrollDialog
from kesos_desktop.ui.widgets import messages
from tests.conftest import make_user
from tests.factories import admit_resident

TODAY = date.today()
START = week_start(TODAY) - timedelta(days=14)  # a Monday two weeks back


@pytest.fixture(autouse=True)
def quiet_boxes(monkeypatch):
    shown = {"error": [], "info": []}
    monkeypatch.setattr(messages.Messages, "error",
                        staticmethod(lambda parent, text, title=None: shown["error"].append(text)))
    monkeypatch.setattr(messages.Messages, "info",
                        staticmethod(lambda parent, text, title=None: shown["info"].append(text)))
    monkeypatch.setattr(messages.Messages, "confirm", staticmethod(lambda *a, **k: True))
    return shown


def settle(qtbot) -> None:
    for _ in range(4):
        QThreadPool.globalInstance().waitForDone(10_000)
        qtbot.wait(15)


def make_course(db, actor, name="Menjahit Dasar", capacity=10, people=3, **kw) -> int:
    detail, _ = programs.create_program(db, actor, ProgramInput(
        name=name, skill_category=SkillCategory.SEWING, start_date=START,
        end_date=START + timedelta(days=55), capacity=capacity,
        instructor_name=kw.get("instructor", "Ibu Ani"), place=kw.get("place", "Ruang Jahit")))
    schedule.generate_sessions(db, actor, detail.id, kw.get("days", {0, 2, 4}), time(9),
                               time(11), START, START + timedelta(days=55), allow_conflicts=True)
    for n in range(people):
        _rid, aid = admit_resident(db, f"Peserta {n + 1} Fiktif",
                                   admitted_on=START - timedelta(days=10))
        enrollment.enroll(db, actor, detail.id, aid, enrolled_on=START)
    return detail.id


@pytest.fixture
def window(qtbot, db, staff):
    win = MainWindow(AppContext(db, staff, WorkstationSettings()))
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    return win


def test_list_then_detail_tabs(qtbot, db, staff, window):
    pid = make_course(db, staff)
    page = window.show_page("training")
    settle(qtbot)
    assert page.programs.model.rowCount() == 1
    assert "1 program" in page.programs.count.text()
    page.programs.table.selectRow(0)
    page.programs.open_selected()
    settle(qtbot)
    assert page.stack.currentWidget() is page.detail
    assert page.detail.title.text() == "Menjahit Dasar"
    assert "3/10 peserta" in page.detail.subtitle.text()
    week = page.detail.schedule.week
    assert week.monday == week_start(TODAY) and len(week.rows) == 3
    page.detail.tabs.setCurrentIndex(page.detail.TAB_PARTICIPANTS)
    settle(qtbot)
    assert page.detail.participants.model.rowCount() == 3
    page.detail.tabs.setCurrentIndex(page.detail.TAB_ATTENDANCE)
    settle(qtbot)
    model = page.detail.attendance.view.model
    assert model.rowCount() == 3 and model.columnCount() == 2 + 24
    assert page.detail.attendance.view.left.isColumnHidden(2)
    assert not page.detail.attendance.view.right.isColumnHidden(2)
    page.detail.back_button.click()
    assert page.stack.currentWidget() is page.overview
    assert pid


def test_week_navigation_and_keyboard_selection(qtbot, db, staff, window):
    make_course(db, staff)
    page = window.show_page("training")
    page.open_target({"program_id": programs.list_programs(db, staff)[0].id})
    settle(qtbot)
    tab = page.detail.schedule
    tab.prev_button.click()
    settle(qtbot)
    assert tab.week.monday == week_start(TODAY) - timedelta(days=7)
    tab.week.setFocus()
    tab.week.step(1)
    assert tab.current is not None and tab.current.day == tab.week.monday
    assert tab.roll_button.isEnabled() and tab.edit_button.isEnabled()
    tab.list_button.click()
    settle(qtbot)
    assert tab.list_model.rowCount() == 24
    assert "24 sesi" in tab.summary.text()


def test_program_dialog_checks_as_you_type(qtbot, db, staff):
    ctx = AppContext(db, staff, WorkstationSettings())
    dialog = ProgramDialog(ctx)
    qtbot.addWidget(dialog)
    save = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    assert not save.isEnabled()  # no name yet
    qtbot.keyClicks(dialog.name, "Tata Boga Dasar")
    qtbot.keyClicks(dialog.outside_name, "Pak Koki")
    dialog.start.setDate(QDate(2026, 12, 1))
    dialog.end.setDate(QDate(2026, 11, 1))
    assert not save.isEnabled()
    assert dialog.form.error_text("end_date") == (
        "Tanggal selesai harus sama dengan atau setelah tanggal mulai.")
    dialog.end.setDate(QDate(2027, 1, 31))
    assert save.isEnabled() and not dialog.form.error_text("end_date")
    save.click()
    assert dialog.saved is not None and dialog.saved.instructor == "Pak Koki"
    assert programs.list_programs(db, staff)[0].name == "Tata Boga Dasar"


def test_schedule_dialog_previews_holidays_and_conflicts(qtbot, db, staff):
    make_course(db, staff, name="Menjahit", people=0)  # Mon/Wed/Fri 9-11 in Ruang Jahit
    detail, _ = programs.create_program(db, staff, ProgramInput(
        name="Bordir", skill_category=SkillCategory.HANDICRAFT, start_date=START,
        end_date=START + timedelta(days=27), instructor_name="Bu Sri", place="Ruang Jahit"))
    programs.save_holiday(db, staff, START + timedelta(days=7), "Libur uji")
    dialog = ScheduleRuleDialog(AppContext(db, staff, WorkstationSettings()), detail, today=START)
    qtbot.addWidget(dialog)
    for index, box in enumerate(dialog.day_boxes):
        box.setChecked(index == 0)  # Mondays
    dialog.start.setTime(QTime(10, 0))
    dialog.end.setTime(QTime(12, 0))
    dialog.update_preview()
    assert dialog.preview is not None and len(dialog.preview.slots) == 3
    assert "Libur uji" in dialog.summary.text()
    assert not dialog.warnings.isHidden() and len(dialog.warnings.lines()) == 3
    assert "Menjahit" in dialog.warnings.lines()[0]
    dialog.end.setTime(QTime(9, 0))
    dialog.update_preview()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()
    assert "Jam selesai" in dialog.form.error_text("end_time")
    dialog.end.setTime(QTime(12, 0))
    dialog.save()
    assert dialog.created == 3
    assert len(schedule.list_sessions(db, staff, detail.id)) == 3


def test_extra_session_dialog_warns_before_saving(qtbot, db, staff, quiet_boxes, monkeypatch):
    pid = make_course(db, staff, people=0)
    detail = programs.get_program(db, staff, pid)
    programs.save_holiday(db, staff, START + timedelta(days=5), "Sabtu libur")
    dialog = SessionDialog(AppContext(db, staff, WorkstationSettings()), detail,
                           day=START + timedelta(days=5))
    qtbot.addWidget(dialog)
    assert "Sabtu libur" in "\n".join(dialog.warnings.lines())
    asked = []
    monkeypatch.setattr(messages.Messages, "confirm",
                        staticmethod(lambda parent, text, title=None: asked.append(text) or True))
    dialog.save()
    assert asked and dialog.saved is not None and dialog.saved.is_extra


def test_enroll_dialog_searches_and_respects_capacity(qtbot, db, staff, quiet_boxes):
    pid = make_course(db, staff, capacity=4, people=3)
    admit_resident(db, "Yanti Cari Fiktif")
    admit_resident(db, "Yusuf Cari Fiktif")
    detail = programs.get_program(db, staff, pid)
    dialog = EnrollDialog(AppContext(db, staff, WorkstationSettings()), detail)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.search, "cari")
    dialog._timer.stop()  # search now rather than after the typing pause
    dialog.reload()
    assert dialog.model.rowCount() == 2
    dialog.table.selectRow(0)
    dialog.enroll_selected()
    assert dialog.enrolled == 1 and "4 dari 4" in dialog.places.text()
    dialog.table.selectRow(1)
    chosen = dialog.selected()
    assert not chosen.enrolled_here
    dialog.enroll_selected()
    assert quiet_boxes["error"] and "penuh" in quiet_boxes["error"][0]
    assert len(enrollment.list_enrollments(db, staff, pid)) == 4


def test_participants_complete_with_certificate(qtbot, db, staff, window, quiet_boxes):
    pid = make_course(db, staff, people=1)
    [row] = enrollment.list_enrollments(db, staff, pid)
    for s in schedule.list_sessions(db, staff, pid):
        if s.day < TODAY:
            attendance.record_attendance(db, staff, s.id, [Mark(row.id, "H")])
    page = window.show_page("training")
    page.open_program(pid, page.detail.TAB_PARTICIPANTS)
    settle(qtbot)
    tab = page.detail.participants
    tab.table.selectRow(0)
    tab._update_buttons()
    tab.competent_button.click()
    settle(qtbot)
    tab.table.selectRow(0)
    tab.complete()
    settle(qtbot)
    assert quiet_boxes["info"] and f"SERT/{TODAY.year}/0001" in quiet_boxes["info"][0]
    assert enrollment.list_enrollments(db, staff, pid)[0].status == EnrollmentStatus.COMPLETED
    assert tab.model.row_at(0).certificate_no == f"SERT/{TODAY.year}/0001"


def test_today_view_lists_every_program(qtbot, db, staff, window):
    make_course(db, staff, days={0, 1, 2, 3, 4, 5, 6})
    make_course(db, staff, name="Tata Boga", days={0, 1, 2, 3, 4, 5, 6}, place="Dapur",
                instructor="Pak Koki", people=0)
    page = window.show_page("training")
    page.overview.setCurrentWidget(page.today_tab)
    settle(qtbot)
    assert page.today_tab.model.rowCount() == 2
    assert "2 sesi" in page.today_tab.count.text()


def test_holidays_tab_and_rule_for_roles(qtbot, db, admin, staff):
    counselor = make_user(db, admin, "konselor2", Role.COUNSELOR)
    win = MainWindow(AppContext(db, counselor, WorkstationSettings()))
    qtbot.addWidget(win)
    page = win.show_page("training")
    assert page is not None
    assert not page.programs.new_button.isEnabled()  # view only
    assert not page.holidays.add_button.isEnabled() and not page.holidays.rule_save.isEnabled()
    win = MainWindow(AppContext(db, admin, WorkstationSettings()))
    qtbot.addWidget(win)
    page = win.show_page("training")
    page.overview.setCurrentWidget(page.holidays)
    page.holidays.excused.setChecked(True)
    page.holidays.save_rule()
    assert programs.get_attendance_rule(db, admin).excused_counts


def test_matrix_model_passes_the_model_tester(qtmodeltester, db, staff):
    pid = make_course(db, staff)
    model = AttendanceMatrixModel()
    model.set_matrix(attendance.attendance_matrix(db, staff, pid))
    qtmodeltester.check(model)


def test_resident_file_panel_lists_and_enrolls(qtbot, db, staff, quiet_boxes, monkeypatch):
    from kesos_desktop.ui.pages import training_resident

    pid = make_course(db, staff, people=1)
    [row] = enrollment.list_enrollments(db, staff, pid)
    other = make_course(db, staff, name="Tata Boga", days={1}, place="Dapur",
                        instructor="Pak Koki", people=0)
    panel = training_resident.ResidentTrainingsPanel(AppContext(db, staff, WorkstationSettings()),
                                                     row.resident_id)
    qtbot.addWidget(panel)
    settle(qtbot)
    assert panel.programs.rowCount() == 1 and panel.history.rowCount() > 0
    monkeypatch.setattr(training_resident.ProgramPicker, "ask", classmethod(
        lambda cls, rows, parent=None: next(r for r in rows if r.id == other)))
    panel.enroll()
    settle(qtbot)
    assert panel.programs.rowCount() == 2
    assert {r.program_id for r in enrollment.resident_trainings(db, staff, row.resident_id)} == {
        pid, other}
