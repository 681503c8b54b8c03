"""The intake wizard's last steps: documents checklist, scans, consent and photo; the summary."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from html import escape
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from kesos_desktop.domain.enums import ConsentMethod, ConsentRelation, DocumentType
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.resident_dto import AdmissionRequest, ConsentInput, FileUpload
from kesos_desktop.domain.resident_validation import ADULT_AGE, is_child, validate_consent
from kesos_desktop.i18n import _, format_date
from kesos_desktop.services import attachments
from kesos_desktop.ui.pages.residents_filters import enum_value
from kesos_desktop.ui.widgets.form import Form, date_edit, enum_combo, select_data

ERROR_STYLE = "color: #b3261e;"
PHOTO_SIZE = (120, 150)
PHOTO_FILTER = "Foto (*.jpg *.jpeg *.png)"
SCAN_FILTER = "Dokumen (*.pdf *.jpg *.jpeg *.png *.tif *.tiff *.doc *.docx *.odt)"


def pick_file(parent: QWidget, title: str, file_filter: str) -> str | None:
    """The file the user chooses (patched in tests)."""
    path, _selected = QFileDialog.getOpenFileName(parent, title, str(Path.home()), file_filter)
    return path or None


class DocumentsPage(QWizardPage):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle(_("Documents, consent and photo"))
        self.setSubTitle(_("The papers the person brought, their consent, and a photo."))
        self.photo_path: str | None = None
        self.uploads: list[FileUpload] = []

        checklist = QGroupBox(_("Documents brought"))
        grid = QGridLayout(checklist)
        self.documents: dict[DocumentType, QCheckBox] = {}
        for n, doc_type in enumerate(DocumentType):
            box = QCheckBox(doc_type.label)
            box.setObjectName(f"doc_{doc_type.value}")
            self.documents[doc_type] = box
            grid.addWidget(box, n // 2, n % 2)

        scans = QGroupBox(_("Scans and files"))
        self.scan_list = QListWidget()
        self.scan_list.setObjectName("scan_list")
        self.scan_list.setFixedHeight(120)
        self.scan_type = enum_combo(DocumentType)
        self.add_scan = QPushButton(_("Add file..."))
        self.remove_scan = QPushButton(_("Remove"))
        self.add_scan.clicked.connect(self._add_scan)
        self.remove_scan.clicked.connect(self._remove_scan)
        self.scan_errors = QLabel()
        self.scan_errors.setStyleSheet(ERROR_STYLE)
        self.scan_errors.setWordWrap(True)
        self.scan_errors.hide()
        scan_buttons = QHBoxLayout()
        scan_buttons.addWidget(self.scan_type, 1)
        scan_buttons.addWidget(self.add_scan)
        scan_buttons.addWidget(self.remove_scan)
        scan_layout = QVBoxLayout(scans)
        scan_layout.addWidget(self.scan_list)
        scan_layout.addLayout(scan_buttons)
        scan_layout.addWidget(self.scan_errors)

        consent = QGroupBox(_("Consent to care and to the use of personal data"))
        self.consent_form = Form()
        consent.setLayout(self.consent_form)
        self.given_by = self.consent_form.add("consent.given_by_name", _("Given by"), QLineEdit(),
                                              required=True)
        self.given_by.setObjectName("consent_given_by")
        self.relation = self.consent_form.add("consent.relation", _("Relation"),
                                              enum_combo(ConsentRelation), required=True)
        self.relation.setObjectName("consent_relation")
        self.method = self.consent_form.add("consent.method", _("How"), enum_combo(ConsentMethod),
                                            required=True)
        self.given_on = self.consent_form.add("consent.given_on", _("Date"), date_edit(), required=True)
        self.child_hint = QLabel(_("This is a child (under {n}): consent must come from a parent, "
                                   "a guardian or the referring official.").format(n=ADULT_AGE))
        self.child_hint.setWordWrap(True)
        self.child_hint.setStyleSheet("color: #8a5300;")
        self.child_hint.hide()
        self.consent_form.addRow("", self.child_hint)

        photo = QGroupBox(_("Photo"))
        self.photo = QLabel(_("No photo"))
        self.photo.setObjectName("photo_preview")
        self.photo.setFixedSize(*PHOTO_SIZE)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo.setStyleSheet("border: 1px solid #d9dedb; background: #f3f5f4; color: #5f6b66;")
        self.choose_photo = QPushButton(_("Choose photo..."))
        self.choose_photo.setObjectName("choose_photo")
        self.clear_photo = QPushButton(_("Remove photo"))
        self.photo_error = QLabel()
        self.photo_error.setObjectName("photo_error")
        self.photo_error.setStyleSheet(ERROR_STYLE)
        self.photo_error.setWordWrap(True)
        self.photo_error.hide()
        self.choose_photo.clicked.connect(self._choose_photo)
        self.clear_photo.clicked.connect(lambda: self.set_photo(None))
        photo_buttons = QVBoxLayout()
        photo_buttons.addWidget(self.choose_photo)
        photo_buttons.addWidget(self.clear_photo)
        photo_buttons.addWidget(self.photo_error)
        photo_buttons.addStretch(1)
        photo_layout = QHBoxLayout(photo)
        photo_layout.addWidget(self.photo, 0, Qt.AlignmentFlag.AlignTop)
        photo_layout.addLayout(photo_buttons, 1)

        left = QVBoxLayout()
        left.addWidget(checklist)
        left.addWidget(scans)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(consent)
        right.addWidget(photo)
        right.addStretch(1)
        columns = QHBoxLayout(self)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)

    def initializePage(self) -> None:  # noqa: N802 - Qt naming
        wizard = self.wizard()
        person = wizard.person()
        admitted = wizard.referral.admitted_on.date()
        self.given_on.setDate(admitted)
        child = is_child(person, admitted.toPython())
        self.child_hint.setVisible(child)
        if not self.given_by.text():
            self.given_by.setText("" if child else person.name.strip())
        if child and self.relation.currentData() == ConsentRelation.SELF:
            select_data(self.relation, ConsentRelation.PARENT)

    # ------------------------------------------------------------------ files
    def _add_scan(self) -> None:
        path = pick_file(self, _("Choose a scanned document"), SCAN_FILTER)
        if path:
            self.add_upload(FileUpload(path, enum_value(self.scan_type, DocumentType), Path(path).stem))

    def add_upload(self, upload: FileUpload) -> None:
        try:
            attachments.check_upload(upload, "file")
        except ValidationError as error:
            self.scan_errors.setText(str(error))
            self.scan_errors.show()
            return
        self.scan_errors.hide()
        self.uploads.append(upload)
        item = QListWidgetItem(f"{upload.doc_type.label}: {Path(upload.source_path).name}")
        self.scan_list.addItem(item)

    def _remove_scan(self) -> None:
        row = self.scan_list.currentRow()
        if row >= 0:
            self.scan_list.takeItem(row)
            del self.uploads[row]

    def _choose_photo(self) -> None:
        path = pick_file(self, _("Choose a photo"), PHOTO_FILTER)
        if path:
            self.set_photo(path)

    def set_photo(self, path: str | None) -> bool:
        self.photo_error.hide()
        if path is None:
            self.photo_path = None
            self.photo.setPixmap(QPixmap())
            self.photo.setText(_("No photo"))
            return True
        try:
            attachments.check_photo(path)
        except ValidationError as error:
            self.photo_error.setText(error.field_errors.get("photo", str(error)))
            self.photo_error.show()
            return False
        pixmap = QPixmap(path)
        if pixmap.isNull():
            self.photo_error.setText(_("This picture cannot be read. Choose another file."))
            self.photo_error.show()
            return False
        self.photo_path = path
        self.photo.setPixmap(pixmap.scaled(*PHOTO_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation))
        return True

    # ------------------------------------------------------------------ values
    def consent(self) -> ConsentInput:
        return ConsentInput(self.given_by.text(), enum_value(self.relation, ConsentRelation),
                            enum_value(self.method, ConsentMethod), self.given_on.date().toPython())

    def fill(self, data: AdmissionRequest) -> AdmissionRequest:
        present = frozenset(d for d, box in self.documents.items() if box.isChecked())
        return replace(data, documents_present=present, consent=self.consent(),
                       attachments=tuple(self.uploads))

    def show_errors(self, errors: dict[str, str]) -> None:
        self.consent_form.set_errors(errors)
        photo = errors.get("photo")
        self.photo_error.setText(photo or "")
        self.photo_error.setVisible(bool(photo))
        scans = [message for key, message in errors.items() if key.startswith("attachments")]
        self.scan_errors.setText("\n".join(scans))
        self.scan_errors.setVisible(bool(scans))

    def validatePage(self) -> bool:  # noqa: N802 - Qt naming
        wizard = self.wizard()
        admitted = wizard.referral.admitted_on.date().toPython()
        errors = validate_consent(self.consent(), is_child(wizard.person(), admitted), date.today())
        self.show_errors(errors)
        return not errors


class SummaryPage(QWizardPage):
    """Everything entered, to check before saving."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle(_("Summary"))
        self.setSubTitle(_("Check the details, then click Finish to save."))
        self.text = QTextBrowser()
        self.text.setObjectName("summary")
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)

    def initializePage(self) -> None:  # noqa: N802 - Qt naming
        self.text.setHtml(self.wizard().summary_html())


