"""Hak akses (UU PDP No. 27/2022): everything held about one person, gathered for an access request.

``gather`` reads every area (identity, family, consents, stays, stage history, rooms, documents,
trainings and attendance, counseling session metadata, assessments, plans, reintegration,
follow-ups and the audit entries about the person) as plain sections: a title, column headers and
rows. The PDF (``reports/person_export.py``) and the workbook (``excel/person_export.py``) both
print these sections, so the two files always hold the same data.

Confidential text (counseling note bodies, observations, assessment narratives) is never read
here: it comes only through the confidentiality gate (``counseling_notes.get_note`` and
``assessment.read_assessment``, each read audited), and only when the requesting user may read
it. For anyone else the bodies are withheld and the file says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

import sqlalchemy as sa
from sqlalchemy.orm import Session

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
    PlanGoal,
    ReadinessItem,
    ReintegrationPlan,
    Resident,
    ResidentCategory,
    Room,
    RoomAssignment,
    SessionParticipant,
    StageChange,
    TrainingProgram,
    TrainingSession,
    User,
)
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.errors import NotFoundError, PermissionDenied
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import N_, _
from kesos_desktop.services import assessment as assessment_service
from kesos_desktop.services import audit, counseling_notes
from kesos_desktop.services.context import requires

AUDIT_ENTITY = "person"


@dataclass(frozen=True)
class DataSection:
    key: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]


@dataclass(frozen=True)
class PersonData:
    resident_id: int
    reg_no: str
    name: str
    anonymized: bool
    gathered_at: datetime
    gathered_by: str
    notes_included: bool  # the requesting user may read note bodies (counselor)
    sections: tuple[DataSection, ...] = field(default_factory=tuple)

    def section(self, key: str) -> DataSection:
        return next(s for s in self.sections if s.key == key)


def plain(value: object) -> object:
    """A value as printed: enum labels, everything else as is (None -> "")."""
    if value is None:
        return ""
    if isinstance(value, Enum):
        return str(getattr(value, "label", value.value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def _section(key: str, title: str, headers: Sequence[str], rows) -> DataSection:
    return DataSection(key, title, tuple(headers),
                       tuple(tuple(plain(v) for v in row) for row in rows))


def _user_names(session: Session) -> dict[int, str]:
    return dict(session.execute(sa.select(User.id, User.full_name)).all())


def _identity(person: Resident, categories: list) -> DataSection:
    rows = [
        (_("Registration number"), person.reg_no),
        (_("NIK"), person.nik),
        (_("KK number"), person.kk),
        (_("Identity unknown"), person.identity_unknown),
        (_("Name"), person.name),
        (_("Alias"), person.alias),
        (_("Sex"), person.sex),
        (_("Birth place"), person.birth_place),
        (_("Birth date"), person.birth_date),
        (_("Estimated birth year"), person.birth_year_estimated),
        (_("Religion"), person.religion),
        (_("Marital status"), person.marital_status),
        (_("Education"), person.education),
        (_("Address"), person.address),
        (_("Village"), person.village),
        (_("District"), person.district),
        (_("City"), person.city),
        (_("Province"), person.province),
        (_("Phone"), person.phone),
        (_("Photo"), _("stored") if person.photo_path else ""),
        (_("PPKS categories"), ", ".join(str(plain(c)) for c in categories)),
        (_("Notes"), person.notes),
        (_("Anonymised on"), person.anonymized_at),
    ]
    return _section("identity", _("Identity"), (_("Field"), _("Value")), rows)


def _read_everything(session: Session, resident_id: int) -> tuple[Resident, list[DataSection], list[int], list[int]]:
    person = session.get(Resident, resident_id)
    if person is None:
        raise NotFoundError(_("This resident does not exist (any more)."))
    users = _user_names(session)
    categories = list(session.execute(
        sa.select(ResidentCategory.category).where(ResidentCategory.resident_id == resident_id)
    ).scalars())
    sections = [_identity(person, categories)]

    family = session.execute(
        sa.select(FamilyContact).where(FamilyContact.resident_id == resident_id)
        .order_by(FamilyContact.id)).scalars().all()
    sections.append(_section("family", _("Family contacts"),
                             (_("Name"), _("Relationship"), _("Phone"), _("Address"), _("Primary")),
                             [(f.name, f.relationship_, f.phone, f.address, f.is_primary) for f in family]))

    consents = session.execute(
        sa.select(Consent).where(Consent.resident_id == resident_id).order_by(Consent.given_on)
    ).scalars().all()
    sections.append(_section("consent", _("Consents"),
                             (_("Given by"), _("Relation"), _("Method"), _("Given on"), _("Recorded by"),
                              _("Withdrawn on"), _("Notes")),
                             [(c.given_by_name, c.relation, c.method, c.given_on,
                               users.get(c.recorded_by_id), c.withdrawn_on, c.notes) for c in consents]))

    stays = session.execute(
        sa.select(Admission).where(Admission.resident_id == resident_id).order_by(Admission.admitted_on)
    ).scalars().all()
    stay_ids = [s.id for s in stays]
    rooms = dict(session.execute(sa.select(Room.id, Room.name)).all())
    sections.append(_section("stays", _("Stays"), (
        _("Stay"), _("Admitted on"), _("Referral source"), _("Referral letter"), _("Referral letter date"),
        _("Referral notes"), _("Approach"), _("Initial condition"), _("Health notes"), _("Disability notes"),
        _("Stage"), _("Room"), _("Case manager"), _("Terminated on"), _("Termination reason"),
        _("Destination"), _("Termination notes"), _("Handed over to"), _("Relationship"),
        _("ID number"), _("Witness"), _("Second witness"), _("Aftercare"), _("Aftercare outcome"),
        _("Aftercare closed on")),
        [(s.id, s.admitted_on, s.referral_source, s.referral_letter_no, s.referral_letter_date,
          s.referral_notes, s.approach, s.initial_condition, s.health_notes, s.disability_notes,
          s.stage, rooms.get(s.room_id), users.get(s.case_manager_id), s.terminated_on,
          s.termination_reason, s.termination_destination, s.termination_notes,
          s.handover_received_by, s.handover_relationship, s.handover_id_number, s.handover_witness,
          s.handover_witness2, s.aftercare_status, s.aftercare_outcome, s.aftercare_closed_on)
         for s in stays]))

    changes = session.execute(
        sa.select(StageChange).where(StageChange.admission_id.in_(stay_ids))
        .order_by(StageChange.changed_on, StageChange.id)).scalars().all()
    sections.append(_section("stages", _("Stage history"),
                             (_("Stay"), _("From"), _("To"), _("On"), _("Note"), _("By")),
                             [(c.admission_id, c.from_stage, c.to_stage, c.changed_on, c.note,
                               users.get(c.user_id)) for c in changes]))

    moves = session.execute(
        sa.select(RoomAssignment).where(RoomAssignment.admission_id.in_(stay_ids))
        .order_by(RoomAssignment.from_date, RoomAssignment.id)).scalars().all()
    sections.append(_section("rooms", _("Rooms"),
                             (_("Stay"), _("Room"), _("From"), _("Until"), _("Note")),
                             [(m.admission_id, rooms.get(m.room_id), m.from_date, m.until_date, m.note)
                              for m in moves]))

    checks = session.execute(
        sa.select(DocumentCheck).where(DocumentCheck.admission_id.in_(stay_ids))).scalars().all()
    files = session.execute(
        sa.select(Attachment).where(Attachment.resident_id == resident_id).order_by(Attachment.added_at)
    ).scalars().all()
    rows = [(_("Checklist"), c.admission_id, c.doc_type, "", c.present, c.note, None) for c in checks]
    rows += [(_("Attached file"), a.admission_id, a.doc_type, a.title, True, a.original_name, a.added_at)
             for a in files]
    sections.append(_section("documents", _("Documents"),
                             (_("Kind"), _("Stay"), _("Document"), _("Title"), _("Present"),
                              _("Note / file name"), _("Added at")), rows))

    enrollments = session.execute(
        sa.select(Enrollment, TrainingProgram.name).join(TrainingProgram)
        .where(Enrollment.admission_id.in_(stay_ids)).order_by(Enrollment.enrolled_on)).all()
    sections.append(_section("trainings", _("Trainings"),
                             (_("Program"), _("Enrolled on"), _("Status"), _("Stop reason"),
                              _("Competent"), _("Completed on"), _("Certificate")),
                             [(name, e.enrolled_on, e.status, e.stop_reason, e.competent, e.completed_on,
                               e.certificate_no) for e, name in enrollments]))
    enrollment_ids = [e.id for e, _name in enrollments]
    attendance = session.execute(
        sa.select(TrainingProgram.name, TrainingSession.day, Attendance.code, Attendance.note)
        .join(TrainingSession, Attendance.session_id == TrainingSession.id)
        .join(TrainingProgram, TrainingSession.program_id == TrainingProgram.id)
        .where(Attendance.enrollment_id.in_(enrollment_ids))
        .order_by(TrainingSession.day)).all()
    sections.append(_section("attendance", _("Training attendance"),
                             (_("Program"), _("Day"), _("Code"), _("Note")), attendance))

    sessions = session.execute(
        sa.select(CounselingSession.id, CounselingSession.held_on, CounselingSession.session_type,
                  CounselingSession.level, CounselingSession.duration_minutes, CounselingSession.place,
                  CounselingSession.counselor_id, CounselingSession.status,
                  CounselingSession.confidentiality, CounselingSession.signed_at)
        .join(SessionParticipant, SessionParticipant.session_id == CounselingSession.id)
        .where(SessionParticipant.admission_id.in_(stay_ids))
        .order_by(CounselingSession.held_on, CounselingSession.id)).all()
    sections.append(_section("counseling", _("Counseling sessions"),
                             (_("Session"), _("Held on"), _("Type"), _("Level"), _("Minutes"), _("Place"),
                              _("Counselor"), _("Status"), _("Confidentiality"), _("Signed at")),
                             [(s.id, s.held_on, s.session_type, s.level, s.duration_minutes, s.place,
                               users.get(s.counselor_id), s.status, s.confidentiality, s.signed_at)
                              for s in sessions]))

    assessments = session.execute(
        sa.select(Assessment.id, Assessment.admission_id, Assessment.assessed_on, Assessment.assessor_id)
        .where(Assessment.admission_id.in_(stay_ids)).order_by(Assessment.assessed_on)).all()
    scores = session.execute(
        sa.select(AssessmentScore.assessment_id, AssessmentScore.domain, AssessmentScore.score)
        .where(AssessmentScore.assessment_id.in_([a.id for a in assessments]))).all()
    by_assessment: dict[int, list] = {}
    for s in scores:
        by_assessment.setdefault(s.assessment_id, []).append(f"{plain(s.domain)}: {s.score}")
    sections.append(_section("assessments", _("Assessments"),
                             (_("Assessment"), _("Stay"), _("Assessed on"), _("Assessor"), _("Scores")),
                             [(a.id, a.admission_id, a.assessed_on, users.get(a.assessor_id),
                               "; ".join(by_assessment.get(a.id, []))) for a in assessments]))

    plans = session.execute(
        sa.select(InterventionPlan).where(InterventionPlan.admission_id.in_(stay_ids))
        .order_by(InterventionPlan.admission_id, InterventionPlan.plan_version)).scalars().all()
    goals = session.execute(
        sa.select(PlanGoal).where(PlanGoal.plan_id.in_([p.id for p in plans])).order_by(PlanGoal.id)
    ).scalars().all()
    plan_of = {p.id: p for p in plans}
    rows = [(p.admission_id, p.plan_version, p.drawn_up_on, p.review_on, users.get(p.responsible_id),
             p.revision_reason, "", "", "", "", "") for p in plans]
    rows += [(plan_of[g.plan_id].admission_id, plan_of[g.plan_id].plan_version, None, None, None, None,
              g.domain, g.description, g.target_date, g.status, g.progress_notes) for g in goals]
    sections.append(_section("plans", _("Intervention plans"),
                             (_("Stay"), _("Version"), _("Drawn up on"), _("Review on"), _("Responsible"),
                              _("Revision reason"), _("Goal domain"), _("Goal"), _("Target date"),
                              _("Goal status"), _("Progress notes")), rows))

    conferences = session.execute(
        sa.select(CaseConference).where(CaseConference.admission_id.in_(stay_ids))
        .order_by(CaseConference.held_on)).scalars().all()
    sections.append(_section("conferences", _("Case conferences"),
                             (_("Stay"), _("Held on"), _("Decisions"), _("Led by")),
                             [(c.admission_id, c.held_on, c.decisions, users.get(c.led_by_id))
                              for c in conferences]))

    rplans = session.execute(
        sa.select(ReintegrationPlan).where(ReintegrationPlan.admission_id.in_(stay_ids))).scalars().all()
    items = session.execute(
        sa.select(ReadinessItem).where(ReadinessItem.plan_id.in_([p.id for p in rplans]))).scalars().all()
    rows = [(p.admission_id, _("Plan"), p.destination_type, p.destination_address, p.contact_persons,
             p.target_date, users.get(p.responsible_id)) for p in rplans]
    rows += [(next(p.admission_id for p in rplans if p.id == i.plan_id), _("Readiness"), i.item, i.status,
              i.na_reason, i.done_on, users.get(i.done_by_id)) for i in items]
    sections.append(_section("reintegration", _("Reintegration"),
                             (_("Stay"), _("Kind"), _("What"), _("Detail"), _("Contacts / reason"),
                              _("Date"), _("By")), rows))

    visits = session.execute(
        sa.select(HomeVisit).where(HomeVisit.admission_id.in_(stay_ids)).order_by(HomeVisit.visited_on)
    ).scalars().all()
    sections.append(_section("home_visits", _("Home visits"),
                             (_("Stay"), _("Visited on"), _("Visitors"), _("People met"), _("Findings"),
                              _("Family readiness"), _("Next steps")),
                             [(v.admission_id, v.visited_on, v.visitors, v.people_met, v.findings,
                               v.family_readiness, v.next_steps) for v in visits]))

    follow = session.execute(
        sa.select(FollowUp).where(FollowUp.admission_id.in_(stay_ids)).order_by(FollowUp.due_on)
    ).scalars().all()
    sections.append(_section("follow_ups", _("Follow-ups"),
                             (_("Stay"), _("Due on"), _("Method"), _("Done on"), _("Condition"),
                              _("Notes"), _("Next action"), _("By")),
                             [(f.admission_id, f.due_on, f.method, f.done_on, f.condition, f.notes,
                               f.next_action, users.get(f.done_by_id)) for f in follow]))

    entries = session.execute(
        sa.select(AuditEntry.at, AuditEntry.username, AuditEntry.action, AuditEntry.entity,
                  AuditEntry.entity_id)
        .where(about_person(resident_id, stay_ids)).order_by(AuditEntry.id)).all()
    sections.append(_section("audit", _("Audit trail about this person"),
                             (_("When"), _("User"), _("Action"), _("What"), _("Record")), entries))
    return person, sections, [s.id for s in sessions], [a.id for a in assessments]


#: audit entities whose id is a resident's id (records, and documents printed about the person)
PERSON_ENTITIES = ("resident", AUDIT_ENTITY, "case_file", "access_request", "access_report")
#: audit entities whose id is a stay's id
STAY_ENTITIES = ("admission", "handover")


def about_person(resident_id: int, stay_ids: Sequence[int]):
    """The audit rows that concern one person: their record, their stays, rows naming them."""
    rid = str(resident_id)
    clauses = [
        sa.and_(AuditEntry.entity.in_(PERSON_ENTITIES), AuditEntry.entity_id == rid),
        AuditEntry.details.like(f'%"resident_id": {rid},%'),
        AuditEntry.details.like(f'%"resident_id": {rid}}}%'),
    ]
    if stay_ids:
        clauses.append(sa.and_(AuditEntry.entity.in_(STAY_ENTITIES),
                               AuditEntry.entity_id.in_([str(s) for s in stay_ids])))
    return sa.or_(*clauses)


NOT_READABLE = N_("(not readable for you)")


def _confidential_sections(db: Database, actor: Actor, session_ids: list[int],
                           assessment_ids: list[int]) -> list[DataSection]:
    """Note bodies and narratives, one by one through the confidentiality gate (audited)."""
    note_rows = []
    for session_id in session_ids:
        try:
            note = counseling_notes.get_note(db, actor, session_id)
        except PermissionDenied:
            note_rows.append((session_id, "", "", _(NOT_READABLE), ""))
            continue
        versions = ([note.current] if note.current else []) + list(note.addenda)
        for version in versions:
            note_rows.append((session_id, version.version_no, version.written_at, version.body,
                              version.agreed_actions))
        for obs in note.observations:
            note_rows.append((session_id, _("observation"), "", obs.observation, ""))
    narrative_rows = []
    for assessment_id in assessment_ids:
        try:
            text = assessment_service.read_assessment(db, actor, assessment_id)
        except PermissionDenied:
            narrative_rows.append((assessment_id, "", _(NOT_READABLE)))
            continue
        for domain, narrative in text.narratives:
            narrative_rows.append((assessment_id, domain, narrative))
        for label, value in ((_("Needs"), text.needs), (_("Strengths"), text.strengths),
                             (_("Recommendations"), text.recommendations)):
            if value:
                narrative_rows.append((assessment_id, label, value))
    return [
        _section("notes", _("Counseling notes"),
                 (_("Session"), _("Version"), _("Written at"), _("Text"), _("Agreed actions")), note_rows),
        _section("narratives", _("Assessment narratives"),
                 (_("Assessment"), _("Domain"), _("Text")), narrative_rows),
    ]


@requires(Action.PERSON_EXPORT)
def gather(db: Database, actor: Actor, resident_id: int) -> PersonData:
    """Everything held about one person (audited as an ``access_request``)."""
    with db.read() as session:
        person, sections, session_ids, assessment_ids = _read_everything(session, resident_id)
        reg_no, name, anonymized = person.reg_no, person.name, person.anonymized_at is not None
    notes_included = actor.can(Action.NOTE_READ)
    if notes_included:
        sections += _confidential_sections(db, actor, session_ids, assessment_ids)
    with db.write() as session:
        audit.record(session, actor, "access_request", AUDIT_ENTITY, resident_id,
                     {"reg_no": reg_no, "sections": len(sections), "notes_included": notes_included})
    return PersonData(resident_id, reg_no, name, anonymized, datetime.now().replace(microsecond=0),
                      actor.full_name, notes_included, tuple(sections))


@requires(Action.RESIDENT_VIEW)
def find_by_reg_no(db: Database, actor: Actor, reg_no: str) -> int:
    """The id of the person with this registration number (exact, case-insensitive)."""
    with db.read() as session:
        found = session.execute(
            sa.select(Resident.id).where(sa.func.lower(Resident.reg_no) == reg_no.strip().lower())
        ).scalar_one_or_none()
    if found is None:
        raise NotFoundError(_("No resident with registration number {reg_no}.").format(reg_no=reg_no))
    return found


def today_stamp() -> str:
    return date.today().strftime("%Y%m%d")


# ----------------------------------------------------------------------------- breach support

#: audit actions that mean someone looked at or took away a person's data
ACCESS_ACTIONS = ("read_note", "read_assessment", "print", "export", "access_request", "view",
                  "read", "open", "anonymize")


@dataclass(frozen=True)
class AccessRow:
    at: datetime
    username: str
    action: str
    entity: str
    entity_id: str | None


@requires(Action.AUDIT_VIEW)
def access_report(db: Database, actor: Actor, resident_id: int, date_from: date | None = None,
                  date_to: date | None = None) -> list[AccessRow]:
    """Who read, printed or exported this person's data in a period (for a breach report)."""
    with db.read() as session:
        stay_ids = list(session.execute(
            sa.select(Admission.id).where(Admission.resident_id == resident_id)).scalars())
        session_ids = [str(s) for s in session.execute(
            sa.select(SessionParticipant.session_id).where(SessionParticipant.admission_id.in_(stay_ids))
        ).scalars()]
        assessment_ids = [str(a) for a in session.execute(
            sa.select(Assessment.id).where(Assessment.admission_id.in_(stay_ids))).scalars()]
        about = sa.or_(
            about_person(resident_id, stay_ids),
            sa.and_(AuditEntry.entity.in_(("counseling_note", "counseling_session")),
                    AuditEntry.entity_id.in_(session_ids)),
            sa.and_(AuditEntry.entity == "assessment", AuditEntry.entity_id.in_(assessment_ids)),
        )
        query = sa.select(AuditEntry.at, AuditEntry.username, AuditEntry.action, AuditEntry.entity,
                          AuditEntry.entity_id).where(about, AuditEntry.action.in_(ACCESS_ACTIONS))
        if date_from:
            query = query.where(AuditEntry.at >= datetime.combine(date_from, datetime.min.time()))
        if date_to:
            query = query.where(AuditEntry.at < datetime.combine(date_to, datetime.max.time()))
        rows = [AccessRow(*r) for r in session.execute(query.order_by(AuditEntry.id))]
    with db.write() as session:
        audit.record(session, actor, "export", "access_report", resident_id,
                     {"from": date_from, "to": date_to, "rows": len(rows)})
    return rows


@requires(Action.RESIDENT_VIEW)
def record_view(db: Database, actor: Actor, resident_id: int) -> None:
    """The resident file was opened on screen: one audit row, so a breach report can list it."""
    with db.write() as session:
        audit.record(session, actor, "view", "resident", resident_id, {})
