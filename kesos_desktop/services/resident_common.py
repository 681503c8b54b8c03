"""Helpers shared by the resident services: ORM rows to DTOs, audit snapshots, look-ups.

Everything here takes an open session; nothing here is an entry point.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kesos_desktop.db.models import (
    Admission,
    Attachment,
    Consent,
    DocumentCheck,
    FamilyContact,
    Resident,
    ResidentCategory,
    Room,
    RoomAssignment,
    StageChange,
    User,
)
from kesos_desktop.domain.enums import (
    Approach,
    ConsentMethod,
    ConsentRelation,
    DocumentType,
    Education,
    MaritalStatus,
    PpksCategory,
    ReferralSource,
    Religion,
    Sex,
    Stage,
    TerminationReason,
)
from kesos_desktop.domain.resident_dto import (
    AttachmentRow,
    ConsentRow,
    FamilyContactRow,
    ResidentDetail,
    ResidentInput,
    RoomStayRow,
    StageChangeRow,
    StayDTO,
)
from kesos_desktop.domain.validation import mask_nik
from kesos_desktop.i18n import _

#: resident columns copied from ``ResidentInput`` as they are
RESIDENT_FIELDS = (
    "name", "alias", "sex", "identity_unknown", "nik", "kk", "birth_place", "birth_date",
    "religion", "marital_status", "education", "address", "village", "district", "city",
    "province", "phone", "notes",
)


def categories_of(session: Session, resident_ids: Iterable[int]) -> dict[int, tuple[PpksCategory, ...]]:
    ids = list(resident_ids)
    found: dict[int, list[PpksCategory]] = {i: [] for i in ids}
    if not ids:
        return {}
    table = ResidentCategory.__table__
    rows = session.connection().execute(
        sa.select(table.c.resident_id, table.c.category)
        .where(table.c.resident_id.in_(ids))
        .order_by(table.c.resident_id, table.c.category)
    )
    for resident_id, category in rows:
        found[resident_id].append(PpksCategory(category))
    return {k: tuple(v) for k, v in found.items()}


def stays_of(resident_id: int):
    """A subquery of the ids of every stay of one person (for ``Model.admission_id.in_(...)``)."""
    return sa.select(Admission.id).where(Admission.resident_id == resident_id)


def user_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(session.execute(sa.select(User.id, User.full_name).where(User.id.in_(wanted))).all())


def to_detail(resident: Resident) -> ResidentDetail:
    return ResidentDetail(
        id=resident.id, reg_no=resident.reg_no, name=resident.name, alias=resident.alias,
        sex=Sex(resident.sex), identity_unknown=resident.identity_unknown, nik=resident.nik,
        kk=resident.kk, birth_place=resident.birth_place, birth_date=resident.birth_date,
        birth_year_estimated=resident.birth_year_estimated, religion=Religion(resident.religion),
        marital_status=MaritalStatus(resident.marital_status),
        education=Education(resident.education), address=resident.address,
        village=resident.village, district=resident.district, city=resident.city,
        province=resident.province, phone=resident.phone, notes=resident.notes,
        categories=tuple(sorted((PpksCategory(c.category) for c in resident.categories),
                                key=lambda c: list(PpksCategory).index(c))),
        photo_path=resident.photo_path, version=resident.version,
        updated_by=resident.updated_by, updated_at=resident.updated_at,
    )


def apply_identity(resident: Resident, data: ResidentInput, reference_day: date) -> None:
    """Copy a validated, normalised ``ResidentInput`` onto the ORM row."""
    for key in RESIDENT_FIELDS:
        setattr(resident, key, getattr(data, key))
    if data.birth_date is None and data.estimated_age is not None:
        resident.birth_year_estimated = reference_day.year - data.estimated_age
    else:
        resident.birth_year_estimated = None
    wanted = list(dict.fromkeys(data.categories))
    existing = {PpksCategory(c.category): c for c in resident.categories}
    for category, row in existing.items():
        if category not in wanted:
            resident.categories.remove(row)
    for category in wanted:
        if category not in existing:
            resident.categories.append(ResidentCategory(category=category))


def audit_snapshot(resident: Resident) -> dict[str, Any]:
    """The resident's identity for the audit trail: every field, the NIK and KK masked."""
    values = {key: getattr(resident, key) for key in RESIDENT_FIELDS}
    values["nik"] = mask_nik(resident.nik)
    values["kk"] = mask_nik(resident.kk)
    values["birth_year_estimated"] = resident.birth_year_estimated
    values["categories"] = sorted(str(c.category) for c in resident.categories)
    values["photo_path"] = resident.photo_path
    return values


