"""Admin > Users: create, deactivate, reset password, change role. Users are never deleted."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.dto import UserRow
from kesos_desktop.domain.enums import Role
from kesos_desktop.domain.errors import KesosError, ValidationError
from kesos_desktop.i18n import _
from kesos_desktop.services import users
from kesos_desktop.ui.models.dto_table import Column, DtoTableModel
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.form import Form, enum_combo
from kesos_desktop.ui.widgets.messages import Messages, show_error
from kesos_desktop.ui.widgets.table_view import DataTable


def _status(row: UserRow) -> str:
    return _("Active") if row.active else _("Inactive")


class NewUserDialog(QDialog):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.created: UserRow | None = None
        self.setWindowTitle(_("New user"))
        self.form = Form()
        self.username = self.form.add("username", _("User name"), QLineEdit(), required=True)
        self.full_name = self.form.add("full_name", _("Full name"), QLineEdit(), required=True)
        self.nip = self.form.add("nip", _("NIP"), QLineEdit())
        self.role = self.form.add("role", _("Role"), enum_combo(Role))
        self.supervisor = self.form.add(
            "is_supervisor", _("Supervisor"), QCheckBox(_("May read highly confidential notes"))
        )
        self.password = self.form.add("password", _("Initial password"), QLineEdit(), required=True)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def save(self) -> None:
        new = users.NewUser(
            self.username.text().strip(), self.full_name.text().strip(), self.role.currentData(),
            self.password.text(), self.nip.text().strip() or None, self.supervisor.isChecked(),
        )
        try:
            self.created, changes = users.create_user(self.ctx.db, self.ctx.actor, new)
        except ValidationError as error:
            self.form.set_errors(error.field_errors)
            return
        except KesosError as error:
            show_error(self, error)
            return
        self.ctx.announce(changes)
        self.accept()

    @classmethod
    def ask(cls, ctx, parent=None) -> UserRow | None:
        dialog = cls(ctx, parent)
        return dialog.created if dialog.exec() == QDialog.DialogCode.Accepted else None


class UsersTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.model = DtoTableModel([
            Column(_("User name"), lambda r: r.username),
            Column(_("Full name"), lambda r: r.full_name),
            Column(_("Role"), lambda r: r.role.label),
            Column(_("Status"), _status, color=lambda r: None if r.active else "#8a8f8c"),
            Column(_("Last login"), lambda r: r.last_login_at),
            Column(_("Locked until"), lambda r: r.locked_until),
        ])
        self.table = DataTable("users_table")
        self.table.set_source_model(self.model)
        self.add_button = QPushButton(_("Add user"))
        self.toggle_button = QPushButton(_("Deactivate / activate"))
        self.reset_button = QPushButton(_("Reset password"))
        self.role_button = QPushButton(_("Change role"))
        self.add_button.clicked.connect(self.add_user)
        self.toggle_button.clicked.connect(self.toggle_active)
        self.reset_button.clicked.connect(self.reset_password)
        self.role_button.clicked.connect(self.change_role)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.toggle_button, self.reset_button, self.role_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table)

    def refresh(self) -> None:
        run_in_background(users.list_users, self.ctx.db, self.ctx.actor).owned_by(self).on_success(
            self.model.set_rows
        ).start()

    def selected(self) -> UserRow | None:
        row = self.table.selected_source_row()
        return None if row is None else self.model.row_at(row)

    def _run(self, fn, *args, done: str) -> None:
        try:
            changes = fn(self.ctx.db, self.ctx.actor, *args)
        except KesosError as error:
            show_error(self, error)
            return
        self.ctx.announce(changes)
        self.ctx.say(done)
        self.refresh()

    def add_user(self) -> None:
        created = NewUserDialog.ask(self.ctx, self)
        if created:
            self.ctx.say(_("User {name} created.").format(name=created.username))
            self.refresh()

    def toggle_active(self) -> None:
        user = self.selected()
        if user is None:
            return
        question = (
            _("Deactivate {name}? They can no longer log in; their records stay.")
            if user.active
            else _("Activate {name} again?")
        ).format(name=user.full_name)
        if Messages.confirm(self, question):
            self._run(users.set_active, user.id, not user.active, done=_("User updated."))

    def reset_password(self) -> None:
        user = self.selected()
        if user is None:
            return
        password, ok = QInputDialog.getText(
            self, _("Reset password"),
            _("New password for {name} (they must change it at next login):").format(name=user.full_name),
            QLineEdit.EchoMode.Password,
        )
        if ok and password:
            self._run(users.reset_password, user.id, password, done=_("Password reset."))

    def change_role(self) -> None:
        user = self.selected()
        if user is None:
            return
        labels = [role.label for role in Role]
        label, ok = QInputDialog.getItem(
            self, _("Change role"), _("Role for {name}:").format(name=user.full_name), labels,
            labels.index(user.role.label), False,
        )
        if ok:
            role = list(Role)[labels.index(label)]
            if role != user.role:
                self._run(users.change_role, user.id, role, done=_("Role changed."))
