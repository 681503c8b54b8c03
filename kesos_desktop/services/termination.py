"""Termination (terminasi): the end of a stay, the handover, and what comes after.

Terminating ends the stay, frees the bed (closes the open room assignment), records the move to
"terminasi" in the stage history and then either moves the person on to bimbingan lanjut (with
follow-ups planned from the facility's schedule) or closes the case (death, leaving without
permission, or by choice). The stay's history stays intact, so a person who left can be admitted
again later as a new stay; ``previous_outcome`` tells the intake screen how the last stay ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import (
    Admission,
    FacilityProfile,
    FollowUp,
    Resident,
    ResidentCategory,
    Room,
    RoomAssignment,
    StageChange,
)
from kesos_desktop.domain.dto import Actor, Changes, FacilityProfileDTO
from kesos_desktop.domain.enums import (
    AftercareOutcome,
    AftercareStatus,
    FollowUpCondition,
    PpksCategory,
    Sex,
    Stage,
    TerminationReason,
)
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.validation import mask_nik
from kesos_desktop.i18n import _, format_date
from kesos_desktop.services import aftercare, audit
from kesos_desktop.services.common import check_version
from kesos_desktop.services.context import requires
from kesos_desktop.services.reintegration_common import (
    clean,
    invalid,
    load_stay,
    resident_name,
    user_name,
)
from kesos_desktop.services.stages import apply_stage_change

#: Reasons after which nobody can be followed up.
NO_AFTERCARE = frozenset({TerminationReason.DIED})
#: Reasons whose default is to close the case rather than start aftercare.
CLOSE_BY_DEFAULT = frozenset({TerminationReason.DIED, TerminationReason.ABSCONDED})
#: Reasons where someone receives the person: the berita acara needs their name and relationship.
HANDOVER_REQUIRED = frozenset({TerminationReason.REUNIFIED, TerminationReason.REFERRED})

_LIMITS = {
    "destination": 400, "received_by": 150, "relationship": 60, "id_number": 40,
    "witness": 150, "witness2": 150,
}


def aftercare_by_default(reason: TerminationReason | None) -> bool:
    return reason is not None and reason not in CLOSE_BY_DEFAULT


@dataclass(frozen=True)
class HandoverDetails:
    """Where the person went and who received them (berita acara serah terima)."""

    destination: str | None = None
    notes: str | None = None
    received_by: str | None = None
    relationship: str | None = None
    id_number: str | None = None
    witness: str | None = None
    witness2: str | None = None


@dataclass(frozen=True)
class TerminationInput:
    terminated_on: date | None
    reason: TerminationReason | None
    handover: HandoverDetails = HandoverDetails()
    #: True: start bimbingan lanjut; False: close the case; None: the reason's default.
    aftercare: bool | None = None


@dataclass(frozen=True)
class TerminationResult:
    admission_id: int
    name: str
    terminated_on: date
    reason: TerminationReason
    stage: Stage
    aftercare_status: AftercareStatus
    follow_up_dates: tuple[date, ...]
    freed_room: str | None


@dataclass(frozen=True)
class PreviousOutcome:
    """How a person's last finished stay ended, for the intake screen at readmission."""

    admission_id: int
    admitted_on: date
    terminated_on: date
    reason: TerminationReason
    destination: str | None
    aftercare_status: AftercareStatus
    aftercare_outcome: AftercareOutcome | None
    aftercare_closed_on: date | None
    last_condition: FollowUpCondition | None
    last_follow_up_on: date | None
    earlier_stays: int  # finished stays before this person's current one, this one included


@dataclass(frozen=True)
class HandoverData:
    """Everything the berita acara serah terima needs (the PDF builder formats it)."""

    facility: FacilityProfileDTO
    admission_id: int
    reg_no: str
    name: str
    alias: str | None
    nik: str | None
    sex: Sex
    birth_place: str | None
    birth_date: date | None
    birth_year_estimated: int | None
    address: str | None
    categories: tuple[PpksCategory, ...]
    admitted_on: date
    terminated_on: date
    reason: TerminationReason
    destination: str | None
    received_by: str | None
    relationship: str | None
    id_number: str | None
    witness: str | None
    witness2: str | None
    case_manager: str | None
    notes: str | None


