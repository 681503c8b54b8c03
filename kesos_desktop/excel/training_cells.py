"""Reading the cells of training registers: times of day and attendance marks, in the forms
people type them (09:00, 9.00, an Excel time, "Hadir", "H", "izin")."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from functools import cache

from kesos_desktop.domain.enums import AttendanceCode
from kesos_desktop.excel import values as v
from kesos_desktop.excel.values import CellError, normalize_header
from kesos_desktop.i18n import _, load_catalog

_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(?:[:.]\d{2})?$")


def _from_minutes(minutes: int, raw: object) -> time:
    if not 0 <= minutes < 24 * 60:
        raise CellError(_("{value} is not a time of day.").format(value=raw))
    return time(minutes // 60, minutes % 60)


def parse_time(value: object) -> time | None:
    """A time of day from an Excel time, a fraction of a day (0.375) or text (09:00, 9.00, 9)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, timedelta):
        return _from_minutes(round(value.total_seconds() / 60), value)
    if isinstance(value, bool):
        raise CellError(_("Expected a time such as 09:00, found {value}.").format(value=value))
    if isinstance(value, int | float):
        if not 0 <= value < 1:  # Excel stores a time as the fraction of a day
            raise CellError(_("The number {value} is not a time; write it as 09:00.").format(value=value))
        return _from_minutes(round(value * 24 * 60), value)
    text = str(value).strip().lower().removesuffix("wib").strip()
    match = _TIME.match(text)
    if match is None:
        raise CellError(_("{value!r} is not a time; write it as 09:00.").format(value=str(value)))
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        raise CellError(_("{value!r} is not a time; write it as 09:00.").format(value=str(value)))
    return time(hour, minute)


_WORDS = {
    "hadir": "H", "masuk": "H", "present": "H", "ada": "H", "v": "H",
    "izin": "I", "ijin": "I", "excused": "I",
    "sakit": "S", "sick": "S",
    "alpa": "A", "alpha": "A", "alfa": "A", "tanpa keterangan": "A", "absent": "A",
    "tidak hadir": "A", "mangkir": "A",
}


def code_choices() -> list[str]:
    """The marks as the template's dropdown shows them: the Indonesian labels, e.g. Hadir (H)."""
    indonesian = load_catalog("id")
    return [indonesian.gettext(member._label) for member in AttendanceCode]


@cache  # the catalogs are read once, not once per cell
def _lookup() -> dict[str, str]:
    found = dict(_WORDS)
    indonesian = load_catalog("id")
    for member in AttendanceCode:
        for text in (member.value, member._label, indonesian.gettext(member._label)):
            found.setdefault(normalize_header(text), member.value)
    return found


def parse_code(value: object) -> str | None:
    """H, I, S or A from the code, its label (Indonesian or English) or a common word."""
    text = v.parse_text(value)
    if text is None:
        return None
    code = _lookup().get(normalize_header(text))
    if code is None:
        raise CellError(_("{value!r} is not an attendance mark; write H (hadir), I (izin), "
                          "S (sakit) or A (alpa).").format(value=text))
    return code
