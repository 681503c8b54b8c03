"""The plan in memory: people and their stays (a stay's stage path and dates) and beds (a
per-sex heap of beds by the date they become free, so no room is ever over capacity); no
rows yet. Training cohorts are planned by :class:`~.cohorts._Cohorts`.
"""

from __future__ import annotations

import heapq
import random
from datetime import date, timedelta

from kesos_desktop.domain.enums import (
    Approach,
    ReferralSource,
    RoomSex,
    Stage,
    TerminationReason,
)
from kesos_desktop.i18n import _
from kesos_desktop.services.demo import names as words
from kesos_desktop.services.demo.cohorts import _Cohorts
from kesos_desktop.services.demo.common import (
    _CATEGORY_WEIGHTS,
    _CHILD,
    _COMPANIONS,
    _CURRENT_STAGES,
    _DAYS_IN,
    _FEMALE_SHARE,
    _GOOD,
    _NO_AFTERCARE,
    _ORDER,
    _T_APPROACH,
    _T_CURRENT,
    _T_LAST_STAGE,
    _T_REASON,
    _T_SOURCE,
    BED_SLACK,
    CURRENT_SHARE,
    HISTORY_DAYS,
    P,
    Progress,
    _pick,
    _table,
)

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


class _Skeleton(_Cohorts):
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
