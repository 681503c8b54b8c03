"""Kunjungan Rumah: record a home visit, and the list of a stay's visits."""

from __future__ import annotations

from dataclasses import asdict

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from kesos_desktop.domain.enums import FamilyReadiness
from kesos_desktop.i18n import _
from kesos_desktop.services import reintegration, reintegration_visits
from kesos_desktop.services.reintegration_visits import HomeVisitDTO, HomeVisitInput
from kesos_desktop.ui.models.dto_table import Column, DtoTableModel
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
from kesos_desktop.ui.widgets.messages import Messages
from kesos_desktop.ui.widgets.saving import OnConflict, by_id, save_form
from kesos_desktop.ui.widgets.table_view import DataTable


class HomeVisitDialog(QDialog):
    def __init__(self, ctx, admission_id: int, visit: HomeVisitDTO | None = None, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.admission_id = admission_id
        self.visit = visit
        self.saved: HomeVisitDTO | None = None
        self.stay = reintegration.get_stay(ctx.db, ctx.actor, admission_id)
        self.setWindowTitle(_("Home visit") if visit else _("New home visit"))
        self.form = Form()
        self.visited_on = self.form.add(
            "visited_on", _("Visit date"), date_field(visit.visited_on if visit else None),
            required=True,
        )
        self.visitors = self.form.add("visitors", _("Visitors"), QLineEdit(), required=True)
        self.visitors.setMaxLength(300)
        self.visitors.setPlaceholderText(_("Names of the workers who went"))
        self.people_met = self.form.add("people_met", _("People met"), QLineEdit())
        self.people_met.setMaxLength(300)
        self.people_met.setPlaceholderText(_("For example: mother, older brother, head of RT"))
        self.findings = self.form.add("findings", _("Findings"), text_area(None, 4))
        self.readiness = self.form.add(
            "family_readiness", _("Family readiness"),
            enum_combo(FamilyReadiness, with_blank=_("- not judged -")),
        )
        self.next_steps = self.form.add("next_steps", _("Next steps"), text_area(None, 3))
        if visit:
            self.load(visit)
        else:
            self.visitors.setText(ctx.actor.full_name)
        buttons = save_buttons(self)
        buttons.accepted.connect(self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(StayHeader(self.stay))
        layout.addLayout(self.form)
        layout.addWidget(buttons)
        self.setMinimumWidth(600)

    def load(self, visit: HomeVisitDTO) -> None:
        self.visited_on.setDate(to_qdate(visit.visited_on))
        self.visitors.setText(visit.visitors)
        self.people_met.setText(visit.people_met or "")
        self.findings.setPlainText(visit.findings or "")
        select_data(self.readiness, visit.family_readiness)
        self.next_steps.setPlainText(visit.next_steps or "")

    def data(self) -> HomeVisitInput:
        return HomeVisitInput(
            visited_on=to_date(self.visited_on.date()),
            visitors=self.visitors.text(),
            people_met=self.people_met.text(),
            findings=self.findings.toPlainText(),
            family_readiness=enum_data(self.readiness, FamilyReadiness),
            next_steps=self.next_steps.toPlainText(),
        )

    def save(self) -> None:
        db, actor, data = self.ctx.db, self.ctx.actor, self.data()
        if self.visit is None:
            result = save_form(self, lambda: reintegration_visits.add_home_visit(
                db, actor, self.admission_id, data), self.form)
        else:
            result = save_form(self, lambda: reintegration_visits.update_home_visit(
                db, actor, self.visit.id, data, expected_version=self.visit.version), self.form,
                conflict=OnConflict(fetch=self._saved_visit, mine=lambda: asdict(self.data()),
                                    theirs=asdict, labels=self.form.labels(),
                                    adopt=self._adopt, show=self.load))
        if result is None:
            return
        self.saved, changes = result
        self.ctx.announce(changes)
        self.ctx.say(_("Home visit of {name} saved.").format(name=self.stay.name))
        self.accept()

    def _saved_visit(self) -> HomeVisitDTO:
        visits = reintegration_visits.list_home_visits(self.ctx.db, self.ctx.actor, self.admission_id)
        return by_id(visits, self.visit.id, _("This home visit no longer exists."))

    def _adopt(self, saved: HomeVisitDTO) -> None:
        self.visit = saved

    @classmethod
    def ask(cls, ctx, admission_id: int, visit: HomeVisitDTO | None = None,
            parent=None) -> HomeVisitDTO | None:
        dialog = cls(ctx, admission_id, visit, parent)
        return dialog.saved if dialog.exec() == QDialog.DialogCode.Accepted else None


class HomeVisitsDialog(QDialog):
    """Every home visit of one stay, newest first, with Add and Edit."""

    def __init__(self, ctx, admission_id: int, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.admission_id = admission_id
        self.changed = False
        self.stay = reintegration.get_stay(ctx.db, ctx.actor, admission_id)
        self.setWindowTitle(_("Home visits"))
        self.model = DtoTableModel([
            Column(_("Date"), lambda v: v.visited_on),
            Column(_("Visitors"), lambda v: v.visitors),
            Column(_("People met"), lambda v: v.people_met),
            Column(_("Family readiness"), lambda v: v.family_readiness),
            Column(_("Findings"), lambda v: (v.findings or "").replace("\n", " ")),
        ], self)
        self.table = DataTable("home_visits_table")
        self.table.set_source_model(self.model)
        self.table.activated_row.connect(self.edit)
        self.empty = QLabel(_("No home visit recorded yet. Click Add home visit to record one."))
        self.empty.setStyleSheet(f"color: {MUTED};")
        self.add_button = QPushButton(_("Add home visit..."))
        self.edit_button = QPushButton(_("Edit..."))
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(lambda: self.edit(self.table.selected_source_row()))
        manage = ctx.can(reintegration_visits.add_home_visit.required_action)
        self.add_button.setVisible(manage)
        self.edit_button.setVisible(manage)
        row = QHBoxLayout()
        row.addWidget(self.add_button)
        row.addWidget(self.edit_button)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(StayHeader(self.stay))
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(close)
        self.resize(860, 420)
        self.reload()

    def reload(self) -> None:
        visits = reintegration_visits.list_home_visits(self.ctx.db, self.ctx.actor, self.admission_id)
        self.model.set_rows(visits)
        self.empty.setVisible(not visits)
        self.table.resizeColumnsToContents()

    def add(self) -> None:
        if HomeVisitDialog.ask(self.ctx, self.admission_id, None, self):
            self.changed = True
            self.reload()

    def edit(self, row: int | None) -> None:
        if row is None:
            Messages.info(self, _("Choose a visit in the list first."))
            return
        if HomeVisitDialog.ask(self.ctx, self.admission_id, self.model.row_at(row), self):
            self.changed = True
            self.reload()

    @classmethod
    def ask(cls, ctx, admission_id: int, parent=None) -> bool:
        dialog = cls(ctx, admission_id, parent)
        dialog.exec()
        return dialog.changed
