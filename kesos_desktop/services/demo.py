"""Demo data: an obviously fictional facility, filled fast enough to benchmark with 100,000 people.

``generate`` works in three steps:

1. a compact skeleton in memory: people, their stays (a stay's stage path and dates), beds
   (a per-sex heap of beds by the date they become free, so no room is ever over capacity) and
   training cohorts;
2. every row as a plain dict, written with SQLAlchemy Core ``insert`` executemany in chunks of
   5,000, parents before children (``metadata.sorted_tables``), all in ONE transaction: a killed
   run leaves an empty database;
3. group sessions, the audit entry and, on PostgreSQL, the id sequences.

Everything comes from ``random.Random(seed)`` and ``today``: the same arguments give the same
database. Nothing here is anyone's data: names are built from syllables, places lie in the
fictional "Provinsi Contoh", NIKs start with the non-existent province code 99.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import random
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import MappingProxyType

import sqlalchemy as sa

from kesos_desktop.db.base import Base, now
from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import User
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.enums import (
    AftercareOutcome,
    AftercareStatus,
    Approach,
    AssessmentDomain,
    AtensiService,
    AttendanceCode,
    Confidentiality,
    ConsentMethod,
    ConsentRelation,
    CounselingStatus,
    CounselingType,
    DestinationType,
    DocumentType,
    Education,
    EnrollmentStatus,
    FamilyReadiness,
    FollowUpCondition,
    FollowUpMethod,
    GoalStatus,
    MaritalStatus,
    NoteVersionKind,
    PpksCategory,
    ProgramStatus,
    ReadinessItemType,
    ReadinessStatus,
    ReferralSource,
    Religion,
    Role,
    RoomSex,
    ServiceLevel,
    SkillCategory,
    Stage,
    TerminationReason,
    TrainingSessionStatus,
    WorkerRole,
)
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.i18n import _
from kesos_desktop.services import aftercare, audit
from kesos_desktop.services import demo_names as words
from kesos_desktop.services.auth import hash_password
from kesos_desktop.services.context import requires
from kesos_desktop.services.training_common import DEFAULT_CERTIFICATE_PATTERN

Progress = Callable[[int, int, str], None]

PASSWORD = "demo"
USERNAMES = tuple(user[0] for user in words.USERS)
HISTORY_DAYS = 5 * 365  # stays reach back about five years
CHUNK = 5_000  # rows per executemany
STAYS_PER_FLUSH = 1_000
REGISTRATION_PATTERN = "PM/{year}/{seq:04d}"  # the facility profile's default
CURRENT_SHARE = 0.25  # of people are in the facility today
BED_SLACK = 1.25  # beds per person in the facility today (recently left people still had beds)

P = PpksCategory
_CHILD = [P.ANAK_TERLANTAR, P.ABH, P.ANAK_JALANAN, P.ADK, P.ANAK_KORBAN_KEKERASAN, P.AMPK]
_CATEGORY_WEIGHTS = {
    P.GELANDANGAN: 18, P.PENGEMIS: 14, P.PEMULUNG: 6, P.ANAK_JALANAN: 5, P.LANSIA_TERLANTAR: 6,
    P.DISABILITAS: 5, P.TUNA_SUSILA: 4, P.NAPZA: 4, P.FAKIR_MISKIN: 5, P.PRSE: 3, P.ODHA: 2,
    P.BWBLP: 2, P.TRAFFICKING: 2, P.KORBAN_KEKERASAN: 3, P.PMBS: 2, P.ANAK_TERLANTAR: 3,
    P.ABH: 2, P.ADK: 2, P.ANAK_KORBAN_KEKERASAN: 2, P.AMPK: 1, P.ANAK_BALITA_TERLANTAR: 1,
    P.KELOMPOK_MINORITAS: 1, P.BENCANA_ALAM: 1, P.BENCANA_SOSIAL: 1, P.KELUARGA_BERMASALAH: 2,
    P.KAT: 1,
}
_COMPANIONS = {  # a plausible second category
    P.GELANDANGAN: [P.PENGEMIS, P.PEMULUNG, P.FAKIR_MISKIN],
    P.PENGEMIS: [P.GELANDANGAN, P.DISABILITAS, P.FAKIR_MISKIN],
    P.PEMULUNG: [P.GELANDANGAN, P.FAKIR_MISKIN],
    P.NAPZA: [P.ODHA, P.BWBLP],
    P.TUNA_SUSILA: [P.ODHA, P.PRSE, P.TRAFFICKING],
    P.LANSIA_TERLANTAR: [P.DISABILITAS, P.GELANDANGAN, P.FAKIR_MISKIN],
    P.ANAK_JALANAN: [P.ANAK_TERLANTAR, P.ANAK_KORBAN_KEKERASAN],
    P.PMBS: [P.TRAFFICKING, P.KORBAN_KEKERASAN],
}
_FEMALE_SHARE = {P.TUNA_SUSILA: 0.9, P.PRSE: 1.0, P.TRAFFICKING: 0.7, P.KORBAN_KEKERASAN: 0.7}

_SOURCES = list(ReferralSource)
_SOURCE_WEIGHTS = [30, 15, 20, 6, 4, 8, 6, 4, 3, 4]
_REASONS = list(TerminationReason)
_REASON_WEIGHTS = [35, 10, 12, 15, 18, 3, 7]
_NO_AFTERCARE = {TerminationReason.DIED, TerminationReason.ABSCONDED}  # as termination.py
_GOOD = {TerminationReason.REUNIFIED, TerminationReason.WORK, TerminationReason.REFERRED,
         TerminationReason.INDEPENDENT}
_CURRENT_STAGES = [Stage.FIRST_CONTACT, Stage.INTAKE, Stage.ASSESSMENT, Stage.PLANNING,
                   Stage.INTERVENTION, Stage.REINTEGRATION]
_CURRENT_WEIGHTS = [4, 6, 10, 8, 50, 22]
_DAYS_IN = {  # (min, max) days spent in a stage before the next one
    Stage.FIRST_CONTACT: (0, 3),
    Stage.INTAKE: (1, 7),
    Stage.ASSESSMENT: (5, 21),
    Stage.PLANNING: (2, 10),
    Stage.INTERVENTION: (30, 150),
    Stage.REINTEGRATION: (10, 45),
}
_ORDER = list(Stage)


def _table(population, weights) -> tuple[list, list[float]]:
    """A population with cumulative weights, for :func:`_pick` (random.choices, minus its
    per-call set-up, which shows at millions of rows)."""
    total, cumulative = 0.0, []
    for weight in weights:
        total += weight
        cumulative.append(total)
    return list(population), cumulative


def _pick(rng: random.Random, table: tuple[list, list[float]]):
    population, cumulative = table
    return population[bisect.bisect(cumulative, rng.random() * cumulative[-1])]


_APPROACHES = list(Approach)
_DOMAINS = list(AssessmentDomain)
_SERVICES = list(AtensiService)
_ROLES = list(WorkerRole)
_METHODS = list(FollowUpMethod)
_T_CURRENT = _table(_CURRENT_STAGES, _CURRENT_WEIGHTS)
_T_SOURCE = _table(_SOURCES, _SOURCE_WEIGHTS)
_T_APPROACH = _table(Approach, [60, 30, 10])
_T_REASON = _table(_REASONS, _REASON_WEIGHTS)
_T_LAST_STAGE = _table(_CURRENT_STAGES[1:], [10, 15, 10, 50, 15])
_T_MARITAL = _table(MaritalStatus, [40, 25, 20, 10, 5])
_T_EDUCATION = _table(Education, [12, 35, 25, 18, 3, 2, 5])
_T_RELIGION = _table(Religion, [850, 70, 30, 20, 10, 5, 5, 10])
_T_CONSENT = _table(ConsentMethod, [60, 25, 15])
_T_GOAL_CURRENT = _table([GoalStatus.PLANNED, GoalStatus.IN_PROGRESS, GoalStatus.ACHIEVED], [3, 5, 2])
_T_GOAL_EARLY = _table([GoalStatus.PLANNED, GoalStatus.IN_PROGRESS], [8, 2])
_T_GOAL_DONE = _table([GoalStatus.ACHIEVED, GoalStatus.NOT_ACHIEVED, GoalStatus.DROPPED], [70, 20, 10])
_T_DESTINATION = _table(DestinationType, [60, 5, 15, 10, 10])
_T_CONDITION = _table(FollowUpCondition, [60, 25, 8, 7])
_T_CODE = _table(AttendanceCode, [85, 5, 6, 4])


@dataclass(frozen=True)
class DemoStats:
    """Rows written per table, plus the headline figures."""

    rows: Mapping[str, int]
    residents: int
    stays: int
    current_stays: int
    beds: int

    def __str__(self) -> str:
        tables = ", ".join(f"{name} {count}" for name, count in self.rows.items() if count)
        return _("{residents} residents, {stays} stays ({current} in the facility, {beds} beds); "
                 "rows per table: {tables}").format(residents=self.residents, stays=self.stays,
                                                   current=self.current_stays, beds=self.beds,
                                                   tables=tables)


# ------------------------------------------------------------------------ the skeleton


class _Person:
    __slots__ = ("id", "key", "male", "categories", "known", "age", "stays", "regency", "district")


class _Stay:
    __slots__ = ("id", "person", "path", "terminated", "reason", "aftercare", "source", "approach",
                 "rooms", "manager", "enrollments", "next_admitted")

    def entered(self, stage: Stage) -> date | None:
        for entry_stage, day, _from in self.path:
            if entry_stage == stage:
                return day
        return None

    @property
    def admitted(self) -> date:
        return self.path[0][1]

    @property
    def stage(self) -> Stage:
        return self.path[-1][0]

    @property
    def current(self) -> bool:
        return self.terminated is None


def _days(rng: random.Random, stage: Stage) -> int:
    low, high = _DAYS_IN[stage]
    return rng.randint(low, high)


def _first_stage(source: ReferralSource) -> Stage:
    """Raids and outreach start with first contact; referrals arrive at intake."""
    if source in (ReferralSource.SATPOL_PP, ReferralSource.OUTREACH):
        return Stage.FIRST_CONTACT
    return Stage.INTAKE


def _stage_path(first: Stage, last: Stage, back_step: bool) -> list[Stage]:
    path = _ORDER[_ORDER.index(first):_ORDER.index(last) + 1]
    if back_step and last == Stage.REINTEGRATION:
        path += [Stage.INTERVENTION, Stage.REINTEGRATION]
    return path


def _timeline(rng: random.Random, stages: list[Stage], start: date, last_days: int):
    entries, day, previous = [], start, None
    for index, stage in enumerate(stages):
        entries.append((stage, day, previous))
        previous = stage
        day = day + timedelta(days=last_days if index == len(stages) - 1 else _days(rng, stage))
    return entries, day


class _Skeleton:
    """People and stays with their dates; beds and training cohorts; no rows yet."""

    def __init__(self, rng: random.Random, residents: int, today: date):
        self.rng, self.n, self.today = rng, residents, today
        self.history_start = today - timedelta(days=HISTORY_DAYS)
        self.people: list[_Person] = []
        self.stays: list[_Stay] = []
        self.niks: set[str] = set()
        self.counselors: list[int] = []

    # -- people and stays
    def build(self, progress: Progress | None) -> None:
        rng = self.rng
        categories = list(_CATEGORY_WEIGHTS)
        category_table = _table(categories, _CATEGORY_WEIGHTS.values())
        for index in range(self.n):
            person = _Person()
            person.key = index
            primary = categories[index] if index < len(categories) else _pick(rng, category_table)
            cats = [primary]
            if rng.random() < 0.2:
                pool = _COMPANIONS.get(primary) or (_CHILD if primary in _CHILD else [P.FAKIR_MISKIN, P.DISABILITAS])
                second = rng.choice(pool)
                if second != primary:
                    cats.append(second)
            person.categories = cats
            person.male = rng.random() >= _FEMALE_SHARE.get(primary, 0.4)
            if primary == P.ANAK_BALITA_TERLANTAR:
                person.age = rng.randint(1, 4)
            elif primary in _CHILD:
                person.age = rng.randint(6, 17)
            elif primary == P.LANSIA_TERLANTAR:
                person.age = rng.randint(60, 85)
            else:
                person.age = rng.randint(18, 59)
            person.known = rng.random() >= 0.3
            person.regency = rng.randint(1, len(words.REGENCIES))
            person.district = rng.randint(1, 25)
            person.stays = self._stays_of(person, index)
            self.people.append(person)
            if progress and index % 5000 == 0:
                progress(index, self.n, _("Generating residents"))
        # ids in registration order, as a real database would have them
        self.people.sort(key=lambda p: (p.stays[-1].admitted, p.key))
        for number, person in enumerate(self.people, 1):
            person.id = number
            person.stays.reverse()  # oldest first
            for earlier, later in zip(person.stays, person.stays[1:], strict=False):
                earlier.next_admitted = later.admitted  # readmission
            self.stays.extend(person.stays)
        self.stays.sort(key=lambda s: (s.admitted, s.person.id))
        for number, stay in enumerate(self.stays, 1):
            stay.id = number

    def _stays_of(self, person: _Person, index: int) -> list[_Stay]:
        """The person's stays, newest first, laid out backwards from today."""
        rng = self.rng
        roll = rng.random()
        count = 1 if roll < 0.8 else 2 if roll < 0.95 else 3
        stays: list[_Stay] = []
        if index < len(_CURRENT_STAGES):  # every stage occurs, whatever the seed
            stays.append(self._current_stay(person, _CURRENT_STAGES[index]))
        elif index >= len(_CURRENT_STAGES) + 2 and rng.random() < CURRENT_SHARE:
            stays.append(self._current_stay(person, _pick(rng, _T_CURRENT)))
        if stays:
            boundary = stays[0].admitted - timedelta(days=rng.randint(20, 500))
            count -= 1
        else:
            boundary = self.today - timedelta(days=rng.randint(1, HISTORY_DAYS - 300))
        forced = {len(_CURRENT_STAGES): TerminationReason.ABSCONDED,
                  len(_CURRENT_STAGES) + 1: TerminationReason.REUNIFIED}.get(index)
        for _n in range(count):
            stay = self._past_stay(person, boundary, forced)
            forced = None
            if stays and stay.admitted < self.history_start:
                break
            stays.append(stay)
            boundary = stay.admitted - timedelta(days=rng.randint(20, 500))
        return stays

    def _new_stay(self, person: _Person, source: ReferralSource | None = None) -> _Stay:
        rng = self.rng
        stay = _Stay()
        stay.person = person
        stay.source = source or _pick(rng, _T_SOURCE)
        if stay.source == ReferralSource.SATPOL_PP and rng.random() < 0.7:
            stay.approach = Approach.COERCIVE
        else:
            stay.approach = _pick(rng, _T_APPROACH)
        stay.rooms = []
        stay.enrollments = []
        stay.manager = None
        stay.next_admitted = None
        return stay

    def _current_stay(self, person: _Person, stage: Stage) -> _Stay:
        rng = self.rng
        source = rng.choice([ReferralSource.SATPOL_PP, ReferralSource.OUTREACH]) if stage == Stage.FIRST_CONTACT else None
        stay = self._new_stay(person, source)
        first = _first_stage(stay.source)
        if _ORDER.index(first) > _ORDER.index(stage):
            first = stage
        stages = _stage_path(first, stage, False)
        # days already spent in the current stage, then lay the path out backwards from today
        low, high = _DAYS_IN[stage]
        spent = rng.randint(0, max(0, high - 1))
        before = [_days(rng, s) for s in stages[:-1]]
        start = self.today - timedelta(days=spent + sum(before))
        entries, day = [], start
        previous = None
        for s, length in zip(stages, [*before, spent], strict=True):
            entries.append((s, day, previous))
            previous = s
            day += timedelta(days=length)
        stay.path = entries
        stay.terminated = None
        stay.reason = None
        stay.aftercare = False
        return stay

    def _past_stay(self, person: _Person, end: date, reason: TerminationReason | None) -> _Stay:
        rng = self.rng
        stay = self._new_stay(person)
        reason = reason or _pick(rng, _T_REASON)
        first = _first_stage(stay.source)
        if reason in _GOOD:
            last = Stage.REINTEGRATION
        else:
            last = _pick(rng, _T_LAST_STAGE)
        stages = _stage_path(first, last, rng.random() < 0.06)
        low, high = _DAYS_IN[last]
        last_days = rng.randint(low, high) if reason in _GOOD else rng.randint(0, high)
        entries, _end = _timeline(rng, stages, date(2000, 1, 1), last_days)
        length = (_end - date(2000, 1, 1)).days
        shift = end - timedelta(days=length) - date(2000, 1, 1)
        stay.path = [(s, d + shift, f) for s, d, f in entries]
        stay.terminated = end
        stay.reason = reason
        stay.aftercare = reason not in _NO_AFTERCARE
        stay.path.append((Stage.TERMINATION, end, stay.path[-1][0]))
        if stay.aftercare:
            stay.path.append((Stage.AFTERCARE, end, Stage.TERMINATION))
        return stay

    # -- beds
    def rooms(self, first_id: int) -> list[dict]:
        """Rooms for both sexes, sized so that the people in the facility today have beds."""
        rng = self.rng
        need = {True: 0, False: 0}
        for stay in self.stays:
            if stay.current and stay.entered(Stage.INTAKE):
                need[stay.person.male] += 1
        rooms, self.beds = [], {True: [], False: []}
        room_id = first_id
        for male in (True, False):
            wanted, beds, number = int(need[male] * BED_SLACK) + 4, 0, 0
            while beds < wanted:
                capacity = rng.randint(4, 10)
                flower = words.ROOM_NAMES[number % len(words.ROOM_NAMES)]
                name = f"Wisma {'Putra' if male else 'Putri'} {flower} {number // len(words.ROOM_NAMES) + 1}"
                rooms.append({"id": room_id, "name": name, "sex": RoomSex.MALE if male else RoomSex.FEMALE,
                              "capacity": capacity, "notes": None, "active": True})
                for bed in range(capacity):
                    self.beds[male].append((0, room_id * 100 + bed, room_id))
                beds += capacity
                room_id += 1
                number += 1
        rooms.append({"id": room_id, "name": "Ruang Observasi", "sex": RoomSex.MIXED, "capacity": 4,
                      "notes": "Ruang observasi sementara untuk penerimaan malam hari.", "active": True})
        rooms.append({"id": room_id + 1, "name": "Wisma Lama (direnovasi)", "sex": RoomSex.MALE,
                      "capacity": 6, "notes": "Tidak dipakai selama renovasi.", "active": False})
        self.total_beds = sum(r["capacity"] for r in rooms if r["active"] and r["sex"] != RoomSex.MIXED)
        return rooms

    def allocate_beds(self) -> None:
        """Give each stay a bed from intake to termination; a bed never holds two stays at once.

        Each sex has a heap of beds keyed by the day they are free from; a stay takes the bed
        free longest, if that bed is free on its intake day. Some stays move room once.
        """
        rng = self.rng
        never = date.max.toordinal()
        for heap in self.beds.values():
            heapq.heapify(heap)
        for stay in sorted(self.stays, key=lambda s: (s.entered(Stage.INTAKE) or date.max, s.id)):
            intake = stay.entered(Stage.INTAKE)
            if intake is None:
                continue
            heap = self.beds[stay.person.male]
            if not heap or heap[0][0] > intake.toordinal():
                continue  # no free bed that day: the stay waits without a room
            _free, bed, room = heapq.heappop(heap)
            end = stay.terminated
            free_again = never if end is None else end.toordinal() + 1
            stay.rooms = [[room, intake, end]]
            last_day = end or self.today
            if (last_day - intake).days > 20 and rng.random() < 0.1 and heap:
                moved = intake + timedelta(days=rng.randint(3, 14))
                if heap[0][0] <= moved.toordinal() and heap[0][2] != room:
                    _free2, bed2, room2 = heapq.heappop(heap)
                    heapq.heappush(heap, (moved.toordinal() + 1, bed, room))
                    stay.rooms[0][2] = moved
                    stay.rooms.append([room2, moved, end])
                    bed = bed2
                    room = room2
            heapq.heappush(heap, (free_again, bed, room))

    # -- training
    def cohorts(self, training_days: int, first_program: int, first_session: int,
                first_enrollment: int, holidays: set[date], instructor_id: int) -> tuple[list, list]:
        """Training programs in 8-week periods, and their sessions.

        Each period runs the skills that at least a few of the people joining want, in classes
        of at most 20 (15 for computers). A person joins the program of the period that started
        at most two weeks before their intervention began; a long stay may take a second one.
        """
        rng, today = self.rng, self.today
        first_day = today - timedelta(days=training_days)
        anchor = first_day - timedelta(days=first_day.weekday())
        joining: dict[int, list[tuple[_Stay, int, date]]] = defaultdict(list)

        def period_of(day: date) -> int:
            return max(0, -(-((day - anchor).days - _LATE_JOIN) // _PERIOD))

        def period_start(k: int) -> date:
            return anchor + timedelta(days=k * _PERIOD)

        horizon = today + timedelta(days=45)
        for stay in self.stays:
            began = stay.entered(Stage.INTERVENTION)
            if began is None or began < first_day:
                continue
            end = stay.terminated or today + timedelta(days=365)
            k = period_of(began)
            if period_start(k) > horizon or end <= period_start(k) + timedelta(days=7):
                continue
            skill = self._skill_for(stay.person)
            joining[k].append((stay, skill, max(began, period_start(k))))
            if end > period_start(k + 1) + timedelta(days=30) and rng.random() < 0.35 and period_start(k + 1) <= horizon:
                other = (skill + rng.randint(1, len(words.SKILLS) - 1)) % len(words.SKILLS)
                joining[k + 1].append((stay, other, period_start(k + 1)))

        skills = list(words.SKILLS)
        programs, sessions = [], []
        ids = {"program": first_program, "session": first_session, "enrollment": first_enrollment}
        for k in sorted(joining):
            members = joining[k]
            wanted = defaultdict(int)
            for _stay, skill, _day in members:
                wanted[skill] += 1
            running = [s for s in sorted(wanted) if wanted[s] >= 4] or [max(wanted, key=wanted.get)]
            classes: dict[int, list] = defaultdict(list)
            taken: dict[int, set[int]] = defaultdict(set)  # skill -> stays already in it
            for stay, skill, day in members:
                if skill not in running or stay.id in taken[skill]:
                    skill = min((s for s in running if stay.id not in taken[s]),
                                key=lambda s: len(classes[s]), default=None)
                    if skill is None:
                        continue
                classes[skill].append((stay, day))
                taken[skill].add(stay.id)
            opens = period_start(k)
            for skill_index in sorted(classes):
                skill = skills[skill_index]
                capacity = 15 if skill == SkillCategory.COMPUTER else 20
                people = classes[skill_index]
                count = -(-len(people) // capacity)
                for class_no in range(count):
                    suffix = f" Kelas {chr(65 + class_no % 26)}{class_no // 26 or ''}" if count > 1 else ""
                    self._one_program(ids, programs, sessions, skill, k + 1, suffix, capacity, opens,
                                      people[class_no::count], holidays, instructor_id)
        # one cancelled program, to show that state too
        opens = today + timedelta(days=14)
        program = self._program(ids["program"], "Komputer Lanjutan Angkatan 1", SkillCategory.COMPUTER,
                                "Laboratorium Komputer", "1,3", 15, opens, instructor_id)
        program["status"] = ProgramStatus.CANCELLED
        programs.append(program)
        for offset in (1, 3, 8, 10):
            day = opens + timedelta(days=offset)
            row = _training_session(ids["session"], ids["program"], day, time(8, 30), time(11, 30), None,
                                    True, False)
            row["cancel_reason"] = "Program dibatalkan: instruktur tidak tersedia."
            sessions.append(row)
            ids["session"] += 1
        return programs, sessions

    def _one_program(self, ids, programs, sessions, skill, number, suffix, capacity, opens, people,
                     holidays, instructor_id) -> None:
        rng = self.rng
        title, place, rule = words.SKILLS[skill]
        program_id = ids["program"]
        program = self._program(program_id, f"{title} Angkatan {number}{suffix}", skill, place, rule,
                                capacity, opens, instructor_id)
        programs.append(program)
        weekdays = [int(d) for d in rule.split(",")]
        days = [d for d in (opens + timedelta(days=i) for i in range(_PERIOD - 2))
                if d.weekday() in weekdays and d not in holidays]
        start_time, end_time = program["rule_start_time"], program["rule_end_time"]
        held = []
        for number_of_session, day in enumerate(days, 1):
            cancelled = rng.random() < 0.03
            sessions.append(_training_session(ids["session"], program_id, day, start_time, end_time,
                                              f"Pertemuan ke-{number_of_session}", cancelled, False))
            held.append((ids["session"], day, cancelled))
            ids["session"] += 1
        if rng.random() < 0.2:
            day = program["end_date"] - timedelta(days=1)
            sessions.append(_training_session(ids["session"], program_id, day, time(13, 0), time(15, 0),
                                              "Sesi tambahan: ujian praktik", False, True))
            held.append((ids["session"], day, False))
            ids["session"] += 1
        program["target_hours"] = len(held) * 3
        meta = (program_id, program["end_date"], program["status"], held)
        for stay, day in sorted(people, key=lambda p: p[0].id):
            enrolled = min(self.today, day - timedelta(days=rng.randint(0, 3)))
            stay.enrollments.append((ids["enrollment"], meta, max(enrolled, stay.admitted)))
            ids["enrollment"] += 1
        ids["program"] += 1

    def _skill_for(self, person: _Person) -> int:
        skills = list(words.SKILLS)
        if person.age < 18:
            choice = self.rng.choice([SkillCategory.HANDICRAFT, SkillCategory.COMPUTER, SkillCategory.OTHER])
        elif person.male:
            choice = _pick(self.rng, _T_SKILL_MALE)
        else:
            choice = _pick(self.rng, _T_SKILL_FEMALE)
        return skills.index(choice)

    def _program(self, program_id, name, skill, place, rule, capacity, opens, instructor_id) -> dict:
        rng, today = self.rng, self.today
        closes = opens + timedelta(days=_PERIOD - 3)
        status = (ProgramStatus.FINISHED if closes < today else
                  ProgramStatus.PLANNED if opens > today else ProgramStatus.RUNNING)
        morning = rng.random() < 0.6
        external = rng.random() < 0.4
        return {
            "id": program_id, "name": name, "skill_category": skill,
            "description": f"Pelatihan keterampilan {name.lower()} untuk penerima manfaat.",
            "instructor_user_id": None if external else instructor_id,
            "instructor_name": rng.choice(words.EXTERNAL_INSTRUCTORS) if external else None,
            "place": place, "capacity": capacity, "start_date": opens, "end_date": closes,
            "target_hours": 0, "min_attendance_pct": 80, "status": status, "rule_weekdays": rule,
            "rule_start_time": time(8, 30) if morning else time(13, 0),
            "rule_end_time": time(11, 30) if morning else time(15, 30),
            **_stamps(opens - timedelta(days=14)),
        }


@functools.lru_cache(maxsize=8192)
def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0))


@functools.lru_cache(maxsize=8192)
def _stamps(day: date, hour: int = 9) -> dict:
    """Versioned columns of a row made on ``day`` (cached: callers only unpack it with **)."""
    moment = _at(day, hour)
    return {"version": 1, "created_at": moment, "updated_at": moment, "updated_by": None}


def _training_session(session_id, program_id, day, start, end, topic, cancelled, extra) -> dict:
    return {
        "id": session_id, "program_id": program_id, "day": day, "start_time": start, "end_time": end,
        "place": None,
        "status": TrainingSessionStatus.CANCELLED if cancelled else TrainingSessionStatus.SCHEDULED,
        "is_extra": extra, "topic": topic,
        "cancel_reason": "Instruktur berhalangan." if cancelled else None,
        **_stamps(day - timedelta(days=30)),
    }


# --------------------------------------------------------------------------- writing


class _Writer:
    """Buffers rows per table and writes them parents-first with Core executemany."""

    def __init__(self, connection: sa.Connection):
        self.connection = connection
        self.tables = list(Base.metadata.sorted_tables)
        self.buffers: dict[str, list[dict]] = defaultdict(list)
        self.counts: dict[str, int] = {table.name: 0 for table in self.tables}
        self.next_ids: dict[str, int] = {}
        for table in self.tables:
            if "id" in table.c and table.c.id.primary_key:
                top = connection.execute(sa.select(sa.func.max(table.c.id))).scalar()
                self.next_ids[table.name] = (top or 0) + 1

    def new_id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def reserve(self, table: str, count: int) -> int:
        first = self.next_ids[table]
        self.next_ids[table] = first + count
        return first

    def flush(self) -> None:
        for table in self.tables:
            rows = self.buffers.pop(table.name, None)
            if not rows:
                continue
            statement = table.insert()
            for start in range(0, len(rows), CHUNK):
                self.connection.execute(statement, rows[start:start + CHUNK])
            self.counts[table.name] += len(rows)


class _Rows:
    """Turns the skeleton into rows, one stay at a time."""

    def __init__(self, rng: random.Random, writer: _Writer, skeleton: _Skeleton, users: dict[str, int]):
        self.rng, self.w, self.sk, self.users = rng, writer, skeleton, users
        self.today = skeleton.today
        self.buf = writer.buffers
        self.counselors = [users["konselor"], users["konselor2"], users["konselor3"]]
        self.staff = [users["petugas"], users["petugas2"]]
        self.full_names = {users[u[0]]: u[1] for u in words.USERS}
        self.letter_no = 0
        self.certificates: dict[int, int] = defaultdict(int)  # year -> last certificate number
        self.registrations: dict[int, int] = defaultdict(int)  # year -> last registration number
        self.niks = skeleton.niks

    # -- people
    def nik(self, person: _Person, birth: date) -> str:
        day = birth.day + (0 if person.male else 40)
        stem = f"99{person.regency:02d}{person.district:02d}{day:02d}{birth.month:02d}{birth.year % 100:02d}"
        while True:
            nik = f"{stem}{self.rng.randint(1, 9999):04d}"
            if nik not in self.niks:
                self.niks.add(nik)
                return nik

    def person(self, person: _Person) -> None:
        rng, buf = self.rng, self.buf
        first_stay = person.stays[0]
        first_day = first_stay.admitted
        last_admitted = person.stays[-1].admitted
        birth = last_admitted - timedelta(days=person.age * 365 + rng.randint(0, 364))
        name = words.person_name(rng, person.male)
        primary = person.categories[0]
        homeless = primary in (P.GELANDANGAN, P.PENGEMIS, P.PEMULUNG, P.ANAK_JALANAN)
        city = words.REGENCIES[person.regency - 1]
        child = person.age < 18
        if child:
            marital = MaritalStatus.SINGLE
            education = rng.choice([Education.NONE, Education.PRIMARY, Education.JUNIOR]) if person.age >= 7 else Education.NONE
        else:
            marital = _pick(rng, _T_MARITAL)
            education = _pick(rng, _T_EDUCATION)
        religion = _pick(rng, _T_RELIGION)
        if not person.known and rng.random() < 0.5:
            religion = Religion.UNKNOWN
        buf["resident"].append({
            "id": person.id,
            "reg_no": self.reg_no(first_day.year),
            "nik": self.nik(person, birth) if person.known else None,
            "kk": self.kk(person) if person.known and rng.random() < 0.7 else None,
            "identity_unknown": not person.known,
            "name": name,
            "alias": words.alias(rng, name) if rng.random() < 0.1 else None,
            "sex": "L" if person.male else "P",
            "birth_place": city if person.known else None,
            "birth_date": birth if person.known else None,
            "birth_year_estimated": None if person.known else birth.year,
            "religion": religion,
            "marital_status": marital if person.known else MaritalStatus.UNKNOWN,
            "education": education if person.known or rng.random() < 0.5 else Education.UNKNOWN,
            "address": None if homeless and rng.random() < 0.7 else words.street_address(rng),
            "village": words.village(rng),
            "district": words.district(rng, person.district),
            "city": city,
            "province": words.PROVINCE,
            "phone": words.phone(rng) if rng.random() < 0.3 else None,
            "photo_path": None,
            "notes": "Tidak memiliki tempat tinggal tetap." if homeless and rng.random() < 0.3 else None,
            "anonymized_at": None,
            **_stamps(first_day),
        })
        for category in person.categories:
            buf["resident_category"].append({"resident_id": person.id, "category": category})
        if person.known and rng.random() < 0.5:
            for number in range(rng.randint(1, 2)):
                buf["family_contact"].append({
                    "id": self.w.new_id("family_contact"), "resident_id": person.id,
                    "name": words.person_name(rng, rng.random() < 0.5),
                    "relationship": rng.choice(words.FAMILY_RELATIONS),
                    "phone": words.phone(rng) if rng.random() < 0.7 else None,
                    "address": words.street_address(rng) if rng.random() < 0.6 else None,
                    "is_primary": number == 0,
                    **_stamps(first_day),
                })

    def reg_no(self, year: int) -> str:
        """Numbered per year in registration order, like intake.py (counter ``reg:{year}``)."""
        self.registrations[year] += 1
        return REGISTRATION_PATTERN.format(year=year, seq=self.registrations[year])

    def kk(self, person: _Person) -> str:
        issued = date(2005, 1, 1) + timedelta(days=self.rng.randint(0, 7000))
        return (f"99{person.regency:02d}{person.district:02d}{issued.day:02d}{issued.month:02d}"
                f"{issued.year % 100:02d}{self.rng.randint(1, 9999):04d}")

    # -- stays
    def stay(self, stay: _Stay) -> None:
        rng = self.rng
        stay.manager = rng.choice(self.counselors)
        end = stay.terminated or self.today
        follow_ups = self.follow_ups(stay) if stay.aftercare else []
        self.admission(stay, follow_ups)
        for stage, day, previous in stay.path:
            self.buf["stage_change"].append({
                "id": self.w.new_id("stage_change"), "admission_id": stay.id,
                "from_stage": previous, "to_stage": stage, "changed_on": day,
                "note": words.STAGE_NOTES["back"] if previous == Stage.REINTEGRATION and stage == Stage.INTERVENTION
                else (words.STAGE_NOTES["forward"] if rng.random() < 0.05 else None),
                "user_id": stay.manager, "recorded_at": _at(day, 10),
            })
        for room, since, until in stay.rooms:
            self.buf["room_assignment"].append({
                "id": self.w.new_id("room_assignment"), "admission_id": stay.id, "room_id": room,
                "from_date": since, "until_date": until,
                "note": "Pindah kamar atas permintaan sendiri." if len(stay.rooms) > 1 and since != stay.rooms[0][1] else None,
                "over_capacity_override": False, "user_id": rng.choice(self.staff),
            })
        intake = stay.entered(Stage.INTAKE)
        if intake:
            self.intake_papers(stay, intake)
        assessed = stay.entered(Stage.ASSESSMENT)
        if assessed and (stay.stage != Stage.ASSESSMENT or rng.random() < 0.6):
            self.assessment(stay, min(assessed + timedelta(days=rng.randint(0, 2)), end))
        planned = stay.entered(Stage.PLANNING)
        if planned and (stay.stage != Stage.PLANNING or rng.random() < 0.6):
            self.plans(stay, min(planned + timedelta(days=rng.randint(0, 2)), end))
        began = stay.entered(Stage.INTERVENTION)
        if began:
            self.counseling(stay, began, end)
            if rng.random() < 0.3:
                self.conference(stay, began, end)
        reintegration = stay.entered(Stage.REINTEGRATION)
        if reintegration:
            self.reintegration(stay, reintegration, end)
        for row in follow_ups:
            self.buf["follow_up"].append(row)
        for enrollment in stay.enrollments:
            self.enrollment(stay, *enrollment)

    def admission(self, stay: _Stay, follow_ups: list[dict]) -> None:
        rng = self.rng
        person = stay.person
        city = words.REGENCIES[person.regency - 1]
        letter = stay.source in (ReferralSource.DINSOS, ReferralSource.POLICE, ReferralSource.INSTITUTION,
                                 ReferralSource.HOSPITAL)
        if letter:
            self.letter_no += 1
        status, outcome, closed = AftercareStatus.NONE, None, None
        if stay.aftercare:
            done = [f for f in follow_ups if f["done_on"]]
            if len(done) == len(follow_ups) and follow_ups[-1]["due_on"] < self.today - timedelta(days=14):
                status = AftercareStatus.CLOSED
                outcome = {
                    FollowUpCondition.STABLE: AftercareOutcome.SUCCESSFUL,
                    FollowUpCondition.NEEDS_SUPPORT: AftercareOutcome.PARTIAL,
                    FollowUpCondition.BACK_ON_STREET: AftercareOutcome.RETURNED,
                    FollowUpCondition.UNREACHABLE: AftercareOutcome.LOST,
                }[done[-1]["condition"]]
                closed = max(f["done_on"] for f in done)
            elif stay.next_admitted:  # readmission closes running aftercare (aftercare.py)
                status, outcome = AftercareStatus.CLOSED, AftercareOutcome.RETURNED
                closed = max(stay.next_admitted, stay.terminated)
            else:
                status = AftercareStatus.ACTIVE
        reunified = stay.reason == TerminationReason.REUNIFIED
        referred = stay.reason == TerminationReason.REFERRED
        categories = person.categories
        disabled = P.DISABILITAS in categories or P.ADK in categories
        self.buf["admission"].append({
            "id": stay.id, "resident_id": person.id, "admitted_on": stay.admitted,
            "referral_source": stay.source,
            "referral_letter_no": f"{self.letter_no:04d}/DEMO/{stay.admitted.month:02d}/{stay.admitted.year}" if letter else None,
            "referral_letter_date": stay.admitted - timedelta(days=rng.randint(0, 5)) if letter else None,
            "referral_notes": None,
            "approach": stay.approach,
            "initial_condition": rng.choice(words.INITIAL_CONDITIONS),
            "health_notes": rng.choice(words.HEALTH_NOTES) if rng.random() < 0.2 else None,
            "disability_notes": rng.choice(words.DISABILITY_NOTES) if disabled else None,
            "stage": stay.stage,
            "room_id": stay.rooms[-1][0] if stay.current and stay.rooms else None,
            "case_manager_id": stay.manager,
            "terminated_on": stay.terminated,
            "termination_reason": stay.reason,
            "termination_destination": words.DESTINATIONS[stay.reason].format(city=city) if stay.reason else None,
            "termination_notes": None,
            "handover_received_by": (words.person_name(rng, rng.random() < 0.5) if reunified else
                                     "Petugas Panti Sosial Contoh Lain" if referred else None),
            "handover_relationship": (rng.choice(words.FAMILY_RELATIONS) if reunified else
                                      "Petugas lembaga rujukan" if referred else None),
            "handover_id_number": None,
            "handover_witness": self.full_names[stay.manager] if reunified or referred else None,
            "handover_witness2": None,
            "aftercare_status": status, "aftercare_outcome": outcome, "aftercare_closed_on": closed,
            **_stamps(stay.admitted),
        })

    def intake_papers(self, stay: _Stay, intake: date) -> None:
        rng = self.rng
        person = stay.person
        known = person.known
        present = {
            DocumentType.KTP: known and person.age >= 17 and rng.random() < 0.7,
            DocumentType.KK: known and rng.random() < 0.6,
            DocumentType.REFERRAL_LETTER: stay.source in (ReferralSource.DINSOS, ReferralSource.POLICE,
                                                          ReferralSource.INSTITUTION, ReferralSource.HOSPITAL),
            DocumentType.STATEMENT: rng.random() < 0.8,
            DocumentType.CONSENT: True,
            DocumentType.HEALTH: rng.random() < 0.5,
        }
        if person.age < 18:
            present[DocumentType.BIRTH_CERTIFICATE] = known and rng.random() < 0.5
        for doc_type, here in present.items():
            self.buf["document_check"].append(
                {"admission_id": stay.id, "doc_type": doc_type, "present": here, "note": None})
        if person.age < 18:
            relation = ConsentRelation.GUARDIAN if rng.random() < 0.4 else ConsentRelation.PARENT
        elif stay.approach == Approach.COERCIVE and rng.random() < 0.5:
            relation = ConsentRelation.OFFICIAL
        else:
            relation = ConsentRelation.SELF
        given_by = {
            ConsentRelation.SELF: "(yang bersangkutan)",
            ConsentRelation.OFFICIAL: "Petugas Satpol PP Contoh",
        }.get(relation) or words.person_name(rng, rng.random() < 0.5)
        moment = datetime.combine(intake, time(11, 0))
        withdrawn = stay.terminated if stay.terminated and rng.random() < 0.01 else None
        self.buf["consent"].append({
            "id": self.w.new_id("consent"), "resident_id": person.id, "admission_id": stay.id,
            "given_by_name": given_by, "relation": relation,
            "method": _pick(rng, _T_CONSENT),
            "given_on": intake, "recorded_by_id": rng.choice(self.staff), "withdrawn_on": withdrawn,
            "notes": "Persetujuan ditarik saat terminasi." if withdrawn else None,
            "created_at": moment, "updated_at": moment,
        })

    def assessment(self, stay: _Stay, day: date) -> None:
        rng = self.rng
        assessment_id = self.w.new_id("assessment")
        self.buf["assessment"].append({
            "id": assessment_id, "admission_id": stay.id, "assessed_on": day, "assessor_id": stay.manager,
            "needs": "Kebutuhan contoh: tempat tinggal aman, pemeriksaan kesehatan.",
            "strengths": "Kekuatan contoh: mau belajar, ada keluarga yang bisa dihubungi.",
            "recommendations": "Rekomendasi contoh: bimbingan sosial dan pelatihan keterampilan.",
            **_stamps(day),
        })
        for domain in AssessmentDomain:
            self.buf["assessment_score"].append({
                "assessment_id": assessment_id, "domain": domain, "score": rng.randint(1, 5),
                "narrative": None,
            })

    def plans(self, stay: _Stay, drawn: date) -> None:
        rng = self.rng
        end = stay.terminated or self.today
        began = stay.entered(Stage.INTERVENTION)
        revised = began is not None and (end - began).days > 60 and rng.random() < 0.15
        versions = [(1, drawn, None)]
        if revised:
            versions.append((2, began + timedelta(days=45), "Penyesuaian tujuan setelah evaluasi bulanan."))
        for number, day, reason in versions:
            plan_id = self.w.new_id("intervention_plan")
            latest = number == len(versions)
            self.buf["intervention_plan"].append({
                "id": plan_id, "admission_id": stay.id, "plan_version": number,
                "responsible_id": stay.manager, "drawn_up_on": day,
                "review_on": day + timedelta(days=60), "revision_reason": reason, **_stamps(day),
            })
            for domain in rng.sample(_DOMAINS, rng.randint(2, 4)):
                if not latest:
                    status = rng.choice([GoalStatus.DROPPED, GoalStatus.ACHIEVED])
                elif stay.current:
                    status = _pick(rng, _T_GOAL_CURRENT if began else _T_GOAL_EARLY)
                elif stay.reason in _GOOD:
                    status = _pick(rng, _T_GOAL_DONE)
                else:
                    status = rng.choice([GoalStatus.NOT_ACHIEVED, GoalStatus.DROPPED])
                self.buf["plan_goal"].append({
                    "id": self.w.new_id("plan_goal"), "plan_id": plan_id, "domain": domain,
                    "description": words.GOALS[domain],
                    "target_date": day + timedelta(days=rng.randint(60, 120)), "status": status,
                    "progress_notes": "Perkembangan sesuai rencana." if status == GoalStatus.IN_PROGRESS else None,
                })
            for service in rng.sample(_SERVICES, rng.randint(2, 4)):
                self.buf["plan_service"].append({"plan_id": plan_id, "service": service})

    def counseling(self, stay: _Stay, began: date, end: date) -> None:
        rng = self.rng
        day = began + timedelta(days=rng.randint(1, 10))
        number = 0
        while number < 6:
            if day >= end:
                if stay.current and day > self.today:
                    self.session(stay, day, CounselingType.INDIVIDUAL, number + 1, planned=True)
                break
            number += 1
            self.session(stay, day, CounselingType.INDIVIDUAL, number)
            day += timedelta(days=rng.randint(14, 28))
        reintegration = stay.entered(Stage.REINTEGRATION)
        if reintegration and rng.random() < 0.3:
            day = reintegration + timedelta(days=rng.randint(3, 10))
            if day < end:
                self.session(stay, day, CounselingType.FAMILY, 1)

    def session(self, stay: _Stay, day: date, kind: CounselingType, number: int, planned: bool = False) -> None:
        rng = self.rng
        session_id = self.w.new_id("counseling_session")
        cancelled = not planned and rng.random() < 0.05
        status = CounselingStatus.PLANNED if planned else CounselingStatus.CANCELLED if cancelled else CounselingStatus.DONE
        start = time(rng.choice([9, 10, 11, 13, 14]), rng.choice([0, 30]))
        done = status == CounselingStatus.DONE
        row = {
            "id": session_id, "session_type": kind, "level": ServiceLevel.MICRO, "held_on": day,
            "start_time": start, "duration_minutes": rng.choice([30, 45, 60, 90]),
            "place": rng.choice(words.PLACES[:2]), "counselor_id": stay.manager,
            "approach": rng.choice(_APPROACHES), "topic": rng.choice(words.TOPICS),
            "status": status,
            "confidentiality": Confidentiality.HIGH if rng.random() < 0.05 else Confidentiality.NORMAL,
            "next_session_on": day + timedelta(days=14) if done else None,
            "signed_at": None,
            **_stamps(day - timedelta(days=7) if planned else day),
        }
        self.buf["counseling_session"].append(row)
        self.buf["session_participant"].append({
            "session_id": session_id, "admission_id": stay.id,
            "observation": "Aktif dan terbuka selama sesi." if done and rng.random() < 0.5 else None,
        })
        for role in rng.sample(_ROLES, rng.randint(1, 2)):
            self.buf["session_worker_role"].append({"session_id": session_id, "role": role})
        if done:
            row["signed_at"] = self.notes(session_id, day, start, stay.manager, words.note_body(number))

    def notes(self, session_id: int, day: date, start: time, author: int, body: str) -> datetime | None:
        """The note's versions; returns when it was signed (edits come before, addenda after)."""
        rng = self.rng
        written = datetime.combine(day, start) + timedelta(hours=1)
        versions = [(NoteVersionKind.ORIGINAL, body, None, written)]
        roll = rng.random()
        if roll < 0.1:
            versions.append((NoteVersionKind.EDIT, body + " Diperbaiki: salah ketik.", None,
                             written + timedelta(hours=3)))
        signed = None
        if day < self.today - timedelta(days=3) or rng.random() < 0.5:
            signed = versions[-1][3] + timedelta(hours=1)
            if 0.1 <= roll < 0.13:
                versions.append((NoteVersionKind.ADDENDUM, "Tambahan: keluarga menghubungi panti.",
                                 "Tambahan informasi dari keluarga.", signed + timedelta(days=1)))
        for number, (kind, text, reason, at) in enumerate(versions, 1):
            self.buf["note_version"].append({
                "id": self.w.new_id("note_version"), "session_id": session_id, "version_no": number,
                "kind": kind, "body": text,
                "agreed_actions": "Mengikuti pelatihan secara rutin." if number == 1 and rng.random() < 0.4 else None,
                "reason": reason, "author_id": author, "written_at": at,
            })
        return signed

    def conference(self, stay: _Stay, began: date, end: date) -> None:
        rng = self.rng
        day = began + timedelta(days=rng.randint(14, 45))
        if day >= end:
            return
        conference_id = self.w.new_id("case_conference")
        lead = self.users["konselor"]
        self.buf["case_conference"].append({
            "id": conference_id, "admission_id": stay.id, "held_on": day,
            "decisions": rng.choice(words.CONFERENCE_DECISIONS), "led_by_id": lead, **_stamps(day),
        })
        for user_id in dict.fromkeys([lead, stay.manager, rng.choice(self.staff)]):
            self.buf["conference_attendee"].append({"conference_id": conference_id, "user_id": user_id})

    def reintegration(self, stay: _Stay, began: date, end: date) -> None:
        rng = self.rng
        plan_id = self.w.new_id("reintegration_plan")
        destination = {
            TerminationReason.REUNIFIED: DestinationType.FAMILY,
            TerminationReason.WORK: DestinationType.WORK,
            TerminationReason.REFERRED: DestinationType.REFERRED,
            TerminationReason.INDEPENDENT: DestinationType.INDEPENDENT,
        }.get(stay.reason) or _pick(rng, _T_DESTINATION)
        city = words.REGENCIES[stay.person.regency - 1]
        self.buf["reintegration_plan"].append({
            "id": plan_id, "admission_id": stay.id, "destination_type": destination,
            "destination_address": f"{words.street_address(rng)}, {city}",
            "contact_persons": f"{words.person_name(rng, rng.random() < 0.5)} ({rng.choice(words.FAMILY_RELATIONS)})",
            "target_date": began + timedelta(days=30), "responsible_id": stay.manager, **_stamps(began),
        })
        success = stay.reason in _GOOD
        span = max(0, (end - began).days)
        for item in ReadinessItemType:
            roll = rng.random()
            if roll < 0.08:
                status = ReadinessStatus.NOT_APPLICABLE
            elif success or roll < 0.45:
                status = ReadinessStatus.DONE
            else:
                status = ReadinessStatus.PENDING
            done_on = began + timedelta(days=rng.randint(0, span)) if status == ReadinessStatus.DONE else None
            self.buf["readiness_item"].append({
                "plan_id": plan_id, "item": item, "status": status, "done_on": done_on,
                "done_by_id": stay.manager if done_on else None,
                "na_reason": "Tidak diperlukan untuk tujuan ini." if status == ReadinessStatus.NOT_APPLICABLE else None,
                **_stamps(done_on or began),
            })
        if rng.random() < 0.6:
            day = began + timedelta(days=rng.randint(2, 20))
            if day <= end:
                readiness = (FamilyReadiness.READY if success else
                             rng.choice([FamilyReadiness.CONDITIONAL, FamilyReadiness.NOT_READY]))
                self.buf["home_visit"].append({
                    "id": self.w.new_id("home_visit"), "admission_id": stay.id, "visited_on": day,
                    "visitors": f"{self.full_names[stay.manager]}; {self.full_names[rng.choice(self.staff)]}",
                    "people_met": f"{rng.choice(words.FAMILY_RELATIONS)} dan ketua RT setempat",
                    "findings": rng.choice(words.VISIT_FINDINGS), "family_readiness": readiness,
                    "next_steps": "Siapkan surat pernyataan keluarga." if readiness != FamilyReadiness.READY else None,
                    **_stamps(day),
                })

    def follow_ups(self, stay: _Stay) -> list[dict]:
        """The default schedule (aftercare.py): 1, 2 and 3 months after termination."""
        rng, today = self.rng, self.today
        stop = min(today, stay.next_admitted - timedelta(days=1)) if stay.next_admitted else today
        rows = []
        dates = aftercare.follow_up_dates(stay.terminated, aftercare.DEFAULT_SCHEDULE)
        for position, due in enumerate(dates):
            chance = 0.98 if due < today - timedelta(days=180) else 0.85 if due < today - timedelta(days=30) else 0.5
            done_on = None
            if due <= stop and rng.random() < chance:
                done_on = min(stop, due + timedelta(days=rng.randint(-3, 10)))
            condition = (_pick(rng, _T_CONDITION) if done_on else None)
            method = aftercare.planned_method(position)
            if done_on and rng.random() < 0.2:
                method = rng.choice(_METHODS)
            rows.append({
                "id": self.w.new_id("follow_up"), "admission_id": stay.id, "due_on": due,
                "method": method, "done_on": done_on, "condition": condition,
                "notes": rng.choice(words.FOLLOW_UP_NOTES) if done_on else None,
                "next_action": None, "done_by_id": stay.manager if done_on else None,
                **_stamps(done_on or stay.terminated),
            })
        return rows

    def enrollment(self, stay: _Stay, enrollment_id: int, program, enrolled_on: date) -> None:
        rng, today = self.rng, self.today
        program_id, program_end, program_status, sessions = program
        leaves = stay.terminated
        last_day = min(today, leaves) if leaves else today
        attended = counted = 0
        instructor = self.users["instruktur"]
        for session_id, day, cancelled in sessions:
            if cancelled or day < enrolled_on or day > last_day:
                continue
            code = _pick(rng, _T_CODE)
            counted += 1
            attended += code == AttendanceCode.PRESENT
            self.buf["attendance"].append({
                "session_id": session_id, "enrollment_id": enrollment_id, "code": code,
                "note": "Surat keterangan sakit." if code == AttendanceCode.SICK and rng.random() < 0.3 else None,
                "recorded_by_id": instructor, "recorded_at": _at(day, 16),
            })
        stop_reason = competent = completed = certificate = None
        status = EnrollmentStatus.ACTIVE
        if leaves is not None and leaves < program_end:
            status = EnrollmentStatus.STOPPED
            stop_reason = ("Meninggalkan panti tanpa izin." if stay.reason == TerminationReason.ABSCONDED
                           else "Terminasi sebelum program selesai.")
        elif program_status == ProgramStatus.FINISHED:
            # completion needs the attendance minimum and the instructor's "competent"
            # (training_completion.py); otherwise the enrollment stays open, "not yet competent"
            competent = rng.random() < 0.9
            if competent and counted and attended * 100 >= 80 * counted:
                status = EnrollmentStatus.COMPLETED
                completed = program_end
                year = completed.year
                self.certificates[year] += 1
                certificate = DEFAULT_CERTIFICATE_PATTERN.format(year=year, seq=self.certificates[year])
            elif rng.random() < 0.3:
                competent = None  # not assessed yet
        self.buf["enrollment"].append({
            "id": enrollment_id, "program_id": program_id, "admission_id": stay.id,
            "enrolled_on": enrolled_on, "status": status, "stop_reason": stop_reason,
            "competent": competent, "completed_on": completed, "certificate_no": certificate,
            **_stamps(enrolled_on),
        })

    # -- group work across stays
    def group_sessions(self, training_days: int) -> None:
        """Fortnightly group sessions (mezzo) and monthly community sessions (makro)."""
        rng, today = self.rng, self.today
        start = today - timedelta(days=training_days)
        by_fortnight: dict[int, list[_Stay]] = defaultdict(list)
        for stay in self.sk.stays:
            began = stay.entered(Stage.INTERVENTION)
            if began is None:
                continue
            end = stay.terminated or today
            first = max(0, (began - start).days // 14 + 1)
            last = (end - start).days // 14
            for fortnight in range(first, last + 1):
                by_fortnight[fortnight].append(stay)
        group_no = 0
        for fortnight in range(training_days // 14 + 1):
            day = start + timedelta(days=fortnight * 14 + 2)
            if day > today:
                break
            eligible = by_fortnight.get(fortnight, [])
            for _group in range(max(1, len(eligible) // 100) if eligible else 0):
                group_no += 1
                members = rng.sample(eligible, min(len(eligible), rng.randint(6, 10)))
                self.group_session(day, CounselingType.GROUP, ServiceLevel.MEZZO, members,
                                   rng.choice(words.GROUP_TOPICS), words.group_note_body(group_no))
            if fortnight % 2 == 0:
                self.group_session(day + timedelta(days=1), CounselingType.COMMUNITY, ServiceLevel.MACRO, [],
                                   rng.choice(words.COMMUNITY_TOPICS), "Catatan contoh kegiatan masyarakat.")

    def group_session(self, day, kind, level, members, topic, body) -> None:
        rng = self.rng
        session_id = self.w.new_id("counseling_session")
        counselor = rng.choice(self.counselors)
        start = time(14, 0)
        row = {
            "id": session_id, "session_type": kind, "level": level, "held_on": day,
            "start_time": start, "duration_minutes": 90,
            "place": "Aula" if kind == CounselingType.COMMUNITY else "Ruang Kelompok",
            "counselor_id": counselor, "approach": Approach.MOTIVATIVE, "topic": topic,
            "status": CounselingStatus.DONE, "confidentiality": Confidentiality.NORMAL,
            "next_session_on": None, "signed_at": None, **_stamps(day),
        }
        self.buf["counseling_session"].append(row)
        for stay in sorted(members, key=lambda s: s.id):
            self.buf["session_participant"].append(
                {"session_id": session_id, "admission_id": stay.id, "observation": None})
        self.buf["session_worker_role"].append(
            {"session_id": session_id, "role": WorkerRole.EDUCATOR if members else WorkerRole.OUTREACH})
        row["signed_at"] = self.notes(session_id, day, start, counselor, body)


_PERIOD = 56  # days: training programs run in 8-week periods
_LATE_JOIN = 14  # days after a program's start that a newcomer may still join it
_T_SKILL_MALE = _table(words.SKILLS, [2, 3, 2, 5, 6, 3, 3, 1])
_T_SKILL_FEMALE = _table(words.SKILLS, [7, 4, 6, 2, 1, 4, 3, 1])


def _training_days(residents: int) -> int:
    """Attendance (sessions x enrolled) is the largest table: big demos keep two years of it."""
    return HISTORY_DAYS if residents <= 20_000 else 2 * 365


def _holidays(today: date) -> dict[date, str]:
    days = {}
    for year in range(today.year - HISTORY_DAYS // 365 - 1, today.year + 2):
        for (month, day), name in words.HOLIDAYS:
            days[date(year, month, day)] = name
    return days


@requires(None, reason="fills an empty database with fictional data; refused if any user exists")
def generate(
    db: Database,
    residents: int = 400,
    seed: int = 20261123,
    progress: Progress | None = None,
    today: date | None = None,
) -> DemoStats:
    """Fill an empty database with a fictional facility; the same seed gives the same data."""
    if residents < 1:
        raise ValidationError(_("The number of residents must be at least 1."))
    today = today or date.today()
    rng = random.Random(seed)
    report = progress or (lambda done, total, message: None)
    password_hash = hash_password(PASSWORD)  # once: argon2 is slow on purpose
    training_days = _training_days(residents)
    with db.write() as session:
        if session.execute(sa.select(sa.func.count(User.id))).scalar_one():
            raise ValidationError(
                _("This database already has users: demo data is written only into an empty database.")
            )
        connection = session.connection()
        if db.is_sqlite:
            connection.exec_driver_sql("PRAGMA cache_size=-262144")  # 256 MB while indexes grow
        writer = _Writer(connection)
        users = _write_basics(writer, password_hash, today)
        skeleton = _Skeleton(rng, residents, today)
        skeleton.build(report)
        holidays = _holidays(today)
        writer.buffers["holiday"] = [{"day": d, "name": n} for d, n in sorted(holidays.items())]
        writer.buffers["room"] = skeleton.rooms(writer.next_ids["room"])
        skeleton.allocate_beds()
        programs, sessions = skeleton.cohorts(
            training_days, writer.next_ids["training_program"], writer.next_ids["training_session"],
            writer.next_ids["enrollment"], set(holidays), users["instruktur"])
        writer.buffers["training_program"] = programs
        writer.buffers["training_session"] = sessions
        connection.execute(
            sa.update(Base.metadata.tables["facility_profile"]).values(capacity=skeleton.total_beds))
        writer.flush()
        rows = _Rows(rng, writer, skeleton, users)
        for index, person in enumerate(skeleton.people):
            rows.person(person)
            if index % CHUNK == CHUNK - 1:
                writer.flush()
                report(index + 1, residents, _("Writing residents"))
        writer.flush()
        total = len(skeleton.stays)
        for index, stay in enumerate(skeleton.stays):
            rows.stay(stay)
            if index % STAYS_PER_FLUSH == STAYS_PER_FLUSH - 1:
                writer.flush()
                report(index + 1, total, _("Writing stays, services and training"))
        writer.flush()
        report(total, total, _("Writing group sessions"))
        rows.group_sessions(training_days)
        # the app's own numbering continues after the demo's (intake.py, training_completion.py)
        writer.buffers["counter"] = [
            *({"name": f"reg:{year}", "value": seq} for year, seq in sorted(rows.registrations.items())),
            *({"name": f"cert:{year}", "value": seq} for year, seq in sorted(rows.certificates.items())),
        ]
        writer.flush()
        if not db.is_sqlite:
            _reset_sequences(connection)
        admin = Actor(users["admin"], "admin", "Administrator Demo", Role.ADMIN)
        audit.record(session, admin, "demo_generate", "database", None,
                     {"residents": residents, "seed": seed, "today": today})
        if db.is_sqlite:
            connection.exec_driver_sql("PRAGMA cache_size=-2000")
    counts = dict(writer.counts)
    counts["audit_log"] += 1
    current = sum(1 for stay in skeleton.stays if stay.current)
    return DemoStats(MappingProxyType(counts), residents, total, current, skeleton.total_beds)


def _write_basics(writer: _Writer, password_hash: str, today: date) -> dict[str, int]:
    """Facility profile and users, written at once (everything else points at them)."""
    facility = Base.metadata.tables["facility_profile"]
    connection = writer.connection
    values = {**words.FACILITY, "capacity": 0, "registration_pattern": REGISTRATION_PATTERN}
    if connection.execute(sa.select(facility.c.id)).first():
        connection.execute(sa.update(facility).values(**values))
    else:
        writer.buffers["facility_profile"].append({
            "id": 1, **values, "logo_path": "",
            **_stamps(today - timedelta(days=HISTORY_DAYS + 30)),
        })
    users = {}
    moment = now()
    for username, full_name, role, supervisor in words.USERS:
        user_id = writer.new_id("user_account")
        users[username] = user_id
        writer.buffers["user_account"].append({
            "id": user_id, "username": username, "full_name": full_name,
            "nip": f"1234567890123456{user_id % 100:02d}", "role": role,
            "password_hash": password_hash, "active": True, "is_supervisor": supervisor,
            "must_change_password": False, "failed_logins": 0, "locked_until": None,
            "last_login_at": None, "password_changed_at": moment,
            **_stamps(today - timedelta(days=HISTORY_DAYS + 30)),
        })
    writer.flush()
    return users


def _reset_sequences(connection: sa.Connection) -> None:
    """Rows were written with explicit ids: move PostgreSQL's sequences past them."""
    for table in Base.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key and table.name != "audit_log":
            connection.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
            ))
