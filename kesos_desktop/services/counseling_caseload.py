"""The counselor's lists: my caseload, who is overdue for a session, who waits for an assessment.
Also the resident picker for counseling (current stays by name). Metadata only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from kesos_desktop.db.models import (
    Admission,
    Assessment,
    CounselingSession,
    InterventionPlan,
    Resident,
    SessionParticipant,
    StageChange,
)
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.enums import CounselingStatus, Stage
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.services import audit
from kesos_desktop.services.common import get_setting, put_setting
from kesos_desktop.services.context import requires
from kesos_desktop.services.counseling_common import chunks, stay_ref, stays_select
from kesos_desktop.services.counseling_dto import AssessmentDueRow, CaseloadRow, StayRef

ASSESSMENT_DUE_SETTING = "counseling.assessment_due_days"
ASSESSMENT_DUE_DEFAULT = 14


def _open_stays(session: Session, where=None) -> list[StayRef]:
    query = stays_select().where(Admission.terminated_on.is_(None))
    if where is not None:
        query = query.where(where)
    return [stay_ref(r) for r in session.execute(query.order_by(Resident.name, Admission.id))]


@requires(Action.RESIDENT_VIEW)
def find_stays(
    db, actor: Actor, text: str = "", current_only: bool = True, limit: int = 50
) -> list[StayRef]:
    """Stays whose person's name, alias or registration number contains ``text``."""
    words = " ".join((text or "").split()).lower()
    with db.read() as session:
        query = stays_select()
        if current_only:
            query = query.where(Admission.terminated_on.is_(None))
        if words:
            pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            query = query.where(sa.or_(
                sa.func.lower(Resident.name).like(pattern, escape="\\"),
                sa.func.lower(sa.func.coalesce(Resident.alias, "")).like(pattern, escape="\\"),
                sa.func.lower(Resident.reg_no).like(pattern, escape="\\"),
            ))
        query = query.order_by(Resident.name, Admission.admitted_on.desc()).limit(max(1, min(limit, 500)))
        return [stay_ref(r) for r in session.execute(query)]


@requires(Action.RESIDENT_VIEW)
def get_stay(db, actor: Actor, admission_id: int) -> StayRef | None:
    with db.read() as session:
        row = session.execute(stays_select().where(Admission.id == admission_id)).first()
        return stay_ref(row) if row else None


def _session_dates(session: Session, admission_ids: Sequence[int]):
    """admission id -> (last done date, next date: earliest planned or the agreed next date)."""
    sessions: dict[int, list] = defaultdict(list)
    for part in chunks(list(admission_ids)):
        for row in session.execute(
            sa.select(SessionParticipant.admission_id, CounselingSession.held_on, CounselingSession.id,
                      CounselingSession.status, CounselingSession.next_session_on)
            .join(CounselingSession, CounselingSession.id == SessionParticipant.session_id)
            .where(SessionParticipant.admission_id.in_(part),
                   CounselingSession.status != CounselingStatus.CANCELLED)
        ):
            sessions[row[0]].append(row)
    result = {}
    for admission_id, rows in sessions.items():
        done = sorted((r for r in rows if r.status == CounselingStatus.DONE),
                      key=lambda r: (r.held_on, r.id))
        planned = [r.held_on for r in rows if r.status == CounselingStatus.PLANNED]
        last = done[-1] if done else None
        if planned:
            upcoming = min(planned)
        else:
            upcoming = last.next_session_on if last else None
        result[admission_id] = (last.held_on if last else None, upcoming)
    return result


def _rows(session: Session, stays: list[StayRef], today: date) -> list[CaseloadRow]:
    ids = [s.admission_id for s in stays]
    dates = _session_dates(session, ids)
    assessed: set[int] = set()
    plans: dict[int, int] = {}
    for part in chunks(ids):
        assessed |= set(session.execute(
            sa.select(Assessment.admission_id).where(Assessment.admission_id.in_(part)).distinct()
        ).scalars())
        plans.update(session.execute(
            sa.select(InterventionPlan.admission_id, sa.func.max(InterventionPlan.plan_version))
            .where(InterventionPlan.admission_id.in_(part))
            .group_by(InterventionPlan.admission_id)
        ).all())
    rows = []
    for stay in stays:
        last, upcoming = dates.get(stay.admission_id, (None, None))
        overdue = (today - upcoming).days if upcoming and upcoming < today else 0
        rows.append(CaseloadRow(stay, last, upcoming, overdue, stay.admission_id in assessed,
                                plans.get(stay.admission_id)))
    return rows


