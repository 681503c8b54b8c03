"""Bimbingan Lanjut: record a follow-up, plan another or move one, and close aftercare."""

from __future__ import annotations

from dataclasses import asdict
from enum import Enum

from PySide6.QtWidgets import QCheckBox, QDialog, QLabel, QVBoxLayout

from kesos_desktop.domain.enums import AftercareOutcome, FollowUpCondition, FollowUpMethod
from kesos_desktop.i18n import _, format_date
from kesos_desktop.services import aftercare, reintegration
from kesos_desktop.services.aftercare import FollowUpResult, FollowUpRow
from kesos_desktop.ui.pages.reintegration_widgets import (
    MUTED,
    StayHeader,
    date_field,
    enum_data,
    save_buttons,
    text_area,
    to_date,
    to_qdate,
)
from kesos_desktop.ui.widgets.form import Form, enum_combo, select_data
from kesos_desktop.ui.widgets.saving import OnConflict, by_id, save_form


class Mode(Enum):
    RECORD = "record"  # what a planned follow-up found
    NEW = "new"  # plan one more (optionally done already)
    RESCHEDULE = "reschedule"  # move a planned one


class FollowUpDialog(QDialog):
    def __init__(self, ctx, admission_id: int, mode: Mode, row: FollowUpRow | None = None,
                 parent=None):
        super().__init__(parent)
        self.ctx, self.admission_id, self.mode, self.row = ctx, admission_id, mode, row
        self.saved: FollowUpRow | None = None
        self.stay = reintegration.get_stay(ctx.db, ctx.actor, admission_id)
        titles = {Mode.RECORD: _("Record follow-up"), Mode.NEW: _("New follow-up"),
                  Mode.RESCHEDULE: _("Move follow-up")}
        self.setWindowTitle(titles[mode])
        self.form = Form()
        layout = QVBoxLayout(self)
        layout.addWidget(StayHeader(self.stay))
        if row is not None and mode == Mode.RECORD:
            planned = QLabel(_("Planned for {date} ({method}).").format(
                date=format_date(row.due_on), method=row.method.label))
            planned.setStyleSheet(f"color: {MUTED};")
            layout.addWidget(planned)

        self.due_on = self.done_check = None
        if mode in (Mode.NEW, Mode.RESCHEDULE):
            self.due_on = self.form.add("due_on", _("Planned date"),
                                        date_field(row.due_on if row else None), required=True)
        self.method = self.form.add("method", _("Method"), enum_combo(FollowUpMethod),
                                    required=True)
        if mode == Mode.NEW:
            self.done_check = self.form.add(
                "already_done", "", QCheckBox(_("Already done (record the result now)")))
            self.done_check.toggled.connect(self._sync)
        self.result_widgets = []
        if mode in (Mode.RECORD, Mode.NEW):
            done = row.done_on if row and row.done_on else None
            self.done_on = self.form.add("done_on", _("Date of contact"), date_field(done),
                                         required=True)
            self.done_on.setMaximumDate(date_field().date())
            self.condition = self.form.add(
                "condition", _("Condition"),
                enum_combo(FollowUpCondition, with_blank=_("- choose -")), required=True)
            self.notes = self.form.add("notes", _("Notes"), text_area(None, 3))
            self.next_action = self.form.add("next_action", _("Next action"), text_area(None, 2))
            self.result_widgets = [self.done_on, self.condition, self.notes, self.next_action]
        buttons = save_buttons(self)
        buttons.accepted.connect(self.save)
        layout.addLayout(self.form)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        if row is not None:
            self.load(row)
        self._sync()

    def load(self, row: FollowUpRow) -> None:
        if self.due_on is not None:
            self.due_on.setDate(to_qdate(row.due_on))
        select_data(self.method, row.method)
        if self.result_widgets:
            if row.done_on:
                self.done_on.setDate(to_qdate(row.done_on))
            select_data(self.condition, row.condition)
            self.notes.setPlainText(row.notes or "")
            self.next_action.setPlainText(row.next_action or "")

    def values(self) -> dict:
        """The form's fields as the row names them, to compare with a newer saved row."""
        values = {"method": enum_data(self.method, FollowUpMethod)}
        if self.due_on is not None:
            values["due_on"] = to_date(self.due_on.date())
        if self.result_widgets:
            values.update(done_on=to_date(self.done_on.date()), notes=self.notes.toPlainText(),
                          condition=enum_data(self.condition, FollowUpCondition),
                          next_action=self.next_action.toPlainText())
        return values

    def _sync(self) -> None:
        enabled = self.done_check is None or self.done_check.isChecked()
        for widget in self.result_widgets:
            widget.setEnabled(enabled)

    def follow_up_result(self) -> FollowUpResult | None:
        if not self.result_widgets or (self.done_check is not None
                                       and not self.done_check.isChecked()):
            return None
        return FollowUpResult(
            done_on=to_date(self.done_on.date()),
            method=enum_data(self.method, FollowUpMethod),
            condition=enum_data(self.condition, FollowUpCondition),
            notes=self.notes.toPlainText(),
            next_action=self.next_action.toPlainText(),
        )

    def save(self) -> None:
        result = save_form(self, self._call_service, self.form,
                           conflict=None if self.row is None else self._on_conflict())
        if result is None:
            return
        self.saved, changes = result
        self.ctx.announce(changes)
        self.ctx.say(_("Follow-up of {name} saved.").format(name=self.stay.name))
        self.accept()

    def _call_service(self):
        db, actor, method = self.ctx.db, self.ctx.actor, enum_data(self.method, FollowUpMethod)
        if self.mode == Mode.RECORD:
            return aftercare.record_follow_up(
                db, actor, self.row.id, self.follow_up_result(), expected_version=self.row.version)
        if self.mode == Mode.RESCHEDULE:
            return aftercare.reschedule_follow_up(
                db, actor, self.row.id, to_date(self.due_on.date()), method,
                expected_version=self.row.version)
        return aftercare.add_follow_up(db, actor, self.admission_id, to_date(self.due_on.date()),
                                       method, self.follow_up_result())

    def _on_conflict(self) -> OnConflict:
        return OnConflict(fetch=self._saved_row, mine=self.values, theirs=asdict,
                          labels=self.form.labels(*self.values()), adopt=self._adopt,
                          show=self.load)

    def _saved_row(self) -> FollowUpRow:
        return by_id(aftercare.list_follow_ups(self.ctx.db, self.ctx.actor, self.admission_id),
                     self.row.id, _("This follow-up no longer exists."))

    def _adopt(self, saved: FollowUpRow) -> None:
        self.row = saved

    @classmethod
    def ask(cls, ctx, admission_id: int, mode: Mode, row: FollowUpRow | None = None,
            parent=None) -> FollowUpRow | None:
        dialog = cls(ctx, admission_id, mode, row, parent)
        return dialog.saved if dialog.exec() == QDialog.DialogCode.Accepted else None


