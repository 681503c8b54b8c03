"""Completion of a program: the attendance rule plus the instructor's "competent" make a
resident complete, with a unique certificate number. The certificate PDF (reports issue) is
built from :func:`certificate_data` alone.

The attendance rule: attended sessions / held sessions (see ``domain.schedule``) must reach the
program's minimum (80% by default). H counts as attended; I (izin) and S (sakit) count only when
the facility's setting says so (``training_programs.set_attendance_rule``); A and no mark never do.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import (
    Admission,
    Attendance,
    FacilityProfile,
    Resident,
    TrainingSession,
)
from kesos_desktop.domain.dto import Actor, Changes
from kesos_desktop.domain.enums import AttendanceCode, EnrollmentStatus, ProgramStatus
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.domain.schedule import hours_between, meets_minimum
from kesos_desktop.i18n import _
from kesos_desktop.services import audit
from kesos_desktop.services.common import check_version, next_number
from kesos_desktop.services.context import requires
from kesos_desktop.services.training_common import (
    attendance_rule,
    certificate_pattern,
    enrollment_or_404,
    instructor_label,
    load_program_attendance,
    percent_text,
    program_or_404,
)
from kesos_desktop.services.training_types import CertificateData, CompletionCheck


def _reasons(status, competent, percentage, minimum, program_status) -> list[str]:
    reasons = []
    if status == EnrollmentStatus.COMPLETED:
        reasons.append(_("Already completed."))
    elif status == EnrollmentStatus.STOPPED:
        reasons.append(_("Stopped the program."))
    if program_status == ProgramStatus.CANCELLED:
        reasons.append(_("The program was cancelled."))
    if competent is not True:
        reasons.append(_("Not marked competent by the instructor.") if competent is None
                       else _("Judged not yet competent by the instructor."))
    if percentage is None:
        reasons.append(_("No session has been held yet."))
    elif not meets_minimum(percentage, minimum):
        reasons.append(_("Attendance {pct} is below the minimum of {min}%.").format(
            pct=percent_text(percentage), min=minimum))
    return reasons


def _check(session, enrollment, today: date) -> CompletionCheck:
    program = program_or_404(session, enrollment.program_id)
    stats = load_program_attendance(session, program.id, today).stats(
        enrollment.id, enrollment.enrolled_on, attendance_rule(session))
    name = session.execute(
        sa.select(Resident.name).join(Admission, Admission.resident_id == Resident.id)
        .where(Admission.id == enrollment.admission_id)
    ).scalar_one()
    reasons = _reasons(enrollment.status, enrollment.competent, stats.percentage,
                       program.min_attendance_pct, program.status)
    return CompletionCheck(enrollment.id, name, stats.percentage, program.min_attendance_pct,
                           enrollment.competent, not reasons, tuple(reasons))


@requires(Action.TRAINING_VIEW)
def completion_checks(
    db: Database, actor: Actor, program_id: int, today: date | None = None
) -> list[CompletionCheck]:
    """For each active participant: can they complete now, and if not, why."""
    from kesos_desktop.services.training_enrollment import enrollment_rows

    today = today or date.today()
    with db.read() as session:
        program = program_or_404(session, program_id)
        return [
            CompletionCheck(
                row.id, row.name, row.percentage, program.min_attendance_pct, row.competent,
                not (reasons := _reasons(row.status, row.competent, row.percentage,
                                         program.min_attendance_pct, program.status)),
                tuple(reasons),
            )
            for row in enrollment_rows(session, program_id, today)
            if row.status == EnrollmentStatus.ACTIVE
        ]


@requires(Action.CERTIFICATE_ISSUE)
def complete(
    db: Database, actor: Actor, enrollment_id: int, completed_on: date | None = None,
    expected_version: int | None = None, today: date | None = None,
) -> tuple[str, Changes]:
    """Complete the program and issue the certificate number (e.g. SERT/2026/0007).
    Refuses, with the reasons, when the rule is not met; nothing is saved then."""
    today = today or date.today()
    completed_on = completed_on or today
    with db.write() as session:
        enrollment = enrollment_or_404(session, enrollment_id)
        check_version(enrollment, expected_version)
        check = _check(session, enrollment, today)
        if not check.eligible:
            raise ValidationError(
                _("{name} cannot complete the program yet:").format(name=check.name) + "\n"
                + "\n".join(check.reasons))
        if completed_on < enrollment.enrolled_on or completed_on > today:
            raise ValidationError(_("The completion date must be between the enrollment date and "
                                    "today."))
        year = completed_on.year
        seq = next_number(session, f"cert:{year}")
        number = certificate_pattern(session).format(year=year, seq=seq)
        enrollment.status = EnrollmentStatus.COMPLETED
        enrollment.completed_on = completed_on
        enrollment.certificate_no = number
        enrollment.updated_by = actor.username
        session.flush()
        audit.record(session, actor, "complete", "enrollment", enrollment.id, {
            "certificate_no": number, "completed_on": completed_on,
            "attendance_pct": None if check.percentage is None else round(check.percentage, 1),
        })
    return number, Changes.of("enrollment")


@requires(Action.TRAINING_VIEW)
def certificate_data(db: Database, actor: Actor, enrollment_id: int) -> CertificateData:
    """The seam for the certificate PDF: everything it prints, for a completed enrollment."""
    with db.read() as session:
        enrollment = enrollment_or_404(session, enrollment_id)
        if enrollment.status != EnrollmentStatus.COMPLETED or not enrollment.certificate_no:
            raise ValidationError(_("No certificate has been issued for this enrollment."))
        program = program_or_404(session, enrollment.program_id)
        resident = session.execute(
            sa.select(Resident).join(Admission, Admission.resident_id == Resident.id)
            .where(Admission.id == enrollment.admission_id)
        ).scalar_one()
        profile = session.get(FacilityProfile, 1)
        stats = load_program_attendance(session, program.id, enrollment.completed_on).stats(
            enrollment.id, enrollment.enrolled_on, attendance_rule(session))
        hours = sum(
            hours_between(start, end)
            for start, end in session.execute(
                sa.select(TrainingSession.start_time, TrainingSession.end_time)
                .join(Attendance, Attendance.session_id == TrainingSession.id)
                .where(Attendance.enrollment_id == enrollment.id,
                       Attendance.code == AttendanceCode.PRESENT)
            )
        )
        return CertificateData(
            certificate_no=enrollment.certificate_no, resident_name=resident.name,
            reg_no=resident.reg_no, birth_place=resident.birth_place or "",
            birth_date=resident.birth_date, program_name=program.name,
            skill_category=program.skill_category, program_start=program.start_date,
            program_end=program.end_date, target_hours=program.target_hours,
            hours_attended=round(hours, 1), attendance_pct=stats.percentage,
            instructor=instructor_label(session, program), completed_on=enrollment.completed_on,
            facility_name=profile.name if profile else "",
            agency_line1=profile.agency_line1 if profile else "",
            agency_line2=profile.agency_line2 if profile else "",
            address=profile.address if profile else "", city=profile.city if profile else "",
            head_name=profile.head_name if profile else "",
            head_nip=profile.head_nip if profile else "",
            head_title=profile.head_title if profile else "",
            logo_path=profile.logo_path if profile else "",
        )