def summary_html(person, stay: AdmissionRequest, family, reg_no: str, room: str, manager: str,
                 warnings: list[str], photo: bool, readmission_of: str | None) -> str:
    """The summary page's text (plain facts, escaped)."""
    def row(label: str, value) -> str:
        return f"<tr><td style='color:#5f6b66;padding-right:12px'>{escape(label)}</td>" \
               f"<td>{escape(str(value or '—'))}</td></tr>"

    if person.birth_date:
        born = person.birth_date.strftime("%d/%m/%Y")
    elif person.estimated_age is not None:
        born = _("about {n} years old").format(n=person.estimated_age)
    else:
        born = ""
    parts = []
    if readmission_of:
        parts.append(f"<p><b>{escape(readmission_of)}</b></p>")
    parts.append(f"<h3>{escape(person.name.strip())} · {escape(reg_no)}</h3><table>")
    parts += [
        row(_("Sex"), person.sex.label if person.sex else ""),
        row(_("NIK"), person.nik or (_("identity unknown") if person.identity_unknown else "")),
        row(_("KK number"), person.kk),
        row(_("Born"), ", ".join(p for p in (person.birth_place or "", born) if p)),
        row(_("PPKS categories"), ", ".join(c.label for c in person.categories)),
        row(_("Address"), ", ".join(p for p in (person.address, person.village, person.district,
                                                 person.city, person.province) if p)),
        row(_("Phone"), person.phone),
        row(_("Family members"), ", ".join(f"{c.name} ({c.relationship})" for c in family)),
        row(_("Admission date"), format_date(stay.admitted_on)),
        row(_("Referred by"), stay.referral_source.label if stay.referral_source else ""),
        row(_("Referral letter"), " · ".join(p for p in (
            stay.referral_letter_no or "",
            stay.referral_letter_date.strftime("%d/%m/%Y") if stay.referral_letter_date else "") if p)),
        row(_("Approach"), stay.approach.label if stay.approach else ""),
        row(_("Stage"), stay.stage.label),
        row(_("Room"), room + (" " + _("(over capacity)") if stay.over_capacity_override else "")),
        row(_("Case manager"), manager),
        row(_("Documents brought"), ", ".join(d.label for d in DocumentType if d in stay.documents_present)),
        row(_("Files attached"), len(stay.attachments)),
        row(_("Consent"), f"{stay.consent.given_by_name} ({stay.consent.relation.label})" if stay.consent else ""),
        row(_("Photo"), _("yes") if photo else _("no")),
        "</table>",
    ]
    if warnings:
        parts.append("<p style='color:#8a5300'>⚠ " + "<br>⚠ ".join(escape(w) for w in warnings) + "</p>")
    return "".join(parts)


def default_admission(today: date | None = None) -> AdmissionRequest:
    return AdmissionRequest(admitted_on=today or date.today(), referral_source=None, approach=None)


def qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)
