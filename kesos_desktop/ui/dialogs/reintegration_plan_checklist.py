"""Kesiapan: the readiness checklist of a reintegration plan, item by item with who and when."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from kesos_desktop.domain.enums import ReadinessStatus
from kesos_desktop.domain.errors import KesosError, NotFoundError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.services import reintegration
from kesos_desktop.services.reintegration import PlanDTO, ReadinessItemDTO
from kesos_desktop.ui.models.dto_table import Column, DtoTableModel
from kesos_desktop.ui.pages.reintegration_widgets import (
    GOOD,
    MUTED,
    StayHeader,
    date_field,
    enum_data,
    save_buttons,
    to_date,
    to_qdate,
    worker_combo,
)
from kesos_desktop.ui.widgets.form import Form, select_data
from kesos_desktop.ui.widgets.messages import Messages, show_error
from kesos_desktop.ui.widgets.saving import OnConflict, save_form
from kesos_desktop.ui.widgets.table_view import DataTable


def status_text(item: ReadinessItemDTO) -> str:
    return item.status.label


def status_color(item: ReadinessItemDTO) -> str | None:
    if item.status == ReadinessStatus.DONE:
        return GOOD
    if item.status == ReadinessStatus.NOT_APPLICABLE:
        return MUTED
    return None


def progress_text(plan: PlanDTO) -> str:
    progress = plan.progress
    text = _("Readiness: {done} of {applicable} items done").format(
        done=progress.done, applicable=progress.applicable
    )
    if progress.not_applicable:
        text += " " + _("({n} not applicable)").format(n=progress.not_applicable)
    return text


class ReadinessItemDialog(QDialog):
    """Set one item: done (date and who), not applicable (why), or back to not yet."""

    def __init__(self, ctx, stay, item: ReadinessItemDTO, workers, parent=None,
                 status: ReadinessStatus | None = None):
        super().__init__(parent)
        self.ctx, self.stay, self.item = ctx, stay, item
        self.saved: ReadinessItemDTO | None = None
        self.setWindowTitle(item.item.label)
        self.form = Form()
        self.status = self.form.add("status", _("Status"), QComboBox(), required=True)
        for member, label in ReadinessStatus.choices():
            self.status.addItem(label, member)
        select_data(self.status, status or (
            ReadinessStatus.DONE if item.status == ReadinessStatus.PENDING else item.status))
        self.done_on = self.form.add("done_on", _("Date done"), date_field(item.done_on))
        self.done_on.setMaximumDate(date_field().date())
        self.done_by = self.form.add(
            "done_by_id", _("Done by"), worker_combo(workers, item.done_by_id or ctx.actor.id)
        )
        self.na_reason = self.form.add("na_reason", _("Reason"), QLineEdit(item.na_reason or ""))
        self.na_reason.setMaxLength(200)
        self.na_reason.setPlaceholderText(_("Why this item does not apply"))
        self.status.currentIndexChanged.connect(self._sync)
        buttons = save_buttons(self)
        buttons.accepted.connect(self.save)
        title = QLabel(f"<b>{item.item.label}</b>")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(self.form)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
        self._sync()

    def _sync(self) -> None:
        status = enum_data(self.status, ReadinessStatus)
        for widget, visible in ((self.done_on, status == ReadinessStatus.DONE),
                                (self.done_by, status == ReadinessStatus.DONE),
                                (self.na_reason, status == ReadinessStatus.NOT_APPLICABLE)):
            widget.setEnabled(visible)

    def save(self) -> None:
        status = enum_data(self.status, ReadinessStatus)
        result = save_form(self, lambda: reintegration.set_readiness(
            self.ctx.db, self.ctx.actor, self.stay.admission_id, self.item.item, status,
            done_on=to_date(self.done_on.date()) if status == ReadinessStatus.DONE else None,
            done_by_id=self.done_by.currentData(),
            na_reason=self.na_reason.text(),
            expected_version=self.item.version or None,
            today=date.today(),
        ), self.form, conflict=OnConflict(
            fetch=self._saved_item, mine=self.values, theirs=self._values_of,
            labels=self.form.labels(), adopt=self._adopt, show=self.load))
        if result is None:
            return
        self.saved, changes = result
        self.ctx.announce(changes)
        self.accept()

    def load(self, item: ReadinessItemDTO) -> None:
        select_data(self.status, item.status)
        if item.done_on:
            self.done_on.setDate(to_qdate(item.done_on))
        select_data(self.done_by, item.done_by_id)
        self.na_reason.setText(item.na_reason or "")

    def values(self) -> dict:
        """What the form says, as staff read it (who did it by name)."""
        status = enum_data(self.status, ReadinessStatus)
        done = status == ReadinessStatus.DONE
        return {"status": status, "done_on": to_date(self.done_on.date()) if done else None,
                "done_by_id": self.done_by.currentText() if done else None,
                "na_reason": self.na_reason.text() if status == ReadinessStatus.NOT_APPLICABLE
                else None}

    @staticmethod
    def _values_of(item: ReadinessItemDTO) -> dict:
        return {"status": item.status, "done_on": item.done_on, "done_by_id": item.done_by,
                "na_reason": item.na_reason}

    def _saved_item(self) -> ReadinessItemDTO:
        plan = reintegration.get_plan(self.ctx.db, self.ctx.actor, self.stay.admission_id)
        found = [i for i in plan.items if i.item == self.item.item] if plan else []
        if not found:
            raise NotFoundError(_("This reintegration plan no longer exists."))
        return found[0]

    def _adopt(self, saved: ReadinessItemDTO) -> None:
        self.item = saved

    @classmethod
    def ask(cls, ctx, stay, item: ReadinessItemDTO, workers, parent=None,
            status: ReadinessStatus | None = None) -> ReadinessItemDTO | None:
        dialog = cls(ctx, stay, item, workers, parent, status)
        return dialog.saved if dialog.exec() == QDialog.DialogCode.Accepted else None


class ChecklistDialog(QDialog):
    """The whole checklist of one stay. Each change is saved at once (and audited)."""

    def __init__(self, ctx, admission_id: int, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.admission_id = admission_id
        self.stay = reintegration.get_stay(ctx.db, ctx.actor, admission_id)
        self.workers = reintegration.list_workers(ctx.db, ctx.actor)
        self.changed = False
        self.setWindowTitle(_("Readiness checklist"))
        self.model = DtoTableModel([
            Column(_("Item"), lambda i: i.item.label),
            Column(_("Status"), status_text, color=status_color),
            Column(_("Date"), lambda i: i.done_on),
            Column(_("By"), lambda i: i.done_by),
            Column(_("Reason (not applicable)"), lambda i: i.na_reason),
        ], self)
        self.table = DataTable("readiness_table")
        self.table.setSortingEnabled(False)
        self.table.set_source_model(self.model, sortable_in_proxy=False)
        self.table.activated_row.connect(lambda row: self.edit(row))
        self.progress = QLabel()
        self.progress.setObjectName("readiness_progress")
        self.progress.setStyleSheet("font-weight: 600;")
        self.done_button = QPushButton(_("Mark done..."))
        self.na_button = QPushButton(_("Not applicable..."))
        self.pending_button = QPushButton(_("Back to not yet"))
        self.done_button.clicked.connect(lambda: self.edit(None, ReadinessStatus.DONE))
        self.na_button.clicked.connect(lambda: self.edit(None, ReadinessStatus.NOT_APPLICABLE))
        self.pending_button.clicked.connect(self.reset)
        self.manage = ctx.can(Action.REINTEGRATION_MANAGE)
        row = QHBoxLayout()
        for button in (self.done_button, self.na_button, self.pending_button):
            button.setVisible(self.manage)
            row.addWidget(button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        close.rejected.connect(self.reject)
        hint = QLabel(_("Double-click an item to change it. Items that do not apply are left out "
                        "of the count."))
        hint.setStyleSheet(f"color: {MUTED};")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(StayHeader(self.stay))
        layout.addWidget(self.progress)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint)
        layout.addWidget(close)
        self.resize(860, 480)
        self.reload()

    def reload(self) -> None:
        self.plan = reintegration.get_plan(self.ctx.db, self.ctx.actor, self.admission_id)
        self.model.set_rows(list(self.plan.items) if self.plan else [])
        self.progress.setText(progress_text(self.plan) if self.plan else "")
        self.table.resizeColumnsToContents()

    def current(self) -> ReadinessItemDTO | None:
        row = self.table.selected_source_row()
        return None if row is None else self.model.row_at(row)

    def edit(self, row: int | None, status: ReadinessStatus | None = None) -> None:
        if not self.manage:
            return
        item = self.model.row_at(row) if row is not None else self.current()
        if item is None:
            Messages.info(self, _("Choose an item in the list first."))
            return
        if ReadinessItemDialog.ask(self.ctx, self.stay, item, self.workers, self, status):
            self.changed = True
            self.reload()

    def reset(self) -> None:
        item = self.current()
        if item is None or item.status == ReadinessStatus.PENDING:
            return
        try:
            _dto, changes = reintegration.set_readiness(
                self.ctx.db, self.ctx.actor, self.admission_id, item.item, ReadinessStatus.PENDING,
                expected_version=item.version or None,
            )
        except KesosError as error:
            show_error(self, error)
            self.reload()
            return
        self.ctx.announce(changes)
        self.changed = True
        self.reload()

    @classmethod
    def ask(cls, ctx, admission_id: int, parent=None) -> bool:
        """Show the checklist; True if anything was changed."""
        dialog = cls(ctx, admission_id, parent)
        dialog.exec()
        return dialog.changed
