"""Retention and anonymisation (UU PDP No. 27/2022), and whether a person's consent is on record.

After the facility's retention period (a setting, in years after the last termination) a former
resident may be anonymised by an administrator, confirmed by retyping the registration number.
Anonymisation removes what identifies the person and every free text about them, and keeps what
the statistics count (sex, PPKS categories, dates of stays and stages, termination reasons,
counseling session counts and types, attendance codes, follow-up conditions), so the monthly
report of any past month gives the same numbers before and after.

The birth date is kept only as far as the monthly age groups need it: 1 July of the birth year
when that puts the person in the same age group at the end of every month of their stays, else
the first day of the birth month (which gives the same age at every month end, exactly).

Counseling notes: the note bodies of sessions where this person was the only participant are
blanked; in a group session only the person's own observation is (the group note belongs to the
other participants too). Audit rows about the person keep who did what and when, but their
details are replaced by a redaction marker; the anonymisation row itself lists them, so the
audit log verification knows those rows were redacted on purpose.
"""

from __future__ import annotations

import calendar
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from kesos_desktop import paths
from kesos_desktop.db.base import now
from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import (
    Admission,
    Assessment,
    AssessmentScore,
    Attachment,
    Attendance,
    AuditEntry,
    CaseConference,
    Consent,
    CounselingSession,
    DocumentCheck,
    Enrollment,
    FamilyContact,
    FollowUp,
    HomeVisit,
    InterventionPlan,
    NoteVersion,
    PlanGoal,
    ReadinessItem,
    ReintegrationPlan,
    Resident,
    RoomAssignment,
    SessionParticipant,
    StageChange,
)
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.enums import ConsentMethod, ConsentRelation
from kesos_desktop.domain.errors import NotFoundError, ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.services import audit, file_store
from kesos_desktop.services.attachments import release_content
from kesos_desktop.services.common import get_setting, put_setting
from kesos_desktop.services.context import requires
from kesos_desktop.services.person_data import about_person

log = logging.getLogger(__name__)

RETENTION_KEY = "retention_years"
DEFAULT_RETENTION_YEARS = 5
REDACTED = "anonymized"  # the audit details of a redacted row: {"redacted": REDACTED}
AGE_LIMITS = (6, 18, 60)  # the first ages of the monthly report's age groups after 0-5


# ----------------------------------------------------------------------------- setting


def _years(session: Session) -> int:
    value = get_setting(session, RETENTION_KEY, DEFAULT_RETENTION_YEARS)
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return DEFAULT_RETENTION_YEARS


@requires(Action.FACILITY_VIEW)
def retention_years(db: Database, actor: Actor) -> int:
    """Years after the last termination before a former resident may be anonymised."""
    with db.read() as session:
        return _years(session)


@requires(Action.SETTINGS_EDIT)
def set_retention_years(db: Database, actor: Actor, years: int) -> Changes:
    if not isinstance(years, int) or not 1 <= years <= 100:
        raise ValidationError(_("The retention period is a whole number of years from 1 to 100."),
                              {"retention_years": _("From 1 to 100 years.")})
    with db.write() as session:
        before = _years(session)
        put_setting(session, RETENTION_KEY, years)
        audit.record(session, actor, "update", "setting", RETENTION_KEY, {"value": [before, years]})
    return Changes.of("setting")


# ----------------------------------------------------------------------------- who is past it


@dataclass(frozen=True)
class FormerResident:
    resident_id: int
    reg_no: str
    name: str
    last_terminated_on: date
    stays: int
    retention_until: date


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _former(session: Session, years: int, today: date, resident_id: int | None = None):
    still_open = aliased(Admission)
    open_stays = sa.select(still_open.id).where(still_open.resident_id == Resident.id,
                                                still_open.terminated_on.is_(None)).exists()
    query = (
        sa.select(Resident.id, Resident.reg_no, Resident.name,
                  sa.func.max(Admission.terminated_on), sa.func.count(Admission.id))
        .join(Admission, Admission.resident_id == Resident.id)
        .where(Resident.anonymized_at.is_(None), ~open_stays)
        .group_by(Resident.id, Resident.reg_no, Resident.name)
        .order_by(sa.func.max(Admission.terminated_on), Resident.reg_no)
    )
    if resident_id is not None:
        query = query.where(Resident.id == resident_id)
    found = []
    for rid, reg_no, name, last, stays in session.execute(query):
        until = _add_years(last, years)
        if until <= today:
            found.append(FormerResident(rid, reg_no, name, last, stays, until))
    return found


