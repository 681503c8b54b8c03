"""Penerimaan: registering a new person with their first stay, and readmitting a known person.

Everything of one intake is written in one transaction (person, categories, family, stay,
stage history, room, documents checklist, consent, photo and scans), so a failure leaves
nothing half-saved. Registration numbers come from the facility's pattern (default
``PM/{year}/{seq:04d}``) and a counter that never goes back: unique, never reused.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import (
    Admission,
    Consent,
    DocumentCheck,
    FacilityProfile,
    FamilyContact,
    Resident,
    StageChange,
    User,
)
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.enums import DocumentType, Stage
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.resident_dto import (
    AdmissionRequest,
    DuplicateProbe,
    IntakeRequest,
    IntakeResult,
    PossibleDuplicates,
    ResidentInput,
)
from kesos_desktop.domain.resident_validation import (
    clean_multiline,
    clean_text,
    identity_warnings,
    is_child,
    normalize_resident,
    validate_consent,
    validate_family,
    validate_identity,
    validate_referral,
)
from kesos_desktop.domain.validation import mask_nik
from kesos_desktop.i18n import _
from kesos_desktop.services import attachments, audit, duplicates, rooms
from kesos_desktop.services.common import check_version, get_or_404, next_number, peek_number
from kesos_desktop.services.context import requires
from kesos_desktop.services.resident_common import (
    apply_identity,
    audit_snapshot,
    last_stay,
    open_stay,
)
from kesos_desktop.services.resident_search import search_mode

DEFAULT_PATTERN = "PM/{year}/{seq:04d}"
ALLOWED_FIRST_STAGES = (Stage.FIRST_CONTACT, Stage.INTAKE)


# ------------------------------------------------------------------------ numbers


def _pattern(session: Session) -> str:
    profile = session.get(FacilityProfile, 1)
    return (profile.registration_pattern if profile else "") or DEFAULT_PATTERN


def _counter_name(pattern: str, on: date) -> str:
    # A pattern without the year numbers on across years: one counter, never reset.
    return f"reg:{on.year}" if "{year" in pattern else "reg"


def allocate_reg_no(session: Session, on: date) -> str:
    """The next registration number for a stay starting ``on`` (inside a write transaction).

    Skips numbers already taken (after the pattern was changed back and forth), so it never
    returns one in use; the counter only moves forward, so none is ever given out twice.
    """
    pattern = _pattern(session)
    name = _counter_name(pattern, on)
    for _attempt in range(10_000):
        reg_no = pattern.format(year=on.year, seq=next_number(session, name))
        taken = session.execute(sa.select(Resident.id).where(Resident.reg_no == reg_no)).first()
        if not taken:
            return reg_no
    raise ValidationError(_("No free registration number: check the pattern in the facility "
                            "profile."))


@requires(Action.RESIDENT_VIEW)
def preview_reg_no(db: Database, actor: Actor, on: date | None = None) -> str:
    """The number the next intake will probably get (not reserved)."""
    on = on or date.today()
    with db.read() as session:
        pattern = _pattern(session)
        return pattern.format(year=on.year, seq=peek_number(session, _counter_name(pattern, on)))


# ------------------------------------------------------------------------ validation


def normalize_admission(data: AdmissionRequest) -> AdmissionRequest:
    consent = data.consent
    if consent is not None:
        consent = replace(consent, given_by_name=clean_text(consent.given_by_name) or "",
                          notes=clean_multiline(consent.notes))
    return replace(
        data, referral_letter_no=clean_text(data.referral_letter_no),
        referral_notes=clean_multiline(data.referral_notes),
        initial_condition=clean_multiline(data.initial_condition),
        health_notes=clean_multiline(data.health_notes),
        disability_notes=clean_multiline(data.disability_notes), consent=consent,
    )


def validate_stay(person: ResidentInput, data: AdmissionRequest, today: date) -> dict[str, str]:
    """Rules of a stay that need no database (referral, first stage, consent)."""
    errors = validate_referral(data, today, person.birth_date)
    if data.stage not in ALLOWED_FIRST_STAGES:
        errors["stage"] = _("A new stay starts at first contact or intake.")
    errors.update(validate_consent(data.consent, is_child(person, data.admitted_on), today,
                                   data.admitted_on))
    return errors


def check_request(request: IntakeRequest, today: date | None = None) -> dict[str, str]:
    """Every message for an intake that needs no database: what the wizard shows step by step."""
    today = today or date.today()
    person = normalize_resident(request.resident)
    errors = validate_identity(person, today, request.admission.admitted_on)
    errors.update(validate_family(request.family))
    errors.update(validate_stay(person, normalize_admission(request.admission), today))
    return errors


def _check_in_db(session: Session, person: ResidentInput, data: AdmissionRequest,
                 resident_id: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if person.nik:
        other = session.execute(
            sa.select(Resident.name, Resident.reg_no).where(Resident.nik == person.nik,
                                                             Resident.id != (resident_id or 0))
        ).first()
        if other:
            errors["nik"] = _("This NIK is already registered for {name} ({reg_no}). Open that "
                              "person and start a new stay instead.").format(name=other[0],
                                                                             reg_no=other[1])
    if data.room_id is not None:
        errors.update(rooms.check_placement(session, data.room_id, person.sex,
                                            data.over_capacity_override))
    if data.case_manager_id is not None:
        active = session.execute(
            sa.select(User.active).where(User.id == data.case_manager_id)).scalar_one_or_none()
        if not active:
            errors["case_manager_id"] = _("This case manager is no longer an active user.")
    return errors


# ------------------------------------------------------------------------ writing


def _open_stay_in(session: Session, actor: Actor, resident: Resident, data: AdmissionRequest,
                  uploads: list[tuple[attachments.StoredFile, DocumentType, str]]) -> Admission:
    """Create the stay with its history, room, checklist, consent and scans."""
    admission = Admission(
        resident_id=resident.id, admitted_on=data.admitted_on,
        referral_source=data.referral_source, referral_letter_no=data.referral_letter_no,
        referral_letter_date=data.referral_letter_date, referral_notes=data.referral_notes,
        approach=data.approach, initial_condition=data.initial_condition,
        health_notes=data.health_notes, disability_notes=data.disability_notes,
        stage=data.stage, case_manager_id=data.case_manager_id, updated_by=actor.username,
    )
    session.add(admission)
    session.flush()
    session.add(StageChange(admission_id=admission.id, from_stage=None, to_stage=data.stage,
                            changed_on=data.admitted_on, user_id=actor.id,
                            note=_("Admitted")))
    if data.room_id is not None:
        rooms.assign_in(session, actor, admission, data.room_id, data.admitted_on,
                        override=data.over_capacity_override)
    for doc_type in DocumentType:
        session.add(DocumentCheck(admission_id=admission.id, doc_type=doc_type,
                                  present=doc_type in data.documents_present))
    if data.consent is not None:
        session.add(Consent(
            resident_id=resident.id, admission_id=admission.id,
            given_by_name=data.consent.given_by_name, relation=data.consent.relation,
            method=data.consent.method, given_on=data.consent.given_on, recorded_by_id=actor.id,
            notes=data.consent.notes,
        ))
    session.flush()
    for stored, doc_type, title in uploads:
        attachments.add_in(session, actor, resident.id, admission.id, stored, doc_type, title)
    audit.record(session, actor, "create", "admission", admission.id, {
        "resident_id": resident.id, "admitted_on": data.admitted_on,
        "referral_source": str(data.referral_source), "approach": str(data.approach),
        "stage": str(data.stage), "room_id": data.room_id,
        "over_capacity_override": data.over_capacity_override,
        "case_manager_id": data.case_manager_id,
        "documents_present": sorted(str(d) for d in data.documents_present),
        "consent_relation": str(data.consent.relation) if data.consent else None,
    })
    return admission


def _store_uploads(data: AdmissionRequest, private: bool
                   ) -> list[tuple[attachments.StoredFile, DocumentType, str]]:
    stored = []
    for n, upload in enumerate(data.attachments):
        source = attachments.check_upload(upload, f"attachments.{n}")
        stored.append((attachments.store_file(source, private=private), upload.doc_type, upload.title))
    return stored


def _encrypted(session: Session) -> bool:
    """An encrypted database: no plaintext copy of a photo or scan may land in the data folder."""
    return session.get_bind().dialect.driver == "pysqlcipher"


def register_in(session: Session, actor: Actor, request: IntakeRequest, mode: str,
                today: date | None = None) -> IntakeResult:
    """Register inside the caller's transaction (for importers: one file, one transaction).

    Files named in the request are copied under the data folder first (by hash, so a rolled
    back import leaves at worst an unreferenced copy). Raises ValidationError or
    PossibleDuplicates; the caller's transaction then rolls everything back.
    """
    today = today or date.today()
    person = normalize_resident(request.resident)
    data = normalize_admission(request.admission)
    errors = validate_identity(person, today, data.admitted_on)
    errors.update(validate_family(request.family))
    errors.update(validate_stay(person, data, today))
    errors.update(_check_in_db(session, person, data, None))
    if errors:
        raise ValidationError(_("Please correct the marked fields."), errors)
    if not request.duplicates_checked:
        probe = DuplicateProbe(person.name, person.nik, person.birth_date, person.estimated_age,
                               on=data.admitted_on)
        candidates = duplicates.find_in(session, mode, probe, today)
        if candidates:
            raise PossibleDuplicates(candidates)
    private = _encrypted(session)
    photo = attachments.store_photo(request.photo_path, private=private) if request.photo_path else None
    uploads = _store_uploads(data, private)
    resident = Resident(reg_no=allocate_reg_no(session, data.admitted_on),
                        updated_by=actor.username)
    apply_identity(resident, person, data.admitted_on)
    resident.photo_path = photo.stored_path if photo else None
    session.add(resident)
    for contact in request.family:
        resident.family_contacts.append(FamilyContact(
            name=clean_text(contact.name), relationship_=clean_text(contact.relationship),
            phone=clean_text(contact.phone), address=clean_multiline(contact.address),
            is_primary=contact.is_primary, updated_by=actor.username,
        ))
    session.flush()
    audit.record(session, actor, "create", "resident", resident.id,
                 {"reg_no": resident.reg_no, **audit_snapshot(resident),
                  "family_contacts": len(request.family)})
    admission = _open_stay_in(session, actor, resident, data, uploads)
    return IntakeResult(resident.id, admission.id, resident.reg_no,
                        tuple(identity_warnings(person, today)),
                        Changes.of("resident", "admission", "room", "attachment"))


@requires(Action.RESIDENT_CREATE)
def register(db: Database, actor: Actor, request: IntakeRequest, today: date | None = None) -> IntakeResult:
    """Register a new person and open their first stay.

    Raises ValidationError (messages by field) or PossibleDuplicates (candidates to show;
    repeat with ``duplicates_checked=True`` once staff confirm it is someone else).
    """
    mode = search_mode(db)
    with db.write() as session:
        return register_in(session, actor, request, mode, today)


@requires(Action.RESIDENT_CREATE)
def readmit(db: Database, actor: Actor, resident_id: int, admission: AdmissionRequest,
            identity: ResidentInput | None = None, expected_version: int | None = None,
            today: date | None = None) -> IntakeResult:
    """A new stay for a person already registered (same registration number).

    ``identity``, when given, updates the person's identity in the same transaction (an
    address or phone that changed since the last stay); ``expected_version`` guards it.
    """
    today = today or date.today()
    data = normalize_admission(admission)
    with db.write() as session:
        resident = get_or_404(session, Resident, resident_id, _("The resident"))
        check_version(resident, expected_version)
        current = open_stay(session, resident.id)
        if current is not None:
            raise ValidationError(_(
                "{name} is still staying here (admitted {date}). A new stay can start only "
                "after the current one is terminated."
            ).format(name=resident.name, date=current.admitted_on.strftime("%d/%m/%Y")))
        from kesos_desktop.services.resident_common import to_detail

        person = normalize_resident(identity) if identity else to_detail(resident).to_input()
        errors = validate_identity(person, today, data.admitted_on) if identity else {}
        errors.update(validate_stay(person, data, today))
        previous = last_stay(session, resident.id)
        if previous is not None and previous.terminated_on and data.admitted_on < previous.terminated_on:
            errors["admitted_on"] = _("The new stay cannot start before the previous one ended "
                                      "({date}).").format(
                date=previous.terminated_on.strftime("%d/%m/%Y"))
        errors.update(_check_in_db(session, person, data, resident.id))
        if errors:
            raise ValidationError(_("Please correct the marked fields."), errors)
        uploads = _store_uploads(data, _encrypted(session))
        if identity is not None:
            before = audit_snapshot(resident)
            apply_identity(resident, person, data.admitted_on)
            resident.updated_by = actor.username
            session.flush()
            audit.record(session, actor, "update", "resident", resident.id,
                         audit.diff(before, audit_snapshot(resident)))
        stay = _open_stay_in(session, actor, resident, data, uploads)
        audit.record(session, actor, "readmit", "resident", resident.id, {
            "admission_id": stay.id, "reg_no": resident.reg_no,
            "previous_admission_id": previous.id if previous else None,
            "nik": mask_nik(resident.nik),
        })
        return IntakeResult(resident.id, stay.id, resident.reg_no,
                            tuple(identity_warnings(person, today)),
                            Changes.of("resident", "admission", "room", "attachment"))
