"""What the plan and the rows share: the demo's proportions as weighted tables, drawn with
:func:`_pick`, and the time stamps of versioned rows.
"""

from __future__ import annotations

import bisect
import functools
import random
from collections.abc import Callable
from datetime import date, datetime, time

from kesos_desktop.domain.enums import (
    Approach,
    AssessmentDomain,
    AtensiService,
    AttendanceCode,
    ConsentMethod,
    DestinationType,
    Education,
    FollowUpCondition,
    FollowUpMethod,
    GoalStatus,
    MaritalStatus,
    PpksCategory,
    ReferralSource,
    Religion,
    Stage,
    TerminationReason,
    WorkerRole,
)
from kesos_desktop.services.demo import names as words

Progress = Callable[[int, int, str], None]

HISTORY_DAYS = 5 * 365  # stays reach back about five years
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


_PERIOD = 56  # days: training programs run in 8-week periods
_LATE_JOIN = 14  # days after a program's start that a newcomer may still join it
_T_SKILL_MALE = _table(words.SKILLS, [2, 3, 2, 5, 6, 3, 3, 1])
_T_SKILL_FEMALE = _table(words.SKILLS, [7, 4, 6, 2, 1, 4, 3, 1])


@functools.lru_cache(maxsize=8192)
def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0))


@functools.lru_cache(maxsize=8192)
def _stamps(day: date, hour: int = 9) -> dict:
    """Versioned columns of a row made on ``day`` (cached: callers only unpack it with **)."""
    moment = _at(day, hour)
    return {"version": 1, "created_at": moment, "updated_at": moment, "updated_by": None}

