"""Checks on resident, stay and consent input, with a message per field (in plain language).

Pure functions: the intake wizard calls them step by step to show messages as staff go, and the
services call them again before saving, so an importer gets exactly the same rules.
Field keys are the ``ResidentInput``/``AdmissionRequest`` attribute names; family contacts use
``family.<n>.<field>``, consent ``consent.<field>``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from kesos_desktop.domain.enums import ConsentRelation
from kesos_desktop.domain.resident_dto import (
    AdmissionRequest,
    ConsentInput,
    FamilyContactInput,
    ResidentInput,
)
from kesos_desktop.domain.validation import (
    age_on,
    check_kk,
    check_nik,
    nik_birth_date,
    nik_warnings,
    normalize_id_number,
)
from kesos_desktop.i18n import _

MAX_AGE = 120
ADULT_AGE = 18
EARLIEST_DATE = date(1900, 1, 1)
_PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{4,30}$")
_SPACES = re.compile(r"\s+")

LENGTHS = {
    "name": 150, "alias": 150, "birth_place": 100, "address": 400, "village": 100,
    "district": 100, "city": 100, "province": 100, "phone": 40,
}


def clean_text(value: str | None) -> str | None:
    """Trimmed text with inner runs of spaces collapsed; None when blank."""
    if value is None:
        return None
    text = _SPACES.sub(" ", str(value)).strip()
    return text or None


def clean_multiline(value: str | None) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def normalize_resident(data: ResidentInput) -> ResidentInput:
    """The input as it will be stored: trimmed text, NIK/KK without spaces and dots."""
    return replace(
        data,
        name=clean_text(data.name) or "",
        alias=clean_text(data.alias),
        nik=normalize_id_number(data.nik),
        kk=normalize_id_number(data.kk),
        birth_place=clean_text(data.birth_place),
        address=clean_multiline(data.address),
        village=clean_text(data.village),
        district=clean_text(data.district),
        city=clean_text(data.city),
        province=clean_text(data.province),
        phone=clean_text(data.phone),
        notes=clean_multiline(data.notes),
        categories=tuple(dict.fromkeys(data.categories)),
    )


def phone_problem(phone: str | None) -> str | None:
    if phone and not _PHONE.match(phone):
        return _("A phone number contains digits (and may start with +), for example 0812 3456 7890.")
    return None


def date_problem(value: date | None, today: date, what: str) -> str | None:
    if value is None:
        return None
    if value > today:
        return _("{what} cannot be in the future.").format(what=what)
    if value < EARLIEST_DATE:
        return _("{what} is before 1900; check the year.").format(what=what)
    return None


def validate_identity(data: ResidentInput, today: date, admitted_on: date | None = None) -> dict[str, str]:
    """Messages for the identity step (``data`` already normalised)."""
    errors: dict[str, str] = {}
    if not data.name:
        errors["name"] = _("Enter the name (a nickname is fine if the real name is unknown).")
    for key, limit in LENGTHS.items():
        value = getattr(data, key)
        if value and len(value) > limit and key not in errors:
            errors[key] = _("At most {n} characters.").format(n=limit)
    if data.sex is None:
        errors["sex"] = _("Choose the sex.")
    if data.nik:
        if problem := check_nik(data.nik):
            errors["nik"] = problem
        elif data.identity_unknown:
            errors["nik"] = _("A person without identity papers has no NIK here; untick "
                              "\"identity unknown\" to enter it.")
    if data.kk and (problem := check_kk(data.kk)):
        errors["kk"] = problem
    errors.update(_birth_problems(data, today, admitted_on))
    if problem := phone_problem(data.phone):
        errors["phone"] = problem
    if not data.categories:
        errors["categories"] = _("Choose at least one PPKS category.")
    return errors


def _birth_problems(data: ResidentInput, today: date, admitted_on: date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.identity_unknown and data.birth_date is not None:
        errors["birth_date"] = _("The birth date is unknown for this person: leave it empty and "
                                 "enter an estimated age.")
    elif data.birth_date is not None:
        if problem := date_problem(data.birth_date, today, _("The birth date")):
            errors["birth_date"] = problem
        elif admitted_on is not None and data.birth_date > admitted_on:
            errors["birth_date"] = _("The birth date is after the admission date ({date}).").format(
                date=admitted_on.strftime("%d/%m/%Y"))
    if data.estimated_age is not None and not 0 <= data.estimated_age <= MAX_AGE:
        errors["estimated_age"] = _("The estimated age must be between 0 and {max} years.").format(
            max=MAX_AGE)
    if data.birth_date is None and data.estimated_age is None:
        if data.identity_unknown:
            errors["estimated_age"] = _("Enter an estimated age (0-{max} years).").format(max=MAX_AGE)
        else:
            errors["birth_date"] = _("Enter the birth date, or tick \"identity unknown\" and "
                                     "enter an estimated age.")
    return errors


def identity_warnings(data: ResidentInput, today: date | None = None) -> list[str]:
    """Things worth a second look that do not block saving (NIK versus birth date and sex)."""
    if not data.nik or check_nik(data.nik):
        return []
    return nik_warnings(data.nik, data.birth_date, data.sex)


def birth_date_from_nik(nik: str | None, today: date | None = None) -> date | None:
    """The birth date a valid NIK encodes, to pre-fill the form."""
    nik = normalize_id_number(nik)
    if not nik or check_nik(nik):
        return None
    return nik_birth_date(nik, today)


def validate_family(contacts: tuple[FamilyContactInput, ...]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for n, contact in enumerate(contacts):
        if not clean_text(contact.name):
            errors[f"family.{n}.name"] = _("Enter the family member's name.")
        if not clean_text(contact.relationship):
            errors[f"family.{n}.relationship"] = _("Say how they are related (mother, brother...).")
        if problem := phone_problem(clean_text(contact.phone)):
            errors[f"family.{n}.phone"] = problem
    if sum(1 for c in contacts if c.is_primary) > 1:
        errors["family"] = _("Only one family member can be the main contact.")
    return errors


def validate_referral(data: AdmissionRequest, today: date, birth_date: date | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if problem := date_problem(data.admitted_on, today, _("The admission date")):
        errors["admitted_on"] = problem
    elif birth_date is not None and birth_date > data.admitted_on:
        errors["admitted_on"] = _("The admission date is before the birth date ({date}).").format(
            date=birth_date.strftime("%d/%m/%Y"))
    if data.referral_source is None:
        errors["referral_source"] = _("Choose where the person was referred from.")
    if data.approach is None:
        errors["approach"] = _("Choose the approach (persuasive, motivative or coercive).")
    if problem := date_problem(data.referral_letter_date, today, _("The letter date")):
        errors["referral_letter_date"] = problem
    if data.referral_letter_no and len(data.referral_letter_no) > 100:
        errors["referral_letter_no"] = _("At most {n} characters.").format(n=100)
    return errors


def is_child(data: ResidentInput, on: date) -> bool:
    estimated_year = on.year - data.estimated_age if data.estimated_age is not None else None
    age = age_on(data.birth_date, on, estimated_year)
    return age is not None and age < ADULT_AGE


def validate_consent(consent: ConsentInput | None, child: bool, today: date,
                     admitted_on: date | None = None) -> dict[str, str]:
    if consent is None:
        return {"consent.given_by_name": _("Record who gave consent to care and to the use of "
                                           "personal data.")}
    errors: dict[str, str] = {}
    if not clean_text(consent.given_by_name):
        errors["consent.given_by_name"] = _("Enter the name of the person who gave consent.")
    if child and consent.relation == ConsentRelation.SELF:
        errors["consent.relation"] = _("For a child (under {n}), consent must come from a parent, "
                                       "a guardian or the referring official.").format(n=ADULT_AGE)
    if problem := date_problem(consent.given_on, today, _("The consent date")):
        errors["consent.given_on"] = problem
    return errors
