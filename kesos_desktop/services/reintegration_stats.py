"""Reintegration outcomes over a period: the board's figures and the monthly report's.

    stats = reintegration_stats.outcomes(db, actor, date(2026, 11, 1), date(2026, 11, 30))
    stats.by_reason[TerminationReason.REUNIFIED]       # terminations in the period, per reason
    stats.by_condition[FollowUpCondition.STABLE]       # follow-ups done in the period
    stats.latest_condition[FollowUpCondition.STABLE]   # people, by their latest follow-up
    stats.closed_by_outcome[AftercareOutcome.SUCCESSFUL]

Every dictionary has every member of its enumeration (zero when none), in the enumeration's order.
Both ends of the period are included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import Admission, FollowUp
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.enums import (
    AftercareOutcome,
    AftercareStatus,
    FollowUpCondition,
    TerminationReason,
)
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.services.context import requires


@dataclass(frozen=True)
class OutcomeStats:
    start: date
    end: date
    terminations: int
    by_reason: dict[TerminationReason, int]
    into_aftercare: int  # of the terminations: moved on to bimbingan lanjut
    follow_ups_done: int
    by_condition: dict[FollowUpCondition, int]  # follow-ups done in the period
    people_followed: int  # distinct stays with a follow-up done in the period
    latest_condition: dict[FollowUpCondition, int]  # each of those by their latest follow-up
    follow_ups_missed: int  # due in the period, not done by its end, aftercare still running
    aftercare_closed: int
    closed_by_outcome: dict[AftercareOutcome, int]


def _full(enum_cls, pairs) -> dict:
    counts = {member: 0 for member in enum_cls}
    for code, n in pairs:
        if code is not None:
            counts[enum_cls(code)] += int(n)
    return counts


@requires(Action.REINTEGRATION_VIEW)
def outcomes(db: Database, actor: Actor, start: date, end: date) -> OutcomeStats:
    if start is None or end is None or start > end:
        raise ValidationError(_("The period's start must be on or before its end."))
    ended = Admission.terminated_on.between(start, end)
    done = FollowUp.done_on.between(start, end)
    with db.read() as session:
        by_reason = _full(TerminationReason, session.execute(
            sa.select(Admission.termination_reason, sa.func.count())
            .where(ended).group_by(Admission.termination_reason)
        ))
        into_aftercare = session.execute(
            sa.select(sa.func.count()).select_from(Admission)
            .where(ended, Admission.aftercare_status != AftercareStatus.NONE)
        ).scalar_one()
        by_condition = _full(FollowUpCondition, session.execute(
            sa.select(FollowUp.condition, sa.func.count()).where(done).group_by(FollowUp.condition)
        ))
        ranked = (
            sa.select(
                FollowUp.condition,
                sa.func.row_number().over(
                    partition_by=FollowUp.admission_id,
                    order_by=(FollowUp.done_on.desc(), FollowUp.id.desc()),
                ).label("rank"),
            )
            .where(done)
            .subquery()
        )
        latest = _full(FollowUpCondition, session.execute(
            sa.select(ranked.c.condition, sa.func.count())
            .where(ranked.c.rank == 1).group_by(ranked.c.condition)
        ))
        missed = session.execute(
            sa.select(sa.func.count()).select_from(FollowUp)
            .join(Admission, Admission.id == FollowUp.admission_id)
            .where(
                FollowUp.due_on.between(start, end),
                sa.or_(FollowUp.done_on.is_(None), FollowUp.done_on > end),
                sa.or_(Admission.aftercare_closed_on.is_(None),
                       Admission.aftercare_closed_on > end),
            )
        ).scalar_one()
        closed = _full(AftercareOutcome, session.execute(
            sa.select(Admission.aftercare_outcome, sa.func.count())
            .where(Admission.aftercare_closed_on.between(start, end))
            .group_by(Admission.aftercare_outcome)
        ))
    return OutcomeStats(
        start=start,
        end=end,
        terminations=sum(by_reason.values()),
        by_reason=by_reason,
        into_aftercare=into_aftercare,
        follow_ups_done=sum(by_condition.values()),
        by_condition=by_condition,
        people_followed=sum(latest.values()),
        latest_condition=latest,
        follow_ups_missed=missed,
        aftercare_closed=sum(closed.values()),
        closed_by_outcome=closed,
    )
