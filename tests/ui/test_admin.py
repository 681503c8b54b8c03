"""Admin tabs (Pengguna, Log Audit, Cadangan), the idle lock, the close backup, and the
must-change-password prompt after login, driven through real widgets."""

from __future__ import annotations

import sqlite3
from argparse import Namespace

import pytest
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit

from kesos_desktop import paths
from kesos_desktop.domain.enums import Role
from kesos_desktop.domain.errors import AuthenticationError
from kesos_desktop.services import auth, backup, users
from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui import startup as startup_module
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.dialogs import lock_dialog
from kesos_desktop.ui.dialogs.lock_dialog import LOGOUT, UNLOCKED, LockDialog
from kesos_desktop.ui.main_window import MainWindow
from kesos_desktop.ui.pages import admin_audit, admin_backup, admin_users
from kesos_desktop.ui.pages.admin import AdminPage
from kesos_desktop.ui.widgets.messages import Messages
from tests.conftest import PASSWORD


def settle(qtbot) -> None:
    for _ in range(6):
        QThreadPool.globalInstance().waitForDone(10_000)
        qtbot.wait(20)


@pytest.fixture(autouse=True)
def _drain_background_work(qtbot, db):
    """Page loads still running when a test ends must finish before its database is dropped
    (PostgreSQL drops it with the connections: the load would fail into a message box)."""
    yield
    settle(qtbot)


@pytest.fixture
def ctx(db, admin):
    return AppContext(db, admin, WorkstationSettings())


@pytest.fixture
def answers(monkeypatch):
    """Every message box answered without a modal loop; what was shown is recorded."""
    shown = {"info": [], "error": [], "confirm": []}
    monkeypatch.setattr(Messages, "info", staticmethod(lambda p, text, title=None: shown["info"].append(text)))
    monkeypatch.setattr(Messages, "error", staticmethod(lambda p, text, title=None: shown["error"].append(text)))

    def confirm(parent, text, title=None):
        shown["confirm"].append(text)
        return True

    monkeypatch.setattr(Messages, "confirm", staticmethod(confirm))
    return shown


def _select(tab, username: str) -> None:
    for row, user in enumerate(tab.model.rows):
        if user.username == username:
            proxy_row = tab.table.model().mapFromSource(tab.model.index(row, 0)).row()
            tab.table.selectRow(proxy_row)
            return
    raise AssertionError(username)


def test_admin_page_has_the_four_tabs(qtbot, ctx):
    page = AdminPage(ctx)
    qtbot.addWidget(page)
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert len(titles) == 5 and titles[1:] == ["Pengguna", "Log Audit", "Cadangan", "Retensi data"]


# ------------------------------------------------------------------------------ users


def test_users_tab_create_edit_reset_unlock_role(qtbot, ctx, db, answers, monkeypatch):
    tab = admin_users.UsersTab(ctx)
    qtbot.addWidget(tab)
    tab.refresh()
    settle(qtbot)
    assert not tab.edit_button.isEnabled()  # nothing selected yet

    dialog = admin_users.NewUserDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.username, "budi")
    qtbot.keyClicks(dialog.full_name, "Budi Santoso")
    qtbot.keyClicks(dialog.password, "pendek")
    dialog.save()
    assert dialog.form.error_text("password")  # the policy, under the field
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, "Kuat-Sekali-9")
    dialog.save()
    assert dialog.created is not None and dialog.created.username == "budi"

    tab.refresh()
    settle(qtbot)
    _select(tab, "budi")
    assert tab.edit_button.isEnabled() and not tab.unlock_button.isEnabled()

    detail = users.get_user(db, ctx.actor, dialog.created.id)
    edit = admin_users.EditUserDialog(ctx, detail)
    qtbot.addWidget(edit)
    assert not edit.supervisor.isEnabled()  # only counselors supervise notes
    edit.full_name.setText("Budi Santoso, S.Sos")
    edit.save()
    assert edit.saved and users.get_user(db, ctx.actor, detail.id).full_name == "Budi Santoso, S.Sos"

    for _ in range(auth.MAX_FAILED_LOGINS):
        with pytest.raises(AuthenticationError):
            auth.login(db, "budi", "Salah-Sekali-1")
    tab.refresh()
    settle(qtbot)
    _select(tab, "budi")
    assert tab.unlock_button.isEnabled()
    tab.unlock()
    settle(qtbot)
    assert auth.login(db, "budi", "Kuat-Sekali-9").username == "budi"

    _select(tab, "budi")
    reset = admin_users.ResetPasswordDialog(ctx, tab.selected())
    qtbot.addWidget(reset)
    reset.password.setText("Sementara-123")
    reset.again.setText("Sementara-124")
    reset.save()
    assert reset.form.error_text("again") and reset.result() == 0
    reset.again.setText("Sementara-123")
    reset.save()
    assert reset.result() == QDialog.DialogCode.Accepted
    assert auth.must_change_password(db, auth.login(db, "budi", "Sementara-123"))

    monkeypatch.setattr(admin_users.UsersTab, "choose_role", classmethod(lambda cls, p, u: Role.COUNSELOR))
    _select(tab, "budi")
    tab.change_role()
    settle(qtbot)
    _select(tab, "budi")
    tab.toggle_active()
    settle(qtbot)
    row = next(u for u in tab.model.rows if u.username == "budi")
    assert row.role == Role.COUNSELOR and not row.active
    assert "Budi" in answers["confirm"][-1]
    _select(tab, "budi")
    assert tab.toggle_button.text() == "Aktifkan"


