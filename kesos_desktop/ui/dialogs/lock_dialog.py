"""The idle lock: after some minutes without keyboard or mouse, cover every window and ask for
the password again. Nothing is closed, so a half-filled form survives; "Log out" is offered.

``IdleLock`` is an application-wide event filter (installed by the main window); the minutes
come from the workstation settings (``idle_lock_minutes``; 0 switches the lock off).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop import APP_NAME
from kesos_desktop.domain.errors import AuthenticationError, KesosError
from kesos_desktop.i18n import _
from kesos_desktop.services import auth
from kesos_desktop.ui.widgets.form import ERROR_STYLE, Form

UNLOCKED = "unlocked"
LOGOUT = "logout"

INPUT_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
    QEvent.Type.MouseMove, QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.ShortcutOverride,
})


class LockDialog(QDialog):
    """Asks the logged-in user's password; cannot be closed any other way than those two."""

    def __init__(self, ctx, minutes: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.outcome: str | None = None
        self.setWindowTitle(_("{app} is locked").format(app=APP_NAME))
        self.setWindowFlags(
            Qt.WindowType.Dialog | Qt.WindowType.CustomizeWindowHint | Qt.WindowType.WindowTitleHint
        )
        self.setModal(True)
        actor = ctx.actor
        intro = QLabel(_(
            "<h3>Locked</h3><p>Kesos Desktop was not used for {n} minutes and has been locked "
            "to protect residents' data. Your open windows and unsaved work are kept.</p>"
            "<p>Logged in: <b>{name}</b> ({username})</p>"
        ).format(n=minutes, name=actor.full_name, username=actor.username))
        intro.setWordWrap(True)
        form = Form()
        self.password = form.add("password", _("Password"), QLineEdit())
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setObjectName("lock_message")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox()
        self.unlock_button = QPushButton(_("Unlock"))
        self.unlock_button.setDefault(True)
        self.logout_button = QPushButton(_("Log out"))
        self.logout_button.setToolTip(_("Another user can log in; unsaved changes are lost."))
        self.buttons.addButton(self.unlock_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.logout_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.logout_button.clicked.connect(self.log_out)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)
        self.password.setFocus()

    def _show(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self.password.selectAll()
        self.password.setFocus()

    def try_unlock(self) -> None:
        try:
            ok = auth.confirm_password(self.ctx.db, self.ctx.actor, self.password.text())
        except AuthenticationError as error:  # deactivated, or locked out by guessing
            self._show(str(error) + " " + _("Log out to continue."))
            self.unlock_button.setEnabled(False)
            self.password.setEnabled(False)
            return
        except KesosError as error:  # the database cannot be reached: stay locked
            self._show(str(error))
            return
        if not ok:
            self._show(_("Wrong password. Try again, or log out."))
            return
        self.outcome = UNLOCKED
        self.accept()

    def log_out(self) -> None:
        self.outcome = LOGOUT
        self.accept()

    def reject(self) -> None:  # Esc must not unlock
        pass

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt naming
        if self.outcome is None:
            event.ignore()
            return
        super().closeEvent(event)

    @classmethod
    def ask(cls, ctx, minutes: int, parent: QWidget | None = None) -> str:
        dialog = cls(ctx, minutes, parent)
        dialog.exec()
        return dialog.outcome or LOGOUT


class _Cover(QWidget):
    """An opaque sheet over a window while it is locked (keeps the data out of sight)."""

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.setObjectName("idle_cover")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setAutoFillBackground(True)
        self.setStyleSheet("QWidget#idle_cover { background: #e8ecea; }")
        label = QLabel(_("Locked"), self)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setStyleSheet("color: #5f6b66; font-size: 16pt;")
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        self.setGeometry(window.rect())
        window.installEventFilter(self)
        self.show()
        self.raise_()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt naming
        if event.type() == QEvent.Type.Resize:
            self.setGeometry(watched.rect())
        return False


class IdleLock(QObject):
    """Watches input application-wide; after ``idle_lock_minutes`` shows the LockDialog."""

    CHECK_MS = 15_000

    def __init__(self, window, ctx, clock: Callable[[], float] = time.monotonic):
        super().__init__(window)
        self.window, self.ctx, self.clock = window, ctx, clock
        self.last_input = clock()
        self.locked = False
        self.covers: list[_Cover] = []
        QApplication.instance().installEventFilter(self)
        self.timer = QTimer(self)
        self.timer.setInterval(self.CHECK_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    @property
    def minutes(self) -> int:
        return int(getattr(self.ctx.settings, "idle_lock_minutes", 0) or 0)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt naming
        if not self.locked and event.type() in INPUT_EVENTS:
            self.last_input = self.clock()
        return False

    def idle_seconds(self) -> float:
        return self.clock() - self.last_input

    def check(self) -> None:
        if self.locked or self.minutes <= 0 or not self.window.isVisible():
            return  # a closed window (logged out, or closing) has nothing left to protect
        if self.idle_seconds() >= self.minutes * 60:
            self.lock()

    def lock(self) -> str:
        """Cover the windows, ask, and either unlock or log out."""
        self.locked = True
        try:
            for widget in QApplication.topLevelWidgets():
                if widget.isVisible() and not isinstance(widget, LockDialog | _Cover):
                    self.covers.append(_Cover(widget))
            outcome = LockDialog.ask(self.ctx, self.minutes, self.window)
        finally:
            for cover in self.covers:
                cover.deleteLater()
            self.covers.clear()
            self.locked = False
            self.last_input = self.clock()
        if outcome == LOGOUT:
            for widget in QApplication.topLevelWidgets():
                if isinstance(widget, QDialog) and widget.isVisible():
                    widget.reject()  # an open form's changes go with the logout, as the button says
            self.window.logout()
        return outcome
