"""Dialogs of the training area: a program, its recurring schedule (with a live preview of the
sessions, skipped holidays and conflicts before saving), and a single session."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, time

from PySide6.QtCore import QDate, QTime, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.enums import ProgramStatus, SkillCategory
from kesos_desktop.domain.errors import KesosError, ValidationError
from kesos_desktop.domain.schedule import WEEKDAY_NAMES
from kesos_desktop.i18n import _, format_date, ngettext
from kesos_desktop.services import training_programs, training_schedule
from kesos_desktop.services.training_types import (
    ProgramDetail,
    ProgramInput,
    SessionInput,
    SessionRow,
)
from kesos_desktop.ui.widgets.form import Form, date_edit, enum_combo, select_data
from kesos_desktop.ui.widgets.messages import Messages, show_error
from kesos_desktop.ui.widgets.saving import OnConflict, save_form

WARN_STYLE = "QFrame#warnings { background: #fff4ce; border: 1px solid #e0c56e; border-radius: 4px; }"


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def qtime(value: time) -> QTime:
    return QTime(value.hour, value.minute)


def time_edit(value: time) -> QTimeEdit:
    edit = QTimeEdit(qtime(value))
    edit.setDisplayFormat("HH:mm")
    return edit


def save_cancel() -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
    return buttons


class WarningsBox(QFrame):
    """Conflicts and holiday warnings, shown before saving (yellow, with a heading)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("warnings")
        self.setStyleSheet(WARN_STYLE)
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: 600; color: #5c4400;")
        self.list = QListWidget()
        self.list.setObjectName("warning_list")
        self.list.setMaximumHeight(130)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.list)
        self.hide()

    def show_lines(self, lines, title: str | None = None) -> None:
        self.list.clear()
        self.list.addItems(list(lines))
        self.title.setText(title or ngettext("{n} warning: look before saving",
                                             "{n} warnings: look before saving",
                                             len(lines)).format(n=len(lines)))
        self.setVisible(bool(lines))

    def lines(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]


# --------------------------------------------------------------------------- program


