"""Test data for areas that need residents in the facility before their own work begins.

These write straight to the database (the intake service has its own tests); every value is
obviously fictional.
"""

from __future__ import annotations

import itertools
from datetime import date

from kesos_desktop.db.models import Admission, Resident, ResidentCategory, Room, StageChange
from kesos_desktop.domain.enums import Approach, PpksCategory, ReferralSource, RoomSex, Sex, Stage

_numbers = itertools.count(1)


def add_room(db, name: str = "Mawar", sex: RoomSex = RoomSex.MALE, capacity: int = 4) -> int:
    with db.write() as session:
        room = Room(name=name, sex=sex, capacity=capacity)
        session.add(room)
        session.flush()
        return room.id


def admit_resident(
    db,
    name: str = "Fiktif Contoh",
    sex: Sex = Sex.MALE,
    admitted_on: date = date(2026, 10, 1),
    stage: Stage = Stage.INTERVENTION,
    birth_date: date | None = date(1980, 5, 17),
    category: PpksCategory = PpksCategory.GELANDANGAN,
    room_id: int | None = None,
    case_manager_id: int | None = None,
    nik: str | None = None,
) -> tuple[int, int]:
    """A registered person with one open stay: returns (resident_id, admission_id)."""
    n = next(_numbers)
    with db.write() as session:
        resident = Resident(
            reg_no=f"TEST/{admitted_on.year}/{n:05d}", name=name, sex=sex, birth_date=birth_date,
            nik=nik, identity_unknown=nik is None,
        )
        resident.categories.append(ResidentCategory(category=category))
        session.add(resident)
        session.flush()
        admission = Admission(
            resident_id=resident.id, admitted_on=admitted_on,
            referral_source=ReferralSource.SATPOL_PP, approach=Approach.PERSUASIVE,
            stage=stage, room_id=room_id, case_manager_id=case_manager_id,
        )
        session.add(admission)
        session.flush()
        session.add(StageChange(admission_id=admission.id, to_stage=stage, changed_on=admitted_on))
        return resident.id, admission.id