def test_cannot_deactivate_yourself_shows_a_message(qtbot, ctx, answers):
    tab = admin_users.UsersTab(ctx)
    qtbot.addWidget(tab)
    tab.refresh()
    settle(qtbot)
    _select(tab, "admin")
    tab.toggle_active()
    assert answers["error"] and "sendiri" in answers["error"][-1]


# ------------------------------------------------------------------------------ audit


def test_audit_tab_lists_filters_pages_and_verifies(qtbot, ctx, db, admin, answers, monkeypatch):
    monkeypatch.setattr(admin_audit, "PAGE_SIZE", 5)
    for _ in range(7):
        auth.login(db, "admin", PASSWORD)
    tab = admin_audit.AuditTab(ctx)
    qtbot.addWidget(tab)
    tab.show()
    tab.refresh()
    settle(qtbot)
    assert len(tab.model.rows) == 5 and tab.next_button.isEnabled() and not tab.prev_button.isEnabled()
    assert "dari" in tab.count.text()
    tab.next_button.click()
    settle(qtbot)
    assert tab.offset == 5 and tab.prev_button.isEnabled()
    tab.action.setCurrentIndex(tab.action.findData("login"))
    tab.apply_filters()
    settle(qtbot)
    assert {r.action for r in tab.model.rows} == {"login"} and tab.total == 7

    tab.verify()
    settle(qtbot)
    assert "utuh" in tab.verdict.text() and not answers["error"]

    monkeypatch.setattr(admin_audit.AuditTab, "choose_path", classmethod(lambda cls, p: str(paths.data_dir() / "audit.xlsx")))
    tab.export()
    settle(qtbot)
    assert (paths.data_dir() / "audit.xlsx").exists()


@pytest.mark.sqlite_only
def test_audit_tab_shows_tampering(qtbot, ctx, db, admin, answers):
    db.dispose()
    conn = sqlite3.connect(db.sqlite_path)
    conn.execute("DROP TRIGGER audit_log_no_delete")
    conn.execute("DELETE FROM audit_log WHERE id = 1")
    conn.commit()
    conn.close()
    tab = admin_audit.AuditTab(ctx)
    qtbot.addWidget(tab)
    tab.verify()
    settle(qtbot)
    assert answers["error"] and "2" in answers["error"][-1]
    assert "#b3261e" in tab.verdict.styleSheet()


def test_staff_cannot_see_the_audit_tab(qtbot, db, staff):
    page = AdminPage(AppContext(db, staff, WorkstationSettings()))
    qtbot.addWidget(page)
    titles = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert "Log Audit" not in titles and "Pengguna" not in titles


# ----------------------------------------------------------------------------- backup


@pytest.mark.sqlite_only
def test_backup_tab_backs_up_and_restores(qtbot, ctx, db, admin, answers):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    page = window.show_page("admin")
    tab = next(w for w in page.tab_widgets if isinstance(w, admin_backup.BackupTab))
    page.tabs.setCurrentWidget(tab)
    settle(qtbot)
    assert tab.model.rows == [] and "Belum ada" in tab.count.text()
    tab.back_up_now()
    settle(qtbot)
    assert len(tab.model.rows) == 1 and tab.model.rows[0].path.parent == paths.backup_dir()
    assert "1 cadangan" in tab.count.text()
    tab.keep.setValue(5)
    tab.save_keep()
    assert backup.get_keep(db, admin) == 5

    users.create_user(db, admin, users.NewUser("sesudah", "Sesudah", Role.STAFF, "Kuat-Sekali-9"))
    tab.table.selectRow(0)
    assert tab.restore_button.isEnabled()
    tab.restore_selected()
    settle(qtbot)
    assert "dicadangkan" in answers["confirm"][-1]
    assert answers["info"] and "mulai lagi" in answers["info"][-1].lower()
    assert window.auto_backup.restored and not window.isVisible()
    assert "sesudah" not in {u.username for u in users.list_users(db, admin)}
    window.auto_backup.back_up_on_close()  # after a restore: no close backup
    assert len(list(paths.backup_dir().glob("kesos-*.db"))) == 1


