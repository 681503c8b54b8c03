"""Training schedules as pure functions: recurrence rules, holidays, conflicts, attendance rates.

Nothing here touches the database: the services load bookings and holidays, these functions
decide. That keeps the rules testable in microseconds and the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from kesos_desktop.domain.enums import AttendanceCode, LabeledEnum
from kesos_desktop.i18n import N_, _

# Monday = 0 ... Sunday = 6, as date.weekday()
WEEKDAY_NAMES = (
    N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
    N_("Saturday"), N_("Sunday"),
)
WEEKDAY_SHORT = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
MAX_SESSIONS = 1000  # a rule producing more than this is a typo, not a plan


# ----------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class Rule:
    """Every ``weekdays`` from ``first_day`` to ``last_day`` (inclusive), ``start``-``end``."""

    weekdays: frozenset[int]
    start: time
    end: time
    first_day: date
    last_day: date


@dataclass(frozen=True)
class Slot:
    day: date
    start: time
    end: time


def weekdays_to_text(weekdays: Iterable[int]) -> str:
    """The stored form of a weekday set: "0,2,4"."""
    return ",".join(str(d) for d in sorted(set(weekdays)))


def weekdays_from_text(text: str | None) -> frozenset[int]:
    if not text:
        return frozenset()
    return frozenset(int(part) for part in text.split(",") if part.strip() != "")


def weekdays_label(weekdays: Iterable[int]) -> str:
    """ "Sen, Rab, Jum" in the current language."""
    return ", ".join(_(WEEKDAY_SHORT[d]) for d in sorted(set(weekdays)))


def validate_rule(rule: Rule) -> dict[str, str]:
    """Field errors of a rule, before generating anything (empty when the rule is fine)."""
    errors: dict[str, str] = {}
    if not rule.weekdays:
        errors["weekdays"] = _("Choose at least one day of the week.")
    elif not all(0 <= d <= 6 for d in rule.weekdays):
        errors["weekdays"] = _("Days of the week are numbered 0 (Monday) to 6 (Sunday).")
    if rule.end <= rule.start:
        errors["end_time"] = _("The end time must be after the start time.")
    if rule.last_day < rule.first_day:
        errors["last_day"] = _("The end date must be on or after the start date.")
    return errors


def generate(rule: Rule, holidays: Iterable[date] = ()) -> tuple[list[Slot], list[date]]:
    """The slots of ``rule`` in date order, and the days skipped because they are holidays.

    Call :func:`validate_rule` first; an invalid rule simply produces no slots.
    """
    off = set(holidays)
    slots: list[Slot] = []
    skipped: list[date] = []
    if validate_rule(rule):
        return slots, skipped
    day = rule.first_day
    while day <= rule.last_day:
        if day.weekday() in rule.weekdays:
            if day in off:
                skipped.append(day)
            else:
                slots.append(Slot(day, rule.start, rule.end))
                if len(slots) > MAX_SESSIONS:
                    break
        day += timedelta(days=1)
    return slots, skipped


def overlaps(a_start: time, a_end: time, b_start: time, b_end: time) -> bool:
    """Half-open intervals: 09:00-11:00 and 11:00-12:00 do not overlap."""
    return a_start < b_end and b_start < a_end


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def hours_between(start: time, end: time) -> float:
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return max(minutes, 0) / 60


# ------------------------------------------------------------------------- conflicts


class ConflictKind(LabeledEnum):
    INSTRUCTOR = "instructor", N_("Same instructor")
    PLACE = "place", N_("Same place")
    RESIDENT = "resident", N_("Resident booked twice")


@dataclass(frozen=True)
class Booking:
    """A session as conflict detection sees it: when, who teaches, where, who attends."""

    day: date
    start: time
    end: time
    program_id: int | None = None
    program_name: str = ""
    session_id: int | None = None
    instructor_key: str | None = None
    place_key: str | None = None
    admission_ids: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Conflict:
    kind: ConflictKind
    day: date
    start: time
    end: time
    other_program: str
    other_start: time
    other_end: time
    other_session_id: int | None
    admission_ids: tuple[int, ...] = ()

    def describe(self, names: dict[int, str] | None = None) -> str:
        """One line for the user, e.g. "23/11/2026 09:00-11:00: Same place as Menjahit ..."."""
        when = f"{self.day:%d/%m/%Y} {self.start:%H:%M}-{self.end:%H:%M}"
        other = f"{self.other_program} ({self.other_start:%H:%M}-{self.other_end:%H:%M})"
        if self.kind == ConflictKind.RESIDENT:
            people = ", ".join((names or {}).get(a, f"#{a}") for a in self.admission_ids)
            return _("{when}: {people} also in {other}").format(
                when=when, people=people, other=other
            )
        if self.kind == ConflictKind.INSTRUCTOR:
            return _("{when}: the instructor also teaches {other}").format(when=when, other=other)
        return _("{when}: the place is also used by {other}").format(when=when, other=other)


def instructor_key(user_id: int | None, name: str | None) -> str | None:
    if user_id is not None:
        return f"u:{user_id}"
    cleaned = " ".join((name or "").split()).lower()
    return f"n:{cleaned}" if cleaned else None


def place_key(place: str | None) -> str | None:
    cleaned = " ".join((place or "").split()).lower()
    return cleaned or None


def find_conflicts(candidates: Sequence[Booking], existing: Sequence[Booking]) -> list[Conflict]:
    """Every overlap between a candidate and an existing booking (or another candidate) that
    shares an instructor, a place or an enrolled resident. Bookings compared by day: a rule of
    24 sessions against a facility's month of sessions is a few hundred comparisons."""
    by_day: dict[date, list[Booking]] = defaultdict(list)
    for booking in existing:
        by_day[booking.day].append(booking)
    conflicts: list[Conflict] = []
    placed: dict[date, list[Booking]] = defaultdict(list)
    for cand in candidates:
        for other in [*by_day.get(cand.day, ()), *placed.get(cand.day, ())]:
            if other.session_id is not None and other.session_id == cand.session_id:
                continue
            if not overlaps(cand.start, cand.end, other.start, other.end):
                continue
            base = (cand.day, cand.start, cand.end, other.program_name, other.start, other.end,
                    other.session_id)
            if cand.instructor_key and cand.instructor_key == other.instructor_key:
                conflicts.append(Conflict(ConflictKind.INSTRUCTOR, *base))
            if cand.place_key and cand.place_key == other.place_key:
                conflicts.append(Conflict(ConflictKind.PLACE, *base))
            both = cand.admission_ids & other.admission_ids
            if both:
                conflicts.append(Conflict(ConflictKind.RESIDENT, *base, tuple(sorted(both))))
        placed[cand.day].append(cand)
    return conflicts


