"""The whole way in: first-run setup, login, then every page of the main window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QDialogButtonBox

from kesos_desktop import app as kesos_app
from kesos_desktop.domain.enums import Role
from kesos_desktop.services import auth
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.dialogs.login_dialog import LoginDialog
from kesos_desktop.ui.dialogs.setup_dialog import SetupDialog
from kesos_desktop.ui.main_window import MainWindow
from kesos_desktop.ui.pages.registry import PAGES
from tests.conftest import PASSWORD, make_user


def settle(qtbot) -> None:
    for _ in range(5):
        QThreadPool.globalInstance().waitForDone(10_000)
        qtbot.wait(20)


def test_first_run_setup_then_login(qtbot, db):
    dialog = SetupDialog(db)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "Panti Sosial Uji Coba")
    qtbot.keyClicks(dialog.username, "kepala")
    qtbot.keyClicks(dialog.full_name, "Kepala Uji Coba")
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClicks(dialog.password2, "something-else-1")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.admin.error_text("admin_password2")  # mismatch is shown under the field
    assert auth.needs_setup(db)  # and nothing was written

    dialog.password2.clear()
    qtbot.keyClicks(dialog.password2, PASSWORD)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.actor is not None and dialog.actor.role == Role.ADMIN
    assert not auth.needs_setup(db)

    login = LoginDialog(db, "Panti Sosial Uji Coba")
    qtbot.addWidget(login)
    login.show()
    qtbot.waitExposed(login)
    qtbot.keyClicks(login.username, "kepala")
    qtbot.keyClicks(login.password, "salah-sandi-1")
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    assert login.actor is None
    assert "salah" in login.message.text()
    login.password.clear()
    qtbot.keyClicks(login.password, PASSWORD)
    qtbot.keyClick(login.password, Qt.Key.Key_Return)
    assert login.actor is not None and login.actor.username == "kepala"


def test_setup_dialog_shows_field_messages(qtbot, db):
    dialog = SetupDialog(db)
    qtbot.addWidget(dialog)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert dialog.facility.error_text("facility_name")
    assert dialog.admin.error_text("admin_username")
    assert dialog.result() == 0


@pytest.mark.parametrize("role", [Role.ADMIN, Role.STAFF, Role.COUNSELOR])
def test_every_page_opens_for_every_role(qtbot, db, admin, role):
    actor = admin if role == Role.ADMIN else make_user(db, admin, f"user_{role.value}", role)
    window = MainWindow(AppContext(db, actor, WorkstationSettings()))
    qtbot.addWidget(window)
    window.show()
    visible = [spec.key for spec in window.specs]
    assert visible == [spec.key for spec in PAGES if spec.visible_to(actor)]
    assert "dashboard" in visible
    assert ("admin" in visible) == (role == Role.ADMIN)
    for key in visible:
        page = window.show_page(key)
        settle(qtbot)
        assert page is not None and window.current_page() is page
        assert page.isVisible()
    from PySide6.QtWidgets import QLabel

    assert actor.full_name in window.statusBar().findChild(QLabel, "status_user").text()


def test_headless_screenshot_of_the_logged_in_window(tmp_path, db_url, admin, monkeypatch, qapp):
    out = tmp_path / "shot.png"
    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)
    code = kesos_app.main(
        ["--database-url", db_url, "--screenshot", str(out), "--user", "admin", "--page", "admin"]
    )
    assert code == 0
    assert out.exists() and out.stat().st_size > 10_000


def test_headless_screenshot_on_empty_database_shows_setup(tmp_path, qapp):
    out = tmp_path / "setup.png"
    code = kesos_app.main(["--data-dir", str(tmp_path / "fresh"), "--screenshot", str(out)])
    assert code == 0 and out.exists()
    assert (tmp_path / "fresh" / "kesos.db").exists()  # created and migrated
