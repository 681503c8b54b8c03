"""The note editor: a counseling session's record (left) and its note (right).

New session: everything in one save (session, participants, worker roles, the note) - all or
nothing. An open note (author, unsigned, less than 24 hours old): saving makes a new version;
earlier versions are kept. Observations already written are shown but cannot be replaced.
"""

from __future__ import annotations

from datetime import date, time

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.enums import (
    Approach,
    Confidentiality,
    CounselingStatus,
    CounselingType,
    ServiceLevel,
    WorkerRole,
)
from kesos_desktop.domain.errors import KesosError
from kesos_desktop.i18n import _, format_datetime
from kesos_desktop.services import counseling
from kesos_desktop.services.counseling_dto import (
    NoteInput,
    NoteView,
    SessionInput,
    SessionRow,
    StayRef,
)
from kesos_desktop.ui.dialogs.note_editor_pickers import StayPicker
from kesos_desktop.ui.widgets.form import ERROR_STYLE, Form, date_edit, enum_combo, select_data
from kesos_desktop.ui.widgets.messages import Messages, show_error
from kesos_desktop.ui.widgets.saving import save_form

DEFAULT_LEVEL = {
    CounselingType.INDIVIDUAL: ServiceLevel.MICRO,
    CounselingType.FAMILY: ServiceLevel.MICRO,
    CounselingType.GROUP: ServiceLevel.MEZZO,
    CounselingType.COMMUNITY: ServiceLevel.MEZZO,
}
#: planned and done only: cancelling is its own action
STATUSES = (CounselingStatus.PLANNED, CounselingStatus.DONE)


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class NoteEditorDialog(QDialog):
    def __init__(self, ctx, row: SessionRow | None = None, view: NoteView | None = None,
                 stay: StayRef | None = None, parent=None):
        super().__init__(parent)
        self.ctx, self.row, self.view = ctx, row, view
        self.saved: SessionRow | None = None
        self._clean = True
        if row is None:
            title = _("New counseling session")
        elif row.has_note:
            title = _("Change the note")
        else:
            title = _("Counseling session")
        self.setWindowTitle(title)
        self.setObjectName("note_editor")

        # ---- left: the session's record
        self.form = Form()
        self.kind = self.form.add("session_type", _("Type"), enum_combo(CounselingType), required=True)
        self.level = self.form.add("level", _("Level"), enum_combo(ServiceLevel), required=True)
        self.held_on = self.form.add("held_on", _("Date"), date_edit(), required=True)
        when = QWidget()
        when_row = QHBoxLayout(when)
        when_row.setContentsMargins(0, 0, 0, 0)
        self.has_time = QCheckBox(_("at"))
        self.start_time = QTimeEdit(QTime(9, 0))
        self.start_time.setDisplayFormat("HH:mm")
        self.duration = QSpinBox()
        self.duration.setRange(0, 600)
        self.duration.setSingleStep(15)
        self.duration.setSuffix(" " + _("min"))
        self.duration.setSpecialValueText(_("duration?"))
        for widget in (self.has_time, self.start_time, QLabel(_("for")), self.duration):
            when_row.addWidget(widget)
        when_row.addStretch(1)
        self.form.add("duration_minutes", _("Time"), when)
        self.place = self.form.add("place", _("Place"), QLineEdit())
        self.place.setPlaceholderText(_("e.g. Counseling room"))
        self.counselor = self.form.add("counselor_id", _("Counselor"), QComboBox(), required=True)
        self.approach = self.form.add("approach", _("Approach"),
                                      enum_combo(Approach, with_blank=_("(not recorded)")))
        self.status = self.form.add("status", _("Status"), QComboBox(), required=True)
        for status in STATUSES:
            self.status.addItem(status.label, status)
        self.confidentiality = self.form.add("confidentiality", _("Confidentiality"),
                                             enum_combo(Confidentiality), required=True)
        self.confidentiality.setToolTip(_(
            "Confidential: every social worker may read the note. Highly confidential: only you "
            "and the supervisor."))
        next_box = QWidget()
        next_row = QHBoxLayout(next_box)
        next_row.setContentsMargins(0, 0, 0, 0)
        self.has_next = QCheckBox(_("agreed for"))
        self.next_on = date_edit(QDate.currentDate().addDays(14))
        next_row.addWidget(self.has_next)
        next_row.addWidget(self.next_on)
        next_row.addStretch(1)
        self.form.add("next_session_on", _("Next session"), next_box)
        roles = QWidget()
        grid = QGridLayout(roles)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(2)
        self.roles: dict[WorkerRole, QCheckBox] = {}
        for index, role in enumerate(WorkerRole):
            box = QCheckBox(role.label)
            self.roles[role] = box
            grid.addWidget(box, index // 2, index % 2)
        self.form.add("worker_roles", _("Worker roles"), roles)
        self.participants = StayPicker(ctx, multiple=False)
        self.form.add("participants", _("Residents"), self.participants, required=True)
        left_inner = QWidget()
        left_inner.setLayout(self.form)
        scroll = QScrollArea()
        scroll.setWidget(left_inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setMinimumWidth(470)

        # ---- right: the note
        self.topic = QLineEdit()
        self.topic.setObjectName("topic")
        self.topic.setPlaceholderText(_("Topic (confidential, like the note)"))
        self.body = QPlainTextEdit()
        self.body.setObjectName("note_body")
        self.body.setPlaceholderText(_(
            "What happened in the session: the resident's situation, what was discussed, the "
            "worker's assessment. Only social workers can read this."))
        self.body.setTabChangesFocus(True)
        self.agreed = QPlainTextEdit()
        self.agreed.setObjectName("agreed_actions")
        self.agreed.setMaximumHeight(70)
        self.agreed.setTabChangesFocus(True)
        self.agreed.setPlaceholderText(_("Agreed actions (who does what by when)"))
        self.observations = QTableWidget(0, 2)
        self.observations.setObjectName("observations")
        self.observations.setHorizontalHeaderLabels([_("Participant"), _("Short observation")])
        self.observations.horizontalHeader().setStretchLastSection(True)
        self.observations.verticalHeader().hide()
        self.observations.setMaximumHeight(130)
        self.body_error = QLabel()
        self.body_error.setObjectName("error_body")
        self.body_error.setStyleSheet(ERROR_STYLE)
        self.body_error.setWordWrap(True)
        self.body_error.hide()
        self.lock_note = QLabel()
        self.lock_note.setWordWrap(True)
        self.lock_note.setStyleSheet("color: #5f6b66;")
        right = QVBoxLayout()
        right.addWidget(QLabel(_("Topic")))
        right.addWidget(self.topic)
        right.addWidget(QLabel(_("Note *")))
        right.addWidget(self.body, 1)
        right.addWidget(self.body_error)
        right.addWidget(QLabel(_("Agreed actions")))
        right.addWidget(self.agreed)
        self.observations_label = QLabel(_("Observations per participant (optional)"))
        right.addWidget(self.observations_label)
        right.addWidget(self.observations)
        right.addWidget(self.lock_note)

        columns = QHBoxLayout()
        columns.addWidget(scroll, 0)
        columns.addLayout(right, 1)
        self.message = QLabel()
        self.message.setObjectName("form_message")
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setWordWrap(True)
        self.message.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText(_("Save"))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setToolTip(_("Save (Ctrl+S)"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(1120, 680)

        self._load_counselors()
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.participants.changed.connect(self._participants_changed)
        self.has_time.toggled.connect(self.start_time.setEnabled)
        self.has_next.toggled.connect(self.next_on.setEnabled)
        self.status.currentIndexChanged.connect(self._status_changed)
        self._fill(row, view, stay)
        for signal in (self.body.textChanged, self.agreed.textChanged, self.topic.textChanged,
                       self.place.textChanged, self.participants.changed):
            signal.connect(self._dirty)

    # ------------------------------------------------------------------ filling
    def _load_counselors(self) -> None:
        try:
            choices = counseling.list_counselors(self.ctx.db, self.ctx.actor)
        except KesosError as error:
            show_error(self, error)
            choices = []
        for choice in choices:
            self.counselor.addItem(choice.full_name, choice.id)
        select_data(self.counselor, self.ctx.actor.id)

    def _fill(self, row: SessionRow | None, view: NoteView | None, stay: StayRef | None) -> None:
        self.start_time.setEnabled(False)
        self.next_on.setEnabled(False)
        if row is None:
            select_data(self.status, CounselingStatus.DONE)
            select_data(self.level, ServiceLevel.MICRO)
            if stay is not None:
                self.participants.set_stays([stay])
            self._kind_changed()
            return
        select_data(self.kind, row.session_type)
        select_data(self.level, row.level)
        self.held_on.setDate(qdate(row.held_on))
        if row.start_time:
            self.has_time.setChecked(True)
            self.start_time.setTime(QTime(row.start_time.hour, row.start_time.minute))
        self.duration.setValue(row.duration_minutes or 0)
        self.place.setText(row.place or "")
        select_data(self.counselor, row.counselor_id)
        select_data(self.approach, row.approach)
        select_data(self.status, row.status)
        select_data(self.confidentiality, row.confidentiality)
        if row.next_session_on:
            self.has_next.setChecked(True)
            self.next_on.setDate(qdate(row.next_session_on))
        for role in row.worker_roles:
            self.roles[role].setChecked(True)
        self.participants.set_multiple(row.session_type != CounselingType.INDIVIDUAL)
        self.participants.set_stays([
            StayRef(p.admission_id, p.resident_id, p.name, p.reg_no, None, row.held_on)
            for p in row.participants
        ])
        if view is not None:
            self.topic.setText(view.topic or "")
            if view.current is not None:
                self.body.setPlainText(view.current.body)
                self.agreed.setPlainText(view.current.agreed_actions or "")
                self.lock_note.setText(_(
                    "Saving makes version {n}; the earlier versions are kept. You can change this "
                    "note until {deadline} or until you sign it.").format(
                    n=view.latest_version_no + 1, deadline=format_datetime(view.edit_deadline)))
            self._fill_observations(view)
        if row.has_note:
            # the people and the status of a recorded session stay as they were
            self.participants.set_read_only(True)
            self.status.setEnabled(False)
            self.counselor.setEnabled(False)
            self.kind.setEnabled(False)
        self._status_changed()

    def _fill_observations(self, view: NoteView) -> None:
        self._written = {o.admission_id: o.observation for o in view.observations if o.observation}
        self._participants_changed()

    # ------------------------------------------------------------------ reacting
    def _dirty(self, *_args) -> None:
        self._clean = False

    def _kind_changed(self, *_args) -> None:
        kind = self.kind.currentData()
        select_data(self.level, DEFAULT_LEVEL.get(kind, ServiceLevel.MICRO))
        self.participants.set_multiple(kind != CounselingType.INDIVIDUAL)
        group = kind in (CounselingType.GROUP, CounselingType.COMMUNITY)
        self.observations.setVisible(group)
        self.observations_label.setVisible(group)

    def _status_changed(self, *_args) -> None:
        done = self.status.currentData() == CounselingStatus.DONE
        self.body.setEnabled(done)
        self.agreed.setEnabled(done)
        self.observations.setEnabled(done)
        if not done:
            self.body.setPlaceholderText(_("The note is written once the session has taken place "
                                           "(status Done)."))

    def _participants_changed(self) -> None:
        written = getattr(self, "_written", {})
        previous = self.observation_texts()
        stays = self.participants.stays()
        self.observations.setRowCount(len(stays))
        for row_index, stay in enumerate(stays):
            name = QTableWidgetItem(stay.name)
            name.setFlags(Qt.ItemFlag.ItemIsEnabled)
            name.setData(Qt.ItemDataRole.UserRole, stay.admission_id)
            self.observations.setItem(row_index, 0, name)
            text = written.get(stay.admission_id) or previous.get(stay.admission_id, "")
            item = QTableWidgetItem(text)
            if stay.admission_id in written:
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
                item.setToolTip(_("Already saved: correct it with an addendum."))
            self.observations.setItem(row_index, 1, item)

    def observation_texts(self) -> dict[int, str]:
        texts = {}
        for row_index in range(self.observations.rowCount()):
            name, text = self.observations.item(row_index, 0), self.observations.item(row_index, 1)
            if name is not None and text is not None and text.text().strip():
                texts[name.data(Qt.ItemDataRole.UserRole)] = text.text().strip()
        return texts

    # ------------------------------------------------------------------ saving
    def session_input(self) -> SessionInput:
        return SessionInput(
            session_type=self.kind.currentData(), level=self.level.currentData(),
            held_on=pydate(self.held_on.date()), participants=self.participants.admission_ids(),
            status=self.status.currentData(),
            start_time=time(self.start_time.time().hour(), self.start_time.time().minute())
            if self.has_time.isChecked() else None,
            duration_minutes=self.duration.value() or None, place=self.place.text().strip() or None,
            approach=self.approach.currentData(), topic=self.topic.text().strip() or None,
            worker_roles=frozenset(r for r, box in self.roles.items() if box.isChecked()),
            confidentiality=self.confidentiality.currentData(),
            next_session_on=pydate(self.next_on.date()) if self.has_next.isChecked() else None,
            counselor_id=self.counselor.currentData(),
        )

    def note_input(self) -> NoteInput | None:
        """The note to save, or None when there is nothing new to write."""
        if self.status.currentData() != CounselingStatus.DONE:
            return None
        body, agreed = self.body.toPlainText(), self.agreed.toPlainText().strip() or None
        written = getattr(self, "_written", {})
        new_observations = {a: t for a, t in self.observation_texts().items() if a not in written}
        current = self.view.current if self.view is not None else None
        if current is not None and body.strip() == current.body.strip() and \
                agreed == current.agreed_actions and not new_observations:
            return None
        if current is None and not body.strip() and not new_observations:
            return None
        return NoteInput(body, agreed, new_observations)

    def save(self) -> None:
        self.form.clear_errors()
        self._show_errors({}, "")
        db, actor, data, note = self.ctx.db, self.ctx.actor, self.session_input(), self.note_input()
        if self.row is None:
            save = lambda: counseling.create_session(db, actor, data, note)  # noqa: E731
        else:
            expected = self.view.latest_version_no if self.view is not None else None
            save = lambda: counseling.update_session(  # noqa: E731
                db, actor, self.row.id, data, self.row.version, note=note,
                expected_note_version=expected)
        # a note changed meanwhile is never merged here: the user is told to reopen it
        result = save_form(self, save, show_errors=lambda errors: self._show_errors(errors, ""),
                           show_message=lambda text: self._show_errors({}, text))
        if result is None:
            return
        self.saved, changes = result
        self.ctx.announce(changes)
        self._clean = True
        self.accept()

    def _show_errors(self, errors: dict[str, str], message: str) -> None:
        self.form.set_errors(errors)
        body = errors.get("body") or errors.get("observations")
        self.body_error.setText(body or "")
        self.body_error.setVisible(bool(body))
        shown = set(self.form.fields) | {"body", "observations"}
        extra = [text for key, text in errors.items() if key not in shown]
        text = " ".join(t for t in (message, *extra) if t)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def reject(self) -> None:
        if not self._clean and not Messages.confirm(
                self, _("Close without saving? What you typed will be lost.")):
            return
        super().reject()

    @classmethod
    def ask(cls, ctx, parent=None, row: SessionRow | None = None, view: NoteView | None = None,
            stay: StayRef | None = None) -> SessionRow | None:
        dialog = cls(ctx, row, view, stay, parent)
        return dialog.saved if dialog.exec() == QDialog.DialogCode.Accepted else None

