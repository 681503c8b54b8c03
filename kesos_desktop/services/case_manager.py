"""Hand a case over: change the case manager (pekerja sosial penanggung jawab) of a stay after
intake, one stay at a time or all current cases of one worker at once.

The case manager is a staff assignment, not data about the person, so it is not part of the
resident's correction path; it changes only here. There is no history table: the audit trail
is the history (``reassign`` rows on the stay, with the old and new user by id and name).

Who: administrators (kepala seksi) and the counselor(s) designated as supervisor; the bulk
hand-over of a worker who leaves or falls ill is an administrator's job (``user.manage``).
What follows the change: everything that reads ``admission.case_manager_id`` (the counselor's
caseload, overdue lists, dashboard reminders). Reading earlier notes does not depend on the
case manager (services/confidentiality.py): every counselor reads normal notes, and notes marked
*sangat rahasia* stay with their author and the supervisor, hand-over or not.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import Admission, Resident, User
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.enums import AftercareStatus, Role
from kesos_desktop.domain.errors import NotFoundError, PermissionDenied, ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.services import audit
from kesos_desktop.services.common import check_version, get_or_404
from kesos_desktop.services.context import requires

MAX_REASON = 200
#: entities a page watches to follow a hand-over (caseload, reminders, the resident file)
CHANGED = ("admission", "resident", "user")


@dataclass(frozen=True)
class CaseRow:
    """A current case of one worker: what the hand-over dialog lists."""

    admission_id: int
    resident_id: int
    reg_no: str
    name: str
    admitted_on: object
    in_aftercare: bool


@dataclass(frozen=True)
class HandoverResult:
    moved: int
    from_name: str
    to_name: str


def _current():
    """A case is current while the stay is open or its aftercare (bimbingan lanjut) runs:
    aftercare reminders go to the case manager too."""
    return sa.or_(Admission.terminated_on.is_(None),
                  Admission.aftercare_status == AftercareStatus.ACTIVE)


def _clean_reason(reason: str | None) -> str | None:
    text = " ".join((reason or "").split())
    if len(text) > MAX_REASON:
        message = _("At most {n} characters.").format(n=MAX_REASON)
        raise ValidationError(message, {"reason": message})
    return text or None


def _active_user(session: Session, user_id: int | None, field: str) -> User:
    user = session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active:
        message = _("Choose an active user as the new case manager.")
        raise ValidationError(message, {field: message})
    return user


def _require_supervisor(db: Database, actor: Actor) -> None:
    """Counselors hold ``case.assign`` only as supervisor (checked in the database now, so a
    flag removed on another workstation counts at once); a refusal is audited."""
    if actor.role != Role.COUNSELOR:
        return
    with db.read() as session:
        supervisor = session.execute(
            sa.select(User.is_supervisor).where(User.id == actor.id)).scalar_one_or_none()
    if supervisor:
        return
    with db.write() as session:
        audit.record(session, actor, "denied", "permission", None,
                     {"action": str(Action.CASE_ASSIGN), "reason": "not supervisor"})
    raise PermissionDenied(_("Only the supervisor or an administrator may hand a case over to "
                             "another case manager."))


def _name(session: Session, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    return session.execute(sa.select(User.full_name).where(User.id == user_id)).scalar_one_or_none()


def _move(session: Session, actor: Actor, admission: Admission, new: User, reason: str | None,
          via: str) -> None:
    """Set the stay's case manager and write its audit row (old and new, by id and name)."""
    old_id = admission.case_manager_id
    details = {
        "resident_id": admission.resident_id,
        "case_manager": [_name(session, old_id), new.full_name],
        "case_manager_id": [old_id, new.id],
        "via": via,
    }
    if reason:
        details["reason"] = reason
    admission.case_manager_id = new.id
    admission.updated_by = actor.username
    audit.record(session, actor, "reassign", "admission", admission.id, details)


