"""The intake wizard's steps after identity: contact and family, referral, placement."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from kesos_desktop.domain.enums import Approach, ReferralSource, Stage
from kesos_desktop.domain.resident_dto import AdmissionRequest, FamilyContactInput, ResidentInput
from kesos_desktop.domain.resident_validation import (
    phone_problem,
    validate_family,
    validate_referral,
)
from kesos_desktop.i18n import N_, _
from kesos_desktop.services import residents, rooms
from kesos_desktop.ui.pages.residents_filters import date_or_none, enum_value, optional_date_edit
from kesos_desktop.ui.widgets.form import Form, date_edit, enum_combo
from kesos_desktop.ui.widgets.messages import show_error

ERROR_STYLE = "color: #b3261e;"


def text_box(height: int = 56) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setFixedHeight(height)
    return box


def plain(box: QPlainTextEdit) -> str | None:
    return box.toPlainText().strip() or None


def two_columns(left: Form, right: Form) -> QHBoxLayout:
    row = QHBoxLayout()
    for form in (left, right):
        holder = QWidget()
        holder.setLayout(form)
        row.addWidget(holder, 1)
    return row


# ---------------------------------------------------------------------------- contact


class ContactPage(QWizardPage):
    """Address, phone, and the family members to contact."""

    COLUMNS = (N_("Name"), N_("Relationship"), N_("Phone"), N_("Address"), N_("Main contact"))

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle(_("Family and contact"))
        self.setSubTitle(_("Where the person lives or comes from, and whom to contact."))
        self.left, self.right = Form(), Form()
        self.address = self.left.add("address", _("Address"), text_box(48))
        self.village = self.left.add("village", _("Village (desa/kelurahan)"), QLineEdit())
        self.district = self.left.add("district", _("District (kecamatan)"), QLineEdit())
        self.city = self.right.add("city", _("Regency / city"), QLineEdit())
        self.province = self.right.add("province", _("Province"), QLineEdit())
        self.phone = self.right.add("phone", _("Phone"), QLineEdit())
        self.phone.setObjectName("phone")
        self.phone.editingFinished.connect(
            lambda: self.right.set_error("phone", phone_problem(self.phone.text().strip() or None)))
        self.family = QTableWidget(0, len(self.COLUMNS))
        self.family.setObjectName("family_table")
        self.family.setHorizontalHeaderLabels([_(c) for c in self.COLUMNS])
        self.family.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.family.verticalHeader().setDefaultSectionSize(26)
        self.family.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.family.setMinimumHeight(130)
        self.add_button = QPushButton(_("Add family member"))
        self.add_button.setObjectName("add_family")
        self.remove_button = QPushButton(_("Remove"))
        self.add_button.clicked.connect(lambda: self.add_contact(FamilyContactInput("", "")))
        self.remove_button.clicked.connect(self._remove)
        self.family_errors = QLabel()
        self.family_errors.setObjectName("family_errors")
        self.family_errors.setStyleSheet(ERROR_STYLE)
        self.family_errors.setWordWrap(True)
        self.family_errors.hide()
        self.managed_elsewhere = QLabel(_("Family contacts of a readmitted person are kept in their "
                                          "resident file."))
        self.managed_elsewhere.setStyleSheet("color: #5f6b66;")
        self.managed_elsewhere.hide()

        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(_("Family members")))
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(two_columns(self.left, self.right))
        layout.addLayout(buttons)
        layout.addWidget(self.family)
        layout.addWidget(self.family_errors)
        layout.addWidget(self.managed_elsewhere)

    def set_readmission(self, readmission: bool) -> None:
        for widget in (self.family, self.add_button, self.remove_button):
            widget.setVisible(not readmission)
        self.managed_elsewhere.setVisible(readmission)

    def add_contact(self, contact: FamilyContactInput) -> None:
        row = self.family.rowCount()
        self.family.insertRow(row)
        for column, value in enumerate((contact.name, contact.relationship, contact.phone or "",
                                        contact.address or "")):
            self.family.setItem(row, column, QTableWidgetItem(value))
        primary = QTableWidgetItem()
        primary.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        primary.setCheckState(Qt.CheckState.Checked if contact.is_primary or row == 0
                              else Qt.CheckState.Unchecked)
        self.family.setItem(row, 4, primary)
        self.family.setCurrentCell(row, 0)

    def _remove(self) -> None:
        row = self.family.currentRow()
        if row >= 0:
            self.family.removeRow(row)

    def contacts(self) -> tuple[FamilyContactInput, ...]:
        found = []
        for row in range(self.family.rowCount()):
            cells = [self.family.item(row, c) for c in range(4)]
            name, relation, phone, address = ((c.text().strip() if c else "") for c in cells)
            if not any((name, relation, phone, address)):
                continue
            primary = self.family.item(row, 4)
            found.append(FamilyContactInput(name, relation, phone or None, address or None,
                                            primary is not None and primary.checkState() == Qt.CheckState.Checked))
        return tuple(found)

    def merged(self, base: ResidentInput) -> ResidentInput:
        return replace(base, address=plain(self.address), village=self.village.text() or None,
                       district=self.district.text() or None, city=self.city.text() or None,
                       province=self.province.text() or None, phone=self.phone.text() or None)

    def set_value(self, data: ResidentInput) -> None:
        self.address.setPlainText(data.address or "")
        for widget, value in ((self.village, data.village), (self.district, data.district),
                              (self.city, data.city), (self.province, data.province),
                              (self.phone, data.phone)):
            widget.setText(value or "")

    def show_errors(self, errors: dict[str, str]) -> None:
        self.left.set_errors(errors)
        self.right.set_errors(errors)
        lines = []
        for key, message in sorted(errors.items()):
            if key == "family":
                lines.append(message)
            elif key.startswith("family."):
                row = int(key.split(".")[1]) + 1
                lines.append(_("Row {row}: {message}").format(row=row, message=message))
        self.family_errors.setText("\n".join(lines))
        self.family_errors.setVisible(bool(lines))

    def validatePage(self) -> bool:  # noqa: N802 - Qt naming
        errors = validate_family(self.contacts())
        if problem := phone_problem(self.phone.text().strip() or None):
            errors["phone"] = problem
        self.show_errors(errors)
        return not errors


# ---------------------------------------------------------------------------- referral


class ReferralPage(QWizardPage):
    """How the person came: date, referral, approach, condition on arrival."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle(_("Referral"))
        self.setSubTitle(_("When and how the person came to the facility, and their condition."))
        self.left, self.right = Form(), Form()
        self.admitted_on = self.left.add("admitted_on", _("Admission date"), date_edit(), required=True)
        self.admitted_on.setObjectName("admitted_on")
        self.admitted_on.setMaximumDate(QDate.currentDate())
        self.referral_source = self.left.add(
            "referral_source", _("Referred by (asal rujukan)"),
            enum_combo(ReferralSource, with_blank=_("— choose —")), required=True)
        self.referral_source.setObjectName("referral_source")
        self.referral_letter_no = self.left.add("referral_letter_no", _("Referral letter no."), QLineEdit())
        self.referral_letter_no.setMaxLength(100)
        self.referral_letter_date = self.left.add("referral_letter_date", _("Letter date"),
                                                  optional_date_edit("referral_letter_date"))
        self.approach = self.left.add("approach", _("Approach"),
                                      enum_combo(Approach, with_blank=_("— choose —")), required=True)
        self.approach.setObjectName("approach")
        self.referral_notes = self.left.add("referral_notes", _("Referral notes"), text_box(48))
        self.initial_condition = self.right.add("initial_condition", _("Condition on arrival"), text_box(70))
        self.health_notes = self.right.add("health_notes", _("Health"), text_box(60))
        self.disability_notes = self.right.add("disability_notes", _("Disability"), text_box(48))
        layout = QVBoxLayout(self)
        layout.addLayout(two_columns(self.left, self.right))
        layout.addStretch(1)

    def fill(self, data: AdmissionRequest) -> AdmissionRequest:
        return replace(
            data, admitted_on=self.admitted_on.date().toPython(),
            referral_source=enum_value(self.referral_source, ReferralSource),
            referral_letter_no=self.referral_letter_no.text() or None,
            referral_letter_date=date_or_none(self.referral_letter_date),
            approach=enum_value(self.approach, Approach), referral_notes=plain(self.referral_notes),
            initial_condition=plain(self.initial_condition), health_notes=plain(self.health_notes),
            disability_notes=plain(self.disability_notes),
        )

    def show_errors(self, errors: dict[str, str]) -> None:
        self.left.set_errors(errors)
        self.right.set_errors(errors)

    def validatePage(self) -> bool:  # noqa: N802 - Qt naming
        wizard = self.wizard()
        request = self.fill(wizard.blank_stay())
        errors = validate_referral(request, date.today(), wizard.person().birth_date)
        self.show_errors(errors)
        return not errors


