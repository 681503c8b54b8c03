"""Rooms (kamar): management, occupancy, and moving a resident between rooms.

Occupancy counts open stays whose current room is the room. A full room takes one more person
only with an explicit override, which is recorded on the room assignment and in the audit trail.
Room history is kept as ``RoomAssignment`` rows: the open one (no end date) is the current bed.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import Admission, Resident, Room, RoomAssignment
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.enums import RoomSex, Sex
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.resident_dto import RoomInput, RoomOccupant, RoomRow
from kesos_desktop.domain.resident_validation import clean_multiline, clean_text, date_problem
from kesos_desktop.i18n import _
from kesos_desktop.services import audit
from kesos_desktop.services.common import check_version, get_or_404
from kesos_desktop.services.context import requires


def occupancy(session: Session, room_ids: list[int] | None = None) -> dict[int, int]:
    stmt = (sa.select(Admission.room_id, sa.func.count())
            .where(Admission.terminated_on.is_(None), Admission.room_id.is_not(None))
            .group_by(Admission.room_id))
    if room_ids is not None:
        stmt = stmt.where(Admission.room_id.in_(room_ids))
    return dict(session.execute(stmt).all())


def _row(room: Room, occupied: int) -> RoomRow:
    return RoomRow(room.id, room.name, RoomSex(room.sex), room.capacity, occupied, room.notes,
                   room.active, room.version)


def sex_fits(room_sex: RoomSex | str, sex: Sex | str | None) -> bool:
    return RoomSex(room_sex) == RoomSex.MIXED or sex is None or str(room_sex) == str(sex)


def check_placement(session: Session, room_id: int, sex: Sex | None, override: bool,
                    exclude_admission_id: int | None = None, field: str = "room_id") -> dict[str, str]:
    """Messages (by ``field``) that stop placing a person of ``sex`` in ``room_id``."""
    room = session.get(Room, room_id)
    if room is None or not room.active:
        return {field: _("This room no longer exists or is closed. Choose another room.")}
    if not sex_fits(room.sex, sex):
        return {field: _("Room {room} is for {room_sex} residents.").format(
            room=room.name, room_sex=RoomSex(room.sex).label.lower())}
    stmt = sa.select(sa.func.count()).select_from(Admission).where(
        Admission.room_id == room_id, Admission.terminated_on.is_(None))
    if exclude_admission_id is not None:
        stmt = stmt.where(Admission.id != exclude_admission_id)
    occupied = session.execute(stmt).scalar_one()
    if occupied >= room.capacity and not override:
        return {field: _("Room {room} is full ({occupied} of {capacity} beds taken). Choose "
                         "another room, or tick \"place anyway\" to go over capacity.").format(
            room=room.name, occupied=occupied, capacity=room.capacity)}
    return {}


def assign_in(session: Session, actor: Actor, admission: Admission, room_id: int, on: date,
              note: str | None = None, override: bool = False) -> None:
    """Close the current room assignment of a stay and open one for ``room_id`` (no checks)."""
    current = session.execute(
        sa.select(RoomAssignment).where(RoomAssignment.admission_id == admission.id,
                                        RoomAssignment.until_date.is_(None))
    ).scalars().all()
    for assignment in current:
        assignment.until_date = max(on, assignment.from_date)
    session.add(RoomAssignment(admission_id=admission.id, room_id=room_id, from_date=on,
                               note=note, over_capacity_override=override, user_id=actor.id))
    admission.room_id = room_id
    admission.updated_by = actor.username


@requires(Action.ROOM_VIEW)
def list_rooms(db: Database, actor: Actor, include_inactive: bool = False) -> list[RoomRow]:
    with db.read() as session:
        stmt = sa.select(Room).order_by(Room.name)
        if not include_inactive:
            stmt = stmt.where(Room.active.is_(True))
        rooms = session.execute(stmt).scalars().all()
        counts = occupancy(session)
        return [_row(room, counts.get(room.id, 0)) for room in rooms]


@requires(Action.ROOM_VIEW)
def rooms_for(db: Database, actor: Actor, sex: Sex | None) -> list[RoomRow]:
    """Open rooms a person of ``sex`` may sleep in, those with free beds first."""
    rows = [r for r in list_rooms(db, actor) if sex_fits(r.sex, sex)]
    return sorted(rows, key=lambda r: (r.full, r.name.lower()))


@requires(Action.ROOM_VIEW)
def occupants(db: Database, actor: Actor, room_id: int) -> list[RoomOccupant]:
    with db.read() as session:
        since = (sa.select(sa.func.max(RoomAssignment.from_date))
                 .where(RoomAssignment.admission_id == Admission.id,
                        RoomAssignment.room_id == room_id,
                        RoomAssignment.until_date.is_(None)).scalar_subquery())
        rows = session.execute(
            sa.select(Resident.id, Admission.id, Resident.reg_no, Resident.name, Resident.sex, since)
            .join(Admission, Admission.resident_id == Resident.id)
            .where(Admission.room_id == room_id, Admission.terminated_on.is_(None))
            .order_by(sa.func.lower(Resident.name))
        ).all()
    return [RoomOccupant(r[0], r[1], r[2], r[3], Sex(r[4]), r[5]) for r in rows]


def _validate_room(session: Session, data: RoomInput, room_id: int | None) -> RoomInput:
    data = RoomInput(clean_text(data.name) or "", data.sex, data.capacity,
                     clean_multiline(data.notes), data.active)
    errors = {}
    if not data.name:
        errors["name"] = _("Enter the room's name.")
    elif len(data.name) > 60:
        errors["name"] = _("At most {n} characters.").format(n=60)
    else:
        taken = session.execute(
            sa.select(Room.id).where(sa.func.lower(Room.name) == data.name.lower())
        ).scalar_one_or_none()
        if taken is not None and taken != room_id:
            errors["name"] = _("There is already a room called {name}.").format(name=data.name)
    if data.capacity < 0 or data.capacity > 500:
        errors["capacity"] = _("The capacity must be between 0 and 500 beds.")
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)
    return data


@requires(Action.ROOM_MANAGE)
def create_room(db: Database, actor: Actor, data: RoomInput) -> tuple[RoomRow, Changes]:
    with db.write() as session:
        data = _validate_room(session, data, None)
        room = Room(name=data.name, sex=data.sex, capacity=data.capacity, notes=data.notes,
                    active=data.active, updated_by=actor.username)
        session.add(room)
        session.flush()
        audit.record(session, actor, "create", "room", room.id,
                     {"name": room.name, "sex": str(room.sex), "capacity": room.capacity})
        return _row(room, 0), Changes.of("room")


@requires(Action.ROOM_MANAGE)
def update_room(db: Database, actor: Actor, room_id: int, data: RoomInput,
                expected_version: int | None = None) -> tuple[RoomRow, Changes]:
    with db.write() as session:
        room = get_or_404(session, Room, room_id, _("The room"))
        check_version(room, expected_version)
        data = _validate_room(session, data, room_id)
        occupied = occupancy(session, [room_id]).get(room_id, 0)
        if not data.active and occupied:
            raise ValidationError(
                _("Room {room} still has {n} residents. Move them first, then close the room.")
                .format(room=room.name, n=occupied), {"active": _("The room is not empty.")})
        if data.sex != RoomSex(room.sex) and data.sex != RoomSex.MIXED and occupied:
            others = session.execute(
                sa.select(sa.func.count()).select_from(Admission).join(Resident)
                .where(Admission.room_id == room_id, Admission.terminated_on.is_(None),
                       Resident.sex != str(data.sex))
            ).scalar_one()
            if others:
                raise ValidationError(_("Please correct the marked fields."), {"sex": _(
                    "{n} residents of the other sex sleep in this room now.").format(n=others)})
        before = {"name": room.name, "sex": str(room.sex), "capacity": room.capacity,
                  "notes": room.notes, "active": room.active}
        room.name, room.sex, room.capacity = data.name, data.sex, data.capacity
        room.notes, room.active, room.updated_by = data.notes, data.active, actor.username
        after = {"name": room.name, "sex": str(room.sex), "capacity": room.capacity,
                 "notes": room.notes, "active": room.active}
        session.flush()
        audit.record(session, actor, "update", "room", room.id, audit.diff(before, after))
        return _row(room, occupied), Changes.of("room")


@requires(Action.ROOM_ASSIGN)
def move(db: Database, actor: Actor, admission_id: int, room_id: int, on: date,
         note: str | None = None, override: bool = False, expected_version: int | None = None,
         today: date | None = None) -> Changes:
    """Move the resident of an open stay to ``room_id`` from ``on`` (history kept)."""
    today = today or date.today()
    with db.write() as session:
        admission = get_or_404(session, Admission, admission_id, _("The stay"))
        check_version(admission, expected_version)
        resident = session.get(Resident, admission.resident_id)
        errors: dict[str, str] = {}
        if admission.terminated_on is not None:
            raise ValidationError(_("This stay has ended; the person no longer has a room."))
        if admission.room_id == room_id:
            errors["room_id"] = _("The resident is already in this room.")
        if problem := date_problem(on, today, _("The date of the move")):
            errors["on"] = problem
        elif on < admission.admitted_on:
            errors["on"] = _("The move cannot be before the admission ({date}).").format(
                date=admission.admitted_on.strftime("%d/%m/%Y"))
        else:
            since = session.execute(
                sa.select(sa.func.max(RoomAssignment.from_date))
                .where(RoomAssignment.admission_id == admission.id)
            ).scalar()
            if since is not None and on < since:
                errors["on"] = _("The move cannot be before the last move ({date}).").format(
                    date=since.strftime("%d/%m/%Y"))
        if "room_id" not in errors:
            errors.update(check_placement(session, room_id, Sex(resident.sex), override,
                                          exclude_admission_id=admission.id))
        if errors:
            raise ValidationError(_("Please correct the marked fields."), errors)
        before = admission.room_id
        assign_in(session, actor, admission, room_id, on, clean_multiline(note), override)
        session.flush()
        audit.record(session, actor, "move", "admission", admission.id, {
            "resident_id": admission.resident_id, "room_id": [before, room_id],
            "on": on, "over_capacity_override": override,
        })
    return Changes.of("admission", "room")
