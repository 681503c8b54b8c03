"""The monthly report's figures against a hand-counted facility."""

from __future__ import annotations

from datetime import date, time

import pytest
import sqlalchemy as sa

from kesos_desktop.db.models import (
    Admission,
    Attendance,
    CounselingSession,
    Enrollment,
    FollowUp,
    ResidentCategory,
    TrainingProgram,
    TrainingSession,
)
from kesos_desktop.domain.enums import (
    AttendanceCode,
    CounselingStatus,
    CounselingType,
    FollowUpCondition,
    FollowUpMethod,
    PpksCategory,
    ServiceLevel,
    Sex,
    SkillCategory,
    Stage,
    TerminationReason,
    TrainingSessionStatus,
)
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.services.monthly_stats import monthly_stats, parse_month
from tests.factories import admit_resident

OCT = (2026, 10)


def _terminate(db, admission_id, on, reason):
    with db.write() as session:
        stay = session.get(Admission, admission_id)
        stay.terminated_on, stay.termination_reason, stay.stage = on, reason, Stage.TERMINATION


@pytest.fixture
def facility(db, admin, counselor):
    # before October, still there on 1 October: man, 40
    admit_resident(db, "Lama Satu", Sex.MALE, date(2026, 9, 10), birth_date=date(1986, 1, 1))
    # before October, left 15 October (reunited): woman, 70, elderly category
    _, left = admit_resident(db, "Lama Dua", Sex.FEMALE, date(2026, 8, 1), birth_date=date(1956, 2, 2),
                             category=PpksCategory.LANSIA_TERLANTAR)
    _terminate(db, left, date(2026, 10, 15), TerminationReason.REUNIFIED)
    # admitted in October: two men (street child 12 y; beggar + homeless, 30 y), one woman of unknown age
    admit_resident(db, "Baru Satu", Sex.MALE, date(2026, 10, 3), birth_date=date(2014, 6, 1),
                   category=PpksCategory.ANAK_JALANAN)
    _, both = admit_resident(db, "Baru Dua", Sex.MALE, date(2026, 10, 20), birth_date=date(1996, 3, 3),
                             category=PpksCategory.PENGEMIS)
    with db.write() as session:
        session.add(ResidentCategory(resident_id=session.get(Admission, both).resident_id,
                                     category=PpksCategory.GELANDANGAN))
    _, gone = admit_resident(db, "Baru Tiga", Sex.FEMALE, date(2026, 10, 5), birth_date=None)
    _terminate(db, gone, date(2026, 10, 25), TerminationReason.ABSCONDED)
    # November admission: not in October's figures
    admit_resident(db, "Nanti", Sex.FEMALE, date(2026, 11, 2))
    with db.write() as session:
        program = TrainingProgram(name="Menjahit", skill_category=SkillCategory.SEWING, capacity=10,
                                  start_date=date(2026, 10, 1), end_date=date(2026, 12, 1))
        session.add(program)
        session.flush()
        enrollment = Enrollment(program_id=program.id, admission_id=both, enrolled_on=date(2026, 10, 20))
        session.add(enrollment)
        days = [(date(2026, 10, 21), TrainingSessionStatus.SCHEDULED),
                (date(2026, 10, 22), TrainingSessionStatus.CANCELLED),
                (date(2026, 10, 28), TrainingSessionStatus.SCHEDULED),
                (date(2026, 11, 4), TrainingSessionStatus.SCHEDULED)]
        sessions = []
        for day, status in days:
            item = TrainingSession(program_id=program.id, day=day, start_time=time(9), end_time=time(11, 30),
                                   status=status)
            session.add(item)
            sessions.append(item)
        session.flush()
        session.add(Attendance(session_id=sessions[0].id, enrollment_id=enrollment.id, code=AttendanceCode.PRESENT))
        session.add(Attendance(session_id=sessions[2].id, enrollment_id=enrollment.id, code=AttendanceCode.SICK))
        for day, kind, status in [(date(2026, 10, 6), CounselingType.INDIVIDUAL, CounselingStatus.DONE),
                                  (date(2026, 10, 7), CounselingType.GROUP, CounselingStatus.DONE),
                                  (date(2026, 10, 8), CounselingType.INDIVIDUAL, CounselingStatus.DONE),
                                  (date(2026, 10, 9), CounselingType.FAMILY, CounselingStatus.CANCELLED)]:
            session.add(CounselingSession(session_type=kind, level=ServiceLevel.MICRO, held_on=day,
                                          counselor_id=counselor.id, status=status))
        session.add(FollowUp(admission_id=left, due_on=date(2026, 10, 20), method=FollowUpMethod.PHONE,
                             done_on=date(2026, 10, 21), condition=FollowUpCondition.STABLE))
        session.add(FollowUp(admission_id=left, due_on=date(2026, 10, 30), method=FollowUpMethod.HOME_VISIT))
    return db


