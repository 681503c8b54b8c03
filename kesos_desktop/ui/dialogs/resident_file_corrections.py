"""Corrections from the resident file (UU PDP hak pembetulan): consent recorded or corrected
after intake, a stay's intake details, a document's title and kind. Each save goes through an
audited service; the dialogs only collect the values."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.enums import (
    Approach,
    ConsentMethod,
    ConsentRelation,
    DocumentType,
    ReferralSource,
)
from kesos_desktop.domain.resident_dto import (
    AdmissionRequest,
    AttachmentRow,
    ConsentInput,
    ConsentRow,
    StayDTO,
)
from kesos_desktop.domain.resident_validation import ADULT_AGE
from kesos_desktop.i18n import _, format_date
from kesos_desktop.services import consent as consent_service
from kesos_desktop.services import residents
from kesos_desktop.ui.dialogs.resident_file_actions import _SaveDialog
from kesos_desktop.ui.models.dto_table import Column, DtoTableModel
from kesos_desktop.ui.pages.residents_filters import enum_value
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.form import Form, date_edit, enum_combo, select_data
from kesos_desktop.ui.widgets.messages import show_error
from kesos_desktop.ui.widgets.table_view import DataTable


def _text_box(text: str | None = None, height: int = 60) -> QPlainTextEdit:
    box = QPlainTextEdit(text or "")
    box.setFixedHeight(height)
    return box


def _row_of(*widgets: QWidget) -> QWidget:
    """Widgets side by side as one form field (a check box and the date it enables)."""
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        row.addWidget(widget)
    row.addStretch(1)
    return holder


def _qdate(value: date | None) -> QDate:
    return QDate(value) if value else QDate.currentDate()


class ConsentDialog(_SaveDialog):
    """Record a consent given after intake (``row`` None), or correct one (and its withdrawal)."""

    def __init__(self, ctx, resident_id: int, row: ConsentRow | None = None,
                 parent: QWidget | None = None):
        super().__init__(ctx, _("Correct consent") if row else _("Record consent"), parent)
        self.resident_id, self.row = resident_id, row
        self.form = Form()
        self.given_by = self.form.add("given_by_name", _("Given by"), QLineEdit(), required=True)
        self.given_by.setObjectName("consent_given_by")
        self.relation = self.form.add("relation", _("Relation"), enum_combo(ConsentRelation),
                                      required=True)
        self.method = self.form.add("method", _("How"), enum_combo(ConsentMethod), required=True)
        self.given_on = self.form.add("given_on", _("Date"), date_edit(), required=True)
        self.notes = self.form.add("notes", _("Notes"), _text_box())
        hint = QLabel(_("For a child (under {n}) consent must come from a parent, a guardian or "
                        "the referring official.").format(n=ADULT_AGE))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #5f6b66;")
        self.form.addRow("", hint)
        self.withdrawn = QCheckBox(_("Withdrawn on"))
        self.withdrawn.setObjectName("consent_withdrawn")
        self.withdrawn_on = date_edit()
        self.withdrawn_on.setEnabled(False)
        self.withdrawn.toggled.connect(self.withdrawn_on.setEnabled)
        if row is not None:
            self.given_by.setText(row.given_by_name)
            select_data(self.relation, row.relation)
            select_data(self.method, row.method)
            self.given_on.setDate(_qdate(row.given_on))
            self.notes.setPlainText(row.notes or "")
            self.withdrawn.setChecked(row.withdrawn_on is not None)
            self.withdrawn_on.setDate(_qdate(row.withdrawn_on))
            self.form.add("withdrawn_on", "", _row_of(self.withdrawn, self.withdrawn_on))
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self.resize(500, 360)

    def value(self) -> ConsentInput:
        return ConsentInput(self.given_by.text(), enum_value(self.relation, ConsentRelation),
                            enum_value(self.method, ConsentMethod), self.given_on.date().toPython(),
                            self.notes.toPlainText() or None)

    def _withdrawn(self) -> date | None:
        return self.withdrawn_on.date().toPython() if self.withdrawn.isChecked() else None

    def save(self) -> None:
        data = self.value()
        if self.row is None:
            self.call(self.form, lambda db, actor: consent_service.record_consent(
                db, actor, self.resident_id, data)[1])
            return

        def correct(db, actor):
            changes = consent_service.correct_consent(db, actor, self.row.id, data)[1]
            if self._withdrawn() != self.row.withdrawn_on:
                changes = consent_service.set_withdrawn(db, actor, self.row.id, self._withdrawn())[1]
            return changes

        self.call(self.form, correct)


class ConsentsDialog(QDialog):
    """Every consent of one person, with record and correct (the person's file header opens it)."""

    def __init__(self, ctx, resident_id: int, can_edit: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx, self.resident_id = ctx, resident_id
        self.loaded = False
        self.setWindowTitle(_("Consent to care and to the use of personal data"))
        self.model = DtoTableModel([
            Column(_("Date"), lambda c: c.given_on),
            Column(_("Given by"), lambda c: c.given_by_name),
            Column(_("Relation"), lambda c: c.relation.label),
            Column(_("How"), lambda c: c.method.label),
            Column(_("Withdrawn on"), lambda c: c.withdrawn_on),
            Column(_("Recorded by"), lambda c: c.recorded_by or ""),
        ])
        self.table = DataTable("consents_table")
        self.table.set_source_model(self.model, sortable_in_proxy=False)
        self.table.activated_row.connect(lambda _row: self.correct())
        self.empty = QLabel(_("No consent is recorded for this person."))
        self.empty.setStyleSheet("color: #b3261e; font-weight: 600;")
        self.record_button = QPushButton(_("Record consent..."))
        self.record_button.setObjectName("record_consent")
        self.correct_button = QPushButton(_("Correct..."))
        self.correct_button.setObjectName("correct_consent")
        for button in (self.record_button, self.correct_button):
            button.setVisible(can_edit)
        self.record_button.clicked.connect(self.record)
        self.correct_button.clicked.connect(self.correct)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        close.rejected.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.empty)
        buttons.addStretch(1)
        buttons.addWidget(self.record_button)
        buttons.addWidget(self.correct_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.resize(760, 320)
        self.reload()

    def reload(self) -> None:
        run_in_background(consent_service.list_consents, self.ctx.db, self.ctx.actor,
                          self.resident_id).owned_by(self).on_success(self._show) \
            .on_failure(lambda error: show_error(self, error)).start()

    def _show(self, rows: list[ConsentRow]) -> None:
        self.loaded = True
        self.model.set_rows(rows)
        self.empty.setVisible(not rows)
        self.correct_button.setEnabled(bool(rows))
        if rows:
            self.table.selectRow(0)

    def record(self) -> None:
        if ConsentDialog.ask(self.ctx, self.resident_id, None, parent=self):
            self.ctx.say(_("Consent recorded."))
            self.reload()

    def correct(self) -> None:
        row = self.table.selected_source_row()
        if row is None or not self.correct_button.isVisible():
            return
        if ConsentDialog.ask(self.ctx, self.resident_id, self.model.row_at(row), parent=self):
            self.ctx.say(_("Consent corrected."))
            self.reload()

    @classmethod
    def show_for(cls, ctx, resident_id: int, can_edit: bool, parent: QWidget | None = None) -> None:
        cls(ctx, resident_id, can_edit, parent).exec()


class StayDetailsDialog(_SaveDialog):
    """Correct what intake recorded about a stay: referral, approach, condition, health."""

    def __init__(self, ctx, stay: StayDTO, parent: QWidget | None = None):
        super().__init__(ctx, _("Correct intake details"), parent)
        self.stay = stay
        self.form = Form()
        self.form.addRow(_("Stay"), QLabel(_("admitted {date}").format(date=format_date(stay.admitted_on))))
        self.source = self.form.add("referral_source", _("Referred from"), enum_combo(ReferralSource),
                                     required=True)
        self.approach = self.form.add("approach", _("Approach"), enum_combo(Approach), required=True)
        self.letter_no = self.form.add("referral_letter_no", _("Referral letter no."),
                                       QLineEdit(stay.referral_letter_no or ""))
        self.has_letter_date = QCheckBox(_("Letter dated"))
        self.letter_date = date_edit(_qdate(stay.referral_letter_date))
        self.has_letter_date.setChecked(stay.referral_letter_date is not None)
        self.letter_date.setEnabled(stay.referral_letter_date is not None)
        self.has_letter_date.toggled.connect(self.letter_date.setEnabled)
        self.form.add("referral_letter_date", "", _row_of(self.has_letter_date, self.letter_date))
        self.referral_notes = self.form.add("referral_notes", _("Referral notes"),
                                            _text_box(stay.referral_notes))
        self.condition = self.form.add("initial_condition", _("Condition on arrival"),
                                       _text_box(stay.initial_condition))
        self.health = self.form.add("health_notes", _("Health"), _text_box(stay.health_notes))
        self.disability = self.form.add("disability_notes", _("Disability"),
                                        _text_box(stay.disability_notes))
        select_data(self.source, stay.referral_source)
        select_data(self.approach, stay.approach)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self.resize(560, 560)

    def value(self) -> AdmissionRequest:
        return AdmissionRequest(
            admitted_on=self.stay.admitted_on,
            referral_source=enum_value(self.source, ReferralSource),
            approach=enum_value(self.approach, Approach),
            referral_letter_no=self.letter_no.text() or None,
            referral_letter_date=self.letter_date.date().toPython() if self.has_letter_date.isChecked() else None,
            referral_notes=self.referral_notes.toPlainText() or None,
            initial_condition=self.condition.toPlainText() or None,
            health_notes=self.health.toPlainText() or None,
            disability_notes=self.disability.toPlainText() or None,
        )

    def save(self) -> None:
        data = self.value()
        self.call(self.form, residents.update_stay_details, self.stay.id, data, self.stay.version)


class DocumentDetailsDialog(_SaveDialog):
    """Correct a document's title or kind (the stored file stays as it is)."""

    def __init__(self, ctx, row: AttachmentRow, parent: QWidget | None = None):
        super().__init__(ctx, _("Document details"), parent)
        self.row = row
        self.form = Form()
        self.doc_type = self.form.add("doc_type", _("Kind"), enum_combo(DocumentType), required=True)
        self.title = self.form.add("title", _("Title"), QLineEdit(row.title), required=True)
        self.form.addRow(_("File"), QLabel(row.original_name))
        select_data(self.doc_type, row.doc_type)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.buttons)
        self.resize(480, 180)

    def save(self) -> None:
        title, doc_type = self.title.text(), enum_value(self.doc_type, DocumentType)
        self.call(self.form, lambda db, actor: residents.update_attachment(
            db, actor, self.row.id, title, doc_type)[1])
