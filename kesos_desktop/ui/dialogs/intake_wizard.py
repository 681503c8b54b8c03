"""Penerimaan: the intake wizard (identity, family and contact, referral, placement,
documents and consent and photo, summary), also used for a readmission.

Each step checks its fields when Next is pressed and shows the messages under them. After the
identity step, people already registered who may be the same person are shown; staff can open
them or start a new stay for them (readmission) instead. Saving runs in the background; a
refusal by the service sends the user back to the step with the problem.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout, QWidget, QWizard, QWizardPage

from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.resident_dto import (
    AdmissionRequest,
    DuplicateProbe,
    IntakeRequest,
    IntakeResult,
    PossibleDuplicates,
    ResidentFile,
    ResidentInput,
)
from kesos_desktop.domain.resident_validation import identity_warnings, normalize_resident
from kesos_desktop.i18n import _, format_date
from kesos_desktop.services import duplicates, intake, residents
from kesos_desktop.ui.dialogs.intake_wizard_documents import (
    DocumentsPage,
    SummaryPage,
    default_admission,
    summary_html,
)
from kesos_desktop.ui.dialogs.intake_wizard_duplicates import DuplicateChoice, DuplicatesDialog
from kesos_desktop.ui.dialogs.intake_wizard_identity import IDENTITY_FIELDS, IdentityForm
from kesos_desktop.ui.dialogs.intake_wizard_pages import ContactPage, PlacementPage, ReferralPage
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.messages import Messages, show_error

BANNER_STYLE = ("background: #e6f2ec; border: 1px solid #b7d6c7; border-radius: 4px; "
                "padding: 8px; color: #0b4f39;")
CONTACT_FIELDS = {"address", "village", "district", "city", "province", "phone", "family"}
REFERRAL_FIELDS = {"admitted_on", "referral_source", "referral_letter_no", "referral_letter_date",
                   "approach", "referral_notes", "initial_condition", "health_notes",
                   "disability_notes"}
PLACEMENT_FIELDS = {"stage", "room_id", "over_capacity_override", "case_manager_id"}
PAGE_IDENTITY, PAGE_CONTACT, PAGE_REFERRAL, PAGE_PLACEMENT, PAGE_DOCUMENTS, PAGE_SUMMARY = range(6)


@dataclass(frozen=True)
class WizardOutcome:
    result: IntakeResult | None = None  # saved
    open_resident_id: int | None = None  # staff chose to open an existing person instead


def page_of(field: str) -> int:
    key = field.split(".")[0]
    if field in IDENTITY_FIELDS:
        return PAGE_IDENTITY
    if key in CONTACT_FIELDS:
        return PAGE_CONTACT
    if key in REFERRAL_FIELDS:
        return PAGE_REFERRAL
    if key in PLACEMENT_FIELDS:
        return PAGE_PLACEMENT
    return PAGE_DOCUMENTS


class IdentityPage(QWizardPage):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle(_("Identity"))
        self.setSubTitle(_("Who the person is. NIK and KK are optional: tick \"identity unknown\" "
                           "for someone without papers."))
        self.banner = QLabel()
        self.banner.setObjectName("readmission_banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()
        self.form = IdentityForm()
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.form)

    def validatePage(self) -> bool:  # noqa: N802 - Qt naming
        wizard = self.wizard()
        self.form.admitted_on = wizard.referral.admitted_on.date().toPython()
        if not self.form.validate():
            return False
        return wizard.check_duplicates()


class IntakeWizard(QWizard):
    def __init__(self, ctx, parent: QWidget | None = None, readmit_resident_id: int | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.outcome: WizardOutcome | None = None
        self.readmission: ResidentFile | None = None
        self.saving = False
        self._checked_identity: tuple | None = None
        self.duplicates_confirmed = False
        self.setObjectName("intake_wizard")
        self.setWindowTitle(_("New intake (Penerimaan)"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        for button, text in ((QWizard.WizardButton.BackButton, _("Back")),
                             (QWizard.WizardButton.NextButton, _("Next")),
                             (QWizard.WizardButton.FinishButton, _("Finish")),
                             (QWizard.WizardButton.CancelButton, _("Cancel"))):
            self.setButtonText(button, text)
        self.identity_page = IdentityPage()
        self.identity = self.identity_page.form
        self.contact = ContactPage()
        self.referral = ReferralPage()
        self.placement = PlacementPage(ctx)
        self.documents = DocumentsPage()
        self.summary = SummaryPage()
        for page_id, page in enumerate((self.identity_page, self.contact, self.referral,
                                        self.placement, self.documents, self.summary)):
            self.setPage(page_id, page)
        self.resize(980, 680)
        if readmit_resident_id is not None:
            self.start_readmission(readmit_resident_id)

    # ------------------------------------------------------------------ the request
    def person(self) -> ResidentInput:
        return self.contact.merged(self.identity.value())

    def blank_stay(self) -> AdmissionRequest:
        return default_admission()

    def admission(self) -> AdmissionRequest:
        data = self.referral.fill(default_admission())
        return self.documents.fill(self.placement.fill(data))

    def request(self) -> IntakeRequest:
        return IntakeRequest(self.person(), self.admission(), self.contact.contacts(),
                             self.documents.photo_path, self.duplicates_confirmed)

    def summary_html(self) -> str:
        stay = self.admission()
        person = normalize_resident(self.person())
        if self.readmission is not None:
            reg_no = self.readmission.resident.reg_no
            family = self.readmission.family
            note = _("Readmission: a new stay for a person already registered.")
        else:
            reg_no = _("{reg_no} (number given when saved)").format(
                reg_no=self._preview_reg_no(stay.admitted_on))
            family, note = self.contact.contacts(), None
        chosen = self.placement.chosen_room()
        room = chosen.name if chosen is not None else _("(no room yet)")
        manager = self.placement.case_manager.currentText() if stay.case_manager_id else ""
        return summary_html(person, stay, family, reg_no, room, manager, identity_warnings(person),
                            self.documents.photo_path is not None, note)

    def _preview_reg_no(self, on: date) -> str:
        try:
            return intake.preview_reg_no(self.ctx.db, self.ctx.actor, on)
        except Exception:  # noqa: BLE001 - only a preview
            return "…"

    # ------------------------------------------------------------------ duplicates
    def check_duplicates(self) -> bool:
        """Called when leaving the identity step: True to go on."""
        if self.readmission is not None:
            return True
        person = normalize_resident(self.person())
        fingerprint = (person.name, person.nik, person.birth_date, person.estimated_age)
        if fingerprint == self._checked_identity:
            return True
        try:
            candidates = duplicates.find_candidates(self.ctx.db, self.ctx.actor, DuplicateProbe(
                person.name, person.nik, person.birth_date, person.estimated_age))
        except Exception as error:  # noqa: BLE001 - tell the user; the service checks again on save
            show_error(self, error)
            return False
        if not candidates:
            self._checked_identity = fingerprint
            return True
        return self.resolve_duplicates(candidates, fingerprint)

    def resolve_duplicates(self, candidates, fingerprint: tuple | None = None) -> bool:
        answer = DuplicatesDialog.ask(candidates, self)
        if answer.choice == DuplicateChoice.DIFFERENT:
            self._checked_identity = fingerprint
            self.duplicates_confirmed = True
            return True
        if answer.choice == DuplicateChoice.OPEN and answer.candidate is not None:
            self.outcome = WizardOutcome(open_resident_id=answer.candidate.resident_id)
            self.done(QDialog.DialogCode.Rejected)
            return False
        if answer.choice == DuplicateChoice.READMIT and answer.candidate is not None:
            self.start_readmission(answer.candidate.resident_id)
        return False

    def start_readmission(self, resident_id: int) -> bool:
        """Fill the wizard with a known person; saving then opens a new stay for them."""
        try:
            file = residents.get_file(self.ctx.db, self.ctx.actor, resident_id)
        except Exception as error:  # noqa: BLE001
            show_error(self, error)
            return False
        if file.current_stay is not None:
            Messages.info(self, _("{name} is staying here now (since {date}); a new stay can start "
                                  "only after this one ends.").format(
                name=file.resident.name, date=format_date(file.current_stay.admitted_on)))
            return False
        self.readmission = file
        person = file.resident.to_input()
        self.identity.set_value(person)
        self.contact.set_value(person)
        self.contact.set_readmission(True)
        self.setWindowTitle(_("Readmission (Penerimaan kembali)"))
        banner = _("Readmission of {name} ({reg_no}). Check the identity and update what changed.").format(
            name=file.resident.name, reg_no=file.resident.reg_no)
        last = file.last_stay
        if last is not None:
            banner += "\n" + _("Previous stay: admitted {admitted}, left {left}. Reason: {reason}.").format(
                admitted=format_date(last.admitted_on), left=format_date(last.terminated_on),
                reason=last.termination_reason.label if last.termination_reason else "—")
            if last.termination_notes:
                banner += " " + last.termination_notes
        self.identity_page.banner.setText(banner)
        self.identity_page.banner.show()
        return True

    # ------------------------------------------------------------------ saving
    def accept(self) -> None:
        """Finish: save in the background; the wizard closes when the service agrees."""
        if self.saving:
            return
        self.saving = True
        self._buttons_enabled(False)
        request = self.request()
        db, actor = self.ctx.db, self.ctx.actor
        if self.readmission is None:
            task = run_in_background(intake.register, db, actor, request)
        else:
            resident = self.readmission.resident
            task = run_in_background(intake.readmit, db, actor, resident.id, request.admission,
                                     identity=request.resident, expected_version=resident.version)
        task.owned_by(self).on_success(self._saved).on_failure(self._save_failed).start()

    def _buttons_enabled(self, enabled: bool) -> None:
        for button in (QWizard.WizardButton.BackButton, QWizard.WizardButton.FinishButton,
                       QWizard.WizardButton.CancelButton):
            self.button(button).setEnabled(enabled)

    def _saved(self, result: IntakeResult) -> None:
        self.saving = False
        self.outcome = WizardOutcome(result=result)
        self.ctx.announce(result.changes)
        super().accept()

    def _save_failed(self, error: BaseException) -> None:
        self.saving = False
        self._buttons_enabled(True)
        if isinstance(error, PossibleDuplicates):
            if self.resolve_duplicates(error.candidates, self._checked_identity):
                self.accept()
            return
        if isinstance(error, ValidationError) and error.field_errors:
            self.show_service_errors(error)
            return
        show_error(self, error)

    def show_service_errors(self, error: ValidationError) -> None:
        """Go back to the first step with a problem and show the messages there."""
        errors = error.field_errors
        target = min(page_of(field) for field in errors)
        while self.currentId() > target:
            self.back()
        self.identity.set_errors(errors)
        for page in (self.contact, self.referral, self.placement, self.documents):
            page.show_errors(errors)
        Messages.error(self, str(error))

    def reject(self) -> None:
        if self.saving:
            return
        if self.outcome is None and self.identity.name.text().strip() and not Messages.confirm(
                self, _("Close the intake? What you entered will be lost.")):
            return
        super().reject()

    @classmethod
    def ask(cls, ctx, parent: QWidget | None = None,
            readmit_resident_id: int | None = None) -> WizardOutcome | None:
        wizard = cls(ctx, parent, readmit_resident_id)
        wizard.exec()
        return wizard.outcome
