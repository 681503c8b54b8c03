"""Terminasi: end a stay, record the handover (berita acara serah terima), choose what follows."""

from __future__ import annotations

from dataclasses import asdict, fields
from datetime import date

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
)

from kesos_desktop.domain.enums import TerminationReason
from kesos_desktop.i18n import _, format_date
from kesos_desktop.services import aftercare, reintegration, termination
from kesos_desktop.services.termination import (
    HANDOVER_REQUIRED,
    NO_AFTERCARE,
    HandoverDetails,
    TerminationInput,
    TerminationResult,
)
from kesos_desktop.ui.pages.reintegration_widgets import (
    LATE,
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
from kesos_desktop.ui.widgets.messages import Messages
from kesos_desktop.ui.widgets.saving import OnConflict, save_form


def _line(max_length: int, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setMaxLength(max_length)
    edit.setPlaceholderText(placeholder)
    return edit


class TerminationDialog(QDialog):
    def __init__(self, ctx, admission_id: int, parent=None, handover_only: bool = False):
        super().__init__(parent)
        self.handover_only = handover_only
        self.corrected = False
        self.ctx = ctx
        self.admission_id = admission_id
        self.result_: TerminationResult | None = None
        self.stay = reintegration.get_stay(ctx.db, ctx.actor, admission_id)
        self.schedule = aftercare.get_schedule(ctx.db, ctx.actor)
        self.setWindowTitle(_("Termination"))

        # -- the end of the stay
        self.stay_form = Form()
        self.terminated_on = self.stay_form.add(
            "terminated_on", _("Termination date"), date_field(), required=True
        )
        self.terminated_on.setMaximumDate(date_field().date())
        self.reason = self.stay_form.add(
            "reason", _("Reason"), enum_combo(TerminationReason, with_blank=_("- choose -")),
            required=True,
        )
        self.destination = self.stay_form.add(
            "destination", _("Destination"),
            _line(400, _("Address, or the institution or employer")),
        )
        self.notes = self.stay_form.add("notes", _("Notes"), text_area(None, 3))
        stay_box = QGroupBox(_("End of the stay"))
        stay_box.setLayout(self.stay_form)

        # -- the handover
        self.handover_form = Form()
        self.received_by = self.handover_form.add(
            "received_by", _("Received by"), _line(150, _("Full name")))
        self.relationship = self.handover_form.add(
            "relationship", _("Relationship / office"), _line(60, _("For example: mother, LKS staff")))
        self.id_number = self.handover_form.add(
            "id_number", _("ID number (KTP)"), _line(40, _("NIK or other identity number")))
        self.witness = self.handover_form.add("witness", _("Witness 1"), _line(150))
        self.witness2 = self.handover_form.add("witness2", _("Witness 2"), _line(150))
        self.handover_hint = QLabel()
        self.handover_hint.setWordWrap(True)
        self.handover_hint.setStyleSheet(f"color: {MUTED};")
        handover_column = QVBoxLayout()
        handover_column.addLayout(self.handover_form)
        handover_column.addWidget(self.handover_hint)
        handover_box = QGroupBox(_("Handover (berita acara serah terima)"))
        handover_box.setLayout(handover_column)

        # -- what follows
        self.to_aftercare = QRadioButton(_("Continue with aftercare (bimbingan lanjut)"))
        self.to_aftercare.setObjectName("to_aftercare")
        self.close_case = QRadioButton(_("Close the case without aftercare"))
        self.close_case.setObjectName("close_case")
        group = QButtonGroup(self)
        group.addButton(self.to_aftercare)
        group.addButton(self.close_case)
        self.to_aftercare.setChecked(True)
        self.schedule_label = QLabel()
        self.schedule_label.setObjectName("schedule_preview")
        self.schedule_label.setWordWrap(True)
        self.schedule_label.setStyleSheet(f"color: {MUTED}; margin-left: 22px;")
        self.aftercare_error = QLabel()
        self.aftercare_error.setStyleSheet(f"color: {LATE};")
        self.aftercare_error.hide()
        after_box = QGroupBox(_("After termination"))
        after_column = QVBoxLayout(after_box)
        after_column.addWidget(self.to_aftercare)
        after_column.addWidget(self.schedule_label)
        after_column.addWidget(self.close_case)
        after_column.addWidget(self.aftercare_error)

        effects = _("The stay ends and the bed is freed{room}. The person's history is kept; "
                    "they can be admitted again later.").format(
            room=(" " + _("(room {room})").format(room=self.stay.room_name))
            if self.stay.room_name else "")
        self.effects = QLabel(effects)
        self.effects.setWordWrap(True)

        buttons = save_buttons(self, _("Terminate"))
        buttons.accepted.connect(self.save)
        columns = QHBoxLayout()
        columns.addWidget(stay_box, 1)
        columns.addWidget(handover_box, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(StayHeader(self.stay))
        layout.addLayout(columns)
        layout.addWidget(after_box)
        layout.addWidget(self.effects)
        layout.addWidget(buttons)
        self.setMinimumWidth(900)

        self.reason.currentIndexChanged.connect(self._reason_changed)
        self.terminated_on.dateChanged.connect(lambda _d: self._preview())
        self.to_aftercare.toggled.connect(lambda _c: self._preview())
        self._reason_changed()
        if handover_only:
            self._load_handover(after_box, buttons)

    # ------------------------------------------------------------------ behaviour
    def _reason_changed(self) -> None:
        reason = enum_data(self.reason, TerminationReason)
        allowed = reason not in NO_AFTERCARE
        self.to_aftercare.setEnabled(allowed)
        if reason is not None:
            (self.to_aftercare if termination.aftercare_by_default(reason)
             else self.close_case).setChecked(True)
        required = reason in HANDOVER_REQUIRED
        self.handover_hint.setText(
            _("Required for this reason: who received the person and their relationship.")
            if required else
            _("Fill in when someone receives the person; it goes on the berita acara.")
        )
        self._preview()

    def _preview(self) -> None:
        when = to_date(self.terminated_on.date())
        dates = aftercare.follow_up_dates(when, self.schedule)
        self.schedule_label.setText(
            _("Follow-ups will be planned on {dates}.").format(
                dates=", ".join(format_date(d) for d in dates))
            if self.to_aftercare.isChecked() else
            _("No follow-ups will be planned.")
        )

    def data(self) -> TerminationInput:
        return TerminationInput(
            terminated_on=to_date(self.terminated_on.date()),
            reason=enum_data(self.reason, TerminationReason),
            handover=HandoverDetails(
                destination=self.destination.text(),
                notes=self.notes.toPlainText(),
                received_by=self.received_by.text(),
                relationship=self.relationship.text(),
                id_number=self.id_number.text(),
                witness=self.witness.text(),
                witness2=self.witness2.text(),
            ),
            aftercare=self.to_aftercare.isChecked() and self.to_aftercare.isEnabled(),
        )

    def show_errors(self, errors: dict[str, str]) -> None:
        self.stay_form.set_errors(errors)
        self.handover_form.set_errors(errors)
        self.aftercare_error.setText(errors.get("aftercare", ""))
        self.aftercare_error.setVisible("aftercare" in errors)

    def _load_handover(self, after_box, buttons) -> None:
        """Correcting the destination, notes and handover of a stay already terminated."""
        data = termination.handover_data(self.ctx.db, self.ctx.actor, self.admission_id)
        self.setWindowTitle(_("Handover details"))
        self.terminated_on.setMaximumDate(to_qdate(data.terminated_on))
        self.terminated_on.setDate(to_qdate(data.terminated_on))
        select_data(self.reason, data.reason)
        self.terminated_on.setEnabled(False)
        self.reason.setEnabled(False)
        self._fill_handover(data)
        after_box.hide()
        self.effects.hide()
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))

    def _fill_handover(self, data) -> None:
        """``data``: anything with the HandoverDetails fields (the saved berita acara)."""
        for edit, value in ((self.destination, data.destination), (self.received_by, data.received_by),
                            (self.relationship, data.relationship), (self.id_number, data.id_number),
                            (self.witness, data.witness), (self.witness2, data.witness2)):
            edit.setText(value or "")
            edit.setCursorPosition(0)
        self.notes.setPlainText(data.notes or "")

    def _handover_conflict(self) -> OnConflict:
        """Someone changed the stay meanwhile: compare the handover fields, reload or keep."""
        keys = [f.name for f in fields(HandoverDetails)]
        labels = {**self.stay_form.labels(*keys[:2]), **self.handover_form.labels(*keys[2:])}
        return OnConflict(
            fetch=lambda: (reintegration.get_stay(self.ctx.db, self.ctx.actor, self.admission_id),
                           termination.handover_data(self.ctx.db, self.ctx.actor, self.admission_id)),
            mine=lambda: asdict(self.data().handover),
            theirs=lambda saved: {key: getattr(saved[1], key) for key in keys},
            labels=labels, adopt=self._adopt_stay, show=lambda saved: self._fill_handover(saved[1]))

    def _adopt_stay(self, saved) -> None:
        self.stay = saved[0]

    def save_handover(self) -> None:
        changes = save_form(self, lambda: termination.update_handover(
            self.ctx.db, self.ctx.actor, self.admission_id, self.data().handover,
            expected_version=self.stay.version), show_errors=self.show_errors,
            conflict=self._handover_conflict())
        if changes is None:
            return
        self.corrected = True
        self.ctx.announce(changes)
        self.ctx.say(_("Handover details of {name} saved.").format(name=self.stay.name))
        self.accept()

    def save(self) -> None:
        if self.handover_only:
            self.save_handover()
            return
        data = self.data()
        if data.reason is not None and data.terminated_on <= date.today():
            question = _("Terminate {name} as of {date} ({reason})?").format(
                name=self.stay.name, date=format_date(data.terminated_on), reason=data.reason.label)
            if not Messages.confirm(self, question, _("Termination")):
                return
        # a stay changed meanwhile is not terminated on top of it: the user reopens and looks
        result = save_form(self, lambda: termination.terminate(
            self.ctx.db, self.ctx.actor, self.admission_id, data,
            expected_version=self.stay.version,
        ), show_errors=self.show_errors)
        if result is None:
            return
        self.result_, changes = result
        self.ctx.announce(changes)
        result = self.result_
        message = _("{name} terminated.").format(name=result.name)
        if result.follow_up_dates:
            message += " " + _("{n} follow-ups planned, the first on {date}.").format(
                n=len(result.follow_up_dates), date=format_date(result.follow_up_dates[0]))
        self.ctx.say(message)
        self.accept()

    @classmethod
    def ask(cls, ctx, admission_id: int, parent=None) -> TerminationResult | None:
        dialog = cls(ctx, admission_id, parent)
        return dialog.result_ if dialog.exec() == QDialog.DialogCode.Accepted else None

    @classmethod
    def ask_handover(cls, ctx, admission_id: int, parent=None) -> bool:
        """Correct the handover of a terminated stay (e.g. from the resident file); True if saved."""
        dialog = cls(ctx, admission_id, parent, handover_only=True)
        return dialog.exec() == QDialog.DialogCode.Accepted and dialog.corrected
