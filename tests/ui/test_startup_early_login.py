"""The login dialog comes first: it is on screen while the database layer loads and opens.

Only for an existing, unencrypted SQLite file; otherwise the passphrase, the server password or
the first-run setup come first, as before.
"""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from kesos_desktop import app as kesos_app
from kesos_desktop.services import session_setup
from kesos_desktop.ui.dialogs.login_dialog import LoginDialog
from kesos_desktop.ui.startup import Startup
from tests.conftest import PASSWORD


def test_only_an_existing_plain_sqlite_file_gets_the_early_dialog(tmp_path):
    plain = tmp_path / "plain.db"
    sqlite3.connect(plain).execute("CREATE TABLE t (x)").connection.close()
    scrambled = tmp_path / "encrypted.db"
    scrambled.write_bytes(bytes(range(256)) * 16)  # what SQLCipher leaves: no SQLite header

    assert kesos_app.plain_sqlite_file(f"sqlite:///{plain}") == str(plain)
    assert kesos_app.plain_sqlite_file(f"sqlite:///{scrambled}") is None
    assert kesos_app.plain_sqlite_file(f"sqlite:///{tmp_path / 'missing.db'}") is None
    assert kesos_app.plain_sqlite_file(f"sqlite+pysqlcipher://:key@/{plain}") is None
    assert kesos_app.plain_sqlite_file("postgresql+psycopg://kesos@localhost/kesos") is None


def test_log_in_pressed_before_the_database_is_open_is_carried_out(qtbot, db, admin):
    dialog = LoginDialog(None, "", username="admin")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.password, PASSWORD)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.actor is None and dialog.pending
    assert dialog.message.isVisible() and dialog.message.text()

    actor = LoginDialog.resume(dialog, db, "Panti Sosial Uji Coba")
    assert actor is not None and actor.username == "admin"
    assert "Panti Sosial Uji Coba" in dialog.title.text()


def test_a_wrong_password_typed_early_is_refused_after_opening(qtbot, db, admin, monkeypatch):
    dialog = LoginDialog(None, "", username="admin")
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.password, "salah-sandi-1")
    dialog.try_login()
    shown = []
    monkeypatch.setattr(LoginDialog, "exec", lambda self: shown.append(self.message.text())
                        or QDialog.DialogCode.Rejected)

    assert LoginDialog.resume(dialog, db, "Panti") is None
    assert shown and shown[0]  # the refusal is on the dialog the user goes on with


def test_cancelled_while_loading_ends_without_logging_in(qtbot, db, admin, monkeypatch):
    dialog = LoginDialog(None, "")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reject()
    monkeypatch.setattr(LoginDialog, "exec", lambda self: pytest.fail("asked again"))
    assert LoginDialog.resume(dialog, db, "Panti") is None


def test_start_up_shows_the_login_before_opening_the_database(db_url, admin, monkeypatch, qapp):
    """The whole start on a real database: the dialog is visible when the opening starts (on
    SQLite), the typed login then goes through, and the main window gets the user."""
    visible_at_open = []
    real_open = session_setup.open_database

    def open_database(url):
        visible_at_open.append(any(isinstance(w, LoginDialog) and w.isVisible()
                                   for w in QApplication.topLevelWidgets()))
        return real_open(url)

    def type_and_log_in(self):
        self.username.setText("admin")
        self.password.setText(PASSWORD)
        self.try_login()
        return self.result()

    logged_in = []
    monkeypatch.setattr(session_setup, "open_database", open_database)
    monkeypatch.setattr(LoginDialog, "exec", type_and_log_in)
    monkeypatch.setattr(Startup, "_main_window", lambda self, db, actor: logged_in.append(actor))

    assert kesos_app.main(["--database-url", db_url]) == 0
    assert visible_at_open == [db_url.startswith("sqlite")]  # a server opens first, as before
    assert [actor.username for actor in logged_in] == ["admin"]
    assert not [w for w in QApplication.topLevelWidgets()
                if isinstance(w, LoginDialog) and w.isVisible()]