class ProgramDialog(QDialog):
    """New program or edit one. Required: name, dates, an instructor (user or outside name)."""

    def __init__(self, ctx, detail: ProgramDetail | None = None, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.detail = detail
        self.saved: ProgramDetail | None = None
        self.setWindowTitle(_("Edit training program") if detail else _("New training program"))
        form = self.form = Form()
        self.name = form.add("name", _("Program name"), QLineEdit(), required=True)
        self.name.setPlaceholderText(_("e.g. Basic sewing, batch 3"))
        self.category = form.add("skill_category", _("Skill"), enum_combo(SkillCategory))
        self.instructor = form.add("instructor", _("Instructor"), QComboBox(), required=True)
        self.instructor.addItem(_("Outside instructor (type the name)"), None)
        try:
            for choice in training_programs.instructor_choices(ctx.db, ctx.actor):
                self.instructor.addItem(choice.full_name, choice.user_id)
        except KesosError as error:
            show_error(self, error)
        self.outside_name = form.add("instructor_name", _("Outside instructor's name"),
                                     QLineEdit())
        self.place = form.add("place", _("Place"), QLineEdit())
        self.place.setPlaceholderText(_("e.g. Sewing room"))
        self.start = form.add("start_date", _("Start date"), date_edit(), required=True)
        self.end = form.add("end_date", _("End date"), date_edit(QDate.currentDate().addDays(55)),
                            required=True)
        self.capacity = form.add("capacity", _("Capacity (participants)"), QSpinBox())
        self.capacity.setRange(1, 500)
        self.capacity.setValue(20)
        self.hours = form.add("target_hours", _("Target hours"), QSpinBox())
        self.hours.setRange(0, 5000)
        self.minimum = form.add("min_attendance_pct", _("Minimum attendance for a certificate"),
                                QSpinBox())
        self.minimum.setRange(0, 100)
        self.minimum.setSuffix(" %")
        self.minimum.setValue(80)
        self.status = form.add("status", _("Status"), enum_combo(ProgramStatus))
        self.description = form.add("description", _("Description"), QPlainTextEdit())
        self.description.setMaximumHeight(70)
        self.description.setTabChangesFocus(True)
        self.buttons = save_cancel()
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        if detail is not None:
            self._fill(detail)
        for signal in (self.name.textChanged, self.outside_name.textChanged,
                       self.start.dateChanged, self.end.dateChanged,
                       self.instructor.currentIndexChanged):
            signal.connect(self.validate)
        self.validate()

    def _fill(self, d: ProgramDetail) -> None:
        self.name.setText(d.name)
        select_data(self.category, d.skill_category)
        if d.instructor_user_id is not None:
            if self.instructor.findData(d.instructor_user_id) < 0:
                self.instructor.addItem(d.instructor, d.instructor_user_id)
            select_data(self.instructor, d.instructor_user_id)
        self.outside_name.setText(d.instructor_name)
        self.place.setText(d.place)
        self.start.setDate(qdate(d.start_date))
        self.end.setDate(qdate(d.end_date))
        self.capacity.setValue(d.capacity)
        self.hours.setValue(d.target_hours)
        self.minimum.setValue(d.min_attendance_pct)
        select_data(self.status, d.status)
        self.description.setPlainText(d.description)

    def value(self) -> ProgramInput:
        return ProgramInput(
            name=self.name.text().strip(), skill_category=self.category.currentData(),
            start_date=self.start.date().toPython(), end_date=self.end.date().toPython(),
            capacity=self.capacity.value(), description=self.description.toPlainText().strip(),
            instructor_user_id=self.instructor.currentData(),
            instructor_name=self.outside_name.text().strip(), place=self.place.text().strip(),
            target_hours=self.hours.value(), min_attendance_pct=self.minimum.value(),
            status=self.status.currentData(),
        )

    def validate(self) -> bool:
        """Checks as the user types; the Save button follows."""
        outside = self.instructor.currentData() is None
        self.outside_name.setEnabled(outside)
        data = self.value()
        errors = {}
        if data.end_date < data.start_date:
            errors["end_date"] = _("The end date must be on or after the start date.")
        if outside and not data.instructor_name:
            errors["instructor_name"] = _("Type the outside instructor's name.")
        self.form.set_errors(errors)
        ok = bool(data.name) and not errors
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(ok)
        return ok

    def save(self) -> None:
        if not self.validate():
            return
        db, actor, data = self.ctx.db, self.ctx.actor, self.value()
        if self.detail is None:
            result = save_form(self, lambda: training_programs.create_program(db, actor, data),
                               self.form)
        else:
            result = save_form(self, lambda: training_programs.update_program(
                db, actor, self.detail.id, data, self.detail.version), self.form,
                conflict=self._on_conflict())
        if result is None:
            return
        self.saved, changes = result
        self.ctx.announce(changes)
        self.accept()

    def _on_conflict(self) -> OnConflict:
        """Compare what staff read: the instructor's name, not a user id."""
        keys = ("name", "skill_category", "instructor", "place", "start_date", "end_date",
                "capacity", "target_hours", "min_attendance_pct", "status", "description")
        labels = self.form.labels(*keys)
        mine = lambda: {**asdict(self.value()), "instructor": (  # noqa: E731
            self.instructor.currentText() if self.instructor.currentData() is not None
            else self.outside_name.text().strip()),
            # Qt hands string enums back as plain str: members again, to show their labels
            "skill_category": SkillCategory(self.category.currentData()),
            "status": ProgramStatus(self.status.currentData())}
        theirs = lambda saved: {**asdict(saved.as_input()),  # noqa: E731
                                "instructor": saved.instructor}
        return OnConflict(
            fetch=lambda: training_programs.get_program(self.ctx.db, self.ctx.actor, self.detail.id),
            mine=mine, theirs=theirs, labels=labels, adopt=self._adopt, show=self._fill)

    def _adopt(self, saved: ProgramDetail) -> None:
        self.detail = saved

    @classmethod
    def ask(cls, ctx, detail: ProgramDetail | None = None, parent=None) -> ProgramDetail | None:
        dialog = cls(ctx, detail, parent)
        return dialog.saved if dialog.exec() == QDialog.DialogCode.Accepted else None


# --------------------------------------------------------------------------- schedule


class ScheduleRuleDialog(QDialog):
    """Days of the week + times + date range -> sessions; the preview updates as you change it."""

    def __init__(self, ctx, program: ProgramDetail, today: date | None = None, parent=None):
        super().__init__(parent)
        self.ctx, self.program = ctx, program
        self.created = 0
        self.preview = None
        today = today or date.today()
        self.setWindowTitle(_("Schedule of {program}").format(program=program.name))
        self.form = Form()
        days = QWidget()
        row = QHBoxLayout(days)
        row.setContentsMargins(0, 0, 0, 0)
        self.day_boxes: list[QCheckBox] = []
        chosen = program.rule_weekdays or {0, 2, 4}
        for index, name in enumerate(WEEKDAY_NAMES):
            box = QCheckBox(_(name))
            box.setChecked(index in chosen)
            box.setObjectName(f"weekday_{index}")
            self.day_boxes.append(box)
            row.addWidget(box)
        self.form.add("weekdays", _("Every"), days, required=True)
        self.start = self.form.add("start_time", _("From"),
                                   time_edit(program.rule_start_time or time(9)), required=True)
        self.end = self.form.add("end_time", _("Until"),
                                 time_edit(program.rule_end_time or time(11)), required=True)
        first = max(program.start_date, min(today, program.end_date))
        self.first = self.form.add("first_day", _("First day"), date_edit(qdate(first)),
                                   required=True)
        self.last = self.form.add("last_day", _("Last day"), date_edit(qdate(program.end_date)),
                                  required=True)
        self.summary = QLabel()
        self.summary.setObjectName("rule_summary")
        self.summary.setWordWrap(True)
        self.warnings = WarningsBox()
        self.buttons = save_cancel()
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Create sessions"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.summary)
        layout.addWidget(self.warnings)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(640)
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.update_preview)
        for box in self.day_boxes:
            box.toggled.connect(self._timer.start)
        for edit in (self.start, self.end):
            edit.timeChanged.connect(self._timer.start)
        for edit in (self.first, self.last):
            edit.dateChanged.connect(self._timer.start)
        self.update_preview()

    def weekdays(self) -> set[int]:
        return {i for i, box in enumerate(self.day_boxes) if box.isChecked()}

    def _args(self):
        return (self.program.id, self.weekdays(), self.start.time().toPython(),
                self.end.time().toPython(), self.first.date().toPython(),
                self.last.date().toPython())

    def update_preview(self) -> None:
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        try:
            self.preview = training_schedule.preview_schedule(self.ctx.db, self.ctx.actor,
                                                              *self._args())
        except ValidationError as error:
            self.preview = None
            self.form.set_errors(error.field_errors)
            self.summary.setText(str(error) if not error.field_errors else "")
            self.summary.setStyleSheet("color: #b3261e;")
            self.warnings.show_lines([])
            save.setEnabled(False)
            return
        except KesosError as error:
            self.preview = None
            self.summary.setText(str(error))
            save.setEnabled(False)
            return
        self.form.clear_errors()
        p = self.preview
        parts = [ngettext("{n} session will be created", "{n} sessions will be created",
                          len(p.slots)).format(n=len(p.slots))]
        if p.slots:
            parts.append(_("from {first} to {last}").format(
                first=format_date(p.slots[0].day), last=format_date(p.slots[-1].day)))
        text = " ".join(parts) + "."
        if p.skipped_holidays:
            text += " " + _("Holidays skipped: {days}.").format(days=", ".join(
                f"{day:%d/%m} {name}" for day, name in p.skipped_holidays))
        if p.replaced:
            text += " " + ngettext("{n} planned session without attendance will be replaced.",
                                   "{n} planned sessions without attendance will be replaced.",
                                   p.replaced).format(n=p.replaced)
        self.summary.setText(text)
        self.summary.setStyleSheet("")
        self.warnings.show_lines(p.conflict_lines, ngettext(
            "{n} conflict", "{n} conflicts", len(p.conflicts)).format(n=len(p.conflicts)))
        save.setEnabled(True)

    def save(self) -> None:
        self._timer.stop()
        self.update_preview()
        if self.preview is None:
            return
        allow = False
        if self.preview.conflicts or self.preview.replaced:
            question = []
            if self.preview.replaced:
                question.append(ngettext(
                    "Replace {n} planned session of {program}?",
                    "Replace {n} planned sessions of {program}?",
                    self.preview.replaced).format(n=self.preview.replaced,
                                                  program=self.program.name))
            if self.preview.conflicts:
                question.append(ngettext(
                    "Save anyway with {n} conflict?", "Save anyway with {n} conflicts?",
                    len(self.preview.conflicts)).format(n=len(self.preview.conflicts)))
            if not Messages.confirm(self, "\n".join(question)):
                return
            allow = True
        result = save_form(self, lambda: training_schedule.generate_sessions(
            self.ctx.db, self.ctx.actor, *self._args(), allow_conflicts=allow,
            expected_version=self.program.version), self.form)
        if result is None:
            return
        self.created, changes = result
        self.ctx.announce(changes)
        self.accept()

    @classmethod
    def ask(cls, ctx, program: ProgramDetail, parent=None) -> int:
        """The number of sessions created (0 when cancelled)."""
        dialog = cls(ctx, program, parent=parent)
        return dialog.created if dialog.exec() == QDialog.DialogCode.Accepted else 0


