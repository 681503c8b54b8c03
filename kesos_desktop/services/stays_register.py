"""Riwayat tinggal: every stay (admission) with its dates, room, status and exit, for the register.

One row per stay, not per person: a person admitted twice appears twice, numbered 1 and 2.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import Admission, Resident, Room, RoomAssignment, User
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.enums import (
    AftercareStatus,
    Approach,
    ReferralSource,
    Sex,
    Stage,
    TerminationReason,
)
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.services.context import requires


@dataclass(frozen=True)
class StayRegisterRow:
    admission_id: int
    reg_no: str
    name: str
    sex: Sex
    stay_no: int  # 1 for the person's first stay, 2 for a readmission...
    admitted_on: date
    referral_source: ReferralSource
    approach: Approach
    stage: Stage
    room_name: str | None  # the current room, or the last one of a finished stay
    case_manager: str | None
    terminated_on: date | None
    termination_reason: TerminationReason | None
    destination: str | None
    aftercare_status: AftercareStatus

    @property
    def current(self) -> bool:
        return self.terminated_on is None

    def length_days(self, today: date) -> int:
        """Days in the facility: up to the exit, or up to ``today`` for a current stay."""
        return ((self.terminated_on or today) - self.admitted_on).days


def _last_rooms():
    """admission id -> room of its latest assignment (termination clears Admission.room_id)."""
    latest = (sa.select(RoomAssignment.admission_id, sa.func.max(RoomAssignment.id).label("id"))
              .group_by(RoomAssignment.admission_id).subquery())
    return (sa.select(latest.c.admission_id, Room.name.label("room_name"))
            .join(RoomAssignment, RoomAssignment.id == latest.c.id)
            .join(Room, Room.id == RoomAssignment.room_id).subquery())


@requires(Action.RESIDENT_VIEW)
def list_stays(db: Database, actor: Actor, date_from: date | None = None,
               date_to: date | None = None) -> list[StayRegisterRow]:
    """Stays that overlap the period (in the facility on at least one of its days), oldest
    admission first; without dates, every stay."""
    if date_from and date_to and date_from > date_to:
        raise ValidationError(_("The start of the period must not be after its end."),
                              {"date_to": _("The end must not be before the start.")})
    numbered = sa.select(
        Admission.id,
        sa.func.row_number().over(partition_by=Admission.resident_id,
                                  order_by=(Admission.admitted_on, Admission.id)).label("stay_no"),
    ).subquery()
    rooms = _last_rooms()
    query = (
        sa.select(Admission.id, Resident.reg_no, Resident.name, Resident.sex, numbered.c.stay_no,
                  Admission.admitted_on, Admission.referral_source, Admission.approach,
                  Admission.stage, rooms.c.room_name, User.full_name, Admission.terminated_on,
                  Admission.termination_reason, Admission.termination_destination,
                  Admission.aftercare_status)
        .join(Resident, Resident.id == Admission.resident_id)
        .join(numbered, numbered.c.id == Admission.id)
        .outerjoin(rooms, rooms.c.admission_id == Admission.id)
        .outerjoin(User, User.id == Admission.case_manager_id)
        .order_by(Admission.admitted_on, Resident.reg_no, Admission.id)
    )
    if date_to is not None:
        query = query.where(Admission.admitted_on <= date_to)
    if date_from is not None:
        query = query.where(sa.or_(Admission.terminated_on.is_(None), Admission.terminated_on >= date_from))
    with db.read() as session:
        return [
            StayRegisterRow(
                admission_id=r[0], reg_no=r[1], name=r[2], sex=Sex(r[3]), stay_no=int(r[4]),
                admitted_on=r[5], referral_source=ReferralSource(r[6]), approach=Approach(r[7]),
                stage=Stage(r[8]), room_name=r[9], case_manager=r[10], terminated_on=r[11],
                termination_reason=TerminationReason(r[12]) if r[12] else None, destination=r[13],
                aftercare_status=AftercareStatus(r[14]),
            )
            for r in session.execute(query)
        ]
