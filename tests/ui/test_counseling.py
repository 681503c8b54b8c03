"""The Bimbingan page and its dialogs, driven through real widgets: a counselor writes a note,
changes it, signs it, adds an addendum; staff see the sessions but never a note."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate, QThreadPool

from kesos_desktop.domain.enums import (
    AssessmentDomain,
    CounselingStatus,
    CounselingType,
    NoteVersionKind,
    Role,
    ServiceLevel,
)
from kesos_desktop.services import counseling, counseling_caseload, counseling_notes
from kesos_desktop.services.counseling_dto import NoteInput
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.dialogs import note_editor_view
from kesos_desktop.ui.dialogs.note_editor import NoteEditorDialog
from kesos_desktop.ui.dialogs.note_editor_view import AddendumDialog, NoteViewDialog
from kesos_desktop.ui.pages.counseling import CounselingPage
from kesos_desktop.ui.widgets.messages import Messages
from tests.conftest import make_user
from tests.factories import admit_resident
from tests.services.test_counseling_support import age_note, audit_rows

SECRET = "PM bercerita tentang kakaknya di Surabaya"


def settle(qtbot) -> None:
    for _ in range(6):
        QThreadPool.globalInstance().waitForDone(10_000)
        qtbot.wait(20)


@pytest.fixture
def answers(monkeypatch):
    shown = {"info": [], "error": [], "confirm": []}
    monkeypatch.setattr(Messages, "info", staticmethod(lambda p, text, title=None: shown["info"].append(text)))
    monkeypatch.setattr(Messages, "error", staticmethod(lambda p, text, title=None: shown["error"].append(text)))

    def confirm(parent, text, title=None):
        shown["confirm"].append(text)
        return True

    monkeypatch.setattr(Messages, "confirm", staticmethod(confirm))
    return shown


@pytest.fixture
def stay(db, counselor):
    admission_id = admit_resident(db, name="Budi Fiktif", admitted_on=date.today() - timedelta(days=40),
                                  case_manager_id=counselor.id)[1]
    return counseling_caseload.get_stay(db, counselor, admission_id)


def context(db, actor) -> AppContext:
    return AppContext(db, actor, WorkstationSettings())


def test_a_counselor_writes_a_note_changes_signs_and_adds_an_addendum(qtbot, db, counselor, stay, answers):
    ctx = context(db, counselor)
    editor = NoteEditorDialog(ctx, stay=stay)
    qtbot.addWidget(editor)
    assert editor.participants.admission_ids() == (stay.admission_id,)
    editor.topic.setText("Keluarga")
    editor.body.setPlainText(SECRET)
    editor.agreed.setPlainText("Hubungi kakak lewat Dinsos")
    editor.save()
    assert answers["error"] == [] and editor.saved is not None
    row = editor.saved
    assert row.status == CounselingStatus.DONE and row.note_versions == 1

    # open it again from the list path: the view, then change it within 24 hours
    view = counseling_notes.get_note(db, counselor, row.id)
    dialog = NoteViewDialog(ctx, view)
    qtbot.addWidget(dialog)
    assert SECRET in dialog.text.toPlainText()
    assert not dialog.edit_button.isHidden() and not dialog.sign_button.isHidden()
    changer = NoteEditorDialog(ctx, view.session, view)
    qtbot.addWidget(changer)
    assert changer.body.toPlainText() == SECRET and not changer.kind.isEnabled()
    changer.body.setPlainText(SECRET + " dan adiknya.")
    changer.save()
    assert changer.saved.note_versions == 2

    # sign: from now on only an addendum
    dialog.show_view(counseling_notes.get_note(db, counselor, row.id))
    dialog.sign()
    assert answers["confirm"] and "adendum" in answers["confirm"][-1]
    assert dialog.edit_button.isHidden() and dialog.sign_button.isHidden()
    assert not dialog.addendum_button.isHidden()

    addendum = AddendumDialog(ctx, row.id)
    qtbot.addWidget(addendum)
    addendum.body.setPlainText("Kakak sudah dihubungi.")
    addendum.save()  # no reason yet
    assert not addendum.saved and addendum.form.error_text("reason")
    addendum.reason.setPlainText("Informasi diterima kemudian")
    addendum.save()
    assert addendum.saved
    final = counseling_notes.get_note(db, counselor, row.id)
    assert final.current.body == SECRET + " dan adiknya."
    assert [(a.body, a.reason) for a in final.addenda] == [
        ("Kakak sudah dihubungi.", "Informasi diterima kemudian")]
    history = counseling_notes.note_history(db, counselor, row.id)
    assert [v.kind for v in history] == [NoteVersionKind.ORIGINAL, NoteVersionKind.EDIT,
                                         NoteVersionKind.ADDENDUM]
    dialog.show_view(final)
    assert "Kakak sudah dihubungi." in dialog.text.toPlainText()
    assert "Informasi diterima kemudian" in dialog.text.toPlainText()


def test_the_editor_shows_what_is_wrong_and_saves_nothing(qtbot, db, counselor, stay, answers):
    ctx = context(db, counselor)
    editor = NoteEditorDialog(ctx, stay=stay)
    qtbot.addWidget(editor)
    editor.held_on.setDate(QDate.currentDate().addDays(3))
    editor.body.setPlainText("Belum terjadi")
    editor.save()
    assert editor.saved is None
    assert "masa depan" in editor.form.error_text("status")
    # a group without anyone
    editor.held_on.setDate(QDate.currentDate())
    editor.kind.setCurrentIndex(editor.kind.findData(CounselingType.GROUP))
    editor.participants.set_stays([])
    editor.save()
    assert editor.saved is None and editor.form.error_text("participants")
    assert counseling.count_sessions(db, counselor) == 0


def test_a_locked_note_cannot_be_edited_from_the_view(qtbot, db, counselor, stay, answers):
    ctx = context(db, counselor)
    row, _ = counseling.create_session(
        db, counselor, counseling.SessionInput(
            CounselingType.INDIVIDUAL, ServiceLevel.MICRO, date.today(), (stay.admission_id,),
            CounselingStatus.DONE), NoteInput(SECRET))
    age_note(db, row.id)
    dialog = NoteViewDialog(ctx, counseling_notes.get_note(db, counselor, row.id))
    qtbot.addWidget(dialog)
    assert dialog.edit_button.isHidden() and not dialog.addendum_button.isHidden()
    assert "24 jam" in dialog.text.toPlainText()


def test_staff_see_sessions_but_never_a_note(qtbot, db, counselor, staff, stay, answers):
    counseling.create_session(
        db, counselor, counseling.SessionInput(
            CounselingType.INDIVIDUAL, ServiceLevel.MICRO, date.today(), (stay.admission_id,),
            CounselingStatus.DONE, topic="Topik rahasia"), NoteInput(SECRET))
    page = CounselingPage(context(db, staff))
    qtbot.addWidget(page)
    page.show()
    settle(qtbot)
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert page.search is None and page.caseload is None and len(titles) == 5
    assert page.new_button.isHidden() and not page.notice.isHidden()
    qtbot.waitUntil(lambda: page.today.model.rowCount() == 1)
    row = page.today.model.row_at(0)
    page.open_session(row)
    assert answers["info"] and "Budi Fiktif" in answers["info"][-1]
    assert SECRET not in answers["info"][-1] and "rahasia" in answers["info"][-1].lower()
    assert "Topik rahasia" not in answers["info"][-1]
    assert audit_rows(db, "read_note") == [] and audit_rows(db, "denied") == []


def test_another_counselor_cannot_open_a_highly_confidential_note(qtbot, db, admin, counselor, stay, answers):
    from kesos_desktop.domain.enums import Confidentiality

    other = make_user(db, admin, "konselor2", Role.COUNSELOR)
    row, _ = counseling.create_session(
        db, counselor, counseling.SessionInput(
            CounselingType.INDIVIDUAL, ServiceLevel.MICRO, date.today(), (stay.admission_id,),
            CounselingStatus.DONE, confidentiality=Confidentiality.HIGH), NoteInput(SECRET))
    assert not note_editor_view.open_session(context(db, other), None, row)
    assert "sangat rahasia" in answers["info"][-1] and SECRET not in answers["info"][-1]


def test_counselor_page_lists_caseload_and_searches_notes(qtbot, db, counselor, stay, answers, monkeypatch):
    counseling.create_session(
        db, counselor, counseling.SessionInput(
            CounselingType.INDIVIDUAL, ServiceLevel.MICRO, date.today() - timedelta(days=20),
            (stay.admission_id,), CounselingStatus.DONE,
            next_session_on=date.today() - timedelta(days=6)), NoteInput(SECRET))
    page = CounselingPage(context(db, counselor))
    qtbot.addWidget(page)
    page.show()
    settle(qtbot)
    assert page.search is not None and page.caseload is not None
    page.tabs.setCurrentWidget(page.caseload)
    qtbot.waitUntil(lambda: page.caseload.model.rowCount() == 1)
    assert page.caseload.model.row_at(0).overdue_days == 6
    page.tabs.setCurrentWidget(page.overdue)
    qtbot.waitUntil(lambda: page.overdue.model.rowCount() == 1)
    page.tabs.setCurrentWidget(page.search)
    page.search.query.setText("kakaknya")
    page.search.search()
    qtbot.waitUntil(lambda: page.search.model.rowCount() == 1)
    assert "kakaknya" in page.search.model.row_at(0).snippet
    # opening a stay from the caseload shows the resident's file
    page.open_stay(stay)
    qtbot.waitUntil(lambda: page.resident.sessions_model.rowCount() == 1)
    assert page.tabs.currentWidget() is page.resident


def test_assessment_dialog_and_comparison(qtbot, db, counselor, stay, answers):
    from kesos_desktop.services import assessment
    from kesos_desktop.ui.dialogs.assessment_compare import AssessmentCompareDialog
    from kesos_desktop.ui.dialogs.assessment_dialog import AssessmentDialog

    ctx = context(db, counselor)
    for days_ago, value in ((30, 2), (2, 4)):
        dialog = AssessmentDialog(ctx, stay)
        qtbot.addWidget(dialog)
        dialog.assessed_on.setDate(QDate.currentDate().addDays(-days_ago))
        dialog.save()
        assert dialog.saved is None and dialog.errors["score_fisik"].text()
        for domain, combo in dialog.scores.items():
            combo.setCurrentIndex(combo.findData(value + (1 if domain == AssessmentDomain.ECONOMIC else 0)))
        dialog.narratives[AssessmentDomain.SOCIAL].setPlainText(f"Uraian {value}")
        dialog.save()
        assert dialog.saved is not None
    rows = assessment.list_assessments(db, counselor, admission_id=stay.admission_id)
    comparison = assessment.compare_assessments(db, counselor, rows[0].id, rows[1].id)
    texts = [assessment.read_assessment(db, counselor, r.id) for r in (comparison.earlier, comparison.later)]
    compare = AssessmentCompareDialog(comparison, *texts)
    qtbot.addWidget(compare)
    cells = compare.change_cells()
    assert cells[AssessmentDomain.PHYSICAL] == "Membaik (+2)"
    assert compare.table.item(2, 4).text() == "Uraian 2" and compare.table.item(2, 5).text() == "Uraian 4"


def test_plan_dialog_creates_then_revises(qtbot, db, counselor, stay, answers):
    from kesos_desktop.domain.enums import AtensiService
    from kesos_desktop.services import plans
    from kesos_desktop.ui.dialogs.plan_dialog import PlanDialog

    ctx = context(db, counselor)
    dialog = PlanDialog(ctx, stay)
    qtbot.addWidget(dialog)
    dialog.save()  # no services, no goal text
    assert dialog.saved is None and dialog.form.error_text("services")
    dialog.services[AtensiService.FAMILY_SUPPORT].setChecked(True)
    dialog.goals.item(0, 1).setText("Menghubungi keluarga")
    dialog.save()
    assert dialog.saved is not None and dialog.saved.plan_version == 1
    revise = PlanDialog(ctx, stay, dialog.saved)
    qtbot.addWidget(revise)
    assert revise.goals.rowCount() == 1
    revise.add_goal()
    revise.goals.item(1, 1).setText("Pelatihan menjahit")
    revise.save()
    assert revise.saved is None and not revise.reason_error.isHidden()
    revise.reason.setPlainText("Keluarga ditemukan")
    revise.save()
    assert revise.saved.plan_version == 2 and len(revise.saved.goals) == 2
    assert [v.plan_version for v in plans.list_plan_versions(db, counselor, stay.admission_id)] == [2, 1]
