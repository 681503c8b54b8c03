"""The resident file (berkas penerima manfaat): read it, edit identity and family.

Entry points other areas use: ``search`` (the registry query), ``get_file``, ``update_identity``,
the family-contact functions, ``case_manager_choices``; intake, stages, rooms, attachments,
duplicates and timeline have their own modules.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import sqlalchemy as sa

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import Admission, Attachment, FamilyContact, Resident, User
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.enums import DocumentType, Role
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.resident_dto import (
    AdmissionRequest,
    AttachmentRow,
    FamilyContactInput,
    FamilyContactRow,
    ResidentDetail,
    ResidentFile,
    ResidentInput,
    UserChoice,
)
from kesos_desktop.domain.resident_validation import (
    clean_multiline,
    clean_text,
    identity_warnings,
    normalize_resident,
    validate_family,
    validate_identity,
    validate_referral,
)
from kesos_desktop.i18n import _
from kesos_desktop.services import audit
from kesos_desktop.services.common import check_version, get_or_404
from kesos_desktop.services.context import requires
from kesos_desktop.services.resident_common import (
    apply_identity,
    attachment_row,
    audit_snapshot,
    family_row,
    load_stays,
    to_detail,
    user_names,
)
from kesos_desktop.services.resident_search import search  # noqa: F401 - part of this API

_CASE_MANAGER_ROLES = (Role.COUNSELOR, Role.STAFF, Role.ADMIN)


@requires(Action.RESIDENT_VIEW)
def get_file(db: Database, actor: Actor, resident_id: int) -> ResidentFile:
    """Everything the resident file shows: identity, family, every stay, documents."""
    with db.read() as session:
        resident = get_or_404(session, Resident, resident_id, _("The resident"))
        family = session.execute(
            sa.select(FamilyContact).where(FamilyContact.resident_id == resident_id)
            .order_by(FamilyContact.is_primary.desc(), FamilyContact.id)
        ).scalars().all()
        files = session.execute(
            sa.select(Attachment).where(Attachment.resident_id == resident_id)
            .order_by(Attachment.added_at.desc(), Attachment.id.desc())
        ).scalars().all()
        names = user_names(session, [f.added_by_id for f in files])
        return ResidentFile(
            resident=to_detail(resident),
            family=tuple(family_row(c) for c in family),
            stays=load_stays(session, resident_id),
            attachments=tuple(attachment_row(f, names) for f in files),
        )


@requires(Action.RESIDENT_VIEW)
def get_detail(db: Database, actor: Actor, resident_id: int) -> ResidentDetail:
    with db.read() as session:
        return to_detail(get_or_404(session, Resident, resident_id, _("The resident")))


@requires(Action.RESIDENT_EDIT)
def update_identity(db: Database, actor: Actor, resident_id: int, data: ResidentInput,
                    expected_version: int | None, today: date | None = None
                    ) -> tuple[ResidentDetail, tuple[str, ...], Changes]:
    """Save an edited identity (same rules as intake); returns the new detail and warnings.

    The audit row holds the changed fields before and after (NIK and KK masked).
    """
    today = today or date.today()
    person = normalize_resident(data)
    with db.write() as session:
        resident = get_or_404(session, Resident, resident_id, _("The resident"))
        check_version(resident, expected_version)
        first_admission = session.execute(
            sa.select(sa.func.min(Admission.admitted_on)).where(Admission.resident_id == resident_id)
        ).scalar()
        errors = validate_identity(person, today, first_admission)
        if person.nik:
            other = session.execute(
                sa.select(Resident.name, Resident.reg_no)
                .where(Resident.nik == person.nik, Resident.id != resident_id)
            ).first()
            if other:
                errors["nik"] = _("This NIK is already registered for {name} ({reg_no}).").format(
                    name=other[0], reg_no=other[1])
        if errors:
            raise ValidationError(_("Please correct the marked fields."), errors)
        before = audit_snapshot(resident)
        apply_identity(resident, person, today)
        resident.updated_by = actor.username
        session.flush()
        changes = audit.diff(before, audit_snapshot(resident))
        if changes:
            audit.record(session, actor, "update", "resident", resident.id, changes)
        detail = to_detail(resident)
    return detail, tuple(identity_warnings(person, today)), Changes.of("resident")


def _contact_values(contact: FamilyContact) -> dict:
    return {"name": contact.name, "relationship": contact.relationship_,
            "phone": contact.phone, "address": contact.address, "is_primary": contact.is_primary}


@requires(Action.RESIDENT_EDIT)
def save_family_contact(db: Database, actor: Actor, resident_id: int,
                        data: FamilyContactInput) -> tuple[FamilyContactRow, Changes]:
    """Add a family contact (``data.id`` None) or update one (with ``data.version``)."""
    errors = validate_family((data,))
    if errors:
        raise ValidationError(_("Please correct the marked fields."),
                              {k.split(".")[-1]: v for k, v in errors.items()})
    with db.write() as session:
        get_or_404(session, Resident, resident_id, _("The resident"))
        if data.id is None:
            contact = FamilyContact(resident_id=resident_id)
            before: dict = {}
        else:
            contact = get_or_404(session, FamilyContact, data.id, _("The family contact"))
            if contact.resident_id != resident_id:
                raise ValidationError(_("This contact belongs to another person."))
            check_version(contact, data.version)
            before = _contact_values(contact)
        if data.is_primary:
            for other in session.execute(
                sa.select(FamilyContact).where(FamilyContact.resident_id == resident_id,
                                               FamilyContact.is_primary.is_(True))
            ).scalars():
                if other is not contact:
                    other.is_primary = False
                    other.updated_by = actor.username
        contact.name = clean_text(data.name)
        contact.relationship_ = clean_text(data.relationship)
        contact.phone = clean_text(data.phone)
        contact.address = clean_multiline(data.address)
        contact.is_primary = data.is_primary
        contact.updated_by = actor.username
        session.add(contact)
        session.flush()
        audit.record(session, actor, "create" if data.id is None else "update", "family_contact",
                     contact.id, {"resident_id": resident_id,
                                  **audit.diff(before, _contact_values(contact))})
        return family_row(contact), Changes.of("resident")


@requires(Action.RESIDENT_EDIT)
def remove_family_contact(db: Database, actor: Actor, contact_id: int,
                          expected_version: int | None = None) -> Changes:
    with db.write() as session:
        contact = get_or_404(session, FamilyContact, contact_id, _("The family contact"))
        check_version(contact, expected_version)
        audit.record(session, actor, "delete", "family_contact", contact.id,
                     {"resident_id": contact.resident_id, **_contact_values(contact)})
        session.delete(contact)
    return Changes.of("resident")


@requires(Action.RESIDENT_VIEW)
def case_manager_choices(db: Database, actor: Actor) -> list[UserChoice]:
    """Active users who can be a stay's case manager, counselors first."""
    with db.read() as session:
        users = session.execute(
            sa.select(User).where(User.active.is_(True), User.role.in_(_CASE_MANAGER_ROLES))
        ).scalars().all()
        order = {role: n for n, role in enumerate(_CASE_MANAGER_ROLES)}
        users = sorted(users, key=lambda u: (order[Role(u.role)], u.full_name.lower()))
        return [UserChoice(u.id, u.full_name, Role(u.role).label) for u in users]


