"""The eight tahapan of a stay: moved forward or back with a date, a note and the acting user.

Every move is a ``StageChange`` row (full history). Termination is not a plain stage move: it
needs a reason and a handover, so it is done by the termination service, which records its
stage change through ``apply_stage_change`` in its own transaction. Aftercare follows a
termination.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import Admission, StageChange
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.enums import Stage
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.resident_dto import StageChangeRow
from kesos_desktop.domain.resident_validation import clean_multiline, date_problem
from kesos_desktop.i18n import _
from kesos_desktop.services import audit
from kesos_desktop.services.common import check_version, get_or_404
from kesos_desktop.services.context import requires
from kesos_desktop.services.resident_common import user_names

#: stages reached only through the termination service (reason, handover) or after it
CLOSING_STAGES = frozenset({Stage.TERMINATION, Stage.AFTERCARE})


def last_change_date(session: Session, admission_id: int) -> date | None:
    return session.execute(
        sa.select(sa.func.max(StageChange.changed_on)).where(StageChange.admission_id == admission_id)
    ).scalar()


def apply_stage_change(session: Session, actor: Actor | None, admission: Admission,
                       to_stage: Stage, on: date, note: str | None = None) -> StageChange:
    """Record a stage move inside the caller's transaction (no permission or rule checks).

    For other services that change the stage as part of their own work (termination,
    aftercare). Writes the history row, updates the stay and the audit trail.
    """
    from_stage = Stage(admission.stage) if admission.stage else None
    change = StageChange(admission_id=admission.id, from_stage=from_stage, to_stage=to_stage,
                         changed_on=on, note=clean_multiline(note),
                         user_id=actor.id if actor else None)
    session.add(change)
    admission.stage = to_stage
    if actor is not None:
        admission.updated_by = actor.username
    session.flush()
    audit.record(session, actor, "stage", "admission", admission.id, {
        "resident_id": admission.resident_id,
        "stage": [str(from_stage) if from_stage else None, str(to_stage)], "on": on,
    })
    return change


def check_stage_change(session: Session, admission: Admission, to_stage: Stage, on: date,
                       today: date) -> dict[str, str]:
    errors: dict[str, str] = {}
    if to_stage == Stage(admission.stage):
        errors["to_stage"] = _("The stay is already at this stage.")
    elif to_stage == Stage.TERMINATION:
        errors["to_stage"] = _("To end a stay, use Terminate: it records the reason and the "
                               "handover.")
    elif to_stage == Stage.AFTERCARE and admission.terminated_on is None:
        errors["to_stage"] = _("Aftercare starts after the stay has been terminated.")
    elif admission.terminated_on is not None and to_stage != Stage.AFTERCARE:
        errors["to_stage"] = _("This stay has been terminated; only aftercare can follow. "
                               "For a new stay, use readmission.")
    if problem := date_problem(on, today, _("The date")):
        errors["on"] = problem
    elif on < admission.admitted_on:
        errors["on"] = _("The date cannot be before the admission ({date}).").format(
            date=admission.admitted_on.strftime("%d/%m/%Y"))
    else:
        last = last_change_date(session, admission.id)
        if last is not None and on < last:
            errors["on"] = _("The date cannot be before the previous stage change ({date}).").format(
                date=last.strftime("%d/%m/%Y"))
    return errors


@requires(Action.STAGE_CHANGE)
def change_stage(db: Database, actor: Actor, admission_id: int, to_stage: Stage, on: date,
                 note: str | None = None, expected_version: int | None = None,
                 today: date | None = None) -> Changes:
    """Move a stay to ``to_stage`` (forward or back) from ``on``."""
    with db.write() as session:
        admission = get_or_404(session, Admission, admission_id, _("The stay"))
        check_version(admission, expected_version)
        errors = check_stage_change(session, admission, Stage(to_stage), on, today or date.today())
        if note and len(note) > 4000:
            errors["note"] = _("At most {n} characters.").format(n=4000)
        if errors:
            raise ValidationError(_("Please correct the marked fields."), errors)
        apply_stage_change(session, actor, admission, Stage(to_stage), on, note)
    return Changes.of("admission", "stage")


@requires(Action.RESIDENT_VIEW)
def history(db: Database, actor: Actor, admission_id: int) -> list[StageChangeRow]:
    with db.read() as session:
        get_or_404(session, Admission, admission_id, _("The stay"))
        rows = session.execute(
            sa.select(StageChange).where(StageChange.admission_id == admission_id)
            .order_by(StageChange.id)
        ).scalars().all()
        names = user_names(session, [r.user_id for r in rows])
        return [StageChangeRow(r.id, Stage(r.from_stage) if r.from_stage else None,
                               Stage(r.to_stage), r.changed_on, r.note, names.get(r.user_id),
                               r.recorded_at) for r in rows]
