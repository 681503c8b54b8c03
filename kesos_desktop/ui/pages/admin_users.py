"""Admin > Pengguna: create, edit, deactivate, reset password, unlock, change role.
Users are never deleted (records and the audit log name them)."""

from __future__ import annotations

from dataclasses import asdict

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.dto import UserRow
from kesos_desktop.domain.enums import Role
from kesos_desktop.domain.errors import KesosError
from kesos_desktop.i18n import _
from kesos_desktop.services import auth, users
from kesos_desktop.ui.dialogs.case_manager_dialogs import HandoverDialog
from kesos_desktop.ui.models.dto_table import Column, DtoTableModel
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.form import Form, enum_combo
from kesos_desktop.ui.widgets.messages import Messages, show_error
from kesos_desktop.ui.widgets.saving import OnConflict, save_form, under
from kesos_desktop.ui.widgets.table_view import DataTable


def _status(row: UserRow) -> str:
    if not row.active:
        return _("Inactive")
    if row.locked_until is not None:
        return _("Locked")
    return _("Active")


def _status_color(row: UserRow) -> str | None:
    if not row.active:
        return "#8a8f8c"
    return "#b3261e" if row.locked_until is not None else None


def _policy_hint() -> str:
    return _("At least {n} characters, with letters and digits or symbols.").format(
        n=auth.MIN_PASSWORD_LENGTH)


def _dialog_buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.save)
    buttons.rejected.connect(dialog.reject)
    return buttons


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
        self.password.setToolTip(_policy_hint())
        note = QLabel(_("The user must choose their own password when they first log in."))
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(note)
        layout.addWidget(_dialog_buttons(self))
        self.setMinimumWidth(460)

    def save(self) -> None:
        new = users.NewUser(
            self.username.text().strip(), self.full_name.text().strip(), self.role.currentData(),
            self.password.text(), self.nip.text().strip() or None, self.supervisor.isChecked(),
        )
        result = save_form(self, lambda: users.create_user(self.ctx.db, self.ctx.actor, new),
                           self.form)
        if result is None:
            return
        self.created, changes = result
        self.ctx.announce(changes)
        self.accept()

    @classmethod
    def ask(cls, ctx, parent=None) -> UserRow | None:
        dialog = cls(ctx, parent)
        return dialog.created if dialog.exec() == QDialog.DialogCode.Accepted else None


class EditUserDialog(QDialog):
    """Name, NIP and the supervisor flag; the version read is sent back (optimistic locking)."""

    def __init__(self, ctx, detail: users.UserDetail, parent=None):
        super().__init__(parent)
        self.ctx, self.detail = ctx, detail
        self.saved = False
        self.setWindowTitle(_("Edit user {name}").format(name=detail.username))
        self.form = Form()
        self.full_name = self.form.add("full_name", _("Full name"), QLineEdit(), required=True)
        self.nip = self.form.add("nip", _("NIP"), QLineEdit())
        self.supervisor = self.form.add(
            "is_supervisor", _("Supervisor"), QCheckBox(_("May read highly confidential notes"))
        )
        self.supervisor.setEnabled(detail.role == Role.COUNSELOR)
        self.load(detail)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(_dialog_buttons(self))
        self.setMinimumWidth(440)

    def load(self, detail: users.UserDetail) -> None:
        self.full_name.setText(detail.full_name)
        self.nip.setText(detail.nip or "")
        self.supervisor.setChecked(detail.is_supervisor)

    def values(self) -> dict:
        return {"full_name": self.full_name.text(), "nip": self.nip.text(),
                "is_supervisor": self.supervisor.isChecked()}

    def save(self) -> None:
        result = save_form(self, lambda: users.update_user(
            self.ctx.db, self.ctx.actor, self.detail.id, self.full_name.text(),
            self.nip.text(), self.supervisor.isChecked(), expected_version=self.detail.version,
        ), self.form, conflict=OnConflict(
            fetch=lambda: users.get_user(self.ctx.db, self.ctx.actor, self.detail.id),
            mine=self.values, theirs=asdict, labels=self.form.labels(),
            adopt=self._adopt, show=self.load))
        if result is None:
            return
        self.ctx.announce(result[1])
        self.saved = True
        self.accept()

    def _adopt(self, saved: users.UserDetail) -> None:
        self.detail = saved

    @classmethod
    def ask(cls, ctx, detail: users.UserDetail, parent=None) -> bool:
        return cls(ctx, detail, parent).exec() == QDialog.DialogCode.Accepted


class ResetPasswordDialog(QDialog):
    def __init__(self, ctx, user: UserRow, parent=None):
        super().__init__(parent)
        self.ctx, self.user = ctx, user
        self.setWindowTitle(_("Reset password"))
        intro = QLabel(_(
            "New password for {name}. Tell it to them in person; they must choose their own "
            "when they next log in. This also lifts a lock-out."
        ).format(name=user.full_name))
        intro.setWordWrap(True)
        self.form = Form()
        self.password = self.form.add("password", _("New password"), QLineEdit(), required=True)
        self.again = self.form.add("again", _("Repeat new password"), QLineEdit(), required=True)
        for edit in (self.password, self.again):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setToolTip(_policy_hint())
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(self.form)
        layout.addWidget(_dialog_buttons(self))
        self.setMinimumWidth(440)

    def save(self) -> None:
        if self.password.text() != self.again.text():
            self.form.set_errors({"again": _("The two passwords are not the same.")})
            return
        changes = save_form(self, lambda: users.reset_password(
            self.ctx.db, self.ctx.actor, self.user.id, self.password.text()), self.form,
            show_message=under(self.form, "password"))
        if changes is None:
            return
        self.ctx.announce(changes)
        self.accept()

    @classmethod
    def ask(cls, ctx, user: UserRow, parent=None) -> bool:
        return cls(ctx, user, parent).exec() == QDialog.DialogCode.Accepted


class UsersTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.model = DtoTableModel([
            Column(_("User name"), lambda r: r.username),
            Column(_("Full name"), lambda r: r.full_name),
            Column(_("Role"), lambda r: r.role.label),
            Column(_("Status"), _status, color=_status_color),
            Column(_("Supervisor"), lambda r: r.is_supervisor),
            Column(_("Last login"), lambda r: r.last_login_at),
            Column(_("Locked until"), lambda r: r.locked_until),
        ])
        self.table = DataTable("users_table")
        self.table.set_source_model(self.model)
        self.table.activated_row.connect(lambda _row: self.edit_user())
        self.add_button = QPushButton(_("Add user"))
        self.edit_button = QPushButton(_("Edit"))
        self.toggle_button = QPushButton(_("Deactivate"))
        self.reset_button = QPushButton(_("Reset password"))
        self.unlock_button = QPushButton(_("Unlock"))
        self.role_button = QPushButton(_("Change role"))
        self.handover_button = QPushButton(_("Hand over cases..."))
        self.handover_button.setObjectName("handover_cases")
        self.handover_button.setToolTip(_("Move all current cases of this user to another case "
                                          "manager (e.g. when they leave or fall ill)"))
        self.add_button.clicked.connect(self.add_user)
        self.edit_button.clicked.connect(self.edit_user)
        self.toggle_button.clicked.connect(self.toggle_active)
        self.reset_button.clicked.connect(self.reset_password)
        self.unlock_button.clicked.connect(self.unlock)
        self.role_button.clicked.connect(self.change_role)
        self.handover_button.clicked.connect(self.hand_over)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.toggle_button, self.reset_button,
                       self.unlock_button, self.role_button, self.handover_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.count = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        layout.addWidget(self.count)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self._update_buttons()

    def refresh(self) -> None:
        run_in_background(users.list_users, self.ctx.db, self.ctx.actor).owned_by(self).on_success(
            self._show
        ).start()

    def _show(self, rows: list[UserRow]) -> None:
        selected = self.selected()
        self.model.set_rows(rows)
        active = sum(1 for r in rows if r.active)
        self.count.setText(_("{n} users, {active} active. Users are never deleted: deactivate "
                             "those who left.").format(n=len(rows), active=active))
        if selected is not None:
            for index, row in enumerate(rows):
                if row.id == selected.id:
                    self.table.selectRow(self.table.model().mapFromSource(
                        self.model.index(index, 0)).row())
        self._update_buttons()

    def selected(self) -> UserRow | None:
        row = self.table.selected_source_row()
        return None if row is None else self.model.row_at(row)

    def _update_buttons(self) -> None:
        user = self.selected()
        for button in (self.edit_button, self.toggle_button, self.reset_button, self.role_button,
                       self.handover_button):
            button.setEnabled(user is not None)
        self.unlock_button.setEnabled(user is not None and user.locked_until is not None)
        self.toggle_button.setText(_("Activate") if user is not None and not user.active else _("Deactivate"))

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

    def edit_user(self) -> None:
        user = self.selected()
        if user is None:
            return
        try:
            detail = users.get_user(self.ctx.db, self.ctx.actor, user.id)
        except KesosError as error:
            show_error(self, error)
            return
        if EditUserDialog.ask(self.ctx, detail, self):
            self.ctx.say(_("User updated."))
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
        if user is not None and ResetPasswordDialog.ask(self.ctx, user, self):
            self.ctx.say(_("Password reset."))
            self.refresh()

    def unlock(self) -> None:
        user = self.selected()
        if user is not None:
            self._run(users.unlock_user, user.id, done=_("{name} can log in again.").format(name=user.full_name))

    @classmethod
    def choose_role(cls, parent, user: UserRow) -> Role | None:
        labels = [role.label for role in Role]
        label, ok = QInputDialog.getItem(
            parent, _("Change role"), _("Role for {name}:").format(name=user.full_name), labels,
            labels.index(user.role.label), False,
        )
        return list(Role)[labels.index(label)] if ok else None

    def change_role(self) -> None:
        user = self.selected()
        if user is None:
            return
        role = self.choose_role(self, user)
        if role is not None and role != user.role:
            self._run(users.change_role, user.id, role, done=_("Role changed."))

    def hand_over(self) -> None:
        user = self.selected()
        if user is None:
            return
        result = HandoverDialog.ask(self.ctx, user, self)
        if result is not None:
            self.ctx.say(_("{n} case(s) of {source} handed over to {target}.").format(
                n=result.moved, source=result.from_name, target=result.to_name))
