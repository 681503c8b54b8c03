"""Berkas penerima manfaat: one person's case file, printed.

Every section is gathered through the service that owns the data (each checks its own
permission). Confidential text (counseling note bodies, assessment narratives) is printed only
when the user asks for it (``include_notes=True``) AND is allowed to read it: the bodies come one
by one through the body readers ``counseling_notes.get_note`` and ``read_assessment`` (the
confidentiality gate, so every read is audited). A user whose role may not read notes who asks
for them gets ``PermissionDenied`` before anything is produced: the request is refused loudly
rather than printing a file that looks complete. A *sangat rahasia* note the counselor may not
read prints as "(not readable for you)".
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, Spacer, Table, TableStyle

from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.errors import PermissionDenied
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _, format_date
from kesos_desktop.reports.style import (
    DocumentMeta,
    Styles,
    build_pdf,
    data_table,
    escape,
    key_values,
    para,
)
from kesos_desktop.services import (
    aftercare,
    assessment,
    attachments,
    counseling,
    counseling_notes,
    facility,
    outputs,
    plans,
    reintegration,
    reintegration_visits,
    residents,
    training_enrollment,
)
from kesos_desktop.services.counseling import SessionFilter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CaseFile:
    """What the case file prints, gathered through the services."""

    file: object  # ResidentFile
    trainings: list = field(default_factory=list)
    assessment: object | None = None  # AssessmentRow
    narratives: object | None = None  # AssessmentNarratives (only when asked and allowed)
    plan: object | None = None  # PlanView
    sessions: list = field(default_factory=list)  # counseling SessionRow
    notes: dict = field(default_factory=dict)  # session id -> NoteView | None (refused)
    reintegration_plan: object | None = None
    home_visits: list = field(default_factory=list)
    follow_ups: list = field(default_factory=list)
    include_notes: bool = False
    photo: Path | None = None  # this workstation's checked copy (fetched from the database)


def gather(db, actor: Actor, resident_id: int, include_notes: bool = False,
           today: date | None = None) -> CaseFile:
    if include_notes and not actor.can(Action.NOTE_READ):
        raise PermissionDenied(_("Only counselors may print counseling notes in a case file."))
    file = residents.get_file(db, actor, resident_id)
    trainings = training_enrollment.resident_trainings(db, actor, resident_id, today=today)
    found = assessment.list_assessments(db, actor, resident_id=resident_id)
    latest = found[0] if found else None
    narratives = None
    if include_notes and latest is not None:
        try:
            narratives = assessment.read_assessment(db, actor, latest.id)
        except PermissionDenied:
            narratives = None
    plan = None
    for stay in file.stays:
        plan = plans.current_plan(db, actor, stay.id)
        if plan is not None:
            break
    sessions = counseling.list_sessions(db, actor, SessionFilter(resident_id=resident_id))
    sessions = sorted(sessions, key=lambda s: (s.held_on, s.id))
    notes = {}
    if include_notes:
        for row in sessions:
            if not row.has_note:
                continue
            try:
                notes[row.id] = counseling_notes.get_note(db, actor, row.id)
            except PermissionDenied:
                notes[row.id] = None
    reint_plan = None
    visits: list = []
    follow: list = []
    for stay in file.stays:
        if reint_plan is None:
            reint_plan = reintegration.get_plan(db, actor, stay.id)
        visits += reintegration_visits.list_home_visits(db, actor, stay.id)
        if stay.terminated_on is not None:
            follow += aftercare.list_follow_ups(db, actor, stay.id)
    # through the file store: a workstation that never had the photo fetches it from the database
    photo = attachments.photo_file(db, actor, resident_id) if file.resident.photo_path else None
    return CaseFile(file, trainings, latest, narratives, plan, sessions, notes, reint_plan,
                    sorted(visits, key=lambda v: v.visited_on), sorted(follow, key=lambda f: f.due_on),
                    include_notes, photo)


def _photo(path: Path | None, photo_path: str | None) -> Image | None:
    if not photo_path:
        return None
    if path is None or not path.is_file():
        log.warning("photo %s cannot be had; case file printed without it", photo_path)
        return None
    try:
        image = Image(str(path))
        ratio = image.imageHeight / max(1, image.imageWidth)
        width = 30 * mm
        height = min(40 * mm, width * ratio)
        image.drawWidth, image.drawHeight = height / ratio, height
        return image
    except Exception:  # noqa: BLE001 - a damaged photo must not stop the file
        log.warning("photo %s could not be read", path, exc_info=True)
        return None


def _age_text(person, on: date) -> str:
    if person.birth_date:
        return format_date(person.birth_date)
    if person.birth_year_estimated:
        return _("about {year} (estimated)").format(year=person.birth_year_estimated)
    return "-"


def _identity(case: CaseFile, styles: Styles, width: float) -> list:
    person = case.file.resident
    address = ", ".join(p for p in (person.address, person.village, person.district, person.city,
                                    person.province) if p)
    pairs = [
        (_("Registration number"), person.reg_no),
        (_("Name"), person.name + (f" ({person.alias})" if person.alias else "")),
        (_("Sex"), person.sex.label),
        (_("NIK"), person.nik or _("none / unknown")),
        (_("KK number"), person.kk or "-"),
        (_("Place and date of birth"), ", ".join(p for p in (person.birth_place, _age_text(person, date.today()))
                                                if p and p != "-") or "-"),
        (_("Religion"), person.religion.label),
        (_("Marital status"), person.marital_status.label),
        (_("Education"), person.education.label),
        (_("Address"), address or "-"),
        (_("PPKS category"), ", ".join(c.label for c in person.categories) or "-"),
    ]
    if case.file.family:
        pairs.append((_("Family"), "; ".join(
            ", ".join(p for p in (c.name, c.relationship, c.phone) if p)
            for c in case.file.family)))
    photo = _photo(case.photo, person.photo_path)
    if photo is None:
        return [key_values(pairs, styles, width)]
    table = Table([[key_values(pairs, styles, width - 36 * mm), photo]],
                  colWidths=[width - 34 * mm, 34 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("ALIGN", (1, 0), (1, 0), "RIGHT"),
                               ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    return [table]


def _stays(case: CaseFile, styles: Styles, width: float) -> list:
    story = [para(_("B. Stays"), styles.heading)]
    stays = sorted(case.file.stays, key=lambda s: s.admitted_on)
    if not stays:
        return story + [para(_("No stays recorded."), styles.body)]
    rows = []
    for number, stay in enumerate(stays, start=1):
        end = format_date(stay.terminated_on) if stay.terminated_on else _("still in the facility")
        reason = stay.termination_reason.label if stay.termination_reason else ""
        rows.append([number, format_date(stay.admitted_on), end, stay.referral_source.label,
                     stay.stage.label, stay.room_name or "-", stay.case_manager or "-",
                     " · ".join(p for p in (reason, stay.termination_destination) if p) or "-"])
    story.append(data_table(
        ["No", _("Admitted"), _("Left"), _("Referral"), _("Stage"), _("Room"), _("Case manager"),
         _("Termination")], rows, styles,
        [10 * mm, 24 * mm, 24 * mm, 26 * mm, 22 * mm, 18 * mm, 26 * mm, width - 150 * mm],
        align_right={0}))
    story.append(para(_("C. Stage history"), styles.heading))
    history = []
    for stay in stays:
        for change in sorted(stay.stage_history, key=lambda c: (c.changed_on, c.recorded_at)):
            history.append([format_date(change.changed_on),
                            change.from_stage.label if change.from_stage else "-",
                            change.to_stage.label, change.by or "-", change.note or ""])
    if history:
        story.append(data_table([_("Date"), _("Previous stage"), _("New stage"), _("By"), _("Note")], history, styles,
                                [30 * mm, 30 * mm, 30 * mm, 30 * mm, width - 120 * mm]))
    else:
        story.append(para(_("No stage changes recorded."), styles.body))
    return story


def _assessment_and_plan(case: CaseFile, styles: Styles, width: float) -> list:
    story = [para(_("D. Latest assessment"), styles.heading)]
    row = case.assessment
    if row is None:
        story.append(para(_("No assessment recorded."), styles.body))
    else:
        story.append(para(_("Assessed on {date} by {who}; average score {avg}.").format(
            date=format_date(row.assessed_on), who=row.assessor_name,
            avg=f"{row.average:.1f}" if row.average is not None else "-"), styles.body))
        narratives = case.narratives
        header = [_("Domain"), _("Score")] + ([_("Narrative")] if narratives else [])
        widths = [55 * mm, 16 * mm] + ([width - 71 * mm] if narratives else [])
        if not narratives:
            widths = [width - 30 * mm, 30 * mm]
        rows = []
        for score in row.scores:
            line = [score.domain.label, f"{score.score} – {assessment.score_meaning(score.score)}"]
            if narratives:
                line.append(narratives.narrative(score.domain))
            rows.append(line)
        story.append(data_table(header, rows, styles, widths))
        if narratives:
            story.append(Spacer(1, 2 * mm))
            story.append(key_values([(_("Needs"), narratives.needs or "-"),
                                     (_("Strengths"), narratives.strengths or "-"),
                                     (_("Recommendations"), narratives.recommendations or "-")],
                                    styles, width))
    story.append(para(_("E. Intervention plan"), styles.heading))
    plan = case.plan
    if plan is None:
        story.append(para(_("No intervention plan recorded."), styles.body))
        return story
    story.append(para(_("Version {v}, drawn up on {date}, responsible: {who}; review on {review}.").format(
        v=plan.plan_version, date=format_date(plan.drawn_up_on), who=plan.responsible_name,
        review=format_date(plan.review_on) if plan.review_on else "-"), styles.body))
    if plan.services:
        story.append(para(_("Services: {list}").format(list=", ".join(s.label for s in plan.services)),
                          styles.body))
    if plan.goals:
        story.append(Spacer(1, 1.5 * mm))
        story.append(data_table(
            [_("Domain"), _("Goal"), _("Target"), _("Status")],
            [[g.domain.label, g.description, format_date(g.target_date) if g.target_date else "-",
              g.status.label] for g in plan.goals],
            styles, [35 * mm, width - 95 * mm, 30 * mm, 30 * mm]))
    return story


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}%"


def _trainings(case: CaseFile, styles: Styles, width: float) -> list:
    story = [para(_("F. Life-skills training"), styles.heading)]
    if not case.trainings:
        return story + [para(_("No training recorded."), styles.body)]
    rows = [[t.program_name, f"{format_date(t.start_date)} – {format_date(t.end_date)}", t.status.label,
             _percent(t.percentage), t.certificate_no or "-"] for t in case.trainings]
    story.append(data_table([_("Program"), _("Period"), _("Status"), _("Attendance"), _("Certificate")],
                            rows, styles, [width - 146 * mm, 50 * mm, 26 * mm, 22 * mm, 48 * mm],
                            align_right={3}))
    return story


def _counseling(case: CaseFile, styles: Styles, width: float) -> list:
    story = [para(_("G. Counseling sessions"), styles.heading)]
    if not case.sessions:
        return story + [para(_("No counseling sessions recorded."), styles.body)]
    rows = [[format_date(s.held_on), s.session_type.label, s.level.label, s.counselor_name,
             s.status.label] for s in case.sessions]
    story.append(data_table([_("Date"), _("Type"), _("Level"), _("Counselor"), _("Status")], rows, styles,
                            [28 * mm, 40 * mm, 24 * mm, width - 122 * mm, 30 * mm]))
    if not case.include_notes:
        story.append(Spacer(1, 1.5 * mm))
        story.append(para(_("Note contents are confidential and not printed."), styles.small))
        return story
    story.append(para(_("Session notes (confidential)"), styles.heading))
    for s in case.sessions:
        if s.id not in case.notes:
            continue
        view = case.notes[s.id]
        title = _("{date} · {type} · {counselor}").format(
            date=format_date(s.held_on), type=s.session_type.label, counselor=s.counselor_name)
        story.append(Paragraph(f"<b>{escape(title)}</b>", styles.body))
        if view is None:
            story.append(para(_("(not readable for you)"), styles.small))
            continue
        if view.topic:
            story.append(para(_("Topic: {t}").format(t=view.topic), styles.body))
        for version in ([view.current] if view.current else []) + list(view.addenda):
            story.append(para(version.body, styles.body))
            if version.agreed_actions:
                story.append(para(_("Agreed actions: {t}").format(t=version.agreed_actions), styles.body))
        story.append(Spacer(1, 2 * mm))
    return story


def _reintegration(case: CaseFile, styles: Styles, width: float) -> list:
    story = [para(_("H. Reintegration and follow-ups"), styles.heading)]
    plan = case.reintegration_plan
    if plan is not None:
        progress = plan.progress
        story.append(key_values([
            (_("Destination"), " · ".join(p for p in (plan.destination_type.label, plan.destination_address) if p)),
            (_("Contact persons"), plan.contact_persons or "-"),
            (_("Target date"), format_date(plan.target_date) if plan.target_date else "-"),
            (_("Responsible"), plan.responsible or "-"),
            (_("Readiness"), _("{done} of {total} items done").format(done=progress.done,
                                                                      total=progress.applicable)),
        ], styles, width))
    else:
        story.append(para(_("No reintegration plan recorded."), styles.body))
    if case.home_visits:
        story.append(Spacer(1, 2 * mm))
        story.append(data_table(
            [_("Home visit"), _("Visitors"), _("Family readiness")],
            [[format_date(v.visited_on), v.visitors, v.family_readiness.label if v.family_readiness else "-"]
             for v in case.home_visits], styles, [30 * mm, width - 80 * mm, 50 * mm]))
    if case.follow_ups:
        story.append(Spacer(1, 2 * mm))
        story.append(data_table(
            [_("Follow-up due"), _("Method"), _("Done"), _("Condition")],
            [[format_date(f.due_on), f.method.label, format_date(f.done_on) if f.done_on else "-",
              f.condition.label if f.condition else "-"] for f in case.follow_ups],
            styles, [32 * mm, 40 * mm, 32 * mm, width - 104 * mm]))
    return story


def case_file_pdf(case: CaseFile, meta: DocumentMeta) -> bytes:
    def body(styles: Styles, width: float) -> list:
        story = [para(_("A. Identity"), styles.heading)]
        story += _identity(case, styles, width)
        story += _stays(case, styles, width)
        story += _assessment_and_plan(case, styles, width)
        story += _trainings(case, styles, width)
        story += _counseling(case, styles, width)
        story += _reintegration(case, styles, width)
        return story

    return build_pdf(meta, body)


def build_case_file(db, actor: Actor, resident_id: int, include_notes: bool = False,
                    today: date | None = None) -> bytes:
    """The case file as PDF bytes; permissions are checked by the services, the print audited."""
    case = gather(db, actor, resident_id, include_notes=include_notes, today=today)
    profile = facility.get_profile(db, actor)
    person = case.file.resident
    meta = DocumentMeta(
        title=_("Case file"), subtitle=_("{name} · {reg_no}").format(name=person.name, reg_no=person.reg_no),
        facility=profile, printed_by=actor.full_name,
    )
    pdf = case_file_pdf(case, meta)
    outputs.record_print(db, actor, "case_file", resident_id,
                         {"include_notes": bool(include_notes), "notes_printed": sum(
                             1 for v in case.notes.values() if v is not None)})
    return pdf


def find_resident_id(db, actor: Actor, reg_no: str) -> int:
    """The resident with this registration number (exact), through the registry search."""
    from kesos_desktop.domain.errors import NotFoundError
    from kesos_desktop.domain.resident_dto import ResidentQuery, ResidentStatus

    page = residents.search(db, actor, ResidentQuery(text=reg_no, status=ResidentStatus.ALL, limit=50,
                                                     with_total=False))
    for row in page.rows:
        if row.reg_no.strip().lower() == reg_no.strip().lower():
            return row.resident_id
    raise NotFoundError(_("No resident with registration number {reg_no}.").format(reg_no=reg_no))
