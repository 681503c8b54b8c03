"""The demo generator: complete, consistent, reproducible, fictional, and only on an empty database."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import aliased

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import (
    Admission,
    Attendance,
    CounselingSession,
    Counter,
    Enrollment,
    FollowUp,
    NoteVersion,
    Resident,
    ResidentCategory,
    Room,
    RoomAssignment,
    StageChange,
    TrainingProgram,
    TrainingSession,
    User,
)
from kesos_desktop.domain.enums import PpksCategory, RoomSex, Sex, Stage
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.validation import check_nik, nik_warnings
from kesos_desktop.services import (
    aftercare,
    auth,
    dashboard,
    demo,
    intake,
    monthly_stats,
    training_attendance,
    training_programs,
)
from tests.conftest import new_database_url

TODAY = date(2026, 11, 23)
Readmission = aliased(Admission)
RESIDENTS = 150


@pytest.fixture
def demo_db(db):
    stats = demo.generate(db, residents=RESIDENTS, today=TODAY)
    return db, stats


def scalar_set(db, column, *where):
    with db.read() as session:
        return set(session.execute(sa.select(column).where(*where)).scalars())


def test_every_category_and_every_stage_occurs(demo_db):
    db, stats = demo_db
    assert scalar_set(db, ResidentCategory.category) == set(PpksCategory)
    assert scalar_set(db, Admission.stage) == set(Stage)
    assert stats.residents == RESIDENTS
    with db.read() as session:
        assert session.execute(sa.select(sa.func.count(Resident.id))).scalar_one() == RESIDENTS
        assert session.execute(sa.select(sa.func.count(Admission.id))).scalar_one() == stats.stays
    assert stats.rows["resident"] == RESIDENTS
    assert str(RESIDENTS) in str(stats) and "admission" in str(stats)


def test_every_demo_user_logs_in_with_demo(demo_db):
    db, _stats = demo_db
    for username in demo.USERNAMES:
        assert auth.login(db, username, "demo").username == username
    assert auth.login(db, "konselor", "demo").is_supervisor
    with db.read() as session:
        roles = dict(session.execute(sa.select(User.username, User.role)).all())
    assert {roles["admin"], roles["petugas"], roles["konselor"]} == {"admin", "staff", "counselor"}


def _snapshot(db: Database):
    with db.read() as session:
        people = session.execute(
            sa.select(Resident.id, Resident.name, Resident.nik, Resident.birth_date).order_by(Resident.id)
        ).all()
        stays = session.execute(
            sa.select(Admission.id, Admission.resident_id, Admission.admitted_on, Admission.stage,
                      Admission.room_id, Admission.terminated_on).order_by(Admission.id)
        ).all()
        attendance = session.execute(sa.select(sa.func.count()).select_from(Attendance)).scalar_one()
    return people, stays, attendance


def test_same_seed_gives_the_same_data(demo_db, request, tmp_path):
    db, stats = demo_db
    (tmp_path / "second").mkdir()
    url, cleanup = new_database_url(request, tmp_path / "second")
    other = Database(url)
    try:
        again = demo.generate(other, residents=RESIDENTS, today=TODAY)
        assert _snapshot(other) == _snapshot(db)
        assert dict(again.rows) == dict(stats.rows)
    finally:
        other.dispose()
        cleanup()


def test_another_seed_gives_other_people(db, request, tmp_path):
    demo.generate(db, residents=40, seed=1, today=TODAY)
    (tmp_path / "second").mkdir()
    url, cleanup = new_database_url(request, tmp_path / "second")
    other = Database(url)
    try:
        demo.generate(other, residents=40, seed=2, today=TODAY)
        assert _snapshot(other)[0] != _snapshot(db)[0]
    finally:
        other.dispose()
        cleanup()


def test_niks_are_valid_obviously_fake_and_agree_with_the_person(demo_db):
    db, _stats = demo_db
    with db.read() as session:
        people = session.execute(
            sa.select(Resident.nik, Resident.birth_date, Resident.sex, Resident.identity_unknown,
                      Resident.birth_year_estimated, Resident.kk)
        ).all()
    known = [p for p in people if p.nik]
    unknown = [p for p in people if not p.nik]
    assert 0.15 < len(unknown) / len(people) < 0.45
    for nik, birth_date, sex, identity_unknown, _year, kk in known:
        assert check_nik(nik) is None, nik
        assert nik.startswith("99")  # no such province
        assert nik_warnings(nik, birth_date, Sex(sex)) == []
        assert not identity_unknown
        assert kk is None or (len(kk) == 16 and kk.startswith("99"))
    for _nik, birth_date, _sex, identity_unknown, year, kk in unknown:
        assert identity_unknown and birth_date is None and kk is None
        assert 1900 < year <= TODAY.year


def test_people_in_the_facility_never_exceed_a_room(demo_db):
    db, stats = demo_db
    with db.read() as session:
        rooms = {r.id: r for r in session.execute(sa.select(Room)).scalars()}
        open_stays = session.execute(
            sa.select(Admission.room_id, sa.func.count()).where(
                Admission.terminated_on.is_(None), Admission.room_id.is_not(None)
            ).group_by(Admission.room_id)
        ).all()
        assignments = session.execute(sa.select(RoomAssignment)).scalars().all()
        current_rooms = dict(session.execute(
            sa.select(RoomAssignment.admission_id, RoomAssignment.room_id).where(
                RoomAssignment.until_date.is_(None))
        ).all())
        by_stay = dict(session.execute(
            sa.select(Admission.id, Admission.room_id).where(Admission.terminated_on.is_(None))
        ).all())
        sexes = dict(session.execute(
            sa.select(Admission.id, Resident.sex).join(Resident, Resident.id == Admission.resident_id)
        ).all())
    current = sum(count for _room, count in open_stays)
    assert current >= RESIDENTS * 0.15
    for room_id, count in open_stays:
        assert count <= rooms[room_id].capacity
    # the open assignment is the stay's room; only stays in the facility have one
    assert {a: r for a, r in by_stay.items() if r is not None} == current_rooms
    # and at no moment in the past did a room hold more people than its beds
    for assignment in assignments:
        room = rooms[assignment.room_id]
        assert room.sex in (RoomSex.MIXED, sexes[assignment.admission_id])
        day = assignment.from_date
        present = [
            a for a in assignments
            if a.room_id == assignment.room_id and a.from_date <= day
            and (a.until_date is None or a.until_date >= day)
        ]
        assert len(present) <= room.capacity, (room.name, day)
    assert stats.beds >= current


def test_stays_follow_their_stage_history(demo_db):
    db, _stats = demo_db
    with db.read() as session:
        stays = session.execute(sa.select(Admission).order_by(Admission.id)).scalars().all()
        changes = session.execute(sa.select(StageChange).order_by(StageChange.id)).scalars().all()
    history: dict[int, list[StageChange]] = {}
    for change in changes:
        history.setdefault(change.admission_id, []).append(change)
    by_person: dict[int, list[Admission]] = {}
    for stay in stays:
        by_person.setdefault(stay.resident_id, []).append(stay)
        steps = history[stay.id]
        assert steps[0].from_stage is None and steps[0].changed_on == stay.admitted_on
        assert steps[-1].to_stage == stay.stage
        for before, after in zip(steps, steps[1:], strict=False):
            assert after.from_stage == before.to_stage
            assert before.changed_on <= after.changed_on
        assert steps[-1].changed_on <= (stay.terminated_on or TODAY)
        finished = stay.stage in (Stage.TERMINATION, Stage.AFTERCARE)
        assert finished == (stay.terminated_on is not None)
        if finished:
            assert stay.termination_reason is not None and stay.room_id is None
    readmitted = [s for s in by_person.values() if len(s) > 1]
    assert readmitted
    for person_stays in readmitted:
        ordered = sorted(person_stays, key=lambda s: s.admitted_on)
        for earlier, later in zip(ordered, ordered[1:], strict=False):
            assert earlier.terminated_on is not None and earlier.terminated_on < later.admitted_on


def test_follow_ups_are_done_due_and_overdue(demo_db):
    db, _stats = demo_db
    with db.read() as session:
        rows = session.execute(
            sa.select(FollowUp.due_on, FollowUp.done_on, FollowUp.condition, Admission.terminated_on)
            .join(Admission, Admission.id == FollowUp.admission_id)
        ).all()
    assert all(terminated is not None and due > terminated for due, _d, _c, terminated in rows)
    assert all((done is None) == (condition is None) for _due, done, condition, _t in rows)
    assert all(done is None or done <= TODAY for _due, done, _c, _t in rows)
    assert any(done for _due, done, _c, _t in rows)
    assert any(done is None and due < TODAY for due, done, _c, _t in rows)  # overdue
    assert any(done is None and due >= TODAY for due, done, _c, _t in rows)  # coming up


def test_attendance_lies_within_program_and_stay(demo_db):
    db, _stats = demo_db
    with db.read() as session:
        rows = session.execute(
            sa.select(TrainingSession.day, TrainingProgram.start_date, TrainingProgram.end_date,
                      Enrollment.enrolled_on, Admission.admitted_on, Admission.terminated_on,
                      Attendance.code)
            .join(TrainingSession, TrainingSession.id == Attendance.session_id)
            .join(TrainingProgram, TrainingProgram.id == TrainingSession.program_id)
            .join(Enrollment, Enrollment.id == Attendance.enrollment_id)
            .join(Admission, Admission.id == Enrollment.admission_id)
        ).all()
    assert rows
    for day, start, end, enrolled, admitted, terminated, _code in rows:
        assert start <= day <= end
        assert admitted <= enrolled <= day <= min(TODAY, terminated or TODAY)
    codes = [row.code for row in rows]
    assert codes.count("H") > len(codes) * 0.7
    assert {"I", "S", "A"} <= set(codes)


def test_a_second_run_is_refused(demo_db):
    db, stats = demo_db
    with pytest.raises(ValidationError):
        demo.generate(db, residents=10, today=TODAY)
    with db.read() as session:
        assert session.execute(sa.select(sa.func.count(Resident.id))).scalar_one() == RESIDENTS


def test_refused_when_the_facility_was_set_up(db, admin):
    with pytest.raises(ValidationError):
        demo.generate(db, residents=10, today=TODAY)
    with db.read() as session:
        assert session.execute(sa.select(sa.func.count(Resident.id))).scalar_one() == 0


def test_the_application_adds_rows_after_the_demo(demo_db):
    """Ids were written explicitly: new rows (PostgreSQL sequences) must not collide with them."""
    db, _stats = demo_db
    with db.write() as session:
        room = Room(name="Wisma Baru", sex=RoomSex.FEMALE, capacity=4)
        session.add(room)
        session.flush()
        assert room.id > 1
    assert auth.login(db, "admin", "demo")


def test_progress_is_reported(db):
    calls = []
    demo.generate(db, residents=30, today=TODAY, progress=lambda *args: calls.append(args))
    assert calls and all(done <= total for done, total, _message in calls)


def test_aftercare_follows_the_termination_rules(demo_db):
    """As termination.py and aftercare.py do it: no aftercare after death or absconding, the
    default 1-2-3 month schedule, and a readmission closes running aftercare as "returned"."""
    db, _stats = demo_db
    with db.read() as session:
        stays = session.execute(sa.select(Admission).where(Admission.terminated_on.is_not(None))).scalars().all()
        due = {}
        for admission_id, due_on in session.execute(
            sa.select(FollowUp.admission_id, FollowUp.due_on).order_by(FollowUp.due_on)
        ):
            due.setdefault(admission_id, []).append(due_on)
        later = dict(session.execute(
            sa.select(Admission.id, sa.func.min(Readmission.admitted_on))
            .join(Readmission, sa.and_(Readmission.resident_id == Admission.resident_id,
                                       Readmission.admitted_on > Admission.admitted_on))
            .group_by(Admission.id)
        ).all())
    for stay in stays:
        if stay.termination_reason in ("died", "absconded"):
            assert stay.aftercare_status == "none" and stay.stage == Stage.TERMINATION
            assert stay.id not in due
            continue
        assert stay.stage == Stage.AFTERCARE and stay.aftercare_status in ("active", "closed")
        assert due[stay.id] == aftercare.follow_up_dates(stay.terminated_on, aftercare.DEFAULT_SCHEDULE)
        if stay.aftercare_status == "closed":
            assert stay.aftercare_outcome and stay.terminated_on <= stay.aftercare_closed_on <= TODAY
        if stay.id in later:
            assert stay.aftercare_status == "closed"
        if stay.termination_reason in ("reunified", "referred"):
            assert stay.handover_received_by and stay.handover_relationship


def test_completed_trainings_have_numbered_certificates(demo_db):
    db, _stats = demo_db
    with db.read() as session:
        done = session.execute(sa.select(Enrollment).where(Enrollment.status == "completed")).scalars().all()
        counters = dict(session.execute(sa.select(Counter.name, Counter.value)).all())
        stopped = session.execute(sa.select(Enrollment).where(Enrollment.status == "stopped")).scalars().all()
    assert done and stopped
    numbers = [e.certificate_no for e in done]
    assert len(set(numbers)) == len(numbers)
    for enrollment in done:
        assert enrollment.competent is True and enrollment.completed_on is not None
        year = enrollment.completed_on.year
        assert enrollment.certificate_no.startswith(f"SERT/{year}/")
        assert int(enrollment.certificate_no.rsplit("/", 1)[1]) <= counters[f"cert:{year}"]
    assert all(e.stop_reason for e in stopped)


def test_signed_notes_are_only_added_to(demo_db):
    db, _stats = demo_db
    with db.read() as session:
        rows = session.execute(
            sa.select(CounselingSession.signed_at, NoteVersion.kind, NoteVersion.written_at)
            .join(NoteVersion, NoteVersion.session_id == CounselingSession.id)
        ).all()
    assert any(signed for signed, _kind, _at in rows)
    for signed, kind, written_at in rows:
        if signed is not None:
            assert (written_at > signed) == (kind == "addendum")
        else:
            assert kind != "addendum"


def test_the_services_read_the_demo_data(demo_db):
    """A smoke test through the real read paths: figures, due lists, programs, a matrix."""
    db, stats = demo_db
    admin = auth.login(db, "admin", "demo")
    summary = dashboard.facility_summary(db, admin, today=TODAY)
    assert summary.current_residents == stats.current_stays and summary.capacity == stats.beds
    konselor = auth.login(db, "konselor", "demo")
    due = aftercare.due_follow_ups(db, konselor, today=TODAY)
    assert due.overdue
    programs = training_programs.list_programs(db, admin, today=TODAY)
    assert programs
    with db.read() as session:
        busiest = session.execute(
            sa.select(Enrollment.program_id).group_by(Enrollment.program_id)
            .order_by(sa.func.count().desc(), Enrollment.program_id).limit(1)
        ).scalar_one()
    assert training_attendance.attendance_matrix(db, admin, busiest, today=TODAY)
    month = monthly_stats.monthly_stats(db, admin, 2026, 10, today=TODAY)
    assert month


def test_registration_numbers_continue_in_the_app(demo_db):
    """Numbered per year like intake.py; its counters carry on after the demo's numbers."""
    db, _stats = demo_db
    with db.read() as session:
        numbers = session.execute(sa.select(Resident.reg_no)).scalars().all()
        counters = dict(session.execute(sa.select(Counter.name, Counter.value)).all())
    per_year: dict[str, int] = {}
    for number in numbers:
        prefix, year, seq = number.split("/")
        assert prefix == "PM" and len(seq) == 4
        per_year[year] = max(per_year.get(year, 0), int(seq))
    assert {f"reg:{year}": top for year, top in per_year.items()} == {
        name: value for name, value in counters.items() if name.startswith("reg:")}
    with db.write() as session:
        fresh = intake.allocate_reg_no(session, TODAY)
    assert fresh not in numbers and fresh.startswith(f"PM/{TODAY.year}/")