# ----------------------------------------------------------------------------- validation


def _handover_errors(handover: HandoverDetails, reason: TerminationReason | None) -> dict:
    errors = {}
    for key, limit in _LIMITS.items():
        value = clean(getattr(handover, key))
        if value and len(value) > limit:
            errors[key] = _("Too long (at most {n} characters).").format(n=limit)
    if reason in HANDOVER_REQUIRED:
        if not clean(handover.received_by):
            errors["received_by"] = _("Enter who received the person (for the handover record).")
        if not clean(handover.relationship):
            errors["relationship"] = _("Enter their relationship to the person or their office.")
    return errors


def _validate(session, admission: Admission, data: TerminationInput, today: date) -> dict:
    errors = {}
    when = data.terminated_on
    if when is None:
        errors["terminated_on"] = _("Enter the termination date.")
    elif when > today:
        errors["terminated_on"] = _("The termination date cannot be in the future (today is {today}).").format(
            today=format_date(today)
        )
    elif when < admission.admitted_on:
        errors["terminated_on"] = _(
            "The termination date is before the admission ({date})."
        ).format(date=format_date(admission.admitted_on))
    else:
        later_move = session.execute(
            sa.select(sa.func.max(RoomAssignment.from_date)).where(
                RoomAssignment.admission_id == admission.id, RoomAssignment.from_date > when
            )
        ).scalar()
        later_stage = session.execute(
            sa.select(sa.func.max(StageChange.changed_on)).where(
                StageChange.admission_id == admission.id, StageChange.changed_on > when
            )
        ).scalar()
        if later_move or later_stage:
            errors["terminated_on"] = _(
                "The stay has entries after this date (a room move or stage change on {date}). "
                "The termination date must be on or after them."
            ).format(date=format_date(max(d for d in (later_move, later_stage) if d)))
    if data.reason is None:
        errors["reason"] = _("Choose the reason for termination.")
    if data.aftercare and data.reason in NO_AFTERCARE:
        errors["aftercare"] = _("No aftercare is possible after a death; the case is closed.")
    errors.update(_handover_errors(data.handover, data.reason))
    return errors


def _apply_handover(admission: Admission, handover: HandoverDetails) -> None:
    admission.termination_destination = clean(handover.destination)
    admission.termination_notes = clean(handover.notes)
    admission.handover_received_by = clean(handover.received_by)
    admission.handover_relationship = clean(handover.relationship)
    admission.handover_id_number = clean(handover.id_number)
    admission.handover_witness = clean(handover.witness)
    admission.handover_witness2 = clean(handover.witness2)


def _handover_audit(admission: Admission) -> dict:
    """Which handover fields are filled (names of private people are not copied into the log)."""
    return {
        "destination": bool(admission.termination_destination),
        "received_by": bool(admission.handover_received_by),
        "id_number": mask_nik(admission.handover_id_number),
        "witnesses": sum(1 for w in (admission.handover_witness, admission.handover_witness2) if w),
    }


# ----------------------------------------------------------------------------- entry points


