"""The resident file (berkas penerima manfaat): read it, edit identity and family.

Entry points other areas use: ``search`` (the registry query), ``get_file``, ``update_identity``,
the family-contact functions, ``case_manager_choices``; intake, stages, rooms, attachments,
duplicates and timeline have their own modules.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import Admission, Attachment, FamilyContact, Resident, User
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.enums import Role
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.resident_dto import (
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