@requires(Action.PERSON_ANONYMIZE)
def past_retention(db: Database, actor: Actor, today: date | None = None) -> list[FormerResident]:
    """Former residents (no open stay) whose last termination is older than the retention period."""
    today = today or date.today()
    with db.read() as session:
        return _former(session, _years(session), today)


# ----------------------------------------------------------------------------- consent


@dataclass(frozen=True)
class ConsentStatus:
    resident_id: int
    has_consent: bool  # a consent that was not withdrawn
    given_by: str
    relation: ConsentRelation | None
    method: ConsentMethod | None
    given_on: date | None
    withdrawn_on: date | None

    @property
    def by_someone_else(self) -> bool:
        return self.relation is not None and self.relation != ConsentRelation.SELF


@requires(Action.RESIDENT_VIEW)
def consent_status(db: Database, actor: Actor, resident_id: int) -> ConsentStatus:
    """The person's latest consent (who, relation, method, when); ``has_consent`` False flags them."""
    with db.read() as session:
        latest = session.execute(
            sa.select(Consent.given_by_name, Consent.relation, Consent.method, Consent.given_on,
                      Consent.withdrawn_on)
            .where(Consent.resident_id == resident_id)
            .order_by(Consent.given_on.desc(), Consent.id.desc()).limit(1)
        ).one_or_none()
    if latest is None:
        return ConsentStatus(resident_id, False, "", None, None, None, None)
    return ConsentStatus(resident_id, latest.withdrawn_on is None, latest.given_by_name,
                         ConsentRelation(latest.relation), ConsentMethod(latest.method),
                         latest.given_on, latest.withdrawn_on)


# ----------------------------------------------------------------------------- anonymise


def _month_ends(start: date, end: date):
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield date(year, month, calendar.monthrange(year, month)[1])
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _group(birth: date, on: date) -> int:
    age = on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
    return sum(1 for limit in AGE_LIMITS if age >= limit) if age >= 0 else -1


def coarse_birth_date(birth: date, stays: list[tuple[date, date | None]], today: date) -> date:
    """1 July of the birth year if the age group at every month end of every stay stays the same,
    else the first of the birth month (same age at every month end)."""
    candidate = date(birth.year, 7, 1)
    for admitted, terminated in stays:
        for end in _month_ends(admitted, terminated or today):
            if _group(candidate, end) != _group(birth, end):
                return date(birth.year, birth.month, 1)
    return candidate


def _delete_stored_file(session: Session, stored_path: str, sha: str | None) -> bool:
    """Delete a file's bytes (database row and local copies, under a hash name or an older
    name) unless another attachment or photo still uses them. Call after the person's own
    rows were deleted or cleared."""
    sha = sha or file_store.sha_in_name(stored_path)
    if sha is not None:
        if file_store.still_used(session, sha):
            return False
        released = release_content(session, sha)
    else:  # a photo from before photos were named by their hash
        if session.execute(sa.select(Resident.id).where(
                Resident.photo_path == stored_path).limit(1)).first():
            return False
        released = False
    return _delete_local(stored_path) or released


def _path_in_use(session: Session, stored_path: str) -> bool:
    return session.execute(sa.select(Attachment.id).where(Attachment.stored_path == stored_path)
                           .union_all(sa.select(Resident.id).where(Resident.photo_path == stored_path))
                           .limit(1)).first() is not None


def _delete_local(stored_path: str) -> bool:
    base = paths.data_dir().resolve()
    target = (base / stored_path).resolve()
    if not target.is_relative_to(base) or not target.is_file():
        return False
    try:
        target.unlink()
    except OSError:
        log.warning("could not delete %s", target, exc_info=True)
        return False
    return True


@dataclass(frozen=True)
class AnonymizeResult:
    resident_id: int
    reg_no: str
    files_deleted: int
    audit_rows_redacted: int
    group_sessions_kept: int  # group sessions whose shared note was kept (only the observation blanked)