@pytest.mark.sqlite_only
def test_backup_tab_refuses_a_bad_file(qtbot, ctx, tmp_path, answers, monkeypatch):
    junk = tmp_path / "bukan.db"
    junk.write_text("bukan cadangan", encoding="utf-8")
    monkeypatch.setattr(admin_backup.BackupTab, "choose_file", classmethod(lambda cls, p: str(junk)))
    tab = admin_backup.BackupTab(ctx)
    qtbot.addWidget(tab)
    tab.restore_from_file()
    assert answers["error"] and "SQLite" in answers["error"][-1]
    assert not answers["confirm"]


@pytest.mark.postgres_only
def test_backup_tab_on_postgres_explains(qtbot, ctx):
    tab = admin_backup.BackupTab(ctx)
    qtbot.addWidget(tab)
    assert "pg_dump" in tab.intro.text() and not tab.backup_button.isEnabled()


@pytest.mark.sqlite_only
def test_close_backup_runs_only_when_something_changed(qtbot, ctx, db, admin):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.auto_backup.back_up_on_close()
    assert len(list(paths.backup_dir().glob("kesos-*.db"))) == 1
    window.auto_backup.back_up_on_close()  # nothing changed since
    assert len(list(paths.backup_dir().glob("kesos-*.db"))) == 1
    window.auto_backup.daily()  # less than a day old: nothing
    settle(qtbot)
    assert len(list(paths.backup_dir().glob("kesos-*.db"))) == 1
    window.auto_backup.restored = True
    users.create_user(db, admin, users.NewUser("baru1", "Baru", Role.STAFF, "Kuat-Sekali-9"))
    window.auto_backup.back_up_on_close()
    assert len(list(paths.backup_dir().glob("kesos-*.db"))) == 1


# --------------------------------------------------------------------------- idle lock


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_idle_lock_covers_asks_and_keeps_open_work(qtbot, ctx, monkeypatch):
    ctx.settings.idle_lock_minutes = 2
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    clock = FakeClock()
    window.idle_lock.clock = clock
    window.idle_lock.last_input = clock.now
    form = admin_users.NewUserDialog(ctx, window)  # half-filled, not saved
    qtbot.addWidget(form)
    form.show()
    qtbot.keyClicks(form.full_name, "Belum Disimpan")
    clock.now += 60
    window.idle_lock.check()
    assert not window.idle_lock.locked  # one minute is not two
    asked = []

    def ask(cls, ctx_, minutes, parent=None):
        covered = [w for w in (window, form) if w.findChild(lock_dialog._Cover)]
        asked.append((minutes, len(covered)))
        return UNLOCKED

    monkeypatch.setattr(LockDialog, "ask", classmethod(ask))
    clock.now += 61
    window.idle_lock.check()
    assert asked == [(2, 2)]  # both windows hidden behind a cover while locked
    qtbot.wait(10)
    assert form.isVisible() and form.full_name.text() == "Belum Disimpan"
    assert window.isVisible() and not window.idle_lock.locked
    window.idle_lock.check()
    assert len(asked) == 1  # the clock restarted at the unlock
    qtbot.keyClick(form.full_name, "x")  # typing counts as activity
    assert window.idle_lock.idle_seconds() == 0


def test_idle_lock_logout(qtbot, ctx, monkeypatch):
    ctx.settings.idle_lock_minutes = 1
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    clock = FakeClock()
    window.idle_lock.clock = clock
    window.idle_lock.last_input = clock.now - 61
    monkeypatch.setattr(LockDialog, "ask", classmethod(lambda cls, c, m, p=None: LOGOUT))
    with qtbot.waitSignal(window.logout_requested, timeout=1000):
        window.idle_lock.check()
    assert not window.isVisible()


def test_idle_lock_leaves_a_closed_window_alone(qtbot, ctx, monkeypatch):
    """A window closed (logged out) but not yet deleted must never pop up a lock."""
    ctx.settings.idle_lock_minutes = 1
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.close()
    window.idle_lock.last_input -= 10_000
    monkeypatch.setattr(LockDialog, "ask", classmethod(lambda *a: pytest.fail("locked")))
    window.idle_lock.check()