# ----------------------------------------------------------------------------- correction (UU PDP)

_BOOKKEEPING = "bookkeeping: set by the database or the optimistic lock, never by hand"
_WORKFLOW = "changed only through its own audited workflow, which keeps the history: {how}"

#: Columns of the person's data that the resident file's correction path does not edit, and
#: why (UU PDP hak pembetulan: every other column can be corrected). tests/services/
#: test_field_correction.py checks that each column is either here or corrected and read back.
NOT_EDITABLE: dict[str, str] = {
    **{f"{table}.{column}": _BOOKKEEPING for table in ("resident", "family_contact", "admission")
       for column in ("version", "updated_by", "created_at", "updated_at")},
    **{f"{table}.id": "primary key" for table in
       ("resident", "family_contact", "consent", "attachment", "admission")},
    "consent.created_at": _BOOKKEEPING,
    "consent.updated_at": _BOOKKEEPING,
    "resident.reg_no": "the registration number names the file on paper and in every report; "
                       "it is given once and never changed or reused",
    "resident.anonymized_at": "set only by anonymisation after the retention period "
                              "(retention.anonymize), which cannot be undone",
    "resident_category.resident_id": "key: the category row belongs to its person",
    "family_contact.resident_id": "a contact belongs to one person; a contact of someone else is "
                                  "removed and added there",
    "consent.resident_id": "a consent belongs to the person who gave or was given it",
    "consent.admission_id": "the stay during which the consent was recorded, set by the service",
    "consent.recorded_by_id": "who recorded the consent: provenance, set by the service",
    "attachment.resident_id": "a scan belongs to its person; a wrong one is added again there",
    "attachment.admission_id": "the stay during which the document was added, set by the service",
    "attachment.original_name": "the name of the file as it was chosen: provenance",
    "attachment.stored_path": "the stored file itself, checked by its hash; replace it by adding "
                              "the document again",
    "attachment.sha256": "the hash that proves the stored file is unchanged",
    "attachment.size_bytes": "measured from the stored file",
    "attachment.added_by_id": "who added the document: provenance",
    "attachment.added_at": "when the document was added: provenance",
    "admission.resident_id": "a stay belongs to its person",
    "admission.admitted_on": "the start of the stay anchors its stage and room history and the "
                             "monthly reports already sent; a wrong stay is terminated and "
                             "entered again",
    "admission.stage": _WORKFLOW.format(how="stages.change_stage"),
    "admission.room_id": _WORKFLOW.format(how="rooms (move to another room)"),
    "admission.case_manager_id": _WORKFLOW.format(
        how="case_manager.reassign / case_manager.handover (a staff assignment, not data "
            "about the person; the audit trail keeps who had the case before)"),
    **{f"admission.{column}": _WORKFLOW.format(how="termination.terminate")
       for column in ("terminated_on", "termination_reason", "termination_notes")},
    **{f"admission.{column}": _WORKFLOW.format(how="termination.update_handover")
       for column in ("termination_destination", "handover_received_by", "handover_relationship",
                      "handover_id_number", "handover_witness", "handover_witness2")},
    **{f"admission.{column}": _WORKFLOW.format(how="aftercare (bimbingan lanjut)")
       for column in ("aftercare_status", "aftercare_outcome", "aftercare_closed_on")},
}

