"""The identity form: used by the intake wizard's first step and by "Edit identity".

NIK and KK are optional; "identity unknown" swaps the birth date for an estimated age. A NIK
is decoded as it is typed: its birth date and sex fill empty fields, and a mismatch with what
was entered shows as a warning (not an error). Messages appear under a field when it is left.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QWidget,
)

from kesos_desktop.domain.enums import Education, MaritalStatus, PpksCategory, Religion, Sex
from kesos_desktop.domain.resident_dto import ResidentInput
from kesos_desktop.domain.resident_validation import (
    MAX_AGE,
    birth_date_from_nik,
    identity_warnings,
    normalize_resident,
    validate_identity,
)
from kesos_desktop.domain.validation import decode_nik, normalize_id_number
from kesos_desktop.i18n import _
from kesos_desktop.ui.pages.residents_filters import (
    NO_DATE,
    date_or_none,
    enum_value,
    optional_date_edit,
)
from kesos_desktop.ui.widgets.form import Form, enum_combo, select_data

WARNING_STYLE = "color: #8a5300;"
HINT_STYLE = "color: #3d5a4f;"
IDENTITY_FIELDS = ("name", "alias", "sex", "identity_unknown", "nik", "kk", "birth_place",
                   "birth_date", "estimated_age", "religion", "marital_status", "education",
                   "categories")


class IdentityForm(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.admitted_on: date | None = None  # for "born after the admission"
        self.left = Form()
        self.right = Form()
        self.name = self.left.add("name", _("Name"), QLineEdit(), required=True)
        self.name.setObjectName("name")
        self.name.setMaxLength(150)
        self.alias = self.left.add("alias", _("Alias / nickname"), QLineEdit())
        self.alias.setMaxLength(150)
        self.sex = self.left.add("sex", _("Sex"), enum_combo(Sex, with_blank=_("— choose —")),
                                 required=True)
        self.sex.setObjectName("sex")
        self.identity_unknown = self.left.add("identity_unknown", "", QCheckBox(
            _("Identity unknown (no KTP/KK; estimate the age)")))
        self.identity_unknown.setObjectName("identity_unknown")
        self.nik = self.left.add("nik", _("NIK"), QLineEdit())
        self.nik.setObjectName("nik")
        self.nik.setPlaceholderText(_("16 digits, optional"))
        self.nik.setMaxLength(24)
        self.nik_hint = QLabel()
        self.nik_hint.setObjectName("nik_hint")
        self.nik_hint.setWordWrap(True)
        self.nik_hint.hide()
        self.left.addRow("", self.nik_hint)
        self.kk = self.left.add("kk", _("KK number"), QLineEdit())
        self.kk.setObjectName("kk")
        self.kk.setPlaceholderText(_("16 digits, optional"))
        self.kk.setMaxLength(24)
        self.birth_place = self.left.add("birth_place", _("Place of birth"), QLineEdit())
        self.birth_date = self.left.add("birth_date", _("Date of birth"),
                                        optional_date_edit("birth_date"))
        self.birth_date.setMaximumDate(QDate.currentDate())
        self.estimated_age = self.left.add("estimated_age", _("Estimated age"), QSpinBox())
        self.estimated_age.setObjectName("estimated_age")
        self.estimated_age.setRange(-1, MAX_AGE)
        self.estimated_age.setSpecialValueText("—")
        self.estimated_age.setSuffix(" " + _("years"))
        self.estimated_age.setValue(-1)
        self.religion = self.right.add("religion", _("Religion"), enum_combo(Religion))
        self.marital_status = self.right.add("marital_status", _("Marital status"),
                                             enum_combo(MaritalStatus))
        self.education = self.right.add("education", _("Education"), enum_combo(Education))
        for combo, value in ((self.religion, Religion.UNKNOWN),
                             (self.marital_status, MaritalStatus.UNKNOWN),
                             (self.education, Education.UNKNOWN)):
            select_data(combo, value)
        self.categories = self.right.add("categories", _("PPKS categories"), QListWidget(),
                                         required=True)
        self.categories.setObjectName("categories")
        for category in PpksCategory:
            item = QListWidgetItem(category.label)
            item.setData(Qt.ItemDataRole.UserRole, category)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.categories.addItem(item)
        self.categories.setMinimumHeight(190)

        columns = QHBoxLayout(self)
        columns.setContentsMargins(0, 0, 0, 0)
        left, right = QWidget(), QWidget()
        left.setLayout(self.left)
        right.setLayout(self.right)
        columns.addWidget(left, 1)
        columns.addWidget(right, 1)

        self.identity_unknown.toggled.connect(self._identity_mode)
        self.nik.textChanged.connect(self._nik_typed)
        for key, widget in (("name", self.name), ("nik", self.nik), ("kk", self.kk)):
            widget.editingFinished.connect(lambda k=key: self.check_field(k))
        self.birth_date.editingFinished.connect(lambda: self.check_field("birth_date"))
        self.sex.currentIndexChanged.connect(lambda _i: self._nik_typed(self.nik.text()))
        self._identity_mode(False)

    # ------------------------------------------------------------------ values
    def value(self) -> ResidentInput:
        age = self.estimated_age.value()
        return ResidentInput(
            name=self.name.text(), sex=enum_value(self.sex, Sex), alias=self.alias.text() or None,
            identity_unknown=self.identity_unknown.isChecked(),
            nik=None if self.identity_unknown.isChecked() else (self.nik.text() or None),
            kk=self.kk.text() or None, birth_place=self.birth_place.text() or None,
            birth_date=None if self.identity_unknown.isChecked() else date_or_none(self.birth_date),
            estimated_age=age if age >= 0 else None, religion=enum_value(self.religion, Religion),
            marital_status=enum_value(self.marital_status, MaritalStatus),
            education=enum_value(self.education, Education),
            categories=tuple(
                PpksCategory(self.categories.item(i).data(Qt.ItemDataRole.UserRole))
                for i in range(self.categories.count())
                if self.categories.item(i).checkState() == Qt.CheckState.Checked
            ),
        )

    def merged(self, base: ResidentInput) -> ResidentInput:
        """``base`` (address, phone... from other steps) with this form's fields."""
        mine = self.value()
        return replace(base, **{key: getattr(mine, key) for key in IDENTITY_FIELDS})

    def set_value(self, data: ResidentInput) -> None:
        self.name.setText(data.name)
        self.alias.setText(data.alias or "")
        select_data(self.sex, data.sex)
        self.identity_unknown.setChecked(data.identity_unknown)
        self.nik.setText(data.nik or "")
        self.kk.setText(data.kk or "")
        self.birth_place.setText(data.birth_place or "")
        self.birth_date.setDate(QDate(data.birth_date) if data.birth_date else NO_DATE)
        self.estimated_age.setValue(data.estimated_age if data.estimated_age is not None else -1)
        select_data(self.religion, data.religion)
        select_data(self.marital_status, data.marital_status)
        select_data(self.education, data.education)
        for i in range(self.categories.count()):
            item = self.categories.item(i)
            checked = item.data(Qt.ItemDataRole.UserRole) in data.categories
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    # ------------------------------------------------------------------ checking
    def errors(self, today: date | None = None) -> dict[str, str]:
        person = normalize_resident(self.value())
        return validate_identity(person, today or date.today(), self.admitted_on)

    def validate(self, today: date | None = None) -> bool:
        errors = {k: v for k, v in self.errors(today).items() if k in IDENTITY_FIELDS}
        self.set_errors(errors)
        return not errors

    def set_errors(self, errors: dict[str, str]) -> None:
        for form in (self.left, self.right):
            form.set_errors({k: v for k, v in errors.items() if k in form.fields})

    def check_field(self, key: str) -> None:
        """The message of one field, when the user leaves it."""
        message = self.errors().get(key)
        if key == "birth_date" and date_or_none(self.birth_date) is None:
            message = None  # an empty date is judged when the step is finished
        form = self.left if key in self.left.fields else self.right
        form.set_error(key, message)

    def error_text(self, key: str) -> str:
        form = self.left if key in self.left.fields else self.right
        return form.error_text(key)

    def _identity_mode(self, unknown: bool) -> None:
        for widget in (self.nik, self.birth_date):
            widget.setEnabled(not unknown)
        if unknown:
            self.nik_hint.hide()
            self.left.set_error("nik", None)
            self.left.set_error("birth_date", None)
        self.estimated_age.setToolTip(
            _("Required when the identity is unknown") if unknown
            else _("Only when the date of birth is unknown"))

    def _nik_typed(self, text: str) -> None:
        nik = normalize_id_number(text)
        facts = decode_nik(nik) if nik and len(nik) == 16 else None
        if facts is None:
            self.nik_hint.hide()
            return
        born = birth_date_from_nik(nik)
        if born is not None and date_or_none(self.birth_date) is None:
            self.birth_date.setDate(QDate(born))
        if self.sex.currentData() is None:
            select_data(self.sex, facts.sex)
        warnings = identity_warnings(self.value())
        if warnings:
            self.nik_hint.setStyleSheet(WARNING_STYLE)
            self.nik_hint.setText("⚠ " + " ".join(warnings))
        else:
            self.nik_hint.setStyleSheet(HINT_STYLE)
            self.nik_hint.setText(_("NIK says: born {date}, {sex}.").format(
                date=born.strftime("%d/%m/%Y") if born else "?", sex=facts.sex.label.lower()))
        self.nik_hint.show()