class SessionDialog(QDialog):
    """An extra session, or one occurrence moved or edited."""

    def __init__(self, ctx, program: ProgramDetail, row: SessionRow | None = None,
                 day: date | None = None, parent=None):
        super().__init__(parent)
        self.ctx, self.program, self.row = ctx, program, row
        self.saved: SessionRow | None = None
        self.setWindowTitle(_("Edit session") if row else _("Extra session"))
        self.form = Form()
        start_day = row.day if row else max(program.start_date,
                                            min(day or date.today(), program.end_date))
        self.day = self.form.add("day", _("Date"), date_edit(qdate(start_day)), required=True)
        self.start = self.form.add("start_time", _("From"), time_edit(
            row.start_time if row else program.rule_start_time or time(9)), required=True)
        self.end = self.form.add("end_time", _("Until"), time_edit(
            row.end_time if row else program.rule_end_time or time(11)), required=True)
        self.place = self.form.add("place", _("Place"), QLineEdit())
        self.place.setPlaceholderText(program.place or _("The program's place"))
        self.topic = self.form.add("topic", _("Topic"), QLineEdit())
        if row is not None:
            self.load(row)
        self.warnings = WarningsBox()
        self.buttons = save_cancel()
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.warnings)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self._timer = QTimer(self, singleShot=True, interval=200)
        self._timer.timeout.connect(self.check)
        self.day.dateChanged.connect(self._timer.start)
        self.start.timeChanged.connect(self._timer.start)
        self.end.timeChanged.connect(self._timer.start)
        self.place.editingFinished.connect(self._timer.start)
        self.check()

    def load(self, row: SessionRow) -> None:
        self.day.setDate(qdate(row.day))
        self.start.setTime(qtime(row.start_time))
        self.end.setTime(qtime(row.end_time))
        self.place.setText(self._own_place(row))
        self.topic.setText(row.topic)

    def _own_place(self, row: SessionRow) -> str:
        """The row gives the effective place; the form holds only a place of its own."""
        return "" if row.place == self.program.place else row.place

    def value(self) -> SessionInput:
        return SessionInput(self.day.date().toPython(), self.start.time().toPython(),
                            self.end.time().toPython(), self.place.text().strip(),
                            self.topic.text().strip())

    def check(self) -> list[str]:
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        try:
            result = training_schedule.check_session(
                self.ctx.db, self.ctx.actor, self.program.id, self.value(),
                self.row.id if self.row else None)
        except ValidationError as error:
            self.form.set_errors(error.field_errors)
            self.warnings.show_lines([])
            save.setEnabled(False)
            return []
        except KesosError as error:
            show_error(self, error)
            return []
        self.form.clear_errors()
        self.warnings.show_lines(result.warnings)
        save.setEnabled(True)
        return list(result.warnings)

    def save(self) -> None:
        warnings = self.check()
        if not self.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled():
            return
        if warnings and not Messages.confirm(
                self, _("Save anyway?") + "\n" + "\n".join(warnings)):
            return
        db, actor, data, allow = self.ctx.db, self.ctx.actor, self.value(), bool(warnings)
        if self.row is None:
            result = save_form(self, lambda: training_schedule.add_session(
                db, actor, self.program.id, data, allow_conflicts=allow), self.form)
        else:
            result = save_form(self, lambda: training_schedule.update_session(
                db, actor, self.row.id, data, self.row.version, allow_conflicts=allow),
                self.form, conflict=self._on_conflict())
        if result is None:
            return
        self.saved, changes = result
        self.ctx.announce(changes)
        self.accept()

    def _on_conflict(self) -> OnConflict:
        keys = ("day", "start_time", "end_time", "place", "topic")
        theirs = lambda row: {**asdict(row), "place": self._own_place(row)}  # noqa: E731
        return OnConflict(
            fetch=lambda: training_schedule.get_session(self.ctx.db, self.ctx.actor, self.row.id),
            mine=lambda: asdict(self.value()), theirs=theirs,
            labels=self.form.labels(*keys),
            adopt=self._adopt, show=self.load)

    def _adopt(self, saved: SessionRow) -> None:
        self.row = saved

    @classmethod
    def ask(cls, ctx, program: ProgramDetail, row: SessionRow | None = None,
            day: date | None = None, parent=None) -> SessionRow | None:
        dialog = cls(ctx, program, row, day, parent)
        return dialog.saved if dialog.exec() == QDialog.DialogCode.Accepted else None
