"""Change my own password."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit, QVBoxLayout, QWidget

from kesos_desktop.i18n import _
from kesos_desktop.services import auth
from kesos_desktop.ui.widgets.form import Form
from kesos_desktop.ui.widgets.saving import save_form, under


class ChangePasswordDialog(QDialog):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(_("Change my password"))
        self.form = Form()
        self.old = self.form.add("old_password", _("Current password"), QLineEdit(), required=True)
        self.new = self.form.add("new_password", _("New password"), QLineEdit(), required=True)
        self.again = self.form.add("again", _("Repeat new password"), QLineEdit(), required=True)
        for edit in (self.old, self.new, self.again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)

    def save(self) -> None:
        if self.new.text() != self.again.text():
            self.form.set_errors({"again": _("The two passwords are not the same.")})
            return
        def change() -> bool:  # the service returns nothing; True tells save_form it went through
            auth.change_own_password(self.ctx.db, self.ctx.actor, self.old.text(), self.new.text())
            return True

        if save_form(self, change, self.form, show_message=under(self.form, "new_password")):
            self.accept()

    @classmethod
    def ask(cls, ctx, parent: QWidget | None = None) -> bool:
        return cls(ctx, parent).exec() == QDialog.DialogCode.Accepted
