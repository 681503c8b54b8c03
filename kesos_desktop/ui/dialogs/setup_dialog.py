"""First run: the facility profile and the first administrator."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop import APP_NAME
from kesos_desktop.domain.dto import Actor, FacilityProfileDTO
from kesos_desktop.domain.errors import KesosError, ValidationError
from kesos_desktop.i18n import _
from kesos_desktop.services import auth
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

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        boxes = QHBoxLayout()
        boxes.addWidget(facility_box, 3)
        boxes.addWidget(admin_box, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(boxes)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        for widget in (self.name, self.username, self.full_name, self.password, self.password2):
            widget.editingFinished.connect(self.validate)
        self.resize(900, 480)

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
        if only_touched:  # do not shout about fields the user has not reached yet
            touched = {k for k, w in {**self.facility.fields, **self.admin.fields}.items()
                       if getattr(w, "text", lambda: "x")()}
            errors = {k: v for k, v in errors.items() if k in touched}
        return errors

    def validate(self) -> bool:
        errors = self._errors(only_touched=True)
        self.facility.set_errors(errors)
        self.admin.set_errors(errors)
        return not errors

    def save(self) -> None:
        errors = self._errors(only_touched=False)
        self.facility.set_errors(errors)
        self.admin.set_errors(errors)
        if errors:
            return
        try:
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

    @classmethod
    def ask(cls, db, parent: QWidget | None = None) -> Actor | None:
        dialog = cls(db, parent)
        return dialog.actor if dialog.exec() == QDialog.DialogCode.Accepted else None
