"""Admin > Facility profile: what the letterhead and signature block say."""

from __future__ import annotations

from dataclasses import asdict, replace

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.dto import FacilityProfileDTO
from kesos_desktop.i18n import _
from kesos_desktop.services import facility
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.form import Form
from kesos_desktop.ui.widgets.saving import OnConflict, save_form

_TEXT_FIELDS = [
    ("name", True),
    ("agency_line1", False),
    ("agency_line2", False),
    ("address", False),
    ("city", False),
    ("phone", False),
    ("email", False),
    ("head_name", False),
    ("head_title", False),
    ("head_nip", False),
    ("logo_path", False),
    ("registration_pattern", True),
]


class FacilityProfileTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.profile: FacilityProfileDTO | None = None
        self.form = Form()
        self.edits: dict[str, QLineEdit] = {}
        self.labels = labels = {
            "name": _("Facility name"), "agency_line1": _("Letterhead line 1"),
            "agency_line2": _("Letterhead line 2"), "address": _("Address"), "city": _("City"),
            "phone": _("Phone"), "email": _("E-mail"), "head_name": _("Head of facility"),
            "head_title": _("Head's position"), "head_nip": _("Head's NIP"),
            "logo_path": _("Logo file"), "registration_pattern": _("Registration number pattern"),
            "capacity": _("Capacity (beds)"),
        }
        for key, required in _TEXT_FIELDS:
            self.edits[key] = self.form.add(key, labels[key], QLineEdit(), required=required)
        self.edits["registration_pattern"].setToolTip(
            _("{year} is the year of admission, {seq:04d} the running number: PM/{year}/{seq:04d}")
        )
        self.capacity = self.form.add("capacity", labels["capacity"], QSpinBox())
        self.capacity.setRange(0, 100000)
        self.save_button = QPushButton(_("Save"))
        self.save_button.setObjectName("save_facility")
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def refresh(self) -> None:
        run_in_background(facility.get_profile, self.ctx.db, self.ctx.actor).owned_by(
            self
        ).on_success(self.show_profile).start()

    def show_profile(self, profile: FacilityProfileDTO) -> None:
        self.profile = profile
        for key, edit in self.edits.items():
            edit.setText(getattr(profile, key))
        self.capacity.setValue(profile.capacity)
        self.form.clear_errors()

    def current(self) -> FacilityProfileDTO:
        assert self.profile is not None
        values = {key: edit.text().strip() for key, edit in self.edits.items()}
        return replace(self.profile, capacity=self.capacity.value(), **values)

    def save(self) -> None:
        if self.profile is None:
            return
        result = save_form(
            self, lambda: facility.update_profile(self.ctx.db, self.ctx.actor, self.current()),
            self.form, conflict=OnConflict(
                fetch=lambda: facility.get_profile(self.ctx.db, self.ctx.actor),
                mine=lambda: asdict(self.current()), theirs=asdict, labels=self.labels,
                adopt=self._adopt, show=self.show_profile))
        if result is None:
            return
        saved, changes = result
        self.show_profile(saved)
        self.ctx.announce(changes)
        self.ctx.say(_("Facility profile saved."))

    def _adopt(self, saved: FacilityProfileDTO) -> None:
        self.profile = saved