# ------------------------------------------------------------------------ attendance

DEFAULT_COUNTED = frozenset({AttendanceCode.PRESENT})


@dataclass(frozen=True)
class AttendanceRule:
    """Which codes count as attended. H always does; I (izin) and S (sakit) only if the
    facility says so. A session with no mark counts as not attended, like A."""

    excused_counts: bool = False
    sick_counts: bool = False

    @property
    def counted(self) -> frozenset[str]:
        codes = {AttendanceCode.PRESENT.value}
        if self.excused_counts:
            codes.add(AttendanceCode.EXCUSED.value)
        if self.sick_counts:
            codes.add(AttendanceCode.SICK.value)
        return frozenset(codes)


@dataclass(frozen=True)
class AttendanceStats:
    held: int  # sessions that count for this person
    attended: int
    by_code: dict[str, int]

    @property
    def percentage(self) -> float | None:
        return None if self.held == 0 else 100.0 * self.attended / self.held


def attendance_stats(
    held_codes: Iterable[str | None], rule: AttendanceRule = AttendanceRule()
) -> AttendanceStats:
    """Counts over the codes of the held sessions of one enrollment (None = not recorded)."""
    counted = rule.counted
    held = attended = 0
    by_code: dict[str, int] = {code.value: 0 for code in AttendanceCode}
    for code in held_codes:
        held += 1
        if code is not None:
            by_code[str(code)] = by_code.get(str(code), 0) + 1
            if str(code) in counted:
                attended += 1
    return AttendanceStats(held, attended, by_code)


def session_is_held(day: date, cancelled: bool, recorded: bool, today: date) -> bool:
    """A session counts for attendance once it took place: not cancelled, and either on a past
    day or today with its roll already taken (so a morning roll does not lower everyone's rate
    before the afternoon session has happened)."""
    if cancelled:
        return False
    return day < today or (day == today and recorded)


def meets_minimum(percentage: float | None, minimum_pct: int) -> bool:
    if percentage is None:
        return False
    return percentage + 1e-9 >= minimum_pct