@requires(Action.PERSON_ANONYMIZE)
def anonymize(db: Database, actor: Actor, resident_id: int, confirm_reg_no: str,
              today: date | None = None) -> tuple[AnonymizeResult, Changes]:
    """Anonymise a former resident past the retention period. Cannot be undone."""
    today = today or date.today()
    with db.write() as session:
        person = session.get(Resident, resident_id)
        if person is None:
            raise NotFoundError(_("This resident does not exist (any more)."))
        if person.anonymized_at is not None:
            raise ValidationError(_("This person was already anonymised."))
        if (confirm_reg_no or "").strip().lower() != person.reg_no.strip().lower():
            raise ValidationError(_("Type the registration number {reg_no} to confirm.").format(
                reg_no=person.reg_no), {"confirm_reg_no": _("Does not match.")})
        stays = session.execute(
            sa.select(Admission.id, Admission.admitted_on, Admission.terminated_on)
            .where(Admission.resident_id == resident_id)).all()
        if any(s.terminated_on is None for s in stays):
            raise ValidationError(_("{name} is still in the facility: only former residents can be "
                                    "anonymised.").format(name=person.name))
        if not _former(session, _years(session), today, resident_id):
            raise ValidationError(_("The retention period of {name} has not ended yet.").format(
                name=person.name))
        stay_ids = [s.id for s in stays]
        result = _erase(session, person, stay_ids, [(s.admitted_on, s.terminated_on) for s in stays], today)
        redacted = _redact_audit(session, resident_id, stay_ids)
        audit.record(session, actor, "anonymize", "resident", resident_id, {
            "reg_no": person.reg_no, "files_deleted": result[0], "redacted_entries": redacted,
            "group_sessions_kept": result[1],
        })
        reg_no = person.reg_no
    _rebuild_search_index(db)
    return (AnonymizeResult(resident_id, reg_no, result[0], len(redacted), result[1]),
            Changes.of("resident"))


def _erase(session: Session, person: Resident, stay_ids: list[int],
           stays: list[tuple[date, date | None]], today: date) -> tuple[int, int]:
    rid = person.id
    # identity
    if person.birth_date is not None:
        person.birth_date = coarse_birth_date(person.birth_date, stays, today)
    person.name = f"Anonim {rid}"
    for attr in ("alias", "nik", "kk", "birth_place", "address", "village", "district", "city",
                 "phone", "notes"):
        setattr(person, attr, None)
    person.identity_unknown = True
    person.anonymized_at = now()
    # files: attachments and the photo
    files_deleted = 0
    # each content once, by its hash (the attachment's own column: older names need not show
    # it); the same content kept under a second older name leaves a second local copy
    files: dict = {}
    more_copies: list[str] = []
    for path, sha in session.execute(
            sa.select(Attachment.stored_path, Attachment.sha256).where(Attachment.resident_id == rid)):
        if sha in files and files[sha][0] != path:
            more_copies.append(path)
        files.setdefault(sha, (path, sha))
    photo = person.photo_path
    person.photo_path = None
    session.execute(sa.delete(Attachment).where(Attachment.resident_id == rid))
    session.flush()
    if photo:
        photo_sha = file_store.sha_in_name(photo)
        files.setdefault(photo_sha or photo, (photo, photo_sha))
    for path, sha in files.values():
        files_deleted += _delete_stored_file(session, path, sha)
    for path in more_copies:
        if not _path_in_use(session, path):
            _delete_local(path)
    session.execute(sa.delete(FamilyContact).where(FamilyContact.resident_id == rid))
    session.execute(sa.update(Consent).where(Consent.resident_id == rid)
                    .values(given_by_name="-", notes=None))
    if not stay_ids:
        return files_deleted, 0
    stay = Admission.id.in_(stay_ids)
    session.execute(sa.update(Admission).where(stay).values(
        referral_letter_no=None, referral_notes=None, initial_condition=None, health_notes=None,
        disability_notes=None, termination_destination=None, termination_notes=None,
        handover_received_by=None, handover_relationship=None, handover_id_number=None,
        handover_witness=None, handover_witness2=None))
    session.execute(sa.update(StageChange).where(StageChange.admission_id.in_(stay_ids)).values(note=None))
    session.execute(sa.update(RoomAssignment).where(RoomAssignment.admission_id.in_(stay_ids))
                    .values(note=None))
    session.execute(sa.update(DocumentCheck).where(DocumentCheck.admission_id.in_(stay_ids))
                    .values(note=None))
    enrollment_ids = sa.select(Enrollment.id).where(Enrollment.admission_id.in_(stay_ids))
    session.execute(sa.update(Enrollment).where(Enrollment.admission_id.in_(stay_ids))
                    .values(stop_reason=None))
    session.execute(sa.update(Attendance).where(Attendance.enrollment_id.in_(enrollment_ids))
                    .values(note=None))
    # counseling: the person's observations; whole notes only of sessions that were theirs alone
    session.execute(sa.update(SessionParticipant).where(SessionParticipant.admission_id.in_(stay_ids))
                    .values(observation=None))
    theirs = sa.select(SessionParticipant.session_id).where(SessionParticipant.admission_id.in_(stay_ids))
    shared = set(session.execute(
        sa.select(SessionParticipant.session_id)
        .where(SessionParticipant.session_id.in_(theirs), SessionParticipant.admission_id.not_in(stay_ids))
    ).scalars())
    alone = [s for s in session.execute(theirs).scalars() if s not in shared]
    if alone:
        session.execute(sa.update(NoteVersion).where(NoteVersion.session_id.in_(alone))
                        .values(body="", agreed_actions=None, reason=None))
        session.execute(sa.update(CounselingSession).where(CounselingSession.id.in_(alone))
                        .values(topic=None, place=None))
    # assessments and plans
    assessment_ids = sa.select(Assessment.id).where(Assessment.admission_id.in_(stay_ids))
    session.execute(sa.update(Assessment).where(Assessment.admission_id.in_(stay_ids))
                    .values(needs=None, strengths=None, recommendations=None))
    session.execute(sa.update(AssessmentScore).where(AssessmentScore.assessment_id.in_(assessment_ids))
                    .values(narrative=None))
    plan_ids = sa.select(InterventionPlan.id).where(InterventionPlan.admission_id.in_(stay_ids))
    session.execute(sa.update(InterventionPlan).where(InterventionPlan.admission_id.in_(stay_ids))
                    .values(revision_reason=None))
    session.execute(sa.update(PlanGoal).where(PlanGoal.plan_id.in_(plan_ids))
                    .values(description="-", progress_notes=None))
    session.execute(sa.update(CaseConference).where(CaseConference.admission_id.in_(stay_ids))
                    .values(decisions="-"))
    # reintegration and aftercare
    rplan_ids = sa.select(ReintegrationPlan.id).where(ReintegrationPlan.admission_id.in_(stay_ids))
    session.execute(sa.update(ReintegrationPlan).where(ReintegrationPlan.admission_id.in_(stay_ids))
                    .values(destination_address=None, contact_persons=None))
    session.execute(sa.update(ReadinessItem).where(ReadinessItem.plan_id.in_(rplan_ids))
                    .values(na_reason=None))
    session.execute(sa.update(HomeVisit).where(HomeVisit.admission_id.in_(stay_ids))
                    .values(visitors="-", people_met=None, findings=None, next_steps=None))
    session.execute(sa.update(FollowUp).where(FollowUp.admission_id.in_(stay_ids))
                    .values(notes=None, next_action=None))
    return files_deleted, len(shared)


