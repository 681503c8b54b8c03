"""Reading the values people put in real registers: dates, sex, identity numbers, text.

Each parser returns the value or raises CellError with a message in plain language; the
importer adds the place ("Baris 14, kolom G (Tanggal Lahir)").
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from kesos_desktop.domain.enums import Sex
from kesos_desktop.domain.validation import check_kk, check_nik, normalize_id_number
from kesos_desktop.i18n import _


class CellError(ValueError):
    """A cell whose value cannot be used; ``str()`` is the message for staff."""


MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "pebruari": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nopember": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}
_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01, counting Excel's fictitious 29/02/1900
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})$")
_WORDY_DATE = re.compile(r"^(\d{1,2})[\s\-/.]+([a-z]+)\.?[\s\-/.,]+(\d{2,4})$")


def _year(text: str) -> int:
    year = int(text)
    if len(text) <= 2:  # two-digit years: 00-29 are 2000s, the rest 1900s
        year += 2000 if year < 30 else 1900
    return year


def _make_date(year: int, month: int, day: int, raw: object) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(_("{value} is not a real date.").format(value=raw)) from None


def parse_date(value: object) -> date | None:
    """A date from an Excel date, a serial number, or text like 17/05/1980 or 17 Mei 1980."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError(_("Expected a date, found {value}.").format(value=value))
    if isinstance(value, int | float):
        if not 1 <= value < 2958466:  # 1900-01-01 .. 9999-12-31
            raise CellError(_("The number {value} is not a date.").format(value=value))
        return _EXCEL_EPOCH + timedelta(days=int(value))
    text = str(value).strip().lower()
    if match := _NUMERIC_DATE.match(text):
        first, month, last = match.groups()
        if len(first) == 4:  # 1980-05-17
            return _make_date(int(first), int(month), int(last), value)
        return _make_date(_year(last), int(month), int(first), value)  # 17-05-1980: day first
    if match := _WORDY_DATE.match(text):
        day, month_name, year = match.groups()
        month = MONTHS.get(month_name)
        if month is None:
            raise CellError(_("Unknown month name {name!r} in {value}.").format(name=month_name, value=value))
        return _make_date(_year(year), month, int(day), value)
    raise CellError(
        _("{value!r} is not a date; write it as 17/05/1980 or 17 Mei 1980.").format(value=str(value))
    )


_SEX = {
    "l": Sex.MALE, "lk": Sex.MALE, "laki": Sex.MALE, "laki-laki": Sex.MALE, "laki laki": Sex.MALE,
    "lakilaki": Sex.MALE, "pria": Sex.MALE, "m": Sex.MALE, "male": Sex.MALE, "cowok": Sex.MALE,
    "p": Sex.FEMALE, "pr": Sex.FEMALE, "perempuan": Sex.FEMALE, "wanita": Sex.FEMALE,
    "f": Sex.FEMALE, "female": Sex.FEMALE, "w": Sex.FEMALE, "cewek": Sex.FEMALE,
}


_SEX_SEPARATORS = re.compile(r"[\s.]+")


def parse_sex(value: object) -> Sex | None:
    if value is None or not str(value).strip():
        return None
    key = _SEX_SEPARATORS.sub(" ", str(value).strip().lower()).strip()
    if key in _SEX:
        return _SEX[key]
    raise CellError(_("{value!r} is not a sex; write L or P (Laki-laki / Perempuan).").format(value=str(value)))


def _id_number(value: object, what: str, check) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(
            _(
                "The {what} was stored as a number. Excel keeps only 15 digits of a number, so "
                "the last digit of a 16-digit {what} is lost (e.g. 3.27E+15). Format the column as "
                "Text, type the numbers again and import once more."
            ).format(what=what)
        )
    number = normalize_id_number(str(value))
    if number and (problem := check(number)):
        raise CellError(problem)
    return number


def parse_nik(value: object) -> str | None:
    return _id_number(value, "NIK", check_nik)


def parse_kk(value: object) -> str | None:
    return _id_number(value, _("KK number"), check_kk)


def parse_text(value: object, max_length: int | None = None) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = " ".join(str(value).split())  # runs of whitespace (any kind) become one space
    if not text:
        return None
    if max_length and len(text) > max_length:
        raise CellError(_("Too long: at most {n} characters.").format(n=max_length))
    return text


def parse_phone(value: object) -> str | None:
    """Phone numbers keep their leading 0 (a number cell lost it: put it back)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        digits = str(int(value))
        return digits if digits.startswith(("0", "62")) else "0" + digits
    return re.sub(r"[^\d+]", "", str(value)) or None


def parse_int(value: object, low: int, high: int) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).replace(",", "."))
    except ValueError:
        raise CellError(_("{value!r} is not a number.").format(value=str(value))) from None
    if not number.is_integer() or not low <= number <= high:
        raise CellError(_("Expected a whole number from {low} to {high}.").format(low=low, high=high))
    return int(number)


_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize_header(text: object) -> str:
    return _NOT_ALNUM.sub(" ", str(text or "").lower()).strip()