class CloseAftercareDialog(QDialog):
    def __init__(self, ctx, admission_id: int, parent=None):
        super().__init__(parent)
        self.ctx, self.admission_id = ctx, admission_id
        self.closed = False
        self.stay = reintegration.get_stay(ctx.db, ctx.actor, admission_id)
        rows = aftercare.list_follow_ups(ctx.db, ctx.actor, admission_id)
        open_count = sum(1 for r in rows if not r.done)
        self.setWindowTitle(_("Close aftercare"))
        self.form = Form()
        self.outcome = self.form.add(
            "outcome", _("Outcome"), enum_combo(AftercareOutcome, with_blank=_("- choose -")),
            required=True)
        self.closed_on = self.form.add("closed_on", _("Closing date"), date_field(), required=True)
        self.closed_on.setMaximumDate(date_field().date())
        layout = QVBoxLayout(self)
        layout.addWidget(StayHeader(self.stay))
        summary = _("{done} of {total} follow-ups done.").format(
            done=len(rows) - open_count, total=len(rows))
        if open_count:
            summary += " " + _("The {n} not done stay on record but are no longer due.").format(
                n=open_count)
        note = QLabel(summary)
        note.setWordWrap(True)
        note.setStyleSheet(f"color: {MUTED};")
        layout.addWidget(note)
        layout.addLayout(self.form)
        buttons = save_buttons(self, _("Close aftercare"))
        buttons.accepted.connect(self.save)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def save(self) -> None:
        changes = save_form(self, lambda: aftercare.close_aftercare(
            self.ctx.db, self.ctx.actor, self.admission_id, enum_data(self.outcome, AftercareOutcome),
            to_date(self.closed_on.date()), expected_version=self.stay.version), self.form)
        if changes is None:
            return
        self.closed = True
        self.ctx.announce(changes)
        self.ctx.say(_("Aftercare of {name} closed.").format(name=self.stay.name))
        self.accept()

    @classmethod
    def ask(cls, ctx, admission_id: int, parent=None) -> bool:
        dialog = cls(ctx, admission_id, parent)
        return dialog.exec() == QDialog.DialogCode.Accepted and dialog.closed