@requires(Action.TERMINATE)
def terminate(
    db: Database,
    actor: Actor,
    admission_id: int,
    data: TerminationInput,
    expected_version: int | None = None,
    today: date | None = None,
) -> tuple[TerminationResult, Changes]:
    """End a stay. All or nothing: one transaction, audited."""
    today = today or date.today()
    with db.write() as session:
        admission = load_stay(session, admission_id, for_update=True)
        name = resident_name(session, admission)
        if admission.terminated_on is not None:
            raise ValidationError(
                _("{name} was already terminated on {date} ({reason}).").format(
                    name=name, date=format_date(admission.terminated_on),
                    reason=TerminationReason(admission.termination_reason).label,
                )
            )
        check_version(admission, expected_version)
        if errors := _validate(session, admission, data, today):
            raise invalid(errors)
        reason = TerminationReason(data.reason)
        with_aftercare = aftercare_by_default(reason) if data.aftercare is None else data.aftercare
        when = data.terminated_on

        # the bed
        freed_room = None
        if admission.room_id is not None:
            freed_room = session.execute(
                sa.select(Room.name).where(Room.id == admission.room_id)
            ).scalar()
        session.execute(
            sa.update(RoomAssignment)
            .where(RoomAssignment.admission_id == admission.id, RoomAssignment.until_date.is_(None))
            .values(until_date=when)
        )
        admission.room_id = None

        # the stay and its stage history
        admission.terminated_on = when
        admission.termination_reason = reason
        _apply_handover(admission, data.handover)
        previous_stage = Stage(admission.stage)
        # the stage history through the residents area's one path for stage moves
        if previous_stage != Stage.TERMINATION:
            apply_stage_change(session, actor, admission, Stage.TERMINATION, when)
        dates: list[date] = []
        if with_aftercare:
            apply_stage_change(session, actor, admission, Stage.AFTERCARE, when)
            admission.aftercare_status = AftercareStatus.ACTIVE
        else:
            admission.aftercare_status = AftercareStatus.NONE
        admission.updated_by = actor.username
        session.flush()
        if with_aftercare:
            dates = aftercare.plan_follow_ups(session, actor, admission)
        audit.record(session, actor, "terminate", "admission", admission.id, {
            "terminated_on": when, "reason": reason, "from_stage": previous_stage,
            "aftercare": with_aftercare, "follow_ups": len(dates), "room_freed": freed_room,
            **_handover_audit(admission),
        })
        result = TerminationResult(
            admission.id, name, when, reason, Stage(admission.stage),
            AftercareStatus(admission.aftercare_status), tuple(dates), freed_room,
        )
    return result, Changes.of("admission", "room", "stage", "reintegration", "follow_up")


@requires(Action.TERMINATE)
def update_handover(
    db: Database,
    actor: Actor,
    admission_id: int,
    handover: HandoverDetails,
    expected_version: int | None = None,
) -> Changes:
    """Correct the destination, notes or handover details of a terminated stay."""
    with db.write() as session:
        admission = load_stay(session, admission_id, for_update=True)
        if admission.terminated_on is None:
            raise ValidationError(
                _("{name} has not been terminated yet.").format(
                    name=resident_name(session, admission))
            )
        check_version(admission, expected_version)
        reason = TerminationReason(admission.termination_reason)
        if errors := _handover_errors(handover, reason):
            raise invalid(errors)
        before = _handover_audit(admission)
        _apply_handover(admission, handover)
        admission.updated_by = actor.username
        session.flush()
        audit.record(session, actor, "update_handover", "admission", admission.id,
                     audit.diff(before, _handover_audit(admission)) or {"text": "changed"})
    return Changes.of("admission")


def _facility(session) -> FacilityProfileDTO:
    profile = session.get(FacilityProfile, 1)
    if profile is None:
        return FacilityProfileDTO(name="")
    fields = [f for f in FacilityProfileDTO.__dataclass_fields__ if f != "version"]
    return FacilityProfileDTO(**{f: getattr(profile, f) for f in fields}, version=profile.version)


