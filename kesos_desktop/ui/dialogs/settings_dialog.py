"""Workstation settings: language and the idle lock."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.i18n import LANGUAGES, _
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
        note = QLabel(_("A new language applies fully after the application is restarted."))
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

    def save(self) -> None:
        self.ctx.settings.language = self.language.currentData()
        self.ctx.settings.idle_lock_minutes = self.idle.value()
        self.ctx.settings.save()
        self.ctx.say(_("Settings saved."))
        self.accept()

    @classmethod
    def ask(cls, ctx, parent: QWidget | None = None) -> bool:
        return cls(ctx, parent).exec() == QDialog.DialogCode.Accepted
