"""Every dashboard figure and reminder against a hand-counted facility (today: Mon 23 Nov 2026)."""

from __future__ import annotations

from datetime import date, time

import pytest

from kesos_desktop.db.models import (
    Admission,
    CounselingSession,
    FollowUp,
    InterventionPlan,
    StageChange,
    TrainingProgram,
    TrainingSession,
)
from kesos_desktop.domain.enums import (
    AftercareStatus,
    CounselingStatus,
    CounselingType,
    FollowUpCondition,
    FollowUpMethod,
    PpksCategory,
    ServiceLevel,
    SkillCategory,
    Stage,
    TerminationReason,
    TrainingSessionStatus,
)
from kesos_desktop.services import dashboard
from tests.factories import add_room, admit_resident

TODAY = date(2026, 11, 23)


@pytest.fixture
def facility(db, admin, counselor):
    room = add_room(db, "Melati", capacity=2)
    _, a = admit_resident(db, "Anak Fiktif", admitted_on=date(2026, 11, 2), stage=Stage.ASSESSMENT,
                          category=PpksCategory.ANAK_JALANAN, room_id=room, case_manager_id=counselor.id)
    _, b = admit_resident(db, "Bapak Fiktif", admitted_on=date(2026, 10, 10), room_id=room)
    _, c = admit_resident(db, "Cici Fiktif", admitted_on=date(2026, 9, 1))
    _, d = admit_resident(db, "Dedi Fiktif", admitted_on=date(2026, 10, 1))
    admit_resident(db, "Eko Fiktif", admitted_on=date(2026, 11, 20), stage=Stage.ASSESSMENT)
    with db.write() as s:
        for stay_id, on, reason, aftercare in ((c, date(2026, 11, 10), TerminationReason.REUNIFIED, AftercareStatus.ACTIVE),
                                              (d, date(2026, 10, 20), TerminationReason.ABSCONDED, AftercareStatus.NONE)):
            stay = s.get(Admission, stay_id)
            stay.terminated_on, stay.termination_reason = on, reason
            stay.stage, stay.aftercare_status, stay.room_id = Stage.AFTERCARE, aftercare, None
        s.add(StageChange(admission_id=a, from_stage=Stage.INTAKE, to_stage=Stage.ASSESSMENT, changed_on=date(2026, 11, 2)))
        for due, done in ((date(2026, 11, 20), None), (date(2026, 11, 27), None), (date(2026, 12, 20), None),
                          (date(2026, 11, 15), date(2026, 11, 16))):
            s.add(FollowUp(admission_id=c, due_on=due, method=FollowUpMethod.PHONE, done_on=done,
                           condition=FollowUpCondition.STABLE if done else None))
        s.add(InterventionPlan(admission_id=b, plan_version=1, responsible_id=counselor.id,
                               drawn_up_on=date(2026, 10, 12), review_on=date(2026, 11, 1)))
        s.add(InterventionPlan(admission_id=b, plan_version=2, responsible_id=counselor.id,
                               drawn_up_on=date(2026, 11, 2), review_on=date(2026, 12, 1)))
        s.add(InterventionPlan(admission_id=a, plan_version=1, responsible_id=counselor.id,
                               drawn_up_on=date(2026, 11, 3), review_on=date(2026, 11, 15)))
        program = TrainingProgram(name="Tata Boga Fiktif", skill_category=SkillCategory.COOKING, capacity=10,
                                  start_date=date(2026, 11, 1), end_date=date(2026, 12, 31), place="Dapur")
        s.add(program)
        s.flush()
        for day, status in ((TODAY, TrainingSessionStatus.SCHEDULED), (TODAY, TrainingSessionStatus.CANCELLED),
                            (date(2026, 11, 24), TrainingSessionStatus.SCHEDULED)):
            s.add(TrainingSession(program_id=program.id, day=day, start_time=time(9), end_time=time(11), status=status))
        for counselor_id, status in ((counselor.id, CounselingStatus.PLANNED), (admin.id, CounselingStatus.DONE),
                                     (counselor.id, CounselingStatus.CANCELLED)):
            s.add(CounselingSession(session_type=CounselingType.INDIVIDUAL, level=ServiceLevel.MICRO,
                                    held_on=TODAY, counselor_id=counselor_id, status=status))
    return db


