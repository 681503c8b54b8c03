"""Handing cases over through the screens: "Ganti pekerja sosial..." on the resident file's
Stays tab and "Alihkan kasus..." on Admin > Pengguna, and the audit tab's readable details."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QDialogButtonBox

from kesos_desktop.db.models import Admission
from kesos_desktop.domain.enums import Role
from kesos_desktop.services import case_manager, residents, users
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.dialogs import case_manager_dialogs
from kesos_desktop.ui.dialogs.case_manager_dialogs import HandoverDialog, ReassignDialog
from kesos_desktop.ui.dialogs.resident_file import ResidentFileDialog
from kesos_desktop.ui.pages import admin_audit, admin_users
from kesos_desktop.ui.widgets.messages import Messages
from tests.conftest import make_user
from tests.factories import admit_resident


def settle(qtbot) -> None:
    for _ in range(6):
        QThreadPool.globalInstance().waitForDone(10_000)
        qtbot.wait(20)


@pytest.fixture(autouse=True)
def _drain(qtbot, db):
    yield
    settle(qtbot)


@pytest.fixture
def errors(monkeypatch):
    shown = []
    monkeypatch.setattr(Messages, "error", staticmethod(lambda p, text, title=None: shown.append(text)))
    monkeypatch.setattr(Messages, "info", staticmethod(lambda p, text, title=None: shown.append(text)))
    return shown


@pytest.fixture
def ctx(db, admin):
    return AppContext(db, admin, WorkstationSettings())


@pytest.fixture
def second(db, admin):
    return make_user(db, admin, "konselor2", Role.COUNSELOR)


def manager_of(db, admission_id: int) -> int | None:
    with db.read() as session:
        return session.get(Admission, admission_id).case_manager_id


def open_file(qtbot, ctx, resident_id) -> ResidentFileDialog:
    dialog = ResidentFileDialog.show_for(ctx, resident_id)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.file is not None, timeout=10_000)
    return dialog


def choose(combo, user_id: int) -> None:
    index = combo.findData(user_id)
    assert index >= 0, "the user is not offered"
    combo.setCurrentIndex(index)


def ok_button(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)


def test_stays_tab_changes_the_case_manager(qtbot, ctx, db, counselor, second, errors, monkeypatch):
    resident_id, stay = admit_resident(db, name="Adi Fiktif", case_manager_id=counselor.id)
    file = open_file(qtbot, ctx, resident_id)
    button = file.stays_tab.reassign_button
    assert not button.isHidden() and button.isEnabled()
    assert button.text() == "Ganti pekerja sosial..."
    opened = []
    monkeypatch.setattr(ReassignDialog, "exec", lambda self: opened.append(self) or 0)
    button.click()
    [dialog] = opened
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.choice.count() > 0, timeout=10_000)
    assert dialog.choice.findData(counselor.id) == -1  # the current one is not offered again
    choose(dialog.choice, second.id)
    dialog.reason.setText("cuti melahirkan")
    ok_button(dialog).click()
    assert dialog.result() == dialog.DialogCode.Accepted and not errors
    assert manager_of(db, stay) == second.id
    qtbot.waitUntil(lambda: file.file.stays[0].case_manager == second.full_name, timeout=10_000)
    assert file.stays_tab.stays_model.row_at(0).case_manager == second.full_name


def test_a_change_made_meanwhile_is_not_overwritten(qtbot, ctx, db, admin, counselor, second, errors):
    resident_id, stay = admit_resident(db, case_manager_id=counselor.id)
    third = make_user(db, admin, "konselor3", Role.COUNSELOR)
    seen = residents.get_file(db, admin, resident_id).stays[0]
    dialog = ReassignDialog(ctx, seen)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.choice.count() > 0, timeout=10_000)
    case_manager.reassign(db, admin, stay, third.id, seen.version)  # another workstation
    choose(dialog.choice, second.id)
    ok_button(dialog).click()
    assert manager_of(db, stay) == third.id
    assert errors and "setelah Anda membukanya" in errors[0]


def test_button_hidden_from_staff_and_from_a_counselor_who_is_not_supervisor(qtbot, db, admin, staff,
                                                                              counselor):
    resident_id, _stay = admit_resident(db, case_manager_id=counselor.id)
    boss = make_user(db, admin, "supervisor1", Role.COUNSELOR, supervisor=True)
    for actor, visible in ((staff, False), (counselor, False), (boss, True)):
        ctx = AppContext(db, actor, WorkstationSettings())
        assert case_manager_dialogs.may_reassign(ctx) is visible
        file = open_file(qtbot, ctx, resident_id)
        assert file.stays_tab.reassign_button.isHidden() is not visible
        file.close()
        settle(qtbot)


def test_admin_hands_over_all_cases_of_a_user(qtbot, ctx, db, admin, counselor, second, errors, monkeypatch):
    stays = [admit_resident(db, name=f"Fiktif {n}", case_manager_id=counselor.id)[1] for n in range(3)]
    users.set_active(db, admin, counselor.id, False)
    tab = admin_users.UsersTab(ctx)
    qtbot.addWidget(tab)
    tab.refresh()
    settle(qtbot)
    assert not tab.handover_button.isEnabled()  # nothing selected yet
    row = next(n for n, u in enumerate(tab.model.rows) if u.id == counselor.id)
    tab.table.selectRow(tab.table.model().mapFromSource(tab.model.index(row, 0)).row())
    assert tab.handover_button.isEnabled() and tab.handover_button.text() == "Alihkan kasus..."
    opened = []
    monkeypatch.setattr(HandoverDialog, "exec", lambda self: opened.append(self) or 0)
    tab.handover_button.click()
    [dialog] = opened
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3 and dialog.choice.count() > 0, timeout=10_000)
    assert "3" in dialog.summary.text() and dialog.choice.findData(counselor.id) == -1
    choose(dialog.choice, second.id)
    ok_button(dialog).click()
    assert not errors and dialog.result_row.moved == 3
    assert [manager_of(db, s) for s in stays] == [second.id] * 3


def test_handover_dialog_with_no_cases_cannot_be_confirmed(qtbot, ctx, db, admin, second):
    row = next(u for u in users.list_users(db, admin) if u.id == second.id)
    dialog = HandoverDialog(ctx, row)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: "tidak" in dialog.summary.text(), timeout=10_000)
    assert not ok_button(dialog).isEnabled()


def test_audit_tab_shows_details_in_words(qtbot, ctx, db, admin, counselor, second):
    _resident_id, stay = admit_resident(db, case_manager_id=counselor.id)
    case_manager.reassign(db, admin, stay, second.id, None, reason="cuti")
    tab = admin_audit.AuditTab(ctx)
    qtbot.addWidget(tab)
    tab.refresh()
    settle(qtbot)
    row = next(r for r in tab.model.rows if r.action == "reassign")
    assert tab.model.headerData(6, Qt.Orientation.Horizontal) == "Rincian"
    shown = tab.model.index(tab.model.rows.index(row), 6).data()
    assert shown.startswith("Manajer kasus: Konselor1 Contoh → Konselor2 Contoh")
    assert "Alasan: cuti" in shown and "case_manager" not in shown
    tip = tab.model.index(tab.model.rows.index(row), 6).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.splitlines()[0] == "Manajer kasus: Konselor1 Contoh → Konselor2 Contoh"
    assert "Alasan: cuti" in tip.splitlines()
