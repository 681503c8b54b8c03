"""First run: the facility profile and the first administrator."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop import APP_NAME
from kesos_desktop.domain.dto import Actor, FacilityProfileDTO
from kesos_desktop.domain.errors import KesosError, ValidationError
from kesos_desktop.i18n import _
from kesos_desktop.services import auth, encryption
from kesos_desktop.ui.widgets.form import Form
from kesos_desktop.ui.widgets.messages import show_error


class SetupDialog(QDialog):
    def __init__(self, db, parent: QWidget | None = None):
        super().__init__(parent)
        self.db = db
        self.actor: Actor | None = None
        self.setWindowTitle(_("{app}: first-time setup").format(app=APP_NAME))
        intro = QLabel(
            _(
                "Welcome. Enter your facility's details (they appear on letters and reports) and "
                "create the first administrator account. You can change the details later in Admin."
            )
        )
        intro.setWordWrap(True)

        facility_box = QGroupBox(_("Facility"))
        self.facility = Form(facility_box)
        self.name = self.facility.add("facility_name", _("Facility name"), QLineEdit(), required=True)
        self.name.setPlaceholderText(_("e.g. UPT Rehabilitasi Sosial Bina Karya"))
        self.agency1 = self.facility.add("agency_line1", _("Letterhead line 1"), QLineEdit())
        self.agency1.setPlaceholderText(_("e.g. PEMERINTAH PROVINSI ..."))
        self.agency2 = self.facility.add("agency_line2", _("Letterhead line 2"), QLineEdit())
        self.agency2.setPlaceholderText(_("e.g. DINAS SOSIAL"))
        self.address = self.facility.add("address", _("Address"), QLineEdit())
        self.city = self.facility.add("city", _("City"), QLineEdit())
        self.head = self.facility.add("head_name", _("Head of facility"), QLineEdit())
        self.nip = self.facility.add("head_nip", _("Head's NIP"), QLineEdit())
        self.capacity = self.facility.add("capacity", _("Capacity (beds)"), QSpinBox())
        self.capacity.setRange(0, 100000)
        self.capacity.setValue(100)

        admin_box = QGroupBox(_("First administrator"))
        self.admin = Form(admin_box)
        self.username = self.admin.add("admin_username", _("User name"), QLineEdit(), required=True)
        self.full_name = self.admin.add("admin_full_name", _("Full name"), QLineEdit(), required=True)
        self.password = self.admin.add("admin_password", _("Password"), QLineEdit(), required=True)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password2 = self.admin.add("admin_password2", _("Repeat password"), QLineEdit(), required=True)
        self.password2.setEchoMode(QLineEdit.EchoMode.Password)
        hint = QLabel(_("At least 8 characters, with letters and digits or symbols."))
        hint.setStyleSheet("color: palette(mid);")
        self.admin.addRow("", hint)

        self.passphrase_text = ""  # the chosen passphrase, for the recovery sheet
        encryption_box = self._encryption_box() if encryption.can_encrypt(db) else None

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        boxes = QHBoxLayout()
        boxes.addWidget(facility_box, 3)
        right = QVBoxLayout()
        right.addWidget(admin_box)
        if encryption_box is not None:
            right.addWidget(encryption_box)
        right.addStretch(1)
        boxes.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(boxes)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        for widget in (self.name, self.username, self.full_name, self.password, self.password2):
            widget.editingFinished.connect(self.validate)
        self.resize(920, 480)

    def _encryption_box(self) -> QGroupBox:
        """Optional encryption at rest: chosen here, before any personal data is written."""
        box = QGroupBox(_("Encryption (optional)"))
        self.crypto = Form(box)
        self.encrypt = QCheckBox(_("Encrypt the database file with a passphrase"))
        self.crypto.addRow(self.encrypt)
        self.passphrase = self.crypto.add("passphrase", _("Passphrase"), QLineEdit())
        self.passphrase2 = self.crypto.add("passphrase2", _("Repeat passphrase"), QLineEdit())
        for field in (self.passphrase, self.passphrase2):
            field.setEchoMode(QLineEdit.EchoMode.Password)
        self.generate = QPushButton(_("Generate a passphrase"))
        self.generate.clicked.connect(self._generate)
        self.crypto.addRow("", self.generate)
        hint = QLabel(_(
            "Protects the data if the computer or a backup is stolen. The passphrase is asked "
            "at every start; if it is lost, the data cannot be recovered. A recovery sheet to "
            "print is shown next."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(mid);")
        self.crypto.addRow(hint)
        self.encrypt.toggled.connect(self._encryption_toggled)
        self._encryption_toggled(False)
        return box

    def _encryption_toggled(self, on: bool) -> None:
        for widget in (self.passphrase, self.passphrase2, self.generate):
            widget.setEnabled(on)

    def _generate(self) -> None:
        """A strong passphrase, shown in clear so it can be read and typed back."""
        text = encryption.generate_passphrase()
        for field in (self.passphrase, self.passphrase2):
            field.setText(text)
            field.setEchoMode(QLineEdit.EchoMode.Normal)

    def wants_encryption(self) -> bool:
        return hasattr(self, "encrypt") and self.encrypt.isChecked()

    def request(self) -> auth.SetupRequest:
        return auth.SetupRequest(
            facility=FacilityProfileDTO(
                name=self.name.text().strip(),
                agency_line1=self.agency1.text().strip(),
                agency_line2=self.agency2.text().strip(),
                address=self.address.text().strip(),
                city=self.city.text().strip(),
                head_name=self.head.text().strip(),
                head_nip=self.nip.text().strip(),
                capacity=self.capacity.value(),
            ),
            admin_username=self.username.text().strip(),
            admin_full_name=self.full_name.text().strip(),
            admin_password=self.password.text(),
        )

    def _errors(self, only_touched: bool) -> dict[str, str]:
        errors = auth.validate_setup(self.request())
        if self.password.text() != self.password2.text():
            errors["admin_password2"] = _("The two passwords are not the same.")
        if self.wants_encryption():
            if problem := encryption.passphrase_problem(self.passphrase.text()):
                errors["passphrase"] = problem
            elif self.passphrase.text() != self.passphrase2.text():
                errors["passphrase2"] = _("The two passphrases are not the same.")
        if only_touched:  # do not shout about fields the user has not reached yet
            touched = {k for k, w in {**self.facility.fields, **self.admin.fields,
                                      **self._crypto_fields()}.items()
                       if getattr(w, "text", lambda: "x")()}
            errors = {k: v for k, v in errors.items() if k in touched}
        return errors

    def _crypto_fields(self) -> dict:
        return self.crypto.fields if hasattr(self, "crypto") else {}

    def _show_errors(self, errors: dict[str, str]) -> None:
        self.facility.set_errors(errors)
        self.admin.set_errors(errors)
        if hasattr(self, "crypto"):
            self.crypto.set_errors(errors)

    def validate(self) -> bool:
        errors = self._errors(only_touched=True)
        self._show_errors(errors)
        return not errors

    def save(self) -> None:
        errors = self._errors(only_touched=False)
        self._show_errors(errors)
        if errors:
            return
        try:
            if self.wants_encryption() and not self.db.encrypted:
                self._encrypt_database()
                # Now, not after the setup: should it fail and the user cancel, the encrypted
                # database stays, and its passphrase must already be on paper.
                self.offer_recovery_sheet()
            self.actor = auth.setup_facility(self.db, self.request())
        except ValidationError as error:
            self.facility.set_errors(error.field_errors)
            self.admin.set_errors(error.field_errors)
            if not error.field_errors:
                show_error(self, error)
            return
        except KesosError as error:
            show_error(self, error)
            return
        self.accept()

    def _encrypt_database(self) -> None:
        """Encrypt the new, empty database now: nothing personal is ever written in plain."""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.db = encryption.encrypt_new_database(self.db, self.passphrase.text())
        finally:
            QApplication.restoreOverrideCursor()
        self.passphrase_text = self.passphrase.text()

    def offer_recovery_sheet(self) -> None:
        """The recovery sheet, right away: preview, print or save (patchable in tests)."""
        from kesos_desktop.ui.dialogs.pdf_preview import PdfPreviewDialog

        try:
            pdf = encryption.recovery_sheet_bytes(self.db, self.passphrase_text,
                                                  self.username.text().strip())
        except KesosError as error:
            show_error(self, error)
            return
        PdfPreviewDialog.show_pdf(self, _("Recovery sheet"), pdf, "lembar-pemulihan.pdf")

    @classmethod
    def ask(cls, db, parent: QWidget | None = None) -> Actor | None:
        dialog = cls(db, parent)
        return dialog.actor if dialog.exec() == QDialog.DialogCode.Accepted else None

    @classmethod
    def ask_setup(cls, db, parent: QWidget | None = None) -> tuple[object, Actor | None, bool]:
        """(database, first admin or None, encrypted): the database is a new, unlocked one when
        encryption was chosen (the old handle is closed)."""
        dialog = cls(db, parent)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        return dialog.db, dialog.actor if accepted else None, bool(dialog.passphrase_text)