def test_october_by_hand(facility, admin):
    stats = monthly_stats(facility, admin, *OCT, today=date(2026, 11, 23))
    assert (stats.residents_at_start, stats.residents_at_end) == (2, 3)
    assert (stats.admissions, stats.terminations) == (3, 2)
    assert stats.admissions_by_sex == {Sex.MALE: 2, Sex.FEMALE: 1}
    assert stats.admissions_by_category[PpksCategory.ANAK_JALANAN] == {Sex.MALE: 1, Sex.FEMALE: 0}
    assert stats.admissions_by_category[PpksCategory.PENGEMIS][Sex.MALE] == 1
    assert stats.admissions_by_category[PpksCategory.GELANDANGAN] == {Sex.MALE: 1, Sex.FEMALE: 1}
    assert stats.terminations_by_category[PpksCategory.LANSIA_TERLANTAR] == {Sex.MALE: 0, Sex.FEMALE: 1}
    assert stats.terminations_by_reason == {TerminationReason.REUNIFIED: 1, TerminationReason.ABSCONDED: 1}
    ages = stats.age_groups_at_end
    assert ages["6-17 years"][Sex.MALE] == 1 and ages["18-59 years"][Sex.MALE] == 2
    assert sum(sum(v.values()) for v in ages.values()) == 3
    assert (stats.training_sessions, stats.training_hours, stats.training_attendances) == (2, 5.0, 1)
    assert stats.counseling_by_type[CounselingType.INDIVIDUAL] == 2
    assert stats.counseling_by_type[CounselingType.GROUP] == 1
    assert stats.counseling_by_type[CounselingType.FAMILY] == 0
    assert stats.followups_done == 1 and stats.followups_by_condition[FollowUpCondition.STABLE] == 1
    assert stats.followups_overdue_at_end == 1
    assert not stats.is_empty


def test_sessions_after_today_have_not_happened(facility, admin):
    early = monthly_stats(facility, admin, *OCT, today=date(2026, 10, 25))
    assert early.training_sessions == 1


def test_empty_month_is_valid_and_says_so(db, admin):
    stats = monthly_stats(db, admin, 2020, 1)
    assert stats.is_empty and stats.residents_at_end == 0


def test_bad_month(db, admin):
    assert parse_month("2026-10") == (2026, 10) and parse_month("10/2026") == (2026, 10)
    with pytest.raises(ValidationError):
        parse_month("Oktober")
    with pytest.raises(ValidationError):
        monthly_stats(db, admin, 2026, 13)


def test_followups_of_closed_aftercare_are_not_overdue(facility, admin):
    with facility.write() as session:
        stay = session.execute(
            sa.select(Admission).where(Admission.termination_reason == TerminationReason.REUNIFIED)).scalar_one()
        stay.aftercare_closed_on = date(2026, 10, 31)
    assert monthly_stats(facility, admin, *OCT, today=date(2026, 11, 23)).followups_overdue_at_end == 0
    assert monthly_stats(facility, admin, 2026, 9, today=date(2026, 11, 23)).followups_overdue_at_end == 0
