"""save_form in the counseling dialogs: an assessment corrected and a plan revised while someone
else saved them offer "reload" or "keep my edits", with the differences readable."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from kesos_desktop.domain.enums import AssessmentDomain, AtensiService
from kesos_desktop.services import assessment, counseling_caseload, plans
from kesos_desktop.services.counseling_dto import AssessmentInput, GoalInput, PlanInput
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.dialogs.assessment_dialog import AssessmentDialog, as_input
from kesos_desktop.ui.dialogs.plan_dialog import PlanDialog
from kesos_desktop.ui.widgets.conflict import ConflictChoice
from kesos_desktop.ui.widgets.messages import Messages
from tests.factories import admit_resident
from tests.ui import saving_fixtures

TODAY = date.today()

answer = saving_fixtures.answer  # shared fixture


@pytest.fixture
def stay(db, counselor):
    admission_id = admit_resident(db, name="Budi Fiktif", admitted_on=TODAY - timedelta(days=40),
                                  case_manager_id=counselor.id)[1]
    return counseling_caseload.get_stay(db, counselor, admission_id)


@pytest.fixture(autouse=True)
def confirm_yes(monkeypatch):
    monkeypatch.setattr(Messages, "confirm", staticmethod(lambda *args, **kwargs: True))


def _ctx(db, actor) -> AppContext:
    return AppContext(db, actor, WorkstationSettings())


# --------------------------------------------------------------------------- assessment


def _assessment(db, counselor, stay) -> int:
    row, _changes = assessment.create_assessment(db, counselor, AssessmentInput(
        admission_id=stay.admission_id, assessed_on=TODAY - timedelta(days=1),
        scores={domain: 3 for domain in AssessmentDomain},
        narratives={AssessmentDomain.SOCIAL: "Jarang bicara"}, needs="Pendampingan"))
    return row.id


def test_assessment_keep_mine_and_reload(qtbot, db, counselor, stay, answer):
    assessment_id = _assessment(db, counselor, stay)
    dialog = AssessmentDialog(_ctx(db, counselor), stay,
                              assessment.read_assessment(db, counselor, assessment_id))
    qtbot.addWidget(dialog)
    saved = assessment.read_assessment(db, counselor, assessment_id)  # a second workstation
    other = as_input(saved)
    assessment.update_assessment(db, counselor, assessment_id, replace(
        other, scores={**other.scores, AssessmentDomain.PHYSICAL: 5}, needs="Obat rutin"),
        saved.assessment.version)
    seen = answer(ConflictChoice.KEEP_MINE)
    dialog.narratives[AssessmentDomain.SOCIAL].setPlainText("Mulai bergaul")
    dialog.save()
    assert dialog.saved is None
    (_message, differences), = seen
    found = {label: (mine, theirs) for label, mine, theirs in differences}
    assert found[AssessmentDomain.PHYSICAL.label] == ("3", "5")
    assert found["Kebutuhan"] == ("Pendampingan", "Obat rutin")
    narrative = _("{domain}: narrative").format(domain=AssessmentDomain.SOCIAL.label)
    assert found[narrative] == ("Mulai bergaul", "Jarang bicara")
    dialog.save()  # keep mine: the whole form as it stands, on the newer version
    kept = assessment.read_assessment(db, counselor, assessment_id)
    assert kept.narrative(AssessmentDomain.SOCIAL) == "Mulai bergaul"
    assert kept.assessment.score(AssessmentDomain.PHYSICAL) == 3 and kept.needs == "Pendampingan"


def _reload_after_other_save(qtbot, db, counselor, stay, answer, **texts) -> AssessmentDialog:
    """The other workstation lowers the economic score (and changes ``texts``); this one
    edits the needs, meets the conflict and takes the saved version."""
    assessment_id = _assessment(db, counselor, stay)
    dialog = AssessmentDialog(_ctx(db, counselor), stay,
                              assessment.read_assessment(db, counselor, assessment_id))
    qtbot.addWidget(dialog)
    saved = assessment.read_assessment(db, counselor, assessment_id)
    other = as_input(saved)
    assessment.update_assessment(db, counselor, assessment_id, replace(
        other, scores={**other.scores, AssessmentDomain.ECONOMIC: 1}, **texts),
        saved.assessment.version)
    answer(ConflictChoice.RELOAD)
    dialog.needs.setPlainText("Tidak terpakai")
    dialog.save()
    return dialog


def test_assessment_reload_shows_the_saved_scores(qtbot, db, counselor, stay, answer):
    dialog = _reload_after_other_save(qtbot, db, counselor, stay, answer, strengths="Rajin")
    assert dialog.scores[AssessmentDomain.ECONOMIC].currentData() == 1
    assert dialog.strengths.toPlainText() == "Rajin"
    assert dialog.needs.toPlainText() == "Pendampingan"


def test_assessment_conflict_on_scores_alone(qtbot, db, counselor, stay, answer):
    dialog = _reload_after_other_save(qtbot, db, counselor, stay, answer)
    assert dialog.scores[AssessmentDomain.ECONOMIC].currentData() == 1


# --------------------------------------------------------------------------- intervention plan


def _plan(db, counselor, stay):
    view, _changes = plans.create_plan(db, counselor, PlanInput(
        admission_id=stay.admission_id, responsible_id=counselor.id, drawn_up_on=TODAY,
        goals=(GoalInput(AssessmentDomain.SOCIAL, "Menghubungi keluarga"),),
        services=frozenset({AtensiService.FAMILY_SUPPORT})))
    return view


def _other_revision(db, counselor, stay, current) -> None:
    plans.revise_plan(db, counselor, PlanInput(
        admission_id=stay.admission_id, responsible_id=counselor.id, drawn_up_on=TODAY,
        goals=(GoalInput(AssessmentDomain.SOCIAL, "Menghubungi keluarga"),
               GoalInput(AssessmentDomain.ECONOMIC, "Pelatihan menjahit")),
        services=frozenset({AtensiService.FAMILY_SUPPORT})), "Keluarga ditemukan",
        current.plan_version)


def test_plan_revision_reload_takes_the_newer_version_then_revises_it(
        qtbot, db, counselor, stay, answer):
    current = _plan(db, counselor, stay)
    dialog = PlanDialog(_ctx(db, counselor), stay, current)
    qtbot.addWidget(dialog)
    _other_revision(db, counselor, stay, current)
    seen = answer(ConflictChoice.RELOAD)
    dialog.reason.setPlainText("Tujuan diperjelas")
    dialog.save()
    assert dialog.saved is None
    (_message, differences), = seen
    assert [d[0] for d in differences] == ["Tujuan"]
    assert dialog.goals.rowCount() == 2  # the other revision's goals, not two copies of mine
    assert dialog.goals.item(1, 1).text() == "Pelatihan menjahit"
    assert "versi 3" in dialog.windowTitle()
    dialog.save()
    assert dialog.saved is not None and dialog.saved.plan_version == 3
    assert [g.description for g in dialog.saved.goals] == ["Menghubungi keluarga",
                                                          "Pelatihan menjahit"]


def test_goal_progress_keep_mine_after_another_progress_note(qtbot, db, counselor, stay, answer):
    from kesos_desktop.domain.enums import GoalStatus
    from kesos_desktop.ui.dialogs.plan_dialog import GoalProgressDialog

    current = _plan(db, counselor, stay)
    dialog = GoalProgressDialog(_ctx(db, counselor), current, 0)
    qtbot.addWidget(dialog)
    plans.update_goal(db, counselor, current.goals[0].id, GoalStatus.IN_PROGRESS,
                      "Sudah menelepon kakak", current.version)
    seen = answer(ConflictChoice.KEEP_MINE)
    dialog.progress.setPlainText("Surat dikirim ke kelurahan")
    dialog.save()
    (_message, rows), = seen
    found = {label: (mine, theirs) for label, mine, theirs in rows}
    assert found["Status"][1] == GoalStatus.IN_PROGRESS.label
    assert found["Catatan perkembangan"] == ("Surat dikirim ke kelurahan", "Sudah menelepon kakak")
    dialog.save()
    goal = plans.current_plan(db, counselor, stay.admission_id).goals[0]
    assert goal.progress_notes == "Surat dikirim ke kelurahan" and dialog.saved is not None


# --------------------------------------------------------------------------- case conference


def test_conference_reload_shows_who_attended_by_name(qtbot, db, admin, counselor, stay, answer):
    from kesos_desktop.services import counseling_conferences as conferences
    from kesos_desktop.services.counseling_dto import ConferenceInput
    from kesos_desktop.ui.pages.counseling_conferences import ConferenceDialog

    row, _changes = conferences.create_conference(db, counselor, ConferenceInput(
        stay.admission_id, TODAY, "Hubungi keluarga", (counselor.id,), counselor.id))
    dialog = ConferenceDialog(_ctx(db, counselor), stay, row)
    qtbot.addWidget(dialog)
    conferences.update_conference(db, counselor, row.id, ConferenceInput(
        stay.admission_id, TODAY, "Hubungi keluarga minggu ini", (counselor.id, admin.id),
        counselor.id), row.version)
    seen = answer(ConflictChoice.RELOAD)
    dialog.decisions.setPlainText("Tunda")
    dialog.save()
    (_message, rows), = seen
    found = {label: (mine, theirs) for label, mine, theirs in rows}
    assert found["Hadir"] == (counselor.full_name, f"{admin.full_name}, {counselor.full_name}")
    assert dialog.decisions.toPlainText() == "Hubungi keluarga minggu ini"
    assert sorted(dialog.data().attendee_ids) == sorted((counselor.id, admin.id))


def _(text: str) -> str:
    """The Indonesian text the dialog shows for ``text`` (tests run in Indonesian)."""
    from kesos_desktop.i18n import _ as translate

    return translate(text)
