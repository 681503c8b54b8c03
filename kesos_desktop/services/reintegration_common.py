"""Helpers shared by the reintegration, termination and aftercare services (no entry points).

They take the caller's session, so the checks run inside the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kesos_desktop.db.models import Admission, Resident, Room, User
from kesos_desktop.domain.enums import AftercareStatus, Stage, TerminationReason
from kesos_desktop.domain.errors import NotFoundError, ValidationError
from kesos_desktop.i18n import _, format_date


@dataclass(frozen=True)
class StayInfo:
    """One stay as the reintegration screens show it in their header."""

    admission_id: int
    resident_id: int
    reg_no: str
    name: str
    stage: Stage
    admitted_on: date
    room_name: str | None
    case_manager: str | None
    terminated_on: date | None
    termination_reason: TerminationReason | None
    aftercare_status: AftercareStatus
    version: int  # of the admission, for expected_version on termination

    @property
    def in_facility(self) -> bool:
        return self.terminated_on is None


@dataclass(frozen=True)
class Worker:
    id: int
    full_name: str


def load_stay(session: Session, admission_id: int, for_update: bool = False) -> Admission:
    admission = session.get(Admission, admission_id, with_for_update=for_update or None)
    if admission is None:
        raise NotFoundError(_("This stay was not found (it may have been removed)."))
    return admission


def resident_name(session: Session, admission: Admission) -> str:
    return session.execute(
        sa.select(Resident.name).where(Resident.id == admission.resident_id)
    ).scalar_one()


def user_name(session: Session, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    return session.execute(sa.select(User.full_name).where(User.id == user_id)).scalar_one_or_none()


def check_worker(session: Session, user_id: int | None, field: str) -> None:
    if user_id is None:
        return
    active = session.execute(sa.select(User.active).where(User.id == user_id)).scalar_one_or_none()
    if not active:
        message = _("Choose an active worker from the list.")
        raise ValidationError(message, {field: message})


def stay_info(session: Session, admission: Admission) -> StayInfo:
    resident = session.get(Resident, admission.resident_id)
    room = session.get(Room, admission.room_id) if admission.room_id else None
    return StayInfo(
        admission_id=admission.id,
        resident_id=admission.resident_id,
        reg_no=resident.reg_no,
        name=resident.name,
        stage=Stage(admission.stage),
        admitted_on=admission.admitted_on,
        room_name=room.name if room else None,
        case_manager=user_name(session, admission.case_manager_id),
        terminated_on=admission.terminated_on,
        termination_reason=(
            TerminationReason(admission.termination_reason) if admission.termination_reason else None
        ),
        aftercare_status=AftercareStatus(admission.aftercare_status),
        version=admission.version,
    )


def date_problem(
    value: date | None,
    admission: Admission,
    today: date,
    *,
    required: bool = True,
    not_after_termination: bool = True,
) -> str | None:
    """Why ``value`` cannot be a date of something that happened during this stay, or None."""
    if value is None:
        return _("Enter the date.") if required else None
    if value > today:
        return _("The date cannot be in the future (today is {today}).").format(
            today=format_date(today)
        )
    if value < admission.admitted_on:
        return _("The date is before the stay began ({date}).").format(
            date=format_date(admission.admitted_on)
        )
    if not_after_termination and admission.terminated_on and value > admission.terminated_on:
        return _("The date is after the stay ended ({date}).").format(
            date=format_date(admission.terminated_on)
        )
    return None


def clean(text: str | None) -> str | None:
    """Stripped text, or None when blank."""
    if text is None:
        return None
    text = text.strip()
    return text or None


def invalid(errors: dict[str, str]) -> ValidationError:
    """The error to raise for ``errors``: with one problem, its own message says it all."""
    if len(errors) == 1:
        return ValidationError(next(iter(errors.values())), errors)
    return ValidationError(_("Please correct the marked fields."), errors)
