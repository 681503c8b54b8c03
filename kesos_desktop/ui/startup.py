"""From an open QApplication to a logged-in main window: migrate, set up, log in, show.

Also the headless ``--screenshot`` mode that reviews and tests use.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import logging
import os
import threading
from pathlib import Path

from PySide6.QtCore import QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.errors import KesosError
from kesos_desktop.i18n import _
from kesos_desktop.services import auth, connection, encryption, facility, session_setup
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.widgets.messages import Messages, error_text

DEMO_RESIDENTS_DEFAULT = 400  # enough to look real, generated in a few seconds
log = logging.getLogger(__name__)


def _warm_up() -> None:
    """Import the main window and its first page, and load the date locale, off the GUI thread.

    Runs while the login dialog waits for the user (or, for a screenshot, while the password
    hash is checked: argon2 releases the interpreter lock), so that the window builds at once.
    Only imports: no widget is made here."""
    try:
        from datetime import date

        from kesos_desktop.i18n import format_date
        from kesos_desktop.ui.pages.registry import PAGES

        importlib.import_module("kesos_desktop.ui.main_window")
        importlib.import_module(PAGES[0].module)
        format_date(date.today())
    except Exception:  # noqa: BLE001 - the GUI thread imports again and reports properly
        log.exception("warming up the main window failed")


def settle(app: QApplication, rounds: int = 6) -> None:
    """Let background loads finish and their results paint (for screenshots and tests)."""
    for _round in range(rounds):
        QThreadPool.globalInstance().waitForDone(10_000)
        app.processEvents()


def grab(widget: QWidget, path: str, size: str) -> None:
    width, height = (int(v) for v in size.lower().split("x"))
    widget.resize(width, height)
    widget.show()
    settle(QApplication.instance())
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    if not widget.grab().save(path):
        raise OSError(f"could not write {path}")


class Startup:
    def __init__(self, app: QApplication, args, settings, url: str, early_login=None,
                 freeze_gc: bool = False):
        self.app, self.args, self.settings, self.url = app, args, settings, url
        self.window = None
        self.early_login = early_login  # a LoginDialog already on screen (app.early_login)
        self._warm: threading.Thread | None = None
        self._freeze_gc = freeze_gc  # see app.freeze_loaded_objects

    def _start_warm_up(self) -> None:
        """Once, when the login is under way (not earlier: it would slow the dialog down)."""
        if self._warm is None:
            self._warm = threading.Thread(target=_warm_up, name="warm-up", daemon=True)
            self._warm.start()

    def _open(self):
        """Open (and migrate) the database; for a server, find or ask for its password."""
        url, message = self.url, ""
        if encryption.needs_passphrase(url):
            return self._open_encrypted(url)
        if not connection.needs_password(url):
            return session_setup.open_database(url)
        address = connection.address_of(url)
        password = os.environ.get("KESOS_DB_PASSWORD") or connection.remembered_password(address)
        if password is None:  # the server may not need one (trust, .pgpass, certificates)
            try:
                return session_setup.open_database(url)
            except KesosError as error:
                if not connection.is_authentication_failure(error):
                    raise
        for _attempt in range(3):
            if password is None:
                if self.args.screenshot:
                    raise KesosError(_("Set KESOS_DB_PASSWORD for the database server."))
                from kesos_desktop.ui.dialogs.server_dialog import ServerPasswordDialog

                password = ServerPasswordDialog.ask(address, message)
                if password is None:
                    return None
            try:
                return session_setup.open_database(connection.with_password(url, password))
            except KesosError as error:
                if not connection.is_authentication_failure(error):
                    raise
                message, password = _("The server refused this password."), None
        raise KesosError(_("The server refused the password three times."))

    def _open_encrypted(self, url: str):
        """An encrypted file: the passphrase from KESOS_DB_PASSPHRASE or the dialog, before login."""
        given = os.environ.get(encryption.PASSPHRASE_ENV)
        if given is not None:
            unlocked = encryption.unlock(url, given)  # wrong: a plain refusal via _fail
        elif self.args.screenshot:
            from kesos_desktop.ui.dialogs.passphrase_dialog import PassphraseDialog

            grab(PassphraseDialog(url), self.args.screenshot, "520x200")
            return None
        else:
            from kesos_desktop.ui.dialogs.passphrase_dialog import PassphraseDialog

            unlocked = PassphraseDialog.ask(url)
            if unlocked is None:
                return None
        self._remember_encrypted(True)
        return session_setup.open_database(unlocked)

    def _remember_encrypted(self, encrypted: bool) -> None:
        """Settings record only that the database is encrypted (never the passphrase)."""
        if self.settings.database_encrypted != encrypted:
            self.settings.database_encrypted = encrypted
            self.settings.save()

    def run(self) -> int:
        if self.args.screenshot:  # no dialog to keep responsive: overlap the opening too
            self._start_warm_up()
        try:
            db = self._open()
        except KesosError as error:
            return self._fail(str(error))
        except Exception as error:  # noqa: BLE001 - a clear message instead of a traceback
            return self._fail(error_text(error))
        if db is None:
            self._drop_early_login()
            return 0
        try:
            if self.args.demo and auth.needs_setup(db):
                self._make_demo(db)
            if auth.needs_setup(db):
                db, actor = self._first_run(db)
                if actor is None:
                    return 0
            else:
                actor = None
            while True:
                actor = actor or self._login(db)
                if actor is None:
                    return 0
                logout = self._main_window(db, actor)
                if self.args.screenshot or not logout:
                    return 0
                actor = None
        finally:
            self._drop_early_login()
            db.dispose()

    def _drop_early_login(self) -> None:
        """The early login dialog is not wanted (setup, an error) or has been used."""
        if self.early_login is not None:
            self.early_login.hide()
            self.early_login.deleteLater()
            self.early_login = None

    def _fail(self, message: str) -> int:
        self._drop_early_login()
        if self.args.screenshot:
            print(message, flush=True)
        else:
            Messages.error(None, message, _("Cannot open the database"))
        return 1

    def _make_demo(self, db) -> None:
        from kesos_desktop.services import demo

        demo.generate(db, residents=DEMO_RESIDENTS_DEFAULT)

    def _first_run(self, db) -> tuple[object, Actor | None]:
        """The setup dialog; it may hand back a new (encrypted) database in place of ``db``."""
        from kesos_desktop.ui.dialogs.setup_dialog import SetupDialog

        self._drop_early_login()
        if self.args.screenshot:
            grab(SetupDialog(db), self.args.screenshot, "920x480")
            return db, None
        db, actor, encrypted = SetupDialog.ask_setup(db)
        if encrypted:
            self._remember_encrypted(True)
        return db, actor

    def _login(self, db) -> Actor | None:
        if self.args.screenshot:
            username = self.args.user or "admin"
            password = os.environ.get("KESOS_PASSWORD") or ("demo" if self.args.demo else "")
            self._start_warm_up()
            try:
                return auth.login(db, username, password)
            except KesosError as error:
                print(_("Screenshot login failed: {error}").format(error=error), flush=True)
                return None
        from kesos_desktop.ui.dialogs.login_dialog import LoginDialog

        QTimer.singleShot(0, self._start_warm_up)  # once the dialog is up, while the user types
        if self.early_login is not None:
            actor = LoginDialog.resume(self.early_login, db, facility.facility_name(db))
            self._drop_early_login()
        else:
            actor = LoginDialog.ask(db, facility.facility_name(db), self.args.demo,
                                    self.settings.last_username)
        if actor is not None:
            self.settings.last_username = actor.username
            self.settings.save()
            if auth.must_change_password(db, actor) and not self._choose_own_password(db, actor):
                return self._login(db)
        return actor

    def _choose_own_password(self, db, actor: Actor) -> bool:
        """A new or reset password must be replaced before work starts."""
        from types import SimpleNamespace

        from kesos_desktop.ui.dialogs.password_dialog import ChangePasswordDialog

        Messages.info(None, _(
            "Your password was set by an administrator. Choose your own password now; "
            "the current one is the one you just typed."), _("Choose your own password"))
        if ChangePasswordDialog.ask(SimpleNamespace(db=db, actor=actor)):
            return True
        Messages.error(None, _("You must choose your own password before using Kesos Desktop."))
        return False

    def _main_window(self, db, actor: Actor) -> bool:
        """Show the main window until it closes; True when the user logged out."""
        if self._warm is not None:
            self._warm.join()
        from kesos_desktop.ui.main_window import MainWindow

        if self._freeze_gc:  # once: later windows (after a log-out) must stay collectable
            gc.freeze()
            self._freeze_gc = False
        ctx = AppContext(db, actor, self.settings, demo=self.args.demo)
        window = MainWindow(ctx)
        self.window = window
        logged_out = []
        window.logout_requested.connect(lambda: logged_out.append(True))
        if self.args.screenshot:
            if self.args.page:
                window.show_page(self.args.page)
            grab(window, self.args.screenshot, self.args.size)
            window.close()
            return False
        window.show()
        self.app.exec()
        window.auto_backup.back_up_on_close()  # off the GUI thread, with progress
        if not window.auto_backup.restored:
            with contextlib.suppress(KesosError):
                auth.logout(db, actor)
        return bool(logged_out)

