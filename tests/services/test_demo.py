"""The demo generator: complete, consistent, reproducible, fictional, and only on an empty database."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import (
    Admission,
    Attendance,
    Enrollment,
    FollowUp,
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
from kesos_desktop.services import auth, demo
from tests.conftest import new_database_url

TODAY = date(2026, 11, 23)
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
    assert "residents" in str(stats)


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