def test_figures_by_hand(facility, admin):
    data = dashboard.load(facility, admin, TODAY)
    assert (data.current_residents, data.capacity) == (3, 120)
    assert (data.admitted_this_month, data.admitted_last_month) == (2, 2)
    assert (data.terminated_this_month, data.terminated_last_month) == (1, 1)
    assert dict(data.by_category) == {PpksCategory.ANAK_JALANAN: 1, PpksCategory.GELANDANGAN: 2}
    assert dict(data.by_stage) == {Stage.ASSESSMENT: 2, Stage.INTERVENTION: 1}
    assert [(s.program, s.start, s.place) for s in data.training_today] == [("Tata Boga Fiktif", time(9), "Dapur")]
    assert data.counseling_today == 2 and data.my_counseling_today is None
    assert (data.followups_overdue, data.followups_due_week) == (1, 1)
    assert data.no_assessment == 1 and data.assessment_due_days == 14
    assert data.plans_past_review == 1
    assert [(r.name, r.occupied, r.capacity) for r in data.rooms_near_capacity] == [("Melati", 2, 2)]


def test_counselor_sees_own_sessions_today(facility, counselor):
    data = dashboard.load(facility, counselor, TODAY)
    assert data.my_counseling_today == 1 and data.counseling_today == 2


def test_reminders_for_staff_and_for_a_counselor(facility, admin, counselor):
    kinds = sorted(r.kind for r in dashboard.reminders(facility, admin, TODAY))
    # "consent": the factory's residents have none on record (one aggregated reminder)
    assert kinds == ["assessment", "consent", "followup", "followup", "plan"]
    mine = dashboard.reminders(facility, counselor, TODAY)
    assert sorted(r.kind for r in mine) == ["assessment", "plan"]  # the follow-ups are not in their caseload
    assert all("Anak Fiktif" in r.text for r in mine)


def test_empty_facility(db, admin):
    data = dashboard.load(db, admin, TODAY)
    assert data.current_residents == 0 and data.by_category == [] and data.rooms_near_capacity == []
    assert dashboard.reminders(db, admin, TODAY) == []


def test_search_everywhere(facility, admin):
    from kesos_desktop.services.global_search import search_everything

    found = search_everything(facility, admin, "fiktif")
    assert {r.name for r in found.residents} >= {"Anak Fiktif", "Cici Fiktif"}
    assert [p.name for p in found.programs] == ["Tata Boga Fiktif"]
    assert search_everything(facility, admin, "  ").residents == ()
    assert [p.name for p in search_everything(facility, admin, "tata").programs] == ["Tata Boga Fiktif"]


def test_counselor_reminded_of_overdue_next_sessions(db, admin, counselor):
    from kesos_desktop.db.models import SessionParticipant
    from kesos_desktop.services import counseling_caseload

    _, late = admit_resident(db, "Lewat Fiktif", case_manager_id=counselor.id)
    _, planned_late = admit_resident(db, "Rencana Fiktif", case_manager_id=counselor.id)
    _, fine = admit_resident(db, "Aman Fiktif", case_manager_id=counselor.id)
    with db.write() as s:
        def held(stay, on, status, next_on=None):
            cs = CounselingSession(session_type=CounselingType.INDIVIDUAL, level=ServiceLevel.MICRO, held_on=on,
                                   counselor_id=counselor.id, status=status, next_session_on=next_on)
            s.add(cs)
            s.flush()
            s.add(SessionParticipant(session_id=cs.id, admission_id=stay))
        held(late, date(2026, 11, 2), CounselingStatus.DONE, date(2026, 11, 9))
        held(late, date(2026, 10, 1), CounselingStatus.DONE, date(2026, 12, 30))  # older: ignored
        held(planned_late, date(2026, 11, 20), CounselingStatus.PLANNED)
        held(fine, date(2026, 11, 10), CounselingStatus.DONE, date(2026, 11, 30))
    mine = {r.text.split(": ")[-1]: r.due_on for r in dashboard.reminders(db, counselor, TODAY) if r.kind == "counseling"}
    assert mine == {"Lewat Fiktif": date(2026, 11, 9), "Rencana Fiktif": date(2026, 11, 20)}
    theirs = {r.stay.name for r in counseling_caseload.overdue_sessions(db, counselor, counselor_id=counselor.id, today=TODAY)}
    assert set(mine) == theirs  # the badge counts what the counselor's list shows
