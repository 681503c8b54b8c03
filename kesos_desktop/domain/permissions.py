"""The permission matrix: which role may do which action. The one place that decides.

Services call ``services.context.require(actor, Action.X)`` at every entry point; the UI and the
command line only reflect the answer (hidden or disabled actions). Every service entry point
declares its action with ``@requires(Action.X)`` so a test can list them all.
"""

from __future__ import annotations

from enum import StrEnum

from kesos_desktop.domain.enums import Role


class Action(StrEnum):
    # facility and administration
    FACILITY_VIEW = "facility.view"
    FACILITY_EDIT = "facility.edit"
    SETTINGS_EDIT = "settings.edit"
    USER_VIEW = "user.view"
    USER_MANAGE = "user.manage"
    AUDIT_VIEW = "audit.view"
    BACKUP = "backup.create"
    RESTORE = "backup.restore"
    DEMO_GENERATE = "demo.generate"
    # residents, stays, rooms
    RESIDENT_VIEW = "resident.view"
    RESIDENT_CREATE = "resident.create"
    RESIDENT_EDIT = "resident.edit"
    STAGE_CHANGE = "stage.change"
    CASE_ASSIGN = "case.assign"  # counselors only as supervisor (checked by the service)
    ROOM_VIEW = "room.view"
    ROOM_MANAGE = "room.manage"
    ROOM_ASSIGN = "room.assign"
    ATTACHMENT_MANAGE = "attachment.manage"
    # training
    TRAINING_VIEW = "training.view"
    TRAINING_MANAGE = "training.manage"
    ATTENDANCE_RECORD = "attendance.record"
    CERTIFICATE_ISSUE = "certificate.issue"
    # assessment, plans, counseling
    COUNSELING_VIEW = "counseling.view"  # that a session happened: date, type, counselor
    COUNSELING_WRITE = "counseling.write"
    NOTE_READ = "counseling.note.read"  # note bodies, observations, assessment narratives
    ASSESSMENT_VIEW = "assessment.view"  # scores, dates, assessor; never narratives
    ASSESSMENT_WRITE = "assessment.write"
    PLAN_VIEW = "plan.view"
    PLAN_WRITE = "plan.write"
    # reintegration and aftercare
    REINTEGRATION_VIEW = "reintegration.view"
    REINTEGRATION_MANAGE = "reintegration.manage"
    TERMINATE = "stay.terminate"
    # data in and out
    EXCEL_EXPORT = "excel.export"
    EXCEL_IMPORT = "excel.import"
    REPORT_PRINT = "report.print"
    PERSON_EXPORT = "person.export"
    PERSON_ANONYMIZE = "person.anonymize"


_EVERYONE = {
    Action.FACILITY_VIEW,
    Action.RESIDENT_VIEW,
    Action.ROOM_VIEW,
    Action.TRAINING_VIEW,
    Action.COUNSELING_VIEW,
    Action.ASSESSMENT_VIEW,
    Action.PLAN_VIEW,
    Action.REINTEGRATION_VIEW,
    Action.REPORT_PRINT,
    Action.EXCEL_EXPORT,
}

PERMISSIONS: dict[Role, frozenset[Action]] = {
    # Administrators run the facility's system but are not counselors: no note contents.
    Role.ADMIN: frozenset(
        _EVERYONE
        | {
            Action.FACILITY_EDIT,
            Action.SETTINGS_EDIT,
            Action.USER_VIEW,
            Action.USER_MANAGE,
            Action.AUDIT_VIEW,
            Action.BACKUP,
            Action.RESTORE,
            Action.DEMO_GENERATE,
            Action.RESIDENT_CREATE,
            Action.RESIDENT_EDIT,
            Action.STAGE_CHANGE,
            Action.CASE_ASSIGN,
            Action.ROOM_MANAGE,
            Action.ROOM_ASSIGN,
            Action.ATTACHMENT_MANAGE,
            Action.TRAINING_MANAGE,
            Action.ATTENDANCE_RECORD,
            Action.CERTIFICATE_ISSUE,
            Action.REINTEGRATION_MANAGE,
            Action.TERMINATE,
            Action.EXCEL_IMPORT,
            Action.PERSON_EXPORT,
            Action.PERSON_ANONYMIZE,
        }
    ),
    # Petugas: intake, rooms, training, reintegration logistics.
    Role.STAFF: frozenset(
        _EVERYONE
        | {
            Action.USER_VIEW,
            Action.BACKUP,
            Action.RESIDENT_CREATE,
            Action.RESIDENT_EDIT,
            Action.STAGE_CHANGE,
            Action.ROOM_ASSIGN,
            Action.ATTACHMENT_MANAGE,
            Action.TRAINING_MANAGE,
            Action.ATTENDANCE_RECORD,
            Action.CERTIFICATE_ISSUE,
            Action.REINTEGRATION_MANAGE,
            Action.TERMINATE,
            Action.EXCEL_IMPORT,
        }
    ),
    # Pekerja sosial / konselor: assessment, plans, counseling notes, reintegration.
    Role.COUNSELOR: frozenset(
        _EVERYONE
        | {
            Action.USER_VIEW,
            Action.BACKUP,
            Action.RESIDENT_EDIT,
            Action.STAGE_CHANGE,
            Action.CASE_ASSIGN,
            Action.ATTACHMENT_MANAGE,
            Action.ATTENDANCE_RECORD,
            Action.COUNSELING_WRITE,
            Action.NOTE_READ,
            Action.ASSESSMENT_WRITE,
            Action.PLAN_WRITE,
            Action.REINTEGRATION_MANAGE,
            Action.TERMINATE,
            Action.PERSON_EXPORT,
        }
    ),
}


def allowed(role: Role | str, action: Action) -> bool:
    return action in PERMISSIONS[Role(role)]
