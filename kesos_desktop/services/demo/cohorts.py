"""Training in the plan: programs in 8-week periods, their sessions, and who joins which.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, time, timedelta
from typing import TYPE_CHECKING

from kesos_desktop.domain.enums import (
    ProgramStatus,
    SkillCategory,
    Stage,
    TrainingSessionStatus,
)
from kesos_desktop.services.demo import names as words
from kesos_desktop.services.demo.common import (
    _LATE_JOIN,
    _PERIOD,
    _T_SKILL_FEMALE,
    _T_SKILL_MALE,
    _pick,
    _stamps,
)

if TYPE_CHECKING:
    from kesos_desktop.services.demo.plan import _Person, _Stay


class _Cohorts:
    """Training cohorts of the plan (a part of :class:`~.plan._Skeleton`)."""

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


def _training_session(session_id, program_id, day, start, end, topic, cancelled, extra) -> dict:
    return {
        "id": session_id, "program_id": program_id, "day": day, "start_time": start, "end_time": end,
        "place": None,
        "status": TrainingSessionStatus.CANCELLED if cancelled else TrainingSessionStatus.SCHEDULED,
        "is_extra": extra, "topic": topic,
        "cancel_reason": "Instruktur berhalangan." if cancelled else None,
        **_stamps(day - timedelta(days=30)),
    }
