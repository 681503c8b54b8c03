"""Training on a person's timeline: enrolled, stopped (with the reason), completed (with the
certificate number). Registered in ``services.timeline.PROVIDER_MODULES``."""

from __future__ import annotations

from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kesos_desktop.db.models import Admission, Enrollment, TrainingProgram
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.enums import EnrollmentStatus
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.resident_dto import TimelineEvent
from kesos_desktop.i18n import _
from kesos_desktop.services.timeline import timeline_provider


@timeline_provider
def trainings(session: Session, actor: Actor, resident_id: int) -> list[TimelineEvent]:
    if not actor.can(Action.TRAINING_VIEW):
        return []
    rows = session.execute(
        sa.select(Enrollment, TrainingProgram.name, TrainingProgram.skill_category)
        .join(Admission, Admission.id == Enrollment.admission_id)
        .join(TrainingProgram, TrainingProgram.id == Enrollment.program_id)
        .where(Admission.resident_id == resident_id)
    ).all()
    events = []
    for enrollment, program, skill in rows:
        events.append(TimelineEvent(
            enrollment.enrolled_on, "training",
            _("Enrolled in training: {program}").format(program=program), skill.label,
            admission_id=enrollment.admission_id, at=enrollment.created_at,
        ))
        if enrollment.status == EnrollmentStatus.COMPLETED and enrollment.completed_on:
            events.append(TimelineEvent(
                enrollment.completed_on, "training",
                _("Completed training: {program}").format(program=program),
                _("Certificate {number}").format(number=enrollment.certificate_no or "-"),
                admission_id=enrollment.admission_id,
                at=datetime.combine(enrollment.completed_on, time.max),
            ))
        elif enrollment.status == EnrollmentStatus.STOPPED:
            # no stop date of its own: the last change of a stopped enrollment is the stop
            events.append(TimelineEvent(
                enrollment.updated_at.date(), "training",
                _("Stopped training: {program}").format(program=program),
                enrollment.stop_reason or "", enrollment.updated_by,
                admission_id=enrollment.admission_id, at=enrollment.updated_at,
            ))
    return events