@requires(Action.REINTEGRATION_VIEW)
def handover_data(db: Database, actor: Actor, admission_id: int) -> HandoverData:
    """The contents of the berita acara serah terima of a terminated stay."""
    with db.read() as session:
        admission = load_stay(session, admission_id)
        if admission.terminated_on is None:
            raise ValidationError(
                _("{name} has not been terminated yet.").format(
                    name=resident_name(session, admission))
            )
        resident = session.get(Resident, admission.resident_id)
        categories = session.execute(
            sa.select(ResidentCategory.category).where(ResidentCategory.resident_id == resident.id)
        ).scalars()
        address = ", ".join(
            part for part in (resident.address, resident.village, resident.district,
                              resident.city, resident.province) if part
        )
        return HandoverData(
            facility=_facility(session),
            admission_id=admission.id,
            reg_no=resident.reg_no,
            name=resident.name,
            alias=resident.alias,
            nik=resident.nik,
            sex=Sex(resident.sex),
            birth_place=resident.birth_place,
            birth_date=resident.birth_date,
            birth_year_estimated=resident.birth_year_estimated,
            address=address or None,
            categories=tuple(sorted((PpksCategory(c) for c in categories), key=list(PpksCategory).index)),
            admitted_on=admission.admitted_on,
            terminated_on=admission.terminated_on,
            reason=TerminationReason(admission.termination_reason),
            destination=admission.termination_destination,
            received_by=admission.handover_received_by,
            relationship=admission.handover_relationship,
            id_number=admission.handover_id_number,
            witness=admission.handover_witness,
            witness2=admission.handover_witness2,
            case_manager=user_name(session, admission.case_manager_id),
            notes=admission.termination_notes,
        )


@requires(Action.REINTEGRATION_VIEW)
def previous_outcome(db: Database, actor: Actor, resident_id: int) -> PreviousOutcome | None:
    """How the person's most recent finished stay ended, or None if they never left."""
    with db.read() as session:
        finished = session.execute(
            sa.select(Admission)
            .where(Admission.resident_id == resident_id, Admission.terminated_on.is_not(None))
            .order_by(Admission.terminated_on.desc(), Admission.id.desc())
        ).scalars().all()
        if not finished:
            return None
        last = finished[0]
        follow_up = session.execute(
            sa.select(FollowUp.done_on, FollowUp.condition)
            .where(FollowUp.admission_id == last.id, FollowUp.done_on.is_not(None))
            .order_by(FollowUp.done_on.desc(), FollowUp.id.desc())
            .limit(1)
        ).first()
        return PreviousOutcome(
            admission_id=last.id,
            admitted_on=last.admitted_on,
            terminated_on=last.terminated_on,
            reason=TerminationReason(last.termination_reason),
            destination=last.termination_destination,
            aftercare_status=AftercareStatus(last.aftercare_status),
            aftercare_outcome=(
                AftercareOutcome(last.aftercare_outcome) if last.aftercare_outcome else None
            ),
            aftercare_closed_on=last.aftercare_closed_on,
            last_condition=FollowUpCondition(follow_up[1]) if follow_up else None,
            last_follow_up_on=follow_up[0] if follow_up else None,
            earlier_stays=len(finished),
        )


def describe_previous_outcome(outcome: PreviousOutcome) -> str:
    """One or two plain sentences for the readmission screen."""
    text = _("Previous stay {start} to {end}: {reason}.").format(
        start=format_date(outcome.admitted_on), end=format_date(outcome.terminated_on),
        reason=outcome.reason.label,
    )
    if outcome.aftercare_status == AftercareStatus.CLOSED and outcome.aftercare_outcome:
        text += " " + _("Aftercare closed on {date}: {outcome}.").format(
            date=format_date(outcome.aftercare_closed_on), outcome=outcome.aftercare_outcome.label
        )
    elif outcome.aftercare_status == AftercareStatus.ACTIVE:
        text += " " + _("Aftercare is still running.")
    else:
        text += " " + _("The case was closed without aftercare.")
    if outcome.last_condition:
        text += " " + _("Last follow-up {date}: {condition}.").format(
            date=format_date(outcome.last_follow_up_on), condition=outcome.last_condition.label
        )
    if outcome.earlier_stays > 1:
        text += " " + _("{n} earlier stays in all.").format(n=outcome.earlier_stays)
    return text

