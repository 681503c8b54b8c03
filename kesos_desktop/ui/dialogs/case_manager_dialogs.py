"""Hand a case over: change one stay's case manager (resident file > Stays) and move all
current cases of one worker to another (Admin > Pengguna). The services decide who may."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.dto import Actor, UserRow
from kesos_desktop.domain.enums import Role
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.resident_dto import StayDTO
from kesos_desktop.i18n import _
from kesos_desktop.services import case_manager, residents
from kesos_desktop.ui.dialogs.resident_file_tabs import default_widths
from kesos_desktop.ui.models.dto_table import Column, DtoTableModel
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.form import Form
from kesos_desktop.ui.widgets.messages import show_error
from kesos_desktop.ui.widgets.saving import save_form
from kesos_desktop.ui.widgets.table_view import DataTable

MAX_REASON = case_manager.MAX_REASON


def may_reassign(ctx) -> bool:
    """Administrators, and counselors only as supervisor (the service checks it again)."""
    actor: Actor = ctx.actor
    return ctx.can(Action.CASE_ASSIGN) and (actor.role != Role.COUNSELOR or actor.is_supervisor)


def _reason_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName("handover_reason")
    edit.setMaxLength(MAX_REASON)
    edit.setPlaceholderText(_("e.g. on leave, moved to another unit (optional)"))
    return edit


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    box.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
    box.rejected.connect(dialog.reject)
    return box


class _ChoiceDialog(QDialog):
    """A form with a combo of active users (filled off the GUI thread) and a reason."""

    def __init__(self, ctx, title: str, ok_text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        self.form = Form()
        self.choice = QComboBox()
        self.choice.setObjectName("new_case_manager")
        self.choice.setMinimumContentsLength(44)  # "name (Pekerja sosial / konselor)"
        self.reason = _reason_edit()
        self.buttons = _buttons(self, ok_text)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        self.buttons.accepted.connect(self.save)

    def load_choices(self, exclude: int | None) -> None:
        run_in_background(residents.case_manager_choices, self.ctx.db, self.ctx.actor) \
            .owned_by(self).on_success(lambda users: self._fill(users, exclude)) \
            .on_failure(lambda error: show_error(self, error)).start()

    def _fill(self, users, exclude: int | None) -> None:
        self.choice.clear()
        for user in users:
            if user.id != exclude:
                self.choice.addItem(f"{user.full_name} ({user.role_label})", user.id)
        self._update_ok()

    def _update_ok(self) -> None:
        self.ok.setEnabled(self.choice.count() > 0)

    def save(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class ReassignDialog(_ChoiceDialog):
    """Another case manager for one current stay; the stay's version guards against a change
    made meanwhile on another workstation."""

    def __init__(self, ctx, stay: StayDTO, parent: QWidget | None = None):
        super().__init__(ctx, _("Change case manager"), _("Save"), parent)
        self.stay = stay
        self.changes = None
        current = QLabel(f"<b>{stay.case_manager or _('(not yet)')}</b>")
        current.setObjectName("current_case_manager")
        self.form.addRow(_("Current case manager"), current)
        self.form.add("case_manager_id", _("New case manager"), self.choice, required=True)
        self.form.add("reason", _("Reason"), self.reason)
        note = QLabel(_("The new case manager sees this stay in their caseload and reminders. "
                        "Highly confidential notes stay readable only by their author and the "
                        "supervisor."))
        note.setWordWrap(True)
        note.setStyleSheet("color: #5f6b66;")
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.resize(620, 240)
        self.load_choices(stay.case_manager_id)

    def save(self) -> None:
        changes = save_form(self, lambda: case_manager.reassign(
            self.ctx.db, self.ctx.actor, self.stay.id, self.choice.currentData(), self.stay.version,
            self.reason.text()), self.form)
        if changes is not None:
            self.changes = changes
            self.ctx.announce(changes)
            self.accept()

    @classmethod
    def ask(cls, ctx, stay: StayDTO, parent: QWidget | None = None) -> bool:
        return cls(ctx, stay, parent).exec() == QDialog.DialogCode.Accepted


class HandoverDialog(_ChoiceDialog):
    """All current cases of one worker to another, in one go (administrators)."""

    def __init__(self, ctx, user: UserRow, parent: QWidget | None = None):
        super().__init__(ctx, _("Hand over cases of {name}").format(name=user.full_name),
                         _("Hand over"), parent)
        self.user = user
        self.result_row = None
        self.cases: list = []
        self.model = DtoTableModel([
            Column(_("Reg. no."), lambda c: c.reg_no),
            Column(_("Name"), lambda c: c.name),
            Column(_("Admitted"), lambda c: c.admitted_on),
            Column(_("Status"), lambda c: _("Aftercare") if c.in_aftercare else _("Staying here")),
        ])
        self.table = DataTable("handover_cases")
        self.table.set_source_model(self.model)
        default_widths(self.table, (110, 250, 90))
        self.summary = QLabel(_("Loading…"))
        self.summary.setObjectName("handover_summary")
        self.summary.setWordWrap(True)
        self.form.add("to_user_id", _("Hand over to"), self.choice, required=True)
        self.form.add("reason", _("Reason"), self.reason)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self.resize(720, 480)
        self.load_choices(user.id)
        run_in_background(case_manager.current_cases, ctx.db, ctx.actor, user.id) \
            .owned_by(self).on_success(self._show_cases) \
            .on_failure(lambda error: show_error(self, error)).start()

    def _show_cases(self, cases) -> None:
        self.cases = list(cases)
        self.model.set_rows(self.cases)
        if self.cases:
            self.summary.setText(_("{name} is case manager of {n} current case(s). All of them "
                                   "move to the user you choose, in one step; each move is "
                                   "recorded in the audit log.").format(
                                       name=self.user.full_name, n=len(self.cases)))
        else:
            self.summary.setText(_("{name} has no current cases to hand over.").format(
                name=self.user.full_name))
        self._update_ok()

    def _update_ok(self) -> None:
        self.ok.setEnabled(self.choice.count() > 0 and bool(self.cases))

    def save(self) -> None:
        outcome = save_form(self, lambda: case_manager.handover(
            self.ctx.db, self.ctx.actor, self.user.id, self.choice.currentData(),
            self.reason.text()), self.form)
        if outcome is not None:
            self.result_row, changes = outcome
            self.ctx.announce(changes)
            self.accept()

    @classmethod
    def ask(cls, ctx, user: UserRow, parent: QWidget | None = None):
        """The ``HandoverResult``, or None when cancelled."""
        dialog = cls(ctx, user, parent)
        return dialog.result_row if dialog.exec() == QDialog.DialogCode.Accepted else None
