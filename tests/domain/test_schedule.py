"""Recurrence, holidays, conflicts and attendance rates as pure functions."""

from datetime import date, time

from kesos_desktop.domain.schedule import (
    AttendanceRule,
    Booking,
    ConflictKind,
    Rule,
    attendance_stats,
    find_conflicts,
    generate,
    instructor_key,
    meets_minimum,
    overlaps,
    place_key,
    session_is_held,
    validate_rule,
    week_start,
    weekdays_from_text,
    weekdays_label,
    weekdays_to_text,
)

MWF = frozenset({0, 2, 4})
NINE, ELEVEN = time(9), time(11)


def rule(first=date(2026, 11, 2), last=date(2026, 12, 25), days=MWF, start=NINE, end=ELEVEN):
    return Rule(days, start, end, first, last)


def test_eight_weeks_mon_wed_fri_gives_24_sessions():
    slots, skipped = generate(rule(last=date(2026, 12, 27)))  # 2 Nov (Mon) .. 27 Dec (Sun)
    assert len(slots) == 24 and skipped == []
    assert {s.day.weekday() for s in slots} == {0, 2, 4}
    assert slots[0].day == date(2026, 11, 2) and slots[-1].day == date(2026, 12, 25)
    assert all(s.start == NINE and s.end == ELEVEN for s in slots)
    assert [s.day for s in slots] == sorted(s.day for s in slots)


def test_holidays_are_skipped_and_reported():
    christmas, other = date(2026, 12, 25), date(2026, 11, 4)
    slots, skipped = generate(rule(), holidays={christmas, other, date(2026, 11, 3)})  # a Tuesday too
    assert christmas not in {s.day for s in slots}
    assert skipped == [other, christmas]  # the Tuesday holiday is not a session day: not "skipped"
    assert len(slots) == 22


def test_first_and_last_day_are_inclusive():
    slots, _ = generate(rule(first=date(2026, 11, 4), last=date(2026, 11, 6)))
    assert [s.day for s in slots] == [date(2026, 11, 4), date(2026, 11, 6)]


def test_bad_rules_are_explained_and_produce_nothing():
    assert set(validate_rule(rule(days=frozenset()))) == {"weekdays"}
    assert set(validate_rule(rule(start=ELEVEN, end=NINE))) == {"end_time"}
    assert set(validate_rule(rule(start=NINE, end=NINE))) == {"end_time"}
    assert set(validate_rule(rule(first=date(2026, 12, 1), last=date(2026, 11, 1)))) == {"last_day"}
    assert generate(rule(start=ELEVEN, end=NINE)) == ([], [])
    assert validate_rule(rule()) == {}


def test_a_rule_whose_days_never_occur_in_range_gives_no_slots():
    # Saturday only, but the range is Mon..Fri
    slots, skipped = generate(rule(first=date(2026, 11, 2), last=date(2026, 11, 6),
                                   days=frozenset({5})))
    assert slots == [] and skipped == []


def test_weekday_text_round_trip_and_label():
    assert weekdays_to_text({4, 0, 2}) == "0,2,4"
    assert weekdays_from_text("0,2,4") == MWF
    assert weekdays_from_text("") == frozenset() and weekdays_from_text(None) == frozenset()
    assert weekdays_label(MWF) == "Sen, Rab, Jum"


def test_overlap_is_half_open():
    assert overlaps(NINE, ELEVEN, time(10), time(12))
    assert not overlaps(NINE, ELEVEN, ELEVEN, time(12))
    assert overlaps(NINE, ELEVEN, time(9, 30), time(10))
    assert week_start(date(2026, 11, 26)) == date(2026, 11, 23)


def booking(day=date(2026, 11, 23), start=NINE, end=ELEVEN, **kw):
    return Booking(day, start, end, **kw)


def test_conflicts_by_instructor_place_and_resident():
    cand = booking(program_name="Menjahit", instructor_key=instructor_key(7, None),
                   place_key=place_key("Ruang  Jahit"), admission_ids=frozenset({1, 2, 3}))
    existing = [
        booking(start=time(10), end=time(12), program_name="Tata Boga", session_id=10,
                instructor_key="u:7", place_key="dapur", admission_ids=frozenset({3, 4})),
        booking(start=time(8), end=time(9, 30), program_name="Komputer", session_id=11,
                instructor_key="n:pak budi", place_key="ruang jahit"),
        booking(start=ELEVEN, end=time(13), program_name="Bengkel", session_id=12,
                instructor_key="u:7", place_key="ruang jahit", admission_ids=frozenset({1})),
        booking(day=date(2026, 11, 24), program_name="Besok", session_id=13, instructor_key="u:7"),
    ]
    found = find_conflicts([cand], existing)
    kinds = sorted((c.other_program, c.kind.value) for c in found)
    assert kinds == [("Komputer", "place"), ("Tata Boga", "instructor"), ("Tata Boga", "resident")]
    resident = next(c for c in found if c.kind == ConflictKind.RESIDENT)
    assert resident.admission_ids == (3,)
    assert "Siti" in resident.describe({3: "Siti"})
    assert "Tata Boga" in resident.describe({3: "Siti"})


def test_outside_instructor_names_match_loosely_and_blank_places_never_conflict():
    assert instructor_key(None, "  Ibu  Ani ") == instructor_key(None, "ibu ani")
    assert instructor_key(None, "") is None and place_key("  ") is None
    a = booking(instructor_key=None, place_key=None)
    b = booking(session_id=1, instructor_key=None, place_key=None)
    assert find_conflicts([a], [b]) == []


def test_a_session_does_not_conflict_with_itself_but_candidates_do_with_each_other():
    a = booking(session_id=5, instructor_key="u:1")
    assert find_conflicts([a], [booking(session_id=5, instructor_key="u:1")]) == []
    two = [booking(instructor_key="u:1"), booking(start=time(10), end=time(11), instructor_key="u:1")]
    assert len(find_conflicts(two, [])) == 1


def test_attendance_percentages_and_the_i_s_rule():
    codes = ["H", "H", "I", "S", "A", None, "H", "H", "H", "H"]
    strict = attendance_stats(codes)
    assert (strict.held, strict.attended) == (10, 6)
    assert strict.percentage == 60.0
    assert strict.by_code == {"H": 6, "I": 1, "S": 1, "A": 1}
    lenient = attendance_stats(codes, AttendanceRule(excused_counts=True, sick_counts=True))
    assert lenient.percentage == 80.0
    assert attendance_stats(codes, AttendanceRule(sick_counts=True)).attended == 7
    assert attendance_stats([]).percentage is None
    assert meets_minimum(80.0, 80) and not meets_minimum(79.99, 80)
    assert meets_minimum(100 * 4 / 5, 80) and not meets_minimum(None, 0)


def test_when_a_session_counts_as_held():
    today = date(2026, 11, 23)
    assert session_is_held(date(2026, 11, 20), False, False, today)
    assert not session_is_held(date(2026, 11, 20), True, True, today)
    assert not session_is_held(today, False, False, today)  # roll not taken yet
    assert session_is_held(today, False, True, today)
    assert not session_is_held(date(2026, 11, 24), False, True, today)