def test_idle_lock_switched_off(qtbot, ctx, monkeypatch):
    ctx.settings.idle_lock_minutes = 0
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.show()
    window.idle_lock.last_input -= 10_000
    monkeypatch.setattr(LockDialog, "ask", classmethod(lambda *a: pytest.fail("locked")))
    window.idle_lock.check()


def test_lock_dialog_checks_the_password(qtbot, ctx, db, admin, staff):
    dialog = LockDialog(ctx, 15)
    qtbot.addWidget(dialog)
    dialog.reject()  # Esc does not unlock
    assert dialog.outcome is None
    dialog.password.setText("Salah-Sekali-1")
    dialog.unlock_button.click()
    assert dialog.outcome is None and "salah" in dialog.message.text().lower()
    dialog.password.setText(PASSWORD)
    dialog.unlock_button.click()
    assert dialog.outcome == UNLOCKED

    users.set_active(db, admin, staff.id, False)  # deactivated meanwhile, elsewhere
    locked_out = LockDialog(AppContext(db, staff, WorkstationSettings()), 15)
    qtbot.addWidget(locked_out)
    locked_out.password.setText(PASSWORD)
    locked_out.unlock_button.click()
    assert locked_out.outcome is None and not locked_out.unlock_button.isEnabled()
    assert "nonaktif" in locked_out.message.text().lower()
    locked_out.logout_button.click()
    assert locked_out.outcome == LOGOUT


# ---------------------------------------------------------------------- must change


def test_must_change_password_after_login(qtbot, db, admin, staff, monkeypatch, answers):
    from kesos_desktop.ui.dialogs import login_dialog, password_dialog

    monkeypatch.setattr(login_dialog.LoginDialog, "ask", classmethod(lambda cls, *a, **k: staff))
    changed = []

    def change(cls, ctx, parent=None):
        changed.append(ctx.actor.username)
        auth.change_own_password(ctx.db, ctx.actor, PASSWORD, "Pilihan-Saya-4")
        return True

    monkeypatch.setattr(password_dialog.ChangePasswordDialog, "ask", classmethod(change))
    args = Namespace(screenshot=None, demo=False, user=None, page=None, size="1366x768")
    start = startup_module.Startup(None, args, WorkstationSettings(), db.url)
    assert start._login(db) == staff
    assert changed == ["petugas1"] and answers["info"]
    assert not auth.must_change_password(db, staff)
    # the next login goes straight in
    assert start._login(db) == staff and changed == ["petugas1"]


def test_refusing_to_choose_a_password_goes_back_to_login(qtbot, db, admin, staff, monkeypatch, answers):
    from kesos_desktop.ui.dialogs import login_dialog, password_dialog

    logins = iter([staff, None])
    monkeypatch.setattr(login_dialog.LoginDialog, "ask", classmethod(lambda cls, *a, **k: next(logins)))
    monkeypatch.setattr(password_dialog.ChangePasswordDialog, "ask", classmethod(lambda cls, c, p=None: False))
    args = Namespace(screenshot=None, demo=False, user=None, page=None, size="1366x768")
    start = startup_module.Startup(None, args, WorkstationSettings(), db.url)
    assert start._login(db) is None
    assert answers["error"] and "sendiri" in answers["error"][-1]


def test_password_dialog_fields(qtbot, ctx):
    from kesos_desktop.ui.dialogs.password_dialog import ChangePasswordDialog

    dialog = ChangePasswordDialog(ctx)
    qtbot.addWidget(dialog)
    assert all(e.echoMode() == QLineEdit.EchoMode.Password for e in (dialog.old, dialog.new, dialog.again))
    assert dialog.findChild(QDialogButtonBox) is not None


@pytest.mark.sqlite_only
def test_every_role_can_back_up_to_a_usb_stick_from_the_file_menu(qtbot, db, staff, tmp_path, monkeypatch):
    ctx = AppContext(db, staff, WorkstationSettings())
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    usb = tmp_path / "usb"
    monkeypatch.setattr(admin_backup.BackupTab, "choose_folder", classmethod(lambda cls, p: str(usb)))
    file_menu = window.menuBar().actions()[0].menu()
    action = next(a for a in file_menu.actions() if "flashdisk" in a.text())
    action.trigger()
    settle(qtbot)
    assert len(list(usb.glob("kesos-*.db"))) == 1
