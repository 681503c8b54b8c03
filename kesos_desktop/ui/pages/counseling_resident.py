"""Bimbingan > Per resident: one stay's sessions, assessments (with comparison), intervention
plan (with its versions) and case conferences, with the buttons to add to each."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.enums import AssessmentDomain
from kesos_desktop.domain.errors import KesosError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _, format_date
from kesos_desktop.services import (
    assessment,
    counseling,
    counseling_conferences,
    plans,
)
from kesos_desktop.services.counseling_dto import (
    AssessmentRow,
    ConferenceRow,
    PlanVersionRow,
    PlanView,
    SessionRow,
    StayRef,
)
from kesos_desktop.ui.dialogs.note_editor_pickers import StayPicker
from kesos_desktop.ui.models.dto_table import Column, DtoTableModel
from kesos_desktop.ui.pages.counseling_lists import MUTED, session_columns, set_widths
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.messages import Messages, show_error
from kesos_desktop.ui.widgets.table_view import DataTable

SHORT = {
    AssessmentDomain.PHYSICAL: "Fis", AssessmentDomain.PSYCHOLOGICAL: "Psi",
    AssessmentDomain.SOCIAL: "Sos", AssessmentDomain.SPIRITUAL: "M-S",
    AssessmentDomain.ECONOMIC: "Eko", AssessmentDomain.VOCATIONAL: "Vok",
}


@dataclass(frozen=True)
class StayFile:
    sessions: list[SessionRow]
    assessments: list[AssessmentRow]
    plan: PlanView | None
    versions: list[PlanVersionRow]
    conferences: list[ConferenceRow]


def load_stay_file(db, actor, stay: StayRef) -> StayFile:
    flt = counseling.SessionFilter(admission_id=stay.admission_id, limit=1000)
    return StayFile(
        sessions=counseling.list_sessions(db, actor, flt),
        assessments=assessment.list_assessments(db, actor, resident_id=stay.resident_id),
        plan=plans.current_plan(db, actor, stay.admission_id),
        versions=plans.list_plan_versions(db, actor, stay.admission_id),
        conferences=counseling_conferences.list_conferences(db, actor, stay.admission_id),
    )


def _buttons(*buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    for button in buttons:
        row.addWidget(button)
    row.addStretch(1)
    return row


class ResidentFileTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.stay: StayRef | None = None
        self.file: StayFile | None = None
        self.picker = StayPicker(ctx, browse=True)
        self.picker.setFixedWidth(290)
        self.heading = QLabel(_("Choose a resident to see their sessions, assessments, plan and "
                                "case conferences."))
        self.heading.setObjectName("stay_heading")
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-size: 12pt; font-weight: 600;")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("stay_tabs")
        self.tabs.addTab(self._sessions_tab(), _("Sessions"))
        self.tabs.addTab(self._assessments_tab(), _("Assessments"))
        self.tabs.addTab(self._plan_tab(), _("Intervention plan"))
        self.tabs.addTab(self._conferences_tab(), _("Case conferences"))
        right = QVBoxLayout()
        right.addWidget(self.heading)
        right.addWidget(self.tabs, 1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.picker)
        layout.addLayout(right, 1)
        self.picker.changed.connect(self._picked)
        self._enable()

    # ------------------------------------------------------------------ tabs
    def _sessions_tab(self) -> QWidget:
        self.new_session = QPushButton(_("New session…"))
        self.new_session.setObjectName("stay_new_session")
        self.sessions_model = DtoTableModel(session_columns())
        self.sessions = DataTable("counseling_stay_sessions")
        self.sessions.set_source_model(self.sessions_model)
        set_widths(self.sessions, [86, 52, 150, 220, 150, 95, 150, 125, 100])
        self.new_session.clicked.connect(self.add_session)
        self.sessions.activated_row.connect(lambda r: self.open_session(self.sessions_model.row_at(r)))
        return self._page(_buttons(self.new_session), self.sessions)

    def _assessments_tab(self) -> QWidget:
        self.new_assessment = QPushButton(_("New assessment…"))
        self.new_assessment.setObjectName("new_assessment")
        self.view_assessment = QPushButton(_("Open"))
        self.correct_assessment = QPushButton(_("Correct…"))
        self.compare_button = QPushButton(_("Compare the two selected"))
        self.compare_button.setObjectName("compare_assessments")
        hint = QLabel(_("Select two assessments (Ctrl+click) to compare them."))
        hint.setStyleSheet(f"color: {MUTED};")
        columns = [Column(_("Date"), lambda r: r.assessed_on), Column(_("Assessor"), lambda r: r.assessor_name)]
        columns += [Column(SHORT[d], lambda r, d=d: r.score(d)) for d in AssessmentDomain]
        columns.append(Column(_("Average"), lambda r: round(r.average, 1) if r.average else None))
        self.assessments_model = DtoTableModel(columns)
        self.assessments = DataTable("counseling_stay_assessments")
        self.assessments.set_source_model(self.assessments_model)
        self.assessments.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.assessments.setToolTip(", ".join(f"{SHORT[d]} = {d.label}" for d in AssessmentDomain))
        set_widths(self.assessments, [90, 170] + [48] * 6 + [70])
        self.new_assessment.clicked.connect(self.add_assessment)
        self.view_assessment.clicked.connect(self.show_assessment)
        self.correct_assessment.clicked.connect(self.fix_assessment)
        self.compare_button.clicked.connect(self.compare)
        self.assessments.activated_row.connect(lambda _r: self.show_assessment())
        hint.setWordWrap(True)
        page = self._page(_buttons(self.new_assessment, self.view_assessment,
                                   self.correct_assessment, self.compare_button), self.assessments)
        page.layout().addWidget(hint)
        return page

    def _plan_tab(self) -> QWidget:
        self.plan_button = QPushButton(_("New plan…"))
        self.plan_button.setObjectName("plan_button")
        self.progress_button = QPushButton(_("Record progress of the selected goal…"))
        self.versions_button = QPushButton(_("All versions…"))
        self.versions_button.setObjectName("plan_versions_button")
        self.plan_summary = QLabel()
        self.plan_summary.setObjectName("plan_summary")
        self.plan_summary.setWordWrap(True)
        self.goals_model = DtoTableModel([
            Column(_("Domain"), lambda g: g.domain.label),
            Column(_("Goal"), lambda g: g.description),
            Column(_("Target date"), lambda g: g.target_date),
            Column(_("Status"), lambda g: g.status.label),
            Column(_("Progress notes"), lambda g: g.progress_notes or ""),
        ])
        self.goals = DataTable("counseling_stay_goals")
        self.goals.set_source_model(self.goals_model)
        set_widths(self.goals, [150, 330, 95, 110, 300])
        self.plan_button.clicked.connect(self.edit_plan)
        self.progress_button.clicked.connect(self.record_progress)
        self.versions_button.clicked.connect(self.show_versions)
        page = self._page(_buttons(self.plan_button, self.progress_button, self.versions_button),
                          self.goals)
        page.layout().insertWidget(1, self.plan_summary)
        return page

    def _conferences_tab(self) -> QWidget:
        self.new_conference = QPushButton(_("New case conference…"))
        self.new_conference.setObjectName("new_conference")
        self.edit_conference = QPushButton(_("Change…"))
        self.conferences_model = DtoTableModel([
            Column(_("Date"), lambda c: c.held_on),
            Column(_("Led by"), lambda c: c.led_by_name or ""),
            Column(_("Attended"), lambda c: ", ".join(a.full_name for a in c.attendees)),
            Column(_("Decisions"), lambda c: " ".join(c.decisions.split())),
        ])
        self.conferences = DataTable("counseling_stay_conferences")
        self.conferences.set_source_model(self.conferences_model)
        set_widths(self.conferences, [90, 150, 260, 480])
        self.new_conference.clicked.connect(lambda: self.conference(None))
        self.edit_conference.clicked.connect(self._edit_selected_conference)
        self.conferences.activated_row.connect(
            lambda r: self.conference(self.conferences_model.row_at(r)))
        return self._page(_buttons(self.new_conference, self.edit_conference), self.conferences)

    @staticmethod
    def _page(buttons: QHBoxLayout, table: DataTable) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(buttons)
        layout.addWidget(table, 1)
        return page

    # ------------------------------------------------------------------ loading
    def _enable(self) -> None:
        chosen = self.stay is not None
        self.new_session.setEnabled(chosen and self.ctx.can(Action.COUNSELING_WRITE))
        self.new_assessment.setEnabled(chosen and self.ctx.can(Action.ASSESSMENT_WRITE))
        self.correct_assessment.setVisible(self.ctx.can(Action.ASSESSMENT_WRITE))
        self.plan_button.setEnabled(chosen and self.ctx.can(Action.PLAN_WRITE))
        self.progress_button.setEnabled(chosen and self.ctx.can(Action.PLAN_WRITE) and
                                        self.file is not None and self.file.plan is not None)
        self.new_conference.setEnabled(chosen and self.ctx.can(Action.COUNSELING_WRITE))
        self.edit_conference.setVisible(self.ctx.can(Action.COUNSELING_WRITE))
        for button in (self.view_assessment, self.compare_button, self.versions_button):
            button.setEnabled(chosen)

    def _picked(self) -> None:
        stays = self.picker.stays()
        if stays and (self.stay is None or stays[0].admission_id != self.stay.admission_id):
            self.show_stay(stays[0])

    def show_stay(self, stay: StayRef) -> None:
        self.stay = stay
        if stay.admission_id not in self.picker.admission_ids():
            self.picker.set_stays([stay])
        self.heading.setText(f"{stay.name} · {stay.reg_no}" + (f" · {stay.stage.label}" if stay.stage else ""))
        self.refresh()

    def refresh(self) -> None:
        if self.stay is None:
            self._enable()
            return
        run_in_background(load_stay_file, self.ctx.db, self.ctx.actor, self.stay).owned_by(self).on_success(
            self.show_file).start()

    def show_file(self, file: StayFile) -> None:
        self.file = file
        self.sessions_model.set_rows(file.sessions)
        self.assessments_model.set_rows(file.assessments)
        self.conferences_model.set_rows(file.conferences)
        plan = file.plan
        self.goals_model.set_rows(list(plan.goals) if plan else [])
        if plan is None:
            self.plan_summary.setText(_("No intervention plan yet."))
            self.plan_button.setText(_("New plan…"))
        else:
            self.plan_summary.setText(_(
                "Version {n} of {date} · responsible: {name} · review: {review} · services: "
                "{services}").format(
                n=plan.plan_version, date=format_date(plan.drawn_up_on), name=plan.responsible_name,
                review=format_date(plan.review_on) if plan.review_on else "-",
                services=", ".join(s.label for s in plan.services)))
            self.plan_button.setText(_("Revise…"))
        self.tabs.setTabText(0, _("Sessions ({n})").format(n=len(file.sessions)))
        self.tabs.setTabText(1, _("Assessments ({n})").format(n=len(file.assessments)))
        self.tabs.setTabText(3, _("Case conferences ({n})").format(n=len(file.conferences)))
        self._enable()

    # ------------------------------------------------------------------ actions
    def open_session(self, row: SessionRow) -> None:
        from kesos_desktop.ui.dialogs.note_editor_view import open_session

        if open_session(self.ctx, self, row):
            self.refresh()

    def add_session(self) -> None:
        from kesos_desktop.ui.dialogs.note_editor import NoteEditorDialog

        if self.stay is not None and NoteEditorDialog.ask(self.ctx, self, stay=self.stay):
            self.ctx.say(_("Session saved."))
            self.refresh()

    def selected_assessments(self) -> list[AssessmentRow]:
        rows = self.assessments.selectionModel().selectedRows() if self.assessments.selectionModel() else []
        return [self.assessments_model.row_at(self.assessments.source_row(i.row())) for i in rows]

    def add_assessment(self) -> None:
        from kesos_desktop.ui.dialogs.assessment_dialog import AssessmentDialog

        if self.stay is not None and AssessmentDialog.ask(self.ctx, self.stay, parent=self):
            self.ctx.say(_("Assessment saved."))
            self.refresh()

    def _texts(self, row: AssessmentRow):
        if not self.ctx.can(Action.NOTE_READ):
            return None
        return assessment.read_assessment(self.ctx.db, self.ctx.actor, row.id)

    def show_assessment(self) -> None:
        from kesos_desktop.ui.dialogs.assessment_dialog import AssessmentViewDialog

        chosen = self.selected_assessments()
        if not chosen:
            return
        try:
            texts = self._texts(chosen[0])
        except KesosError as error:
            show_error(self, error)
            return
        AssessmentViewDialog(chosen[0], texts, self).exec()

    def fix_assessment(self) -> None:
        from kesos_desktop.ui.dialogs.assessment_dialog import AssessmentDialog

        chosen = self.selected_assessments()
        if not chosen or self.stay is None:
            return
        row = chosen[0]
        if row.assessor_id != self.ctx.actor.id:
            Messages.info(self, _("Only the assessor can correct an assessment, within 24 hours. "
                                  "Record a new assessment instead."))
            return
        try:
            texts = self._texts(row)
        except KesosError as error:
            show_error(self, error)
            return
        if AssessmentDialog.ask(self.ctx, self.stay, texts, self):
            self.refresh()

    def compare(self) -> None:
        from kesos_desktop.ui.dialogs.assessment_compare import AssessmentCompareDialog

        chosen = self.selected_assessments()
        if len(chosen) != 2:
            Messages.info(self, _("Select exactly two assessments (Ctrl+click) to compare them."))
            return
        try:
            comparison = assessment.compare_assessments(self.ctx.db, self.ctx.actor, chosen[0].id, chosen[1].id)
            earlier = self._texts(comparison.earlier)
            later = self._texts(comparison.later)
        except KesosError as error:
            show_error(self, error)
            return
        AssessmentCompareDialog(comparison, earlier, later, self).exec()

    def edit_plan(self) -> None:
        from kesos_desktop.ui.dialogs.plan_dialog import PlanDialog

        if self.stay is not None and PlanDialog.ask(self.ctx, self.stay,
                                                    self.file.plan if self.file else None, self):
            self.ctx.say(_("Intervention plan saved."))
            self.refresh()

    def record_progress(self) -> None:
        from kesos_desktop.ui.dialogs.plan_dialog import GoalProgressDialog

        row = self.goals.selected_source_row()
        if row is None or self.file is None or self.file.plan is None:
            Messages.info(self, _("Select a goal of the plan first."))
            return
        if GoalProgressDialog.ask(self.ctx, self.file.plan, row, self):
            self.refresh()

    def show_versions(self) -> None:
        from kesos_desktop.ui.dialogs.plan_versions import PlanVersionsDialog

        if self.file is not None:
            PlanVersionsDialog(self.ctx, self.file.versions, self).exec()

    def conference(self, existing: ConferenceRow | None) -> None:
        from kesos_desktop.ui.pages.counseling_conferences import ConferenceDialog

        if self.stay is None or not self.ctx.can(Action.COUNSELING_WRITE):
            return
        if ConferenceDialog.ask(self.ctx, self.stay, existing, self):
            self.refresh()

    def _edit_selected_conference(self) -> None:
        row = self.conferences.selected_source_row()
        if row is not None:
            self.conference(self.conferences_model.row_at(row))