# ---------------------------------------------------------------------------- placement


class PlacementPage(QWizardPage):
    """First stage, room (with free beds, of the right sex) and case manager."""

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.rooms: list = []
        self.setTitle(_("Placement"))
        self.setSubTitle(_("The room the person will sleep in and the worker responsible for them."))
        self.form = Form()
        self.stage = self.form.add("stage", _("Stage"), QComboBox())
        for stage in (Stage.INTAKE, Stage.FIRST_CONTACT):
            self.stage.addItem(stage.label, stage)
        self.room = self.form.add("room_id", _("Room"), QComboBox())
        self.room.setObjectName("room")
        self.override = self.form.add("over_capacity_override", "", QCheckBox(
            _("Place anyway, even if the room is full (recorded)")))
        self.override.setObjectName("override")
        self.case_manager = self.form.add("case_manager_id", _("Case manager"), QComboBox())
        self.case_manager.setObjectName("case_manager")
        self.room_info = QLabel()
        self.room_info.setWordWrap(True)
        self.room_info.setStyleSheet("color: #5f6b66;")
        self.room.currentIndexChanged.connect(self._room_changed)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.room_info)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802 - Qt naming
        sex = self.wizard().person().sex
        current_room, current_manager = self.room.currentData(), self.case_manager.currentData()
        try:
            self.rooms = rooms.rooms_for(self.ctx.db, self.ctx.actor, sex)
            managers = residents.case_manager_choices(self.ctx.db, self.ctx.actor)
        except Exception as error:  # noqa: BLE001 - shown to the user, the step stays usable
            show_error(self, error)
            self.rooms, managers = [], []
        self.room.blockSignals(True)
        self.room.clear()
        self.room.addItem(_("(no room yet)"), None)
        for room in self.rooms:
            free = _("full") if room.full else _("{n} free").format(n=room.free)
            self.room.addItem(f"{room.name} — {room.sex.label} · {free}", room.id)
        index = self.room.findData(current_room)
        self.room.setCurrentIndex(index if index >= 0 else 0)
        self.room.blockSignals(False)
        self.case_manager.clear()
        self.case_manager.addItem(_("(not yet)"), None)
        for user in managers:
            self.case_manager.addItem(f"{user.full_name} ({user.role_label})", user.id)
        index = self.case_manager.findData(current_manager)
        self.case_manager.setCurrentIndex(index if index >= 0 else 0)
        self._room_changed()

    def chosen_room(self):
        return next((r for r in self.rooms if r.id == self.room.currentData()), None)

    def _room_changed(self, _index: int = 0) -> None:
        room = self.chosen_room()
        self.override.setVisible(bool(room and room.full))
        if room is None:
            self.room_info.setText(_("Rooms listed fit the person's sex; those with free beds "
                                     "come first."))
        else:
            self.room_info.setText(_("{room}: {occupied} of {capacity} beds taken.").format(
                room=room.name, occupied=room.occupied, capacity=room.capacity))
        self.form.set_error("room_id", None)

    def fill(self, data: AdmissionRequest) -> AdmissionRequest:
        room = self.chosen_room()
        return replace(data, stage=enum_value(self.stage, Stage), room_id=self.room.currentData(),
                       over_capacity_override=bool(room and room.full and self.override.isChecked()),
                       case_manager_id=self.case_manager.currentData())

    def show_errors(self, errors: dict[str, str]) -> None:
        self.form.set_errors(errors)

    def validatePage(self) -> bool:  # noqa: N802 - Qt naming
        room = self.chosen_room()
        if room is not None and room.full and not self.override.isChecked():
            self.form.set_error("room_id", _(
                "Room {room} is full ({occupied} of {capacity} beds taken). Choose another room, "
                "or tick \"place anyway\".").format(room=room.name, occupied=room.occupied,
                                                    capacity=room.capacity))
            return False
        return True
