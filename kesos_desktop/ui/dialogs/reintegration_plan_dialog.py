"""Rencana Reintegrasi: where the person goes, whom to contact, by when, and who is responsible."""

from __future__ import annotations

from dataclasses import asdict

from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout

from kesos_desktop.domain.enums import DestinationType
from kesos_desktop.domain.errors import NotFoundError
from kesos_desktop.i18n import _
from kesos_desktop.services import reintegration
from kesos_desktop.services.reintegration import PlanDTO, PlanInput
from kesos_desktop.ui.pages.reintegration_widgets import (
    StayHeader,
    enum_data,
    optional_date,
    optional_date_field,
    save_buttons,
    text_area,
    worker_combo,
)
from kesos_desktop.ui.widgets.form import Form, enum_combo, select_data
from kesos_desktop.ui.widgets.saving import OnConflict, save_form


class ReintegrationPlanDialog(QDialog):
    def __init__(self, ctx, admission_id: int, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.admission_id = admission_id
        self.saved: PlanDTO | None = None
        db, actor = ctx.db, ctx.actor
        self.stay = reintegration.get_stay(db, actor, admission_id)
        self.plan = reintegration.get_plan(db, actor, admission_id)
        workers = reintegration.list_workers(db, actor)
        plan = self.plan
        self.setWindowTitle(_("Reintegration plan") if plan else _("New reintegration plan"))

        self.form = Form()
        self.destination = self.form.add(
            "destination_type", _("Destination"),
            enum_combo(DestinationType, with_blank=_("- choose -")), required=True,
        )
        self.address = self.form.add("destination_address", _("Destination address"), QLineEdit())
        self.address.setMaxLength(400)
        self.address.setPlaceholderText(_("Street, RT/RW, village, district, city"))
        self.contacts = self.form.add(
            "contact_persons", _("Contact persons"), text_area(None, 3)
        )
        self.contacts.setPlaceholderText(_("Name, relationship, phone - one per line"))
        self.target = self.form.add("target_date", _("Target date"), optional_date_field())
        self.responsible = self.form.add(
            "responsible_id", _("Responsible worker"),
            worker_combo(workers, plan.responsible_id if plan else ctx.actor.id, _("- nobody yet -")),
        )
        if plan:
            self.load(plan)

        buttons = save_buttons(self)
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(StayHeader(self.stay))
        layout.addLayout(self.form)
        layout.addWidget(buttons)
        self.setMinimumWidth(640)

    def load(self, plan: PlanDTO) -> None:
        select_data(self.destination, plan.destination_type)
        self.address.setText(plan.destination_address or "")
        self.address.setCursorPosition(0)
        self.contacts.setPlainText(plan.contact_persons or "")
        self.target.setDate(optional_date_field(plan.target_date).date())
        select_data(self.responsible, plan.responsible_id)

    def data(self) -> PlanInput:
        return PlanInput(
            destination_type=enum_data(self.destination, DestinationType),
            destination_address=self.address.text(),
            contact_persons=self.contacts.toPlainText(),
            target_date=optional_date(self.target),
            responsible_id=self.responsible.currentData(),
        )

    def save(self) -> None:
        result = save_form(self, lambda: reintegration.save_plan(
            self.ctx.db, self.ctx.actor, self.admission_id, self.data(),
            expected_version=self.plan.version if self.plan else None,
        ), self.form, conflict=self._on_conflict() if self.plan else None)
        if result is None:
            return
        self.saved, changes = result
        self.ctx.announce(changes)
        self.ctx.say(_("Reintegration plan of {name} saved.").format(name=self.stay.name))
        self.accept()

    def _on_conflict(self) -> OnConflict:
        """Compare the responsible worker by name, as staff see it."""
        mine = lambda: {**asdict(self.data()), "responsible_id": (  # noqa: E731
            self.responsible.currentText() if self.responsible.currentData() else None)}
        theirs = lambda plan: {**asdict(plan), "responsible_id": plan.responsible}  # noqa: E731
        return OnConflict(
            fetch=self._saved_plan, mine=mine, theirs=theirs, labels=self.form.labels(),
            adopt=self._adopt, show=self.load)

    def _saved_plan(self) -> PlanDTO:
        plan = reintegration.get_plan(self.ctx.db, self.ctx.actor, self.admission_id)
        if plan is None:
            raise NotFoundError(_("This reintegration plan no longer exists."))
        return plan

    def _adopt(self, saved: PlanDTO) -> None:
        self.plan = saved

    @classmethod
    def ask(cls, ctx, admission_id: int, parent=None) -> PlanDTO | None:
        dialog = cls(ctx, admission_id, parent)
        return dialog.saved if dialog.exec() == QDialog.DialogCode.Accepted else None