@requires(Action.CASE_ASSIGN)
def reassign(db: Database, actor: Actor, admission_id: int, new_manager_id: int,
             expected_version: int | None, reason: str | None = None) -> Changes:
    """Make ``new_manager_id`` the case manager of one current stay."""
    _require_supervisor(db, actor)
    reason = _clean_reason(reason)
    with db.write() as session:
        admission = get_or_404(session, Admission, admission_id, _("The stay"))
        check_version(admission, expected_version)
        if admission.terminated_on is not None and admission.aftercare_status != AftercareStatus.ACTIVE:
            message = _("This stay has ended: its case manager stays on record as it was.")
            raise ValidationError(message, {"case_manager_id": message})
        new = _active_user(session, new_manager_id, "case_manager_id")
        if new.id == admission.case_manager_id:
            message = _("{name} is already the case manager of this stay.").format(name=new.full_name)
            raise ValidationError(message, {"case_manager_id": message})
        _move(session, actor, admission, new, reason, "reassign")
        session.flush()
    return Changes.of(*CHANGED)


def _cases_query(user_id: int):
    return (sa.select(Admission.id, Admission.resident_id, Resident.reg_no, Resident.name,
                      Admission.admitted_on, Admission.terminated_on)
            .join(Resident, Resident.id == Admission.resident_id)
            .where(Admission.case_manager_id == user_id, _current())
            .order_by(Resident.name, Admission.id))


@requires(Action.RESIDENT_VIEW)
def current_case_of(db: Database, actor: Actor, reg_no: str) -> CaseRow:
    """The current case of the person with registration number ``reg_no`` (exact, any case)."""
    with db.read() as session:
        row = session.execute(
            sa.select(Admission.id, Admission.resident_id, Resident.reg_no, Resident.name,
                      Admission.admitted_on, Admission.terminated_on)
            .join(Resident, Resident.id == Admission.resident_id)
            .where(sa.func.upper(Resident.reg_no) == (reg_no or "").strip().upper(), _current())
            .order_by(Admission.admitted_on.desc(), Admission.id.desc()).limit(1)).first()
    if row is None:
        raise NotFoundError(_("No current stay found for registration number {reg_no}.").format(
            reg_no=reg_no))
    return CaseRow(row.id, row.resident_id, row.reg_no, row.name, row.admitted_on,
                   row.terminated_on is not None)


@requires(Action.USER_VIEW)
def current_cases(db: Database, actor: Actor, user_id: int) -> list[CaseRow]:
    """The current cases (open stays and running aftercare) of which ``user_id`` is case
    manager: names and numbers only, as on the users list."""
    with db.read() as session:
        return [CaseRow(r.id, r.resident_id, r.reg_no, r.name, r.admitted_on,
                        r.terminated_on is not None)
                for r in session.execute(_cases_query(user_id))]


@requires(Action.USER_MANAGE)
def handover(db: Database, actor: Actor, from_user_id: int, to_user_id: int,
             reason: str | None = None) -> tuple[HandoverResult, Changes]:
    """Move every current case of one worker to another, in one transaction: all cases move,
    or (on any error) none. One ``reassign`` row per case and one ``case_handover`` row on the
    user."""
    reason = _clean_reason(reason)
    if from_user_id == to_user_id:
        message = _("Choose another user to take over the cases.")
        raise ValidationError(message, {"to_user_id": message})
    with db.write() as session:
        source = get_or_404(session, User, from_user_id, _("The user"))
        target = _active_user(session, to_user_id, "to_user_id")
        ids = [r.id for r in session.execute(_cases_query(source.id))]
        stays = session.execute(
            sa.select(Admission).where(Admission.id.in_(ids)).order_by(Admission.id)
            .with_for_update()).scalars().all() if ids else []
        moved = 0
        for admission in stays:
            if admission.case_manager_id == source.id:  # unchanged since the list was read
                _move(session, actor, admission, target, reason, "handover")
                moved += 1
        details = {"to_user": target.username, "to_user_id": target.id, "cases": moved}
        if reason:
            details["reason"] = reason
        audit.record(session, actor, "case_handover", "user", source.id, details)
        session.flush()
        result = HandoverResult(moved, source.full_name, target.full_name)
    return result, Changes.of(*CHANGED)
