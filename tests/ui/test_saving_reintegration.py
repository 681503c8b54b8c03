"""save_form in the reintegration dialogs and the user editor: a home visit, the reintegration
plan and a user edited by two people at once get "reload" or "keep my edits", never a silent
overwrite or a bare error."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from kesos_desktop.domain.enums import DestinationType, FamilyReadiness, Stage
from kesos_desktop.services import reintegration, reintegration_visits, users
from kesos_desktop.services.reintegration_visits import HomeVisitInput
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.dialogs.home_visit_dialog import HomeVisitDialog
from kesos_desktop.ui.dialogs.reintegration_plan_dialog import ReintegrationPlanDialog
from kesos_desktop.ui.pages.admin_users import EditUserDialog
from kesos_desktop.ui.widgets.conflict import ConflictChoice
from kesos_desktop.ui.widgets.form import select_data
from tests.factories import admit_resident
from tests.ui import saving_fixtures

TODAY = date.today()
ADMITTED = TODAY - timedelta(days=90)

boxes, answer = saving_fixtures.boxes, saving_fixtures.answer  # shared fixtures


@pytest.fixture
def stay(db) -> int:
    _resident_id, admission_id = admit_resident(
        db, name="Budi Fiktif", admitted_on=ADMITTED, stage=Stage.REINTEGRATION)
    return admission_id


def _ctx(db, actor) -> AppContext:
    return AppContext(db, actor, WorkstationSettings())


# --------------------------------------------------------------------------- home visit


def _visit(db, staff, stay) -> int:
    visit, _changes = reintegration_visits.add_home_visit(db, staff, stay, HomeVisitInput(
        visited_on=TODAY - timedelta(days=3), visitors="Pekerja Fiktif", findings="Rumah rapi"))
    return visit.id


def _saved_visit(db, staff, stay, visit_id):
    return next(v for v in reintegration_visits.list_home_visits(db, staff, stay)
                if v.id == visit_id)


def _other_user_edits_visit(db, staff, stay, visit_id, **changed) -> None:
    saved = _saved_visit(db, staff, stay, visit_id)
    data = HomeVisitInput(saved.visited_on, saved.visitors, saved.people_met, saved.findings,
                          saved.family_readiness, saved.next_steps)
    reintegration_visits.update_home_visit(db, staff, visit_id, replace(data, **changed),
                                           expected_version=saved.version)


def _visit_dialog(qtbot, db, staff, stay, visit_id) -> HomeVisitDialog:
    dialog = HomeVisitDialog(_ctx(db, staff), stay, _saved_visit(db, staff, stay, visit_id))
    qtbot.addWidget(dialog)
    return dialog


def test_home_visit_missing_visitors_is_said_next_to_the_field(qtbot, db, staff, stay, boxes):
    dialog = _visit_dialog(qtbot, db, staff, stay, _visit(db, staff, stay))
    dialog.visitors.setText("")
    dialog.save()
    assert dialog.form.error_text("visitors")
    assert dialog.saved is None and boxes == []


def test_home_visit_keep_mine_saves_over_the_newer_version(qtbot, db, staff, stay, answer):
    visit_id = _visit(db, staff, stay)
    dialog = _visit_dialog(qtbot, db, staff, stay, visit_id)
    _other_user_edits_visit(db, staff, stay, visit_id, findings="Atap bocor",
                            family_readiness=FamilyReadiness.READY)
    seen = answer(ConflictChoice.KEEP_MINE)
    dialog.findings.setPlainText("Keluarga menyambut baik")
    dialog.save()
    assert dialog.saved is None
    (_message, differences), = seen
    labels = {d[0]: (d[1], d[2]) for d in differences}
    assert labels["Temuan"] == ("Keluarga menyambut baik", "Atap bocor")
    assert labels["Kesiapan keluarga"][1] == FamilyReadiness.READY.label  # a label, not a code
    dialog.save()
    saved = _saved_visit(db, staff, stay, visit_id)
    assert saved.findings == "Keluarga menyambut baik"
    assert saved.family_readiness is None  # the form's value, kept on purpose


def test_home_visit_reload_shows_the_other_users_values(qtbot, db, staff, stay, answer):
    visit_id = _visit(db, staff, stay)
    dialog = _visit_dialog(qtbot, db, staff, stay, visit_id)
    _other_user_edits_visit(db, staff, stay, visit_id, people_met="Ibu dan kakak",
                            visited_on=TODAY - timedelta(days=5))
    answer(ConflictChoice.RELOAD)
    dialog.people_met.setText("Ketua RT")
    dialog.save()
    assert dialog.people_met.text() == "Ibu dan kakak"
    assert dialog.visited_on.date().toPython() == TODAY - timedelta(days=5)
    assert _saved_visit(db, staff, stay, visit_id).people_met == "Ibu dan kakak"


# --------------------------------------------------------------------------- reintegration plan


def test_reintegration_plan_reload_and_keep_mine(qtbot, db, staff, stay, answer):
    reintegration.save_plan(db, staff, stay, reintegration.PlanInput(
        DestinationType.FAMILY, destination_address="Jalan Fiktif 1"))
    dialog = ReintegrationPlanDialog(_ctx(db, staff), stay)
    qtbot.addWidget(dialog)
    plan = reintegration.get_plan(db, staff, stay)
    reintegration.save_plan(db, staff, stay, replace(
        reintegration.PlanInput(plan.destination_type, plan.destination_address),
        destination_address="Jalan Fiktif 2", target_date=TODAY + timedelta(days=30)),
        expected_version=plan.version)
    seen = answer(ConflictChoice.RELOAD)
    select_data(dialog.destination, DestinationType.WORK)
    dialog.save()
    assert dialog.address.text() == "Jalan Fiktif 2"
    assert dialog.destination.currentData() == DestinationType.FAMILY
    (_message, differences), = seen
    assert ("Alamat tujuan", "Jalan Fiktif 1", "Jalan Fiktif 2") in differences
    answer(ConflictChoice.KEEP_MINE)
    select_data(dialog.destination, DestinationType.WORK)
    dialog.save()  # based on the reloaded version now: saves without asking again
    assert len(seen) == 1 and dialog.saved is not None
    saved = reintegration.get_plan(db, staff, stay)
    assert saved.destination_type == DestinationType.WORK
    assert saved.destination_address == "Jalan Fiktif 2"


# --------------------------------------------------------------------------- users


def test_user_edit_keep_mine_after_someone_changed_the_nip(qtbot, db, admin, staff, answer):
    detail = users.get_user(db, admin, staff.id)
    dialog = EditUserDialog(_ctx(db, admin), detail)
    qtbot.addWidget(dialog)
    users.update_user(db, admin, staff.id, detail.full_name, "199001012020121001",
                      detail.is_supervisor, expected_version=detail.version)
    seen = answer(ConflictChoice.KEEP_MINE)
    dialog.full_name.setText("Staf Fiktif Baru")
    dialog.save()
    assert not dialog.saved
    (_message, differences), = seen
    nip = next(d for d in differences if d[0] == "NIP")
    assert nip[1:] == ("-", "199001012020121001")
    assert len(differences) == 2  # the NIP and my new name; the unchanged flag is not listed
    dialog.save()
    saved = users.get_user(db, admin, staff.id)
    assert dialog.saved and saved.full_name == "Staf Fiktif Baru"
    assert saved.nip in ("", None)  # the form still said no NIP, and the user kept that


# --------------------------------------------------------------------------- handover


def test_handover_correction_meets_another_correction(qtbot, db, staff, stay, answer):
    from kesos_desktop.domain.enums import TerminationReason
    from kesos_desktop.services import termination
    from kesos_desktop.ui.dialogs.termination_dialog import TerminationDialog

    termination.terminate(db, staff, stay, termination.TerminationInput(
        TODAY, TerminationReason.REFERRED, termination.HandoverDetails(
            received_by="Petugas LKS Fiktif", relationship="Pekerja sosial")))
    dialog = TerminationDialog(_ctx(db, staff), stay, handover_only=True)
    qtbot.addWidget(dialog)
    termination.update_handover(db, staff, stay, termination.HandoverDetails(
        received_by="Petugas LKS Fiktif", relationship="Pekerja sosial", witness="Pak RT Fiktif"),
        expected_version=reintegration.get_stay(db, staff, stay).version)
    seen = answer(ConflictChoice.RELOAD)
    dialog.witness2.setText("Bu Lurah Fiktif")
    dialog.save()
    assert not dialog.corrected
    (_message, rows), = seen
    assert {row[0] for row in rows} == {"Saksi 1", "Saksi 2"}
    assert dialog.witness.text() == "Pak RT Fiktif" and dialog.witness2.text() == ""
    dialog.witness2.setText("Bu Lurah Fiktif")
    dialog.save()  # on the reloaded version: both witnesses are kept
    data = termination.handover_data(db, staff, stay)
    assert dialog.corrected and (data.witness, data.witness2) == ("Pak RT Fiktif", "Bu Lurah Fiktif")
    assert len(seen) == 1


# --------------------------------------------------------------------------- follow-up


def test_follow_up_moved_twice_at_once_offers_the_choice(qtbot, db, staff, stay, answer):
    from kesos_desktop.domain.enums import FollowUpMethod, TerminationReason
    from kesos_desktop.services import aftercare, termination
    from kesos_desktop.ui.dialogs.follow_up_dialog import FollowUpDialog, Mode

    termination.terminate(db, staff, stay, termination.TerminationInput(
        TODAY, TerminationReason.REUNIFIED, termination.HandoverDetails(
            received_by="Ibu Fiktif", relationship="Ibu"), aftercare=True))
    row = aftercare.list_follow_ups(db, staff, stay)[0]
    dialog = FollowUpDialog(_ctx(db, staff), stay, Mode.RESCHEDULE, row)
    qtbot.addWidget(dialog)
    other = next(method for method in FollowUpMethod if method != row.method)
    aftercare.reschedule_follow_up(db, staff, row.id, row.due_on + timedelta(days=3), other,
                                   expected_version=row.version)
    seen = answer(ConflictChoice.RELOAD)
    dialog.due_on.setDate(row.due_on + timedelta(days=7))
    dialog.save()
    (_message, rows), = seen
    assert ("Cara", row.method.label, other.label) in rows
    assert dialog.due_on.date().toPython() == row.due_on + timedelta(days=3)
    assert dialog.method.currentData() == other and dialog.saved is None