#: what a stay's intake details correction edits (see ``update_stay_details``)
STAY_DETAIL_FIELDS = ("referral_source", "referral_letter_no", "referral_letter_date",
                      "referral_notes", "approach", "initial_condition", "health_notes",
                      "disability_notes")
_STAY_TEXTS = ("referral_notes", "initial_condition", "health_notes", "disability_notes")


def _stay_values(admission: Admission) -> dict:
    """Audit values of the stay's details: free texts (health, disability) only as lengths."""
    values = {key: getattr(admission, key) for key in STAY_DETAIL_FIELDS if key not in _STAY_TEXTS}
    values.update({f"{key}_length": len(getattr(admission, key) or "") for key in _STAY_TEXTS})
    return {k: str(v) if hasattr(v, "label") else v for k, v in values.items()}


@requires(Action.RESIDENT_EDIT)
def update_stay_details(db: Database, actor: Actor, admission_id: int, data: AdmissionRequest,
                        expected_version: int | None, today: date | None = None) -> Changes:
    """Correct what intake recorded about a stay: referral, approach, condition, health and
    disability notes (``data``'s other fields are ignored). Audited without the texts."""
    from kesos_desktop.services.intake import normalize_admission

    today = today or date.today()
    data = normalize_admission(data)
    with db.write() as session:
        admission = get_or_404(session, Admission, admission_id, _("The stay"))
        check_version(admission, expected_version)
        person = session.get(Resident, admission.resident_id)
        errors = validate_referral(replace(data, admitted_on=admission.admitted_on), today,
                                   person.birth_date)
        if errors:
            raise ValidationError(_("Please correct the marked fields."), errors)
        before = _stay_values(admission)
        for key in STAY_DETAIL_FIELDS:
            setattr(admission, key, getattr(data, key))
        admission.updated_by = actor.username
        session.flush()
        changes = audit.diff(before, _stay_values(admission))
        if changes:
            audit.record(session, actor, "update", "admission", admission.id,
                         {"resident_id": admission.resident_id, **changes})
    return Changes.of("admission", "resident")


@requires(Action.ATTACHMENT_MANAGE)
def update_attachment(db: Database, actor: Actor, attachment_id: int, title: str,
                      doc_type: DocumentType) -> tuple[AttachmentRow, Changes]:
    """Correct a document's title or type (the stored file itself stays as it is)."""
    title = clean_text(title) or ""
    if not title:
        message = _("Enter a title for the document.")
        raise ValidationError(message, {"title": message})
    if len(title) > 200:
        message = _("At most {n} characters.").format(n=200)
        raise ValidationError(message, {"title": message})
    with db.write() as session:
        attachment = get_or_404(session, Attachment, attachment_id, _("The document"))
        before = {"title": attachment.title, "doc_type": str(attachment.doc_type)}
        attachment.title, attachment.doc_type = title, doc_type
        changes = audit.diff(before, {"title": title, "doc_type": str(doc_type)})
        if changes:
            audit.record(session, actor, "update", "attachment", attachment.id,
                         {"resident_id": attachment.resident_id, **changes})
        row = attachment_row(attachment, user_names(session, [attachment.added_by_id]))
    return row, Changes.of("attachment", "resident")
