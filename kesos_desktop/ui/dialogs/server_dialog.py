"""Connect this workstation to a PostgreSQL server (several workstations, one database)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.i18n import _
from kesos_desktop.services import connection
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.form import ERROR_STYLE, Form, select_data
from kesos_desktop.ui.widgets.messages import error_text


class ServerDialog(QDialog):
    """Fill in the server's address, test it, and keep it (password in the OS keyring)."""

    def __init__(self, current: connection.ServerAddress | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Database server"))
        self.address: connection.ServerAddress | None = None
        self.password_text = ""
        intro = QLabel(
            _(
                "Use a PostgreSQL server when several computers must share the same data. "
                "Never put the SQLite file on a shared network folder: it gets damaged."
            )
        )
        intro.setWordWrap(True)
        current = current or connection.ServerAddress(host="")
        self.form = Form()
        self.host = self.form.add("host", _("Server"), QLineEdit(current.host), required=True)
        self.port = self.form.add("port", _("Port"), QSpinBox())
        self.port.setRange(1, 65535)
        self.port.setValue(current.port)
        self.database = self.form.add("database", _("Database"), QLineEdit(current.database), required=True)
        self.user = self.form.add("user", _("User"), QLineEdit(current.user), required=True)
        self.password = self.form.add("password", _("Password"), QLineEdit())
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.sslmode = self.form.add("sslmode", _("SSL"), QComboBox())
        for mode in connection.SSL_MODES:
            self.sslmode.addItem(mode, mode)
        select_data(self.sslmode, current.sslmode)
        self.remember = QCheckBox(_("Remember the password in this computer's keyring"))
        self.remember.setChecked(connection.keyring_available())
        self.remember.setEnabled(connection.keyring_available())
        if not connection.keyring_available():
            self.remember.setToolTip(_("No keyring on this computer: the password is asked at every start."))
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.test_button = QPushButton(_("Test connection"))
        self.test_button.clicked.connect(self.test)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(self.form)
        layout.addWidget(self.remember)
        layout.addWidget(self.test_button)
        layout.addWidget(self.result_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def current_address(self) -> connection.ServerAddress:
        return connection.ServerAddress(
            self.host.text().strip(), self.port.value(), self.database.text().strip(),
            self.user.text().strip(), self.sslmode.currentData(),
        )

    def test(self) -> None:
        address = self.current_address()
        errors = connection.validate_address(address)
        self.form.set_errors(errors)
        if errors:
            return
        self.test_button.setEnabled(False)
        self.result_label.setStyleSheet("")
        self.result_label.setText(_("Connecting..."))
        run_in_background(connection.check_server, address, self.password.text()).owned_by(
            self
        ).on_success(self._tested).on_failure(self._failed).start()

    def _tested(self, check: connection.ServerCheck) -> None:
        self.test_button.setEnabled(True)
        self.result_label.setStyleSheet("color: #0b6e4f;")
        if check.schema_revision is None:
            text = _("Connected (PostgreSQL {v}). The database is empty: it will be set up at the next start.")
        elif check.needs_upgrade:
            text = _("Connected (PostgreSQL {v}). The database will be upgraded at the next start.")
        else:
            text = _("Connected (PostgreSQL {v}). The database is ready.")
        self.result_label.setText(text.format(v=check.server_version))

    def _failed(self, error: BaseException) -> None:
        self.test_button.setEnabled(True)
        if isinstance(error, ValidationError):
            self.form.set_errors(error.field_errors)
        self.result_label.setStyleSheet(ERROR_STYLE)
        self.result_label.setText(error_text(error))

    def save(self) -> None:
        address = self.current_address()
        errors = connection.validate_address(address)
        self.form.set_errors(errors)
        if errors:
            return
        self.address = address
        self.password_text = self.password.text()
        if self.remember.isChecked() and self.password_text:
            connection.remember_password(address, self.password_text)
        self.accept()

    @classmethod
    def ask(cls, current=None, parent=None) -> connection.ServerAddress | None:
        dialog = cls(current, parent)
        return dialog.address if dialog.exec() == QDialog.DialogCode.Accepted else None


class ServerPasswordDialog(QDialog):
    """Asked at start when the server's password is not in a keyring."""

    def __init__(self, address: connection.ServerAddress, message: str = "", parent=None):
        super().__init__(parent)
        self.setWindowTitle(_("Database server password"))
        label = QLabel(_("Password for {user} on {host}:").format(user=address.user, host=address.host))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.password)
        if message:
            error = QLabel(message)
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            layout.addWidget(error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, address, message: str = "", parent=None) -> str | None:
        dialog = cls(address, message, parent)
        return dialog.password.text() if dialog.exec() == QDialog.DialogCode.Accepted else None


