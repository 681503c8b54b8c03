"""This area on a person's timeline: counseling sessions, assessments, plan versions and case
conferences. That something happened, when, of which kind and by whom: never what was written
(no topic, no note, no narrative, no decisions). Deliberately outside the modules that may read
confidential text, so the path scan checks that it stays that way."""

from __future__ import annotations

from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kesos_desktop.db.models import (
    Assessment,
    AssessmentScore,
    CaseConference,
    ConferenceAttendee,
    CounselingSession,
    InterventionPlan,
    PlanGoal,
    SessionParticipant,
)
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.enums import CounselingStatus, CounselingType
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.resident_dto import TimelineEvent
from kesos_desktop.i18n import _, ngettext
from kesos_desktop.services.resident_common import stays_of, user_names
from kesos_desktop.services.timeline import timeline_provider


@timeline_provider
def counseling_sessions(session: Session, actor: Actor, resident_id: int) -> list[TimelineEvent]:
    """Sessions held or planned (not cancelled): date, type and counselor."""
    if not actor.can(Action.COUNSELING_VIEW):
        return []
    rows = session.execute(
        sa.select(CounselingSession.id, CounselingSession.held_on, CounselingSession.start_time,
                  CounselingSession.session_type, CounselingSession.status,
                  CounselingSession.counselor_id, SessionParticipant.admission_id)
        .join(SessionParticipant, SessionParticipant.session_id == CounselingSession.id)
        .where(SessionParticipant.admission_id.in_(stays_of(resident_id)),
               CounselingSession.status != CounselingStatus.CANCELLED)
    ).all()
    names = user_names(session, (r.counselor_id for r in rows))
    return [
        TimelineEvent(
            r.held_on, "counseling",
            _("Counseling: {type}").format(type=CounselingType(r.session_type).label),
            CounselingStatus(r.status).label, names.get(r.counselor_id), r.admission_id,
            datetime.combine(r.held_on, r.start_time or time(12)),
        )
        for r in rows
    ]


@timeline_provider
def assessments(session: Session, actor: Actor, resident_id: int) -> list[TimelineEvent]:
    """Assessments: date, assessor and the average score (never the narratives)."""
    if not actor.can(Action.ASSESSMENT_VIEW):
        return []
    rows = session.execute(
        sa.select(Assessment.id, Assessment.assessed_on, Assessment.assessor_id,
                  Assessment.admission_id, sa.func.avg(AssessmentScore.score))
        .join(AssessmentScore, AssessmentScore.assessment_id == Assessment.id)
        .where(Assessment.admission_id.in_(stays_of(resident_id)))
        .group_by(Assessment.id, Assessment.assessed_on, Assessment.assessor_id, Assessment.admission_id)
    ).all()
    names = user_names(session, (r[2] for r in rows))
    return [
        TimelineEvent(r[1], "assessment", _("Assessment"),
                      _("Average score {score:.1f} of 5").format(score=float(r[4] or 0)),
                      names.get(r[2]), r[3])
        for r in rows
    ]


@timeline_provider
def plan_versions(session: Session, actor: Actor, resident_id: int) -> list[TimelineEvent]:
    """Each version of the intervention plan: date, version, number of goals, responsible."""
    if not actor.can(Action.PLAN_VIEW):
        return []
    rows = session.execute(
        sa.select(InterventionPlan.id, InterventionPlan.drawn_up_on, InterventionPlan.plan_version,
                  InterventionPlan.responsible_id, InterventionPlan.admission_id,
                  sa.func.count(PlanGoal.id))
        .outerjoin(PlanGoal, PlanGoal.plan_id == InterventionPlan.id)
        .where(InterventionPlan.admission_id.in_(stays_of(resident_id)))
        .group_by(InterventionPlan.id, InterventionPlan.drawn_up_on, InterventionPlan.plan_version,
                  InterventionPlan.responsible_id, InterventionPlan.admission_id)
    ).all()
    names = user_names(session, (r[3] for r in rows))
    return [
        TimelineEvent(r[1], "plan",
                      _("Intervention plan, version {n}").format(n=r[2]),
                      ngettext("{n} goal", "{n} goals", r[5]).format(n=r[5]), names.get(r[3]), r[4])
        for r in rows
    ]


@timeline_provider
def case_conferences(session: Session, actor: Actor, resident_id: int) -> list[TimelineEvent]:
    """Case conferences: date, who led, how many attended."""
    if not actor.can(Action.COUNSELING_VIEW):
        return []
    rows = session.execute(
        sa.select(CaseConference.id, CaseConference.held_on, CaseConference.led_by_id,
                  CaseConference.admission_id, sa.func.count(ConferenceAttendee.user_id))
        .outerjoin(ConferenceAttendee, ConferenceAttendee.conference_id == CaseConference.id)
        .where(CaseConference.admission_id.in_(stays_of(resident_id)))
        .group_by(CaseConference.id, CaseConference.held_on, CaseConference.led_by_id,
                  CaseConference.admission_id)
    ).all()
    names = user_names(session, (r[2] for r in rows))
    return [
        TimelineEvent(r[1], "conference", _("Case conference"),
                      ngettext("{n} attended", "{n} attended", r[4]).format(n=r[4]),
                      names.get(r[2]), r[3])
        for r in rows
    ]
