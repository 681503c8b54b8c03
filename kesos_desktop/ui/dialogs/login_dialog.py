"""Log in (Masuk). In demo mode the demo accounts are shown on the screen.

At start-up the dialog may appear before the database is open (``db=None``): the user types
while the database layer loads; ``attach`` hands it the database, and a "Log in" pressed
meanwhile is carried out then. This module imports no database code for that reason.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop import APP_NAME
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.errors import KesosError
from kesos_desktop.i18n import _
from kesos_desktop.ui.widgets.form import ERROR_STYLE, Form

WAITING_STYLE = "color: #5c4400;"


class LoginDialog(QDialog):
    def __init__(self, db, facility_name: str = "", demo: bool = False,
                 username: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.actor: Actor | None = None
        self.pending = False  # "Log in" pressed before the database was open
        self.cancelled = False
        self.rejected.connect(self._on_rejected)
        self.setWindowTitle(_("Log in to {app}").format(app=APP_NAME))
        self.title = title = QLabel()
        self.set_facility_name(facility_name)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        form = Form()
        self.username = form.add("username", _("User name"), QLineEdit(username))
        self.password = form.add("password", _("Password"), QLineEdit())
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Log in"))
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        if demo:
            hint = QLabel(
                _(
                    "Demo mode: all data is fictional. Log in as <b>admin</b>, <b>petugas</b> "
                    "or <b>konselor</b>, password <b>demo</b>."
                )
            )
            hint.setWordWrap(True)
            hint.setStyleSheet("background: #fff4ce; padding: 6px; border-radius: 4px;")
            layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        (self.password if username else self.username).setFocus()
        self.setMinimumWidth(380)

    def _on_rejected(self) -> None:
        self.cancelled = True

    def set_facility_name(self, facility_name: str) -> None:
        self.title.setText(f"<h2>{APP_NAME}</h2><p>{facility_name}</p>")

    def attach(self, db, facility_name: str) -> None:
        """The database is open: show the facility and carry out a waiting "Log in"."""
        self.db = db
        self.set_facility_name(facility_name)
        if self.pending:
            self.pending = False
            self.try_login()

    def try_login(self) -> None:
        if self.db is None:
            self.pending = True
            self.message.setStyleSheet(WAITING_STYLE)
            self.message.setText(_("Opening the database..."))
            self.message.show()
            return
        from kesos_desktop.services import auth  # SQLAlchemy may still be loading at start-up

        self.message.setStyleSheet(ERROR_STYLE)
        try:
            self.actor = auth.login(self.db, self.username.text(), self.password.text())
        except KesosError as error:
            self.message.setText(str(error))
            self.message.show()
            self.password.selectAll()
            self.password.setFocus()
            return
        self.accept()

    @classmethod
    def ask(cls, db, facility_name: str = "", demo: bool = False, username: str = "",
            parent: QWidget | None = None) -> Actor | None:
        dialog = cls(db, facility_name, demo, username, parent)
        return dialog.actor if dialog.exec() == QDialog.DialogCode.Accepted else None

    @classmethod
    def resume(cls, dialog: LoginDialog, db, facility_name: str) -> Actor | None:
        """Finish a dialog shown before the database was open (see ``app.early_login``)."""
        dialog.attach(db, facility_name)
        if dialog.actor is not None:  # logged in by the waiting "Log in"
            return dialog.actor
        if dialog.cancelled:
            return None
        return dialog.actor if dialog.exec() == QDialog.DialogCode.Accepted else None
