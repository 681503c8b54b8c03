"""The reintegration page driven through its real widgets: one resident from resocialisation
(plan, checklist, home visit) through termination to a closed aftercare.

Modal dialogs are driven through their ``ask()`` classmethods: the test replaces ``ask`` with a
function that builds the real dialog, fills its real widgets and clicks its real Save button.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QDate, QThreadPool
from PySide6.QtWidgets import QPushButton

from kesos_desktop.db.models import Admission, FollowUp, RoomAssignment
from kesos_desktop.domain.enums import (
    AftercareOutcome,
    AftercareStatus,
    DestinationType,
    FamilyReadiness,
    FollowUpCondition,
    ReadinessItemType,
    ReadinessStatus,
    Stage,
    TerminationReason,
)
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.dialogs import (
    follow_up_dialog,
    home_visit_dialog,
    reintegration_plan_checklist,
    reintegration_plan_dialog,
    termination_dialog,
)
from kesos_desktop.ui.pages.reintegration import ReintegrationPage
from kesos_desktop.ui.widgets.form import select_data
from kesos_desktop.ui.widgets.messages import Messages
from tests.factories import add_room, admit_resident

TODAY = date.today()
ADMITTED = TODAY - timedelta(days=90)


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


class Driver:
    """Replace ``cls.ask`` so that it builds the real dialog and lets the test work it."""

    def __init__(self, qtbot, monkeypatch):
        self.qtbot, self.monkeypatch = qtbot, monkeypatch
        self.opened: list = []

    def drive(self, cls, work, answer):
        def ask(_cls, *args, **kwargs):
            dialog = cls(*args, **kwargs)
            self.qtbot.addWidget(dialog)
            self.opened.append(dialog)
            work(dialog)
            return answer(dialog)

        self.monkeypatch.setattr(cls, "ask", classmethod(ask))


def save(dialog) -> None:
    dialog.findChild(QPushButton, "save_button").click()


def accepted(dialog):
    return dialog.result() == 1


@pytest.fixture
def page(qtbot, db, staff, resident):
    page = ReintegrationPage(AppContext(db, staff, WorkstationSettings()))
    qtbot.addWidget(page)
    page.resize(1176, 700)
    page.show()
    yield page
    # let background loads finish before the database goes away (PostgreSQL drops it)
    QThreadPool.globalInstance().waitForDone(10_000)
    qtbot.wait(10)


@pytest.fixture
def resident(db):
    room = add_room(db, "Mawar")
    _resident_id, admission_id = admit_resident(
        db, name="Budi Fiktif", admitted_on=ADMITTED, stage=Stage.REINTEGRATION, room_id=room)
    with db.write() as session:
        session.add(RoomAssignment(admission_id=admission_id, room_id=room, from_date=ADMITTED))
    admit_resident(db, name="Citra Fiktif", admitted_on=ADMITTED, stage=Stage.INTERVENTION)
    return admission_id


def rows_of(qtbot, tab, n: int):
    qtbot.waitUntil(lambda: tab.model.rowCount() == n, timeout=5000)
    return tab.model.rows


def test_walk_one_resident_to_a_closed_aftercare(qtbot, monkeypatch, db, staff, page, resident):
    driver = Driver(qtbot, monkeypatch)
    monkeypatch.setattr(Messages, "confirm", staticmethod(lambda *a, **k: True))
    board = page.board
    (row,) = rows_of(qtbot, board, 1)  # only the person in resocialisation
    assert row.name == "Budi Fiktif" and row.progress is None
    assert page.tabs.tabText(0) == "Resosialisasi (1)"
    board.table.selectRow(0)

    # -- 1. the plan
    def fill_plan(dialog):
        select_data(dialog.destination, DestinationType.FAMILY)
        qtbot.keyClicks(dialog.address, "Jl. Fiktif No. 3, Desa Contoh")
        qtbot.keyClicks(dialog.contacts, "Siti (ibu) 0812-0000-0000")
        dialog.target.setDate(qdate(TODAY + timedelta(days=14)))
        save(dialog)

    driver.drive(reintegration_plan_dialog.ReintegrationPlanDialog, fill_plan,
                 lambda d: d.saved)
    board.plan_button.click()
    qtbot.waitUntil(lambda: board.model.rows and board.model.rows[0].progress is not None)
    assert board.model.rows[0].progress.text == "0/9"
    assert board.model.rows[0].destination_type == DestinationType.FAMILY

    # -- 2. the checklist: one item done, one not applicable
    def fill_done(dialog):
        dialog.done_on.setDate(qdate(TODAY - timedelta(days=30)))
        save(dialog)

    def fill_na(dialog):
        assert not dialog.done_on.isEnabled()
        qtbot.keyClicks(dialog.na_reason, "Lansia, tidak mengikuti pelatihan")
        save(dialog)

    def work_checklist(dialog):
        items = [i.item for i in dialog.model.rows]
        dialog.table.selectRow(items.index(ReadinessItemType.FAMILY_TRACED))
        driver.drive(reintegration_plan_checklist.ReadinessItemDialog, fill_done, lambda d: d.saved)
        dialog.done_button.click()
        dialog.table.selectRow(items.index(ReadinessItemType.SKILLS_CERTIFICATE))
        driver.drive(reintegration_plan_checklist.ReadinessItemDialog, fill_na, lambda d: d.saved)
        dialog.na_button.click()
        assert "1 dari 8" in dialog.progress.text()
        assert "1 tidak berlaku" in dialog.progress.text()

    board.table.selectRow(0)
    driver.drive(reintegration_plan_checklist.ChecklistDialog, work_checklist, lambda d: d.changed)
    board.checklist_button.click()
    qtbot.waitUntil(lambda: board.model.rows[0].progress.text == "1/8")

    # -- 3. a home visit (ticks "home visit done")
    def fill_visit(dialog):
        dialog.visited_on.setDate(qdate(TODAY - timedelta(days=10)))
        qtbot.keyClicks(dialog.people_met, "Ibu dan kakak")
        qtbot.keyClicks(dialog.findings, "Rumah layak; keluarga siap menerima")
        select_data(dialog.readiness, FamilyReadiness.READY)
        save(dialog)

    def work_visits(dialog):
        driver.drive(home_visit_dialog.HomeVisitDialog, fill_visit, lambda d: d.saved)
        dialog.add_button.click()
        assert dialog.model.rowCount() == 1 and not dialog.empty.isVisible()

    board.table.selectRow(0)
    driver.drive(home_visit_dialog.HomeVisitsDialog, work_visits, lambda d: d.changed)
    board.visit_button.click()
    qtbot.waitUntil(lambda: board.model.rows[0].progress.text == "2/8")
    assert board.model.rows[0].last_visit_on == TODAY - timedelta(days=10)

    # -- 4. termination: first without the recipient (refused, nothing saved), then complete
    def fill_termination(dialog):
        select_data(dialog.reason, TerminationReason.REUNIFIED)
        assert dialog.to_aftercare.isChecked()
        assert "2027" in dialog.schedule_label.text() or str(TODAY.year) in dialog.schedule_label.text()
        save(dialog)
        assert dialog.handover_form.error_text("received_by")
        assert dialog.result() == 0
        with db.read() as session:
            assert session.get(Admission, resident).terminated_on is None
        qtbot.keyClicks(dialog.received_by, "Siti Fiktif")
        qtbot.keyClicks(dialog.relationship, "Ibu kandung")
        qtbot.keyClicks(dialog.witness, "Pak RT Contoh")
        save(dialog)

    board.table.selectRow(0)
    driver.drive(termination_dialog.TerminationDialog, fill_termination, lambda d: d.result_)
    board.terminate_button.click()
    rows_of(qtbot, board, 0)
    assert board.empty.isVisible()
    with db.read() as session:
        admission = session.get(Admission, resident)
        assert admission.terminated_on == TODAY
        assert admission.room_id is None
        assert admission.stage == Stage.AFTERCARE
        assert admission.handover_received_by == "Siti Fiktif"

    # -- 5. aftercare: record the first follow-up, then close with an outcome
    aftercare = page.aftercare
    page.tabs.setCurrentWidget(aftercare)
    aftercare.scope.setCurrentIndex(aftercare.scope.findData("open"))
    follow_ups = rows_of(qtbot, aftercare, 3)
    assert [f.due_on > TODAY for f in follow_ups] == [True, True, True]

    def fill_result(dialog):
        dialog.done_on.setDate(qdate(TODAY))
        select_data(dialog.condition, FollowUpCondition.STABLE)
        qtbot.keyClicks(dialog.notes, "Tinggal bersama ibu, membantu di warung")
        save(dialog)

    aftercare.table.selectRow(0)
    driver.drive(follow_up_dialog.FollowUpDialog, fill_result, lambda d: d.saved)
    aftercare.record_button.click()
    rows_of(qtbot, aftercare, 2)  # the done one leaves "not yet done"

    def fill_close(dialog):
        select_data(dialog.outcome, AftercareOutcome.SUCCESSFUL)
        save(dialog)

    aftercare.table.selectRow(0)
    driver.drive(follow_up_dialog.CloseAftercareDialog, fill_close, lambda d: d.closed)
    aftercare.close_button.click()
    rows_of(qtbot, aftercare, 0)
    with db.read() as session:
        admission = session.get(Admission, resident)
        assert admission.aftercare_status == AftercareStatus.CLOSED
        assert admission.aftercare_outcome == AftercareOutcome.SUCCESSFUL
        done = session.execute(
            sa.select(FollowUp.condition).where(FollowUp.done_on.is_not(None))).scalars().all()
        assert done == [FollowUpCondition.STABLE]

    # -- 6. the outcomes of this month show it
    outcomes = page.outcomes
    page.tabs.setCurrentWidget(outcomes)
    with qtbot.waitSignal(outcomes.loaded, timeout=5000) as signal:
        outcomes.refresh()
    stats = signal.args[0]
    assert stats.by_reason[TerminationReason.REUNIFIED] == 1
    assert stats.by_condition[FollowUpCondition.STABLE] == 1
    assert stats.closed_by_outcome[AftercareOutcome.SUCCESSFUL] == 1
    assert outcomes.cards["terminations"].value.text() == "1"


def test_board_scope_search_and_readonly_checklist(qtbot, monkeypatch, db, admin, page, resident):
    board = page.board
    rows_of(qtbot, board, 1)
    board.scope.setCurrentIndex(board.scope.findData(None))
    rows = rows_of(qtbot, board, 2)
    assert {r.name for r in rows} == {"Budi Fiktif", "Citra Fiktif"}
    qtbot.keyClicks(board.search, "citra")
    (row,) = rows_of(qtbot, board, 1)
    assert row.stage == Stage.INTERVENTION
    qtbot.keyClicks(board.search, "zzz")
    rows_of(qtbot, board, 0)
    assert board.empty.isVisible() and board.count.text() == "Menampilkan 0 orang"


def test_termination_dialog_refuses_a_future_date(qtbot, monkeypatch, db, staff, resident):
    monkeypatch.setattr(Messages, "confirm", staticmethod(lambda *a, **k: True))
    dialog = termination_dialog.TerminationDialog(AppContext(db, staff, WorkstationSettings()),
                                                  resident)
    qtbot.addWidget(dialog)
    dialog.terminated_on.setMaximumDate(qdate(TODAY + timedelta(days=30)))
    dialog.terminated_on.setDate(qdate(TODAY + timedelta(days=3)))
    select_data(dialog.reason, TerminationReason.INDEPENDENT)
    save(dialog)
    assert "masa depan" in dialog.stay_form.error_text("terminated_on")
    select_data(dialog.reason, TerminationReason.DIED)
    assert not dialog.to_aftercare.isEnabled() and dialog.close_case.isChecked()
    assert "Tidak ada" in dialog.schedule_label.text()
    with db.read() as session:
        assert session.get(Admission, resident).terminated_on is None


def test_readiness_status_round_trip_in_the_dialog(qtbot, db, staff, resident):
    from kesos_desktop.services import reintegration

    reintegration.save_plan(db, staff, resident, reintegration.PlanInput(DestinationType.WORK))
    ctx = AppContext(db, staff, WorkstationSettings())
    dialog = reintegration_plan_checklist.ChecklistDialog(ctx, resident)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == len(ReadinessItemType)
    item = dialog.model.rows[0]
    editor = reintegration_plan_checklist.ReadinessItemDialog(ctx, dialog.stay, item,
                                                              dialog.workers)
    qtbot.addWidget(editor)
    editor.done_on.setDate(qdate(ADMITTED - timedelta(days=1)))
    save(editor)
    assert "sebelum" in editor.form.error_text("done_on")
    editor.done_on.setDate(qdate(ADMITTED))
    save(editor)
    assert editor.saved.status == ReadinessStatus.DONE
    dialog.reload()
    dialog.table.selectRow(0)
    dialog.pending_button.click()
    assert dialog.model.rows[0].status == ReadinessStatus.PENDING


def test_page_fits_a_small_screen(qtbot, page):
    # 1366 wide minus the 190-pixel sidebar
    assert page.minimumSizeHint().width() <= 1366 - 190
    assert page.minimumSizeHint().height() <= 700


def test_handover_details_can_be_corrected_after_termination(qtbot, db, staff, resident):
    from kesos_desktop.services import termination

    termination.terminate(db, staff, resident, termination.TerminationInput(
        TODAY, TerminationReason.REFERRED,
        termination.HandoverDetails(received_by="Petugas LKS Fiktif", relationship="Pekerja sosial")))
    ctx = AppContext(db, staff, WorkstationSettings())
    dialog = termination_dialog.TerminationDialog(ctx, resident, handover_only=True)
    qtbot.addWidget(dialog)
    assert dialog.received_by.text() == "Petugas LKS Fiktif"
    assert not dialog.reason.isEnabled() and not dialog.terminated_on.isEnabled()
    dialog.relationship.clear()
    save(dialog)
    assert dialog.handover_form.error_text("relationship")
    qtbot.keyClicks(dialog.relationship, "Pekerja sosial LKS")
    qtbot.keyClicks(dialog.witness2, "Bu Lurah Contoh")
    save(dialog)
    assert dialog.corrected
    data = termination.handover_data(db, staff, resident)
    assert data.witness2 == "Bu Lurah Contoh" and data.relationship == "Pekerja sosial LKS"
    assert data.reason == TerminationReason.REFERRED
