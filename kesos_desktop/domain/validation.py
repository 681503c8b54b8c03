"""Identity numbers: NIK (Nomor Induk Kependudukan) and KK (Kartu Keluarga) numbers.

A NIK is 16 digits: 6 for the region (province, regency, district), 6 for the birth date as
DDMMYY with 40 added to the day for women, 4 for a serial number. A mismatch between the NIK and
the stated birth date or sex is a warning: real registers contain such NIKs and the person still
needs a bed tonight.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kesos_desktop.domain.enums import Sex
from kesos_desktop.i18n import _

_SEPARATORS = re.compile(r"[\s.\-/_']")


def normalize_id_number(raw: str | None) -> str | None:
    """Strip spaces and punctuation people type into NIK/KK numbers; None for blank input."""
    if raw is None:
        return None
    cleaned = _SEPARATORS.sub("", str(raw).strip())
    return cleaned or None


def check_nik(nik: str) -> str | None:
    """The reason ``nik`` (already normalised) is not a valid NIK, or None when it is."""
    if not nik.isdigit() or not nik.isascii():
        return _("NIK may contain only digits.")
    if len(nik) != 16:
        return _("NIK must be 16 digits (this one has {n}).").format(n=len(nik))
    if nik[:2] == "00" or nik[2:4] == "00" or nik[4:6] == "00":
        return _("NIK must start with a region code (the first 6 digits cannot contain 00 pairs).")
    if decode_nik(nik) is None:
        return _("Digits 7-12 of the NIK do not form a date of birth.")
    if nik[12:] == "0000":
        return _("The last 4 digits of a NIK (serial number) cannot be 0000.")
    return None


def check_kk(kk: str) -> str | None:
    if not kk.isdigit() or not kk.isascii():
        return _("KK number may contain only digits.")
    if len(kk) != 16:
        return _("KK number must be 16 digits (this one has {n}).").format(n=len(kk))
    return None


@dataclass(frozen=True)
class NikFacts:
    region_code: str
    birth_day: int
    birth_month: int
    birth_year_2digit: int
    sex: Sex


def decode_nik(nik: str) -> NikFacts | None:
    """The region, birth date parts and sex encoded in a 16-digit NIK, or None if impossible."""
    if len(nik) != 16 or not nik.isdigit():
        return None
    day, month, year = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = Sex.MALE
    if day > 40:
        day -= 40
        sex = Sex.FEMALE
    try:
        date(2000, month, day)  # leap-year-safe probe of day/month
    except ValueError:
        return None
    return NikFacts(nik[:6], day, month, year, sex)


def nik_birth_date(nik: str, today: date | None = None) -> date | None:
    """The birth date a NIK encodes, choosing the century that does not lie in the future."""
    facts = decode_nik(nik)
    if facts is None:
        return None
    today = today or date.today()
    year = 2000 + facts.birth_year_2digit
    if year > today.year:
        year -= 100
    try:
        return date(year, facts.birth_month, facts.birth_day)
    except ValueError:  # 29 February in a non-leap century
        return None


def nik_warnings(nik: str, birth_date: date | None, sex: Sex | None) -> list[str]:
    """Mismatches between a valid NIK and the stated birth date and sex (warnings only)."""
    facts = decode_nik(nik)
    if facts is None:
        return []
    warnings = []
    if sex is not None and facts.sex != sex:
        warnings.append(
            _("The NIK encodes sex {nik_sex}, but {sex} was entered.").format(
                nik_sex=facts.sex.label, sex=sex.label
            )
        )
    if birth_date is not None and (
        (birth_date.day, birth_date.month, birth_date.year % 100)
        != (facts.birth_day, facts.birth_month, facts.birth_year_2digit)
    ):
        warnings.append(
            _("The NIK encodes birth date {nik_date}, but {date} was entered.").format(
                nik_date=f"{facts.birth_day:02d}/{facts.birth_month:02d}/..{facts.birth_year_2digit:02d}",
                date=birth_date.strftime("%d/%m/%Y"),
            )
        )
    return warnings


def mask_nik(nik: str | None) -> str:
    """A NIK shortened for logs and lists where the full number is not needed: 3271********0001."""
    if not nik:
        return ""
    return nik[:4] + "*" * (len(nik) - 8) + nik[-4:] if len(nik) > 8 else "*" * len(nik)


def age_on(birth_date: date | None, on: date, estimated_birth_year: int | None = None) -> int | None:
    if birth_date is not None:
        return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    if estimated_birth_year is not None:
        return on.year - estimated_birth_year
    return None
