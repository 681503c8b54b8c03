"""Rencana intervensi: the first plan of a stay, or a revision (a new version with a reason;
the earlier version stays as it was). Goals per domain, ATENSI services, responsible worker."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.enums import AssessmentDomain, AtensiService, GoalStatus
from kesos_desktop.domain.errors import KesosError, NotFoundError
from kesos_desktop.i18n import _
from kesos_desktop.services import counseling, plans
from kesos_desktop.services.counseling_dto import GoalInput, PlanInput, PlanView, StayRef
from kesos_desktop.ui.widgets.form import ERROR_STYLE, Form, date_edit, enum_combo, select_data
from kesos_desktop.ui.widgets.messages import Messages, show_error
from kesos_desktop.ui.widgets.saving import OnConflict, in_label, save_form

GOAL_DOMAIN, GOAL_TEXT, GOAL_TARGET, GOAL_STATUS, GOAL_PROGRESS = range(5)


def to_date(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


class PlanDialog(QDialog):
    def __init__(self, ctx, stay: StayRef, current: PlanView | None = None, parent=None):
        super().__init__(parent)
        self.ctx, self.stay, self.current = ctx, stay, current
        self.saved: PlanView | None = None
        self.setObjectName("plan_dialog")
        self.setWindowTitle(
            _("Revise the intervention plan (version {n})").format(n=current.plan_version + 1)
            if current else _("New intervention plan"))
        heading = QLabel(_("Intervention plan for {name} ({reg_no})").format(
            name=stay.name, reg_no=stay.reg_no))
        heading.setStyleSheet("font-size: 12pt; font-weight: 600;")
        self.form = Form()
        self.responsible = self.form.add("responsible_id", _("Responsible worker"), QComboBox(),
                                         required=True)
        try:
            for choice in counseling.list_counselors(ctx.db, ctx.actor):
                self.responsible.addItem(choice.full_name, choice.id)
        except KesosError as error:
            show_error(self, error)
        select_data(self.responsible, ctx.actor.id)
        self.drawn_up_on = self.form.add("drawn_up_on", _("Date of the plan"), date_edit(), required=True)
        review = QWidget()
        review_row = QHBoxLayout(review)
        review_row.setContentsMargins(0, 0, 0, 0)
        self.has_review = QCheckBox(_("on"))
        self.review_on = date_edit(QDate.currentDate().addMonths(1))
        review_row.addWidget(self.has_review)
        review_row.addWidget(self.review_on)
        review_row.addStretch(1)
        self.form.add("review_on", _("Review"), review)
        services = QWidget()
        grid = QGridLayout(services)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(2)
        self.services: dict[AtensiService, QCheckBox] = {}
        for index, service in enumerate(AtensiService):
            box = QCheckBox(service.label)
            box.setObjectName(f"service_{service.value}")
            self.services[service] = box
            grid.addWidget(box, index // 2, index % 2)
        self.form.add("services", _("ATENSI services"), services, required=True)
        self.goals = QTableWidget(0, 5)
        self.goals.setObjectName("goals_table")
        self.goals.setHorizontalHeaderLabels(
            [_("Domain"), _("Goal"), _("Target date"), _("Status"), _("Progress notes")])
        self.goals.verticalHeader().hide()
        header = self.goals.horizontalHeader()
        header.setSectionResizeMode(GOAL_TEXT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(GOAL_PROGRESS, QHeaderView.ResizeMode.Stretch)
        for column, width in ((GOAL_DOMAIN, 170), (GOAL_TARGET, 110), (GOAL_STATUS, 130)):
            self.goals.setColumnWidth(column, width)
        self.add_goal_button = QPushButton(_("Add goal"))
        self.add_goal_button.setObjectName("add_goal")
        self.remove_goal_button = QPushButton(_("Remove goal"))
        goal_buttons = QHBoxLayout()
        goal_buttons.addWidget(QLabel(_("Goals *")))
        goal_buttons.addStretch(1)
        goal_buttons.addWidget(self.add_goal_button)
        goal_buttons.addWidget(self.remove_goal_button)
        self.goals_error = QLabel()
        self.goals_error.setObjectName("error_goals")
        self.goals_error.setStyleSheet(ERROR_STYLE)
        self.goals_error.hide()
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("revision_reason")
        self.reason.setFixedHeight(52)
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText(_("Why the plan is revised (required)"))
        self.reason_error = QLabel()
        self.reason_error.setObjectName("error_reason")
        self.reason_error.setStyleSheet(ERROR_STYLE)
        self.reason_error.hide()
        self.message = QLabel()
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(self.form)
        layout.addLayout(goal_buttons)
        layout.addWidget(self.goals, 1)
        layout.addWidget(self.goals_error)
        if current is not None:
            layout.addWidget(QLabel(_("Reason for the revision *")))
            layout.addWidget(self.reason)
            layout.addWidget(self.reason_error)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(1060, 640)
        self.has_review.toggled.connect(self.review_on.setEnabled)
        self.review_on.setEnabled(False)
        self.add_goal_button.clicked.connect(lambda: self.add_goal())
        self.remove_goal_button.clicked.connect(self.remove_goal)
        if current is not None:
            self._fill(current)
        else:
            self.add_goal()

    def _fill(self, plan: PlanView) -> None:
        select_data(self.responsible, plan.responsible_id)
        if plan.review_on:
            self.has_review.setChecked(True)
            self.review_on.setDate(to_qdate(plan.review_on))
        for service in plan.services:
            self.services[service].setChecked(True)
        for goal in plan.goals:
            self.add_goal(GoalInput(goal.domain, goal.description, goal.target_date, goal.status,
                                    goal.progress_notes))

    def add_goal(self, goal: GoalInput | None = None) -> None:
        row = self.goals.rowCount()
        self.goals.insertRow(row)
        domain = enum_combo(AssessmentDomain)
        status = enum_combo(GoalStatus)
        target = QDateEdit()
        target.setCalendarPopup(True)
        target.setDisplayFormat("dd/MM/yyyy")
        target.setDate(QDate.currentDate().addMonths(2))
        self.goals.setCellWidget(row, GOAL_DOMAIN, domain)
        self.goals.setCellWidget(row, GOAL_TARGET, target)
        self.goals.setCellWidget(row, GOAL_STATUS, status)
        self.goals.setItem(row, GOAL_TEXT, QTableWidgetItem(goal.description if goal else ""))
        self.goals.setItem(row, GOAL_PROGRESS, QTableWidgetItem((goal.progress_notes or "") if goal else ""))
        if goal is not None:
            select_data(domain, goal.domain)
            select_data(status, goal.status)
            if goal.target_date:
                target.setDate(to_qdate(goal.target_date))
        self.goals.setCurrentCell(row, GOAL_TEXT)

    def remove_goal(self) -> None:
        row = self.goals.currentRow()
        if row >= 0:
            self.goals.removeRow(row)

    def goal_inputs(self) -> tuple[GoalInput, ...]:
        goals = []
        for row in range(self.goals.rowCount()):
            text = self.goals.item(row, GOAL_TEXT)
            progress = self.goals.item(row, GOAL_PROGRESS)
            goals.append(GoalInput(
                domain=self.goals.cellWidget(row, GOAL_DOMAIN).currentData(),
                description=text.text() if text else "",
                target_date=to_date(self.goals.cellWidget(row, GOAL_TARGET).date()),
                status=self.goals.cellWidget(row, GOAL_STATUS).currentData(),
                progress_notes=(progress.text() if progress else "") or None,
            ))
        return tuple(goals)

    def data(self) -> PlanInput:
        return PlanInput(
            admission_id=self.stay.admission_id, responsible_id=self.responsible.currentData(),
            drawn_up_on=to_date(self.drawn_up_on.date()), goals=self.goal_inputs(),
            services=frozenset(s for s, box in self.services.items() if box.isChecked()),
            review_on=to_date(self.review_on.date()) if self.has_review.isChecked() else None,
        )

    def save(self) -> None:
        self.form.clear_errors()
        for label in (self.goals_error, self.reason_error, self.message):
            label.hide()
        db, actor, data = self.ctx.db, self.ctx.actor, self.data()
        if self.current is None:
            save, conflict = (lambda: plans.create_plan(db, actor, data)), None
        else:
            save = lambda: plans.revise_plan(  # noqa: E731
                db, actor, data, self.reason.toPlainText(), self.current.plan_version)
            conflict = OnConflict(
                fetch=self._saved_plan, mine=lambda: self._values(self.data()),
                theirs=self._values, labels=self.form.labels(
                    "responsible_id", "review_on", "services") | {"goals": _("Goals")},
                adopt=self._adopt, show=self._reload)
        result = save_form(self, save, show_errors=self._show_errors,
                           show_message=in_label(self.message), conflict=conflict)
        if result is None:
            return
        self.saved, changes = result
        self.ctx.announce(changes)
        self.accept()

    def _show_errors(self, errors: dict[str, str]) -> None:
        self.form.set_errors(errors)
        for key, label in (("goals", self.goals_error), ("reason", self.reason_error),
                           ("admission_id", self.message)):
            if key in errors:
                in_label(label)(errors[key])

    def _values(self, plan: PlanInput | PlanView) -> dict:
        """The plan as staff compare it: the worker by name, services and goals as text."""
        if isinstance(plan, PlanView):
            responsible = plan.responsible_name
        else:
            responsible = self.responsible.itemText(self.responsible.findData(plan.responsible_id))
        return {"responsible_id": responsible, "review_on": plan.review_on,
                "services": [s for s in AtensiService if s in plan.services],
                "goals": [f"{AssessmentDomain(g.domain).label}: {g.description}" for g in plan.goals]}

    def _saved_plan(self) -> PlanView:
        plan = plans.current_plan(self.ctx.db, self.ctx.actor, self.stay.admission_id)
        if plan is None:
            raise NotFoundError(_("This intervention plan no longer exists."))
        return plan

    def _adopt(self, saved: PlanView) -> None:
        """The next save becomes a revision of the version saved meanwhile."""
        self.current = saved
        self.setWindowTitle(
            _("Revise the intervention plan (version {n})").format(n=saved.plan_version + 1))

    def _reload(self, saved: PlanView) -> None:
        self.goals.setRowCount(0)
        for box in self.services.values():
            box.setChecked(False)
        self.has_review.setChecked(False)
        self._fill(saved)

    def reject(self) -> None:
        if Messages.confirm(self, _("Close without saving? What you typed will be lost.")):
            super().reject()

    @classmethod
    def ask(cls, ctx, stay: StayRef, current: PlanView | None = None, parent=None) -> PlanView | None:
        dialog = cls(ctx, stay, current, parent)
        return dialog.saved if dialog.exec() == QDialog.DialogCode.Accepted else None


class GoalProgressDialog(QDialog):
    """Record the progress of one goal of the current plan version."""

    def __init__(self, ctx, plan: PlanView, goal_index: int, parent=None):
        super().__init__(parent)
        self.ctx, self.plan = ctx, plan
        self.goal = plan.goals[goal_index]
        self.saved: PlanView | None = None
        self.setWindowTitle(_("Progress of a goal"))
        self.form = Form()
        description = QLineEdit(self.goal.description)
        description.setReadOnly(True)
        self.form.add("description", _("Goal"), description)
        self.status = self.form.add("status", _("Status"), enum_combo(GoalStatus))
        select_data(self.status, self.goal.status)
        self.progress = self.form.add("progress_notes", _("Progress notes"), QPlainTextEdit())
        self.progress.setPlainText(self.goal.progress_notes or "")
        self.progress.setTabChangesFocus(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(buttons)
        self.resize(560, 320)

    def save(self) -> None:
        result = save_form(self, lambda: plans.update_goal(
            self.ctx.db, self.ctx.actor, self.goal.id, self.status.currentData(),
            self.progress.toPlainText(), self.plan.version), self.form, conflict=OnConflict(
                fetch=lambda: plans.get_plan(self.ctx.db, self.ctx.actor, self.plan.id),
                mine=lambda: {"status": GoalStatus(self.status.currentData()),
                              "progress_notes": self.progress.toPlainText()},
                theirs=lambda plan: asdict(self._goal_of(plan)),
                labels=self.form.labels("status", "progress_notes"),
                adopt=self._adopt, show=self._show))
        if result is None:
            return
        self.saved, changes = result
        self.ctx.announce(changes)
        self.accept()

    def _goal_of(self, plan: PlanView):
        return next(g for g in plan.goals if g.id == self.goal.id)

    def _adopt(self, plan: PlanView) -> None:
        self.plan = plan

    def _show(self, plan: PlanView) -> None:
        goal = self._goal_of(plan)
        select_data(self.status, goal.status)
        self.progress.setPlainText(goal.progress_notes or "")

    @classmethod
    def ask(cls, ctx, plan: PlanView, goal_index: int, parent=None) -> PlanView | None:
        dialog = cls(ctx, plan, goal_index, parent)
        return dialog.saved if dialog.exec() == QDialog.DialogCode.Accepted else None
