"""save_form in the small forms: my password and the aftercare schedule put the services'
messages under their fields; a refusal that belongs to no field is said in a message box."""

from __future__ import annotations

from kesos_desktop.services import aftercare, auth
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.dialogs.follow_up_schedule import FollowUpScheduleDialog
from kesos_desktop.ui.dialogs.password_dialog import ChangePasswordDialog
from tests.conftest import PASSWORD
from tests.ui import saving_fixtures

boxes = saving_fixtures.boxes  # shared fixture

NEW_PASSWORD = "Kata-Sandi-Fiktif-2026"


def _password_dialog(qtbot, db, actor) -> ChangePasswordDialog:
    dialog = ChangePasswordDialog(AppContext(db, actor, WorkstationSettings()))
    qtbot.addWidget(dialog)
    return dialog


def test_a_wrong_current_password_is_said_under_it(qtbot, db, staff, boxes):
    dialog = _password_dialog(qtbot, db, staff)
    dialog.old.setText("bukan-sandi-ini")
    dialog.new.setText(NEW_PASSWORD)
    dialog.again.setText(NEW_PASSWORD)
    dialog.save()
    assert dialog.form.error_text("old_password")
    assert dialog.result() == 0 and boxes == []
    assert auth.login(db, staff.username, PASSWORD).id == staff.id  # unchanged


def test_my_password_is_changed(qtbot, db, staff, boxes):
    dialog = _password_dialog(qtbot, db, staff)
    dialog.old.setText(PASSWORD)
    dialog.new.setText(NEW_PASSWORD)
    dialog.again.setText(NEW_PASSWORD)
    dialog.save()
    assert dialog.result() == 1 and boxes == []
    assert auth.login(db, staff.username, NEW_PASSWORD).id == staff.id


def test_schedule_error_under_the_months_and_a_refusal_in_a_box(qtbot, db, admin, staff, boxes):
    dialog = FollowUpScheduleDialog(AppContext(db, admin, WorkstationSettings()))
    qtbot.addWidget(dialog)
    before = aftercare.get_schedule(db, admin)
    dialog.months.setText("0, 1")
    dialog.save()
    assert dialog.form.error_text("months") and boxes == []
    refused = FollowUpScheduleDialog(AppContext(db, staff, WorkstationSettings()))
    qtbot.addWidget(refused)
    refused.months.setText("1, 3, 6")
    refused.save()  # staff may read the schedule but not change it
    assert len(boxes) == 1 and refused.saved is None
    assert aftercare.get_schedule(db, admin) == before
    dialog.months.setText("1, 3, 6")
    dialog.save()
    assert dialog.saved == (1, 3, 6) and aftercare.get_schedule(db, admin) == (1, 3, 6)