def family_row(contact: FamilyContact) -> FamilyContactRow:
    return FamilyContactRow(contact.id, contact.name, contact.relationship_, contact.phone,
                            contact.address, contact.is_primary, contact.version)


def attachment_row(att: Attachment, names: dict[int, str]) -> AttachmentRow:
    return AttachmentRow(
        att.id, att.admission_id, DocumentType(att.doc_type), att.title, att.original_name,
        att.stored_path, att.sha256, att.size_bytes, names.get(att.added_by_id), att.added_at,
    )


def load_stays(session: Session, resident_id: int) -> tuple[StayDTO, ...]:
    """Every stay of a person, newest first, with stage and room history, checklist, consent."""
    admissions = session.execute(
        sa.select(Admission).where(Admission.resident_id == resident_id)
        .order_by(Admission.admitted_on.desc(), Admission.id.desc())
    ).scalars().all()
    if not admissions:
        return ()
    ids = [a.id for a in admissions]
    stage_rows = session.execute(
        sa.select(StageChange).where(StageChange.admission_id.in_(ids)).order_by(StageChange.id)
    ).scalars().all()
    room_rows = session.execute(
        sa.select(RoomAssignment, Room.name).join(Room, Room.id == RoomAssignment.room_id)
        .where(RoomAssignment.admission_id.in_(ids)).order_by(RoomAssignment.id)
    ).all()
    docs = session.execute(
        sa.select(DocumentCheck.admission_id, DocumentCheck.doc_type)
        .where(DocumentCheck.admission_id.in_(ids), DocumentCheck.present.is_(True))
    ).all()
    consents = session.execute(
        sa.select(Consent).where(Consent.admission_id.in_(ids)).order_by(Consent.id)
    ).scalars().all()
    room_names = dict(session.execute(
        sa.select(Room.id, Room.name).where(Room.id.in_({a.room_id for a in admissions if a.room_id}))
    ).all()) if any(a.room_id for a in admissions) else {}
    names = user_names(session, [a.case_manager_id for a in admissions]
                       + [s.user_id for s in stage_rows] + [r.user_id for r, _n in room_rows])
    stays = []
    for a in admissions:
        stays.append(StayDTO(
            id=a.id, admitted_on=a.admitted_on, referral_source=ReferralSource(a.referral_source),
            referral_letter_no=a.referral_letter_no, referral_letter_date=a.referral_letter_date,
            referral_notes=a.referral_notes, approach=Approach(a.approach),
            initial_condition=a.initial_condition, health_notes=a.health_notes,
            disability_notes=a.disability_notes, stage=Stage(a.stage), room_id=a.room_id,
            room_name=room_names.get(a.room_id), case_manager_id=a.case_manager_id,
            case_manager=names.get(a.case_manager_id), terminated_on=a.terminated_on,
            termination_reason=TerminationReason(a.termination_reason) if a.termination_reason else None,
            termination_destination=a.termination_destination,
            termination_notes=a.termination_notes,
            documents_present=frozenset(DocumentType(d) for adm, d in docs if adm == a.id),
            stage_history=tuple(
                StageChangeRow(s.id, Stage(s.from_stage) if s.from_stage else None, Stage(s.to_stage),
                               s.changed_on, s.note, names.get(s.user_id), s.recorded_at)
                for s in stage_rows if s.admission_id == a.id
            ),
            room_history=tuple(
                RoomStayRow(r.room_id, name, r.from_date, r.until_date, r.note,
                            r.over_capacity_override, names.get(r.user_id))
                for r, name in room_rows if r.admission_id == a.id
            ),
            consents=tuple(
                ConsentRow(c.id, c.given_by_name, ConsentRelation(c.relation),
                           ConsentMethod(c.method), c.given_on, c.withdrawn_on)
                for c in consents if c.admission_id == a.id
            ),
            version=a.version,
        ))
    return tuple(stays)


def open_stay(session: Session, resident_id: int) -> Admission | None:
    return session.execute(
        sa.select(Admission).where(Admission.resident_id == resident_id,
                                   Admission.terminated_on.is_(None))
    ).scalars().first()


def last_stay(session: Session, resident_id: int) -> Admission | None:
    return session.execute(
        sa.select(Admission).where(Admission.resident_id == resident_id)
        .order_by(Admission.admitted_on.desc(), Admission.id.desc()).limit(1)
    ).scalars().first()


def resident_label(resident: Resident) -> str:
    return _("{name} ({reg_no})").format(name=resident.name, reg_no=resident.reg_no)
