"""Before the login: the passphrase that unlocks an encrypted database file.

The dialog checks the passphrase itself (off the GUI thread: SQLCipher's key derivation takes
about half a second on purpose) and stays open after a wrong one with a plain refusal, so the
user simply tries again. Cancel quits without opening anything.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop import APP_NAME
from kesos_desktop.i18n import _
from kesos_desktop.services import encryption
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.form import ERROR_STYLE
from kesos_desktop.ui.widgets.messages import error_text


def _try_unlock(unlock, target: str, passphrase: str) -> tuple[str | None, str]:
    """(unlocked URL, "") or (None, the refusal): a wrong passphrase is an answer, not a failure
    (a failed background task is logged with its traceback)."""
    try:
        return unlock(target, passphrase), ""
    except encryption.WrongPassphrase as error:
        return None, str(error)


class PassphraseDialog(QDialog):
    def __init__(self, url: str, parent: QWidget | None = None, *, backup_file: str = ""):
        super().__init__(parent)
        self.url = url
        # For an encrypted backup made under another passphrase: check against that file.
        self.target, self.unlock = (backup_file, encryption.unlock_backup) if backup_file else \
            (url, encryption.unlock)
        self.unlocked_url: str | None = None
        self.attempts = 0
        self.setWindowTitle(_("{app}: encrypted database").format(app=APP_NAME))
        intro = QLabel(_(
            "This backup is encrypted with another passphrase than the database's. Enter the "
            "passphrase in use when it was made (its recovery sheet).") if backup_file else _(
            "The database is encrypted. Enter its passphrase to open it. The head of the facility "
            "keeps it on the recovery sheet."))
        intro.setWordWrap(True)
        file_label = QLabel(backup_file or encryption.database_file(url) or "")
        file_label.setStyleSheet("color: palette(mid);")
        file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        file_label.setWordWrap(True)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(_("Passphrase"))
        self.show_text = QCheckBox(_("Show the passphrase"))
        self.show_text.toggled.connect(lambda on: self.passphrase.setEchoMode(
            QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password))
        self.error = QLabel("")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Open"))
        self.buttons.accepted.connect(self.check)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (intro, file_label, self.passphrase, self.show_text, self.error):
            layout.addWidget(widget)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)

    def check(self) -> None:
        """Try the passphrase in the background; accept on success, say why not otherwise."""
        text = self.passphrase.text()
        if not text:
            self._refuse(_("Enter the passphrase."))
            return
        self._busy(True)
        self.task = (run_in_background(_try_unlock, self.unlock, self.target, text)
                     .owned_by(self).on_success(self._answered).on_failure(self._failed).start())

    def _busy(self, busy: bool) -> None:
        self.buttons.setEnabled(not busy)
        self.passphrase.setEnabled(not busy)
        if busy:
            self.error.setText(_("Checking the passphrase..."))
            self.error.setStyleSheet("color: palette(mid);")
            self.error.show()

    def _answered(self, answer: tuple[str | None, str]) -> None:
        url, refusal = answer
        if url is None:
            self._failed(encryption.WrongPassphrase(refusal))
            return
        self.unlocked_url = url
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.attempts += 1
        self._busy(False)
        self._refuse(error_text(error))
        self.passphrase.selectAll()
        self.passphrase.setFocus()

    def _refuse(self, message: str) -> None:
        self.error.setText(message)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.show()

    @classmethod
    def ask(cls, url: str, parent: QWidget | None = None) -> str | None:
        """The unlocked database URL, or None when the user cancels."""
        dialog = cls(url, parent)
        return dialog.unlocked_url if dialog.exec() == QDialog.DialogCode.Accepted else None

    @classmethod
    def ask_for_backup(cls, db, backup_file, parent: QWidget | None = None) -> tuple[bool, str | None]:
        """Before a restore: (go on, the backup's own passphrase or None when the database's
        opens it). (False, None) when the user cancels."""
        if not encryption.backup_needs_passphrase(db, backup_file):
            return True, None
        dialog = cls("", parent, backup_file=str(backup_file))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False, None
        return True, dialog.unlocked_url
