"""The lists of the Bimbingan page: sessions (today, or a period), my caseload, residents whose
next session is overdue, residents waiting for an assessment. Metadata only: what every role
may see. Opening a session goes through ``note_editor_view.open_session``."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.enums import Confidentiality, CounselingStatus, CounselingType
from kesos_desktop.domain.errors import KesosError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _, format_number
from kesos_desktop.services import counseling, counseling_caseload
from kesos_desktop.services.counseling_dto import CaseloadRow, SessionRow, StayRef
from kesos_desktop.ui.models.dto_table import Column, DtoTableModel
from kesos_desktop.ui.register_exports import export_button, start_export
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.form import date_edit, enum_combo
from kesos_desktop.ui.widgets.messages import show_error
from kesos_desktop.ui.widgets.table_view import DataTable

HIGH_COLOR = "#8c1d18"
LATE_COLOR = "#b3261e"
MUTED = "#5f6b66"
STATUS_COLORS = {CounselingStatus.PLANNED: "#1e3a8a", CounselingStatus.DONE: "#14532d",
                 CounselingStatus.CANCELLED: "#8a8f8c"}


def note_state(row: SessionRow) -> str:
    if not row.has_note:
        return _("Not written") if row.status == CounselingStatus.DONE else "-"
    if row.signed_at:
        return _("Signed (v{n})").format(n=row.note_versions)
    if row.note_locked:
        return _("Closed: addenda only (v{n})").format(n=row.note_versions)
    return _("Open (v{n})").format(n=row.note_versions)


def session_columns(with_date: bool = True) -> list[Column]:
    columns = [Column(_("Date"), lambda r: r.held_on)] if with_date else []
    return columns + [
        Column(_("Time"), lambda r: r.start_time.strftime("%H:%M") if r.start_time else ""),
        Column(_("Type"), lambda r: r.session_type.label),
        Column(_("Residents"), lambda r: r.participant_names),
        Column(_("Counselor"), lambda r: r.counselor_name),
        Column(_("Status"), lambda r: r.status.label, color=lambda r: STATUS_COLORS[r.status]),
        Column(_("Confidentiality"), lambda r: r.confidentiality.label,
               color=lambda r: HIGH_COLOR if r.confidentiality == Confidentiality.HIGH else None),
        Column(_("Note"), note_state,
               color=lambda r: LATE_COLOR if r.status == CounselingStatus.DONE and not r.has_note else None),
        Column(_("Next session"), lambda r: r.next_session_on),
    ]


def set_widths(table: DataTable, widths: list[int]) -> None:
    """First-use column widths; a layout the user arranged (saved by DataTable) wins."""
    table.first_widths(widths)


class SessionsTab(QWidget):
    """Sessions of one day (``today`` mode) or of a period with filters."""

    open_row = Signal(object)  # SessionRow

    def __init__(self, ctx, today_only: bool, parent=None):
        super().__init__(parent)
        self.ctx, self.today_only = ctx, today_only
        self.mine = QCheckBox(_("Only my sessions"))
        self.mine.setObjectName("only_mine")
        self.mine.setVisible(ctx.can(Action.COUNSELING_WRITE))
        self.mine.setChecked(False)
        top = QHBoxLayout()
        if today_only:
            self.caption = QLabel()
            top.addWidget(self.caption)
        else:
            self.date_from = date_edit(QDate.currentDate().addDays(-30))
            self.date_to = date_edit(QDate.currentDate().addDays(30))
            self.kind = enum_combo(CounselingType, with_blank=_("All types"))
            self.filter = QLineEdit()
            self.filter.setObjectName("session_filter")
            self.filter.setClearButtonEnabled(True)
            self.filter.setPlaceholderText(_("Filter by resident or counselor (Ctrl+F)"))
            for widget in (QLabel(_("Sessions from")), self.date_from, QLabel(_("to")), self.date_to,
                           self.kind, self.filter):
                top.addWidget(widget, 1 if widget is self.filter else 0)
            for signal in (self.date_from.dateChanged, self.date_to.dateChanged,
                           self.kind.currentIndexChanged):
                signal.connect(lambda *_a: self.refresh())
        top.addStretch(0 if not today_only else 1)
        top.addWidget(self.mine)
        # only a user who may read note bodies is offered them (the service refuses the others)
        self.include_notes = QCheckBox(_("Include note contents"))
        self.include_notes.setObjectName("include_notes")
        self.include_notes.setToolTip(_("Add each session's topic, note and agreed actions to the "
                                        "workbook. Every note exported is recorded in the audit log."))
        self.include_notes.setVisible(ctx.can(Action.NOTE_READ) and ctx.can(Action.EXCEL_EXPORT))
        self.export_button = export_button(
            ctx, "export_sessions", _("Export the sessions as listed (period, type and filter) to Excel"))
        self.export_button.clicked.connect(self.export)
        self.model = DtoTableModel(session_columns(with_date=not today_only))
        self.table = DataTable("counseling_today" if today_only else "counseling_sessions")
        self.table.set_source_model(self.model)
        set_widths(self.table, ([] if today_only else [86]) + [52, 175, 210, 145, 95, 150, 125, 100])
        if not today_only:
            self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        if not today_only:
            self.filter.textChanged.connect(self.table.model().setFilterFixedString)
        self.count = QLabel()
        self.count.setObjectName("sessions_count")
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.include_notes)
        bottom.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.mine.toggled.connect(lambda _c: self.refresh())
        self.table.activated_row.connect(lambda row: self.open_row.emit(self.model.row_at(row)))

    def filters(self) -> counseling.SessionFilter:
        counselor = self.ctx.actor.id if self.mine.isChecked() else None
        if self.today_only:
            return counseling.SessionFilter(date.today(), date.today(), counselor_id=counselor)
        start, end = self.date_from.date(), self.date_to.date()
        return counseling.SessionFilter(
            date(start.year(), start.month(), start.day()), date(end.year(), end.month(), end.day()),
            counselor_id=counselor, session_type=self.kind.currentData(), limit=1000)

    def refresh(self) -> None:
        if self.today_only:
            from kesos_desktop.i18n import format_date

            self.caption.setText(_("Sessions on {date}").format(date=format_date(date.today())))
        run_in_background(counseling.list_sessions, self.ctx.db, self.ctx.actor, self.filters()).owned_by(
            self).on_success(self.show_rows).start()

    def show_rows(self, rows: list[SessionRow]) -> None:
        self.model.set_rows(rows)
        if rows:
            self.count.setText(_("Showing {n} sessions.").format(n=format_number(len(rows))))
        elif self.today_only:
            self.count.setText(_("No counseling session today. Click \"New session\" to record "
                                 "or plan one."))
        else:
            self.count.setText(_("No session in this period."))

    def selected(self) -> SessionRow | None:
        row = self.table.selected_source_row()
        return None if row is None else self.model.row_at(row)

    def export(self) -> None:
        """The sessions as listed; note contents only when asked for (and allowed)."""
        from kesos_desktop.excel.export_counseling import export_counseling_register

        db, actor, flt = self.ctx.db, self.ctx.actor, self.filters()
        text = "" if self.today_only else self.filter.text().strip()
        # the quick filter matches every column as shown: export exactly the rows it left
        shown = [self.model.row_at(self.table.source_row(r)).id
                 for r in range(self.table.model().rowCount())] if text else None
        notes = self.ctx.can(Action.NOTE_READ) and self.include_notes.isChecked()
        suggested = f"register-bimbingan-{flt.date_from:%Y-%m-%d}-{flt.date_to:%Y-%m-%d}.xlsx"
        self.export_task = start_export(
            self.ctx, self, _("Exporting the counseling session register…"), suggested,
            lambda path, **kw: export_counseling_register(db, actor, path, flt, text, notes,
                                                          shown_ids=shown, **kw))


def stay_columns() -> list[Column]:
    return [
        Column(_("Resident"), lambda r: r.stay.name),
        Column(_("Reg. no."), lambda r: r.stay.reg_no),
        Column(_("Stage"), lambda r: r.stay.stage.label if r.stay.stage else ""),
        Column(_("Case manager"), lambda r: r.stay.case_manager_name or ""),
    ]


class CaseloadTab(QWidget):
    """My caseload, or (``overdue``) residents whose next session date has passed."""

    open_stay = Signal(object)  # StayRef

    def __init__(self, ctx, overdue: bool, parent=None):
        super().__init__(parent)
        self.ctx, self.overdue = ctx, overdue
        self.mine = QCheckBox(_("Only my caseload"))
        self.mine.setObjectName("overdue_only_mine")
        self.mine.setVisible(overdue and ctx.can(Action.COUNSELING_WRITE))
        self.mine.setChecked(overdue and ctx.can(Action.COUNSELING_WRITE))
        explanation = QLabel(
            _("Residents whose agreed next session date has passed, or whose planned session did "
              "not take place. Most overdue first.") if overdue else
            _("Current residents for whom you are the case manager or responsible for the "
              "intervention plan."))
        explanation.setWordWrap(True)
        explanation.setStyleSheet(f"color: {MUTED};")
        top = QHBoxLayout()
        top.addWidget(explanation, 1)
        top.addWidget(self.mine)
        self.model = DtoTableModel(stay_columns() + [
            Column(_("Last session"), lambda r: r.last_session_on),
            Column(_("Next session"), lambda r: r.next_session_on),
            Column(_("Days overdue"), lambda r: r.overdue_days or None,
                   color=lambda r: LATE_COLOR if r.overdue_days else None),
            Column(_("Assessment"), lambda r: _("Done") if r.has_assessment else _("Not yet"),
                   color=lambda r: None if r.has_assessment else LATE_COLOR),
            Column(_("Plan"), lambda r: _("Version {n}").format(n=r.plan_version)
                   if r.plan_version else _("None yet")),
        ])
        self.table = DataTable("counseling_overdue" if overdue else "counseling_caseload")
        self.table.set_source_model(self.model)
        set_widths(self.table, [190, 120, 120, 150, 95, 95, 95, 90, 90])
        self.count = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self.mine.toggled.connect(lambda _c: self.refresh())
        self.table.activated_row.connect(lambda row: self.open_stay.emit(self.model.row_at(row).stay))

    def refresh(self) -> None:
        if self.overdue:
            counselor = self.ctx.actor.id if self.mine.isChecked() else None
            task = run_in_background(counseling_caseload.overdue_sessions, self.ctx.db, self.ctx.actor,
                                     counselor)
        else:
            task = run_in_background(counseling_caseload.my_caseload, self.ctx.db, self.ctx.actor)
        task.owned_by(self).on_success(self.show_rows).start()

    def show_rows(self, rows: list[CaseloadRow]) -> None:
        self.model.set_rows(rows)
        if rows:
            self.count.setText(_("Showing {n} residents.").format(n=format_number(len(rows))))
        elif self.overdue:
            self.count.setText(_("No resident is overdue for a session."))
        else:
            self.count.setText(_("No resident in your caseload. A resident joins it when you "
                                 "are made their case manager or responsible for their plan."))


class AssessmentDueTab(QWidget):
    """Residents in the asesmen stage for more than N days without any assessment."""

    open_stay = Signal(object)  # StayRef

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.caption.setStyleSheet(f"color: {MUTED};")
        self.limit_button = QPushButton(_("Change the number of days…"))
        self.limit_button.setObjectName("change_due_days")
        self.limit_button.setVisible(ctx.can(Action.SETTINGS_EDIT))
        self.limit_button.clicked.connect(self.change_limit)
        top = QHBoxLayout()
        top.addWidget(self.caption, 1)
        top.addWidget(self.limit_button)
        self.model = DtoTableModel(stay_columns() + [
            Column(_("In the assessment stage since"), lambda r: r.in_stage_since),
            Column(_("Days waiting"), lambda r: r.days_waiting, color=lambda r: LATE_COLOR),
        ])
        self.table = DataTable("counseling_assessment_due")
        self.table.set_source_model(self.model)
        set_widths(self.table, [190, 120, 120, 150, 190, 100])
        self.count = QLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self.table.activated_row.connect(lambda row: self.open_stay.emit(self.model.row_at(row).stay))

    def refresh(self) -> None:
        def load(db, actor):
            return (counseling_caseload.assessment_due_days(db, actor),
                    counseling_caseload.assessment_overdue(db, actor))

        run_in_background(load, self.ctx.db, self.ctx.actor).owned_by(self).on_success(
            self.show_rows).start()

    def show_rows(self, result) -> None:
        days, rows = result
        self.days = days
        self.caption.setText(_("Residents in the assessment stage for more than {n} days without "
                               "an assessment. Longest waiting first.").format(n=days))
        self.model.set_rows(rows)
        self.count.setText(_("Showing {n} residents.").format(n=format_number(len(rows))) if rows
                           else _("Every resident in the assessment stage has been assessed in time."))

    def change_limit(self) -> None:
        days, ok = QInputDialog.getInt(
            self, _("Assessment waiting time"),
            _("Show residents in the assessment stage without an assessment after how many days?"),
            getattr(self, "days", counseling_caseload.ASSESSMENT_DUE_DEFAULT), 1, 365)
        if not ok:
            return
        try:
            changes = counseling_caseload.set_assessment_due_days(self.ctx.db, self.ctx.actor, days)
        except KesosError as error:
            show_error(self, error)
            return
        self.ctx.announce(changes)
        self.refresh()


def stay_from_row(row: SessionRow) -> StayRef | None:
    if not row.participants:
        return None
    p = row.participants[0]
    return StayRef(p.admission_id, p.resident_id, p.name, p.reg_no, None, row.held_on)