def _caseload_stays(session: Session, counselor_id: int) -> list[StayRef]:
    later = aliased(InterventionPlan)
    responsible = (
        sa.select(InterventionPlan.admission_id)
        .where(InterventionPlan.responsible_id == counselor_id)
        .where(~sa.exists().where(later.admission_id == InterventionPlan.admission_id,
                                  later.plan_version > InterventionPlan.plan_version))
    )
    return _open_stays(session, sa.or_(Admission.case_manager_id == counselor_id,
                                       Admission.id.in_(responsible)))


@requires(Action.COUNSELING_VIEW)
def my_caseload(
    db, actor: Actor, counselor_id: int | None = None, today: date | None = None
) -> list[CaseloadRow]:
    """Current stays where the counselor is case manager or responsible for the current plan."""
    today = today or date.today()
    with db.read() as session:
        return _rows(session, _caseload_stays(session, counselor_id or actor.id), today)


@requires(Action.COUNSELING_VIEW)
def overdue_sessions(
    db, actor: Actor, counselor_id: int | None = None, today: date | None = None
) -> list[CaseloadRow]:
    """Current stays whose next session date has passed (planned and not held, or agreed and
    not planned), most overdue first; ``counselor_id`` limits to that counselor's caseload."""
    today = today or date.today()
    with db.read() as session:
        stays = _caseload_stays(session, counselor_id) if counselor_id else _open_stays(session)
        rows = [r for r in _rows(session, stays, today) if r.overdue_days > 0]
    return sorted(rows, key=lambda r: (-r.overdue_days, r.stay.name))


def _due_days(session: Session) -> int:
    value = get_setting(session, ASSESSMENT_DUE_SETTING, ASSESSMENT_DUE_DEFAULT)
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return ASSESSMENT_DUE_DEFAULT


@requires(Action.COUNSELING_VIEW)
def assessment_due_days(db, actor: Actor) -> int:
    with db.read() as session:
        return _due_days(session)


@requires(Action.SETTINGS_EDIT)
def set_assessment_due_days(db, actor: Actor, days: int) -> Changes:
    if not isinstance(days, int) or not 1 <= days <= 365:
        raise ValidationError(_("Give a number of days between 1 and 365."),
                              {"days": _("Give a number of days between 1 and 365.")})
    with db.write() as session:
        before = _due_days(session)
        put_setting(session, ASSESSMENT_DUE_SETTING, days)
        audit.record(session, actor, "update", "setting", ASSESSMENT_DUE_SETTING,
                     {"value": [before, days]})
    return Changes.of("setting")


@requires(Action.COUNSELING_VIEW)
def assessment_overdue(
    db, actor: Actor, counselor_id: int | None = None, today: date | None = None
) -> list[AssessmentDueRow]:
    """Current stays in the asesmen stage for more than N days (facility setting, default 14)
    without any assessment, longest waiting first."""
    today = today or date.today()
    with db.read() as session:
        limit = _due_days(session)
        no_assessment = ~sa.exists().where(Assessment.admission_id == Admission.id)
        where = sa.and_(Admission.stage == Stage.ASSESSMENT, no_assessment)
        if counselor_id:
            where = sa.and_(where, Admission.case_manager_id == counselor_id)
        stays = _open_stays(session, where)
        since: dict[int, date] = {}
        for part in chunks([s.admission_id for s in stays]):
            since.update(session.execute(
                sa.select(StageChange.admission_id, sa.func.max(StageChange.changed_on))
                .where(StageChange.admission_id.in_(part), StageChange.to_stage == Stage.ASSESSMENT)
                .group_by(StageChange.admission_id)
            ).all())
    rows = []
    for stay in stays:
        start = since.get(stay.admission_id) or stay.admitted_on
        days = (today - start).days
        if days > limit:
            rows.append(AssessmentDueRow(stay, start, days))
    return sorted(rows, key=lambda r: (-r.days_waiting, r.stay.name))
