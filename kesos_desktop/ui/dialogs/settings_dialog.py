"""Workstation settings: language and the idle lock."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.i18n import LANGUAGES, _
from kesos_desktop.services import connection
from kesos_desktop.ui.widgets.form import Form, select_data


class SettingsDialog(QDialog):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Settings"))
        form = Form()
        self.language = form.add("language", _("Language"), QComboBox())
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        select_data(self.language, ctx.settings.language)
        self.idle = form.add("idle", _("Lock after idle minutes"), QSpinBox())
        self.idle.setRange(1, 240)
        self.idle.setValue(ctx.settings.idle_lock_minutes)
        self.database_url = ctx.settings.database_url
        self.database_label = QLabel()
        self.database_label.setWordWrap(True)
        server_button = QPushButton(_("Connect to a server..."))
        server_button.clicked.connect(self.choose_server)
        local_button = QPushButton(_("Use the file on this computer"))
        local_button.clicked.connect(self.use_local_file)
        database_row = QHBoxLayout()
        database_row.addWidget(server_button)
        database_row.addWidget(local_button)
        form.add("database", _("Database"), self.database_label)
        form.addRow("", database_row)
        self._show_database()
        note = QLabel(_("A new language or database applies after the application is restarted."))
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def _show_database(self) -> None:
        if connection.is_server_url(self.database_url):
            address = connection.address_of(self.database_url)
            self.database_label.setText(
                _("Server {host}:{port}, database {db}").format(
                    host=address.host, port=address.port, db=address.database
                )
            )
        else:
            self.database_label.setText(_("The file on this computer"))

    def choose_server(self) -> None:
        from kesos_desktop.ui.dialogs.server_dialog import ServerDialog

        current = connection.address_of(self.database_url) if connection.is_server_url(self.database_url) else None
        address = ServerDialog.ask(current, self)
        if address is not None:
            self.database_url = address.url()
            self._show_database()

    def use_local_file(self) -> None:
        self.database_url = ""
        self._show_database()

    def save(self) -> None:
        self.ctx.settings.database_url = self.database_url
        self.ctx.settings.language = self.language.currentData()
        self.ctx.settings.idle_lock_minutes = self.idle.value()
        self.ctx.settings.save()
        self.ctx.say(_("Settings saved."))
        self.accept()

    @classmethod
    def ask(cls, ctx, parent: QWidget | None = None) -> bool:
        return cls(ctx, parent).exec() == QDialog.DialogCode.Accepted