def _redact_audit(session: Session, resident_id: int, stay_ids: list[int]) -> list[int]:
    ids = list(session.execute(
        sa.select(AuditEntry.id).where(about_person(resident_id, stay_ids),
                                       AuditEntry.details != audit.canonical_details({})
                                       ).order_by(AuditEntry.id)).scalars())
    if ids:
        session.execute(sa.update(AuditEntry).where(AuditEntry.id.in_(ids))
                        .values(details=redacted_details()))
    return ids


def redacted_details() -> str:
    return audit.canonical_details({"redacted": REDACTED})


def redacted_entry_ids(session: Session) -> set[int]:
    """Audit rows redacted by an anonymisation (the verification accepts their changed details)."""
    found: set[int] = set()
    for details in session.execute(
            sa.select(AuditEntry.details).where(AuditEntry.action == "anonymize")).scalars():
        try:
            found.update(int(i) for i in json.loads(details).get("redacted_entries", []))
        except (ValueError, TypeError, AttributeError):
            continue
    return found


def _rebuild_search_index(db: Database) -> None:
    """SQLite's full-text index keeps old terms in its segments until rebuilt."""
    if not db.is_sqlite:
        return
    with db.write() as session:
        exists = session.execute(sa.text(
            "SELECT 1 FROM sqlite_master WHERE name = 'resident_fts'")).first()
        if exists:
            session.execute(sa.text("INSERT INTO resident_fts(resident_fts) VALUES ('rebuild')"))
    # The old values stay in the file's free pages until it is compacted: do it now if we can.
    try:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM")
    except sa.exc.SQLAlchemyError as error:  # another connection busy: compacted later
        log.warning("VACUUM after anonymisation skipped: %s", error)


def when(value: datetime | None) -> str:
    return value.strftime("%d/%m/%Y %H:%M") if value else ""
