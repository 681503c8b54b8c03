"""The audit log's details in words: ``{"rows": 5, "role": ["staff", "admin"]}`` reads
"Baris: 5; Peran: Petugas → Administrator" on screen and in the Excel export.

Services store details as canonical JSON with English keys and codes (that is what the hash
chain covers, so it never changes); this module only renders them. Known keys get a translated
label, known codes (roles, stages...) their label, dates the dd/mm/yyyy form; an unknown key or
value is shown as stored, so nothing is hidden.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime

from kesos_desktop.domain import enums
from kesos_desktop.i18n import N_, _

MAX_VALUE = 80

#: detail key -> label; keys not listed are shown as stored
DETAIL_LABELS = {
    # who and what
    "action": N_("Action"), "active": N_("Active"), "by": N_("By"), "username": N_("User name"),
    "full_name": N_("Full name"), "role": N_("Role"), "is_supervisor": N_("Supervisor"),
    "nip": N_("NIP"), "failed_logins": N_("Failed logins"), "locked_until": N_("Locked until"),
    "via": N_("Through"), "reason": N_("Reason"), "error": N_("Error"), "ok": N_("Intact"),
    "value": N_("Setting value"), "from": N_("Period from"), "to": N_("Period until"),
    "to_user": N_("Handed over to"), "to_user_id": N_("Handed over to (no.)"),
    "cases": N_("Cases"), "case_manager": N_("Case manager"),
    "case_manager_id": N_("Case manager (no.)"),
    # files, exports, checks
    "file": N_("File"), "rows": N_("Rows"), "filters": N_("Filter"), "sections": N_("Sections"),
    "checked": N_("Checked"), "problems": N_("Problems"), "first_bad_id": N_("First bad entry"),
    "first_id": N_("First entry"), "last_id": N_("Last entry"), "created": N_("Created"),
    "updated": N_("Updated"), "skipped": N_("Skipped"), "replaced": N_("Replaced"),
    "safety_backup": N_("Safety backup"), "schema_revision": N_("Database version"),
    "size_bytes": N_("Size (bytes)"), "sha256": N_("Fingerprint (SHA-256)"),
    "files_deleted": N_("Files deleted"), "redacted_entries": N_("Entries redacted"),
    "automatic": N_("Automatic"), "notes_included": N_("Notes included"),
    "date_from": N_("From date"), "date_to": N_("To date"), "entity": N_("Entity"),
    "entity_id": N_("Record"), "actions": N_("Actions"),
    # the person and the stay
    "resident_id": N_("Resident (no.)"), "admission_id": N_("Stay (no.)"),
    "previous_admission_id": N_("Previous stay (no.)"), "reg_no": N_("Registration no."),
    "name": N_("Name"), "alias": N_("Alias"), "nik": N_("NIK"), "kk": N_("KK"), "sex": N_("Sex"),
    "birth_place": N_("Place of birth"), "birth_date": N_("Date of birth"),
    "religion": N_("Religion"), "address": N_("Address"), "phone": N_("Phone"),
    "relationship": N_("Relationship"), "is_primary": N_("Main contact"),
    "admitted_on": N_("Admitted on"), "referral_source": N_("Referral source"),
    "approach": N_("Approach"), "stage": N_("Stage"), "from_stage": N_("From stage"),
    "room_id": N_("Room (no.)"), "room_freed": N_("Room freed"),
    "over_capacity_override": N_("Over capacity allowed"), "terminated_on": N_("Terminated on"),
    "doc_type": N_("Document type"), "title": N_("Title"), "method": N_("Method"),
    "consent_relation": N_("Given by"), "on": N_("On"), "residents": N_("Residents"),
    "stays": N_("Stays"),
    # counseling, plans, training, aftercare
    "confidentiality": N_("Confidentiality"), "held_on": N_("Held on"),
    "next_session_on": N_("Next session"), "plan_version": N_("Plan version"),
    "version_no": N_("Version"), "assessed_on": N_("Assessed on"), "due_on": N_("Due on"),
    "done_on": N_("Done on"), "visited_on": N_("Visited on"), "condition": N_("Condition"),
    "status": N_("Status"), "program_id": N_("Program (no.)"), "start_date": N_("Start date"),
    "end_date": N_("End date"), "enrolled_on": N_("Enrolled on"),
    "completed_on": N_("Completed on"), "certificate_no": N_("Certificate no."),
    "attendance_pct": N_("Attendance (%)"), "capacity": N_("Capacity"),
}

#: detail key -> the enum whose code it holds (shown by its label)
DETAIL_CODES = {
    "role": enums.Role, "sex": enums.Sex, "stage": enums.Stage, "from_stage": enums.Stage,
    "referral_source": enums.ReferralSource, "approach": enums.Approach,
    "doc_type": enums.DocumentType, "confidentiality": enums.Confidentiality,
    "status": enums.CounselingStatus,
}

#: (key, stored value) -> label, for values that are codes of our own (``via``)
DETAIL_VALUES = {
    ("via", "reassign"): N_("change of case manager"),
    ("via", "handover"): N_("hand-over of all cases"),
}

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$")


def detail_label(key: str) -> str:
    label = DETAIL_LABELS.get(key)
    return _(label) if label else key


def _cut(text: str) -> str:
    return text if len(text) <= MAX_VALUE else text[:MAX_VALUE - 3] + "..."


def _text(key: str, value) -> str:
    """One value in words: yes/no, dates as dd/mm/yyyy, codes by their label."""
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return _cut(", ".join(f"{detail_label(k)}: {_text(k, v)}" for k, v in value.items()))
    if isinstance(value, list):
        return _cut(", ".join(_text(key, v) for v in value))
    if isinstance(value, str):
        if key == "actions":
            from kesos_desktop.services.audit_log import action_label

            return action_label(value)
        if (key, value) in DETAIL_VALUES:
            return _(DETAIL_VALUES[key, value])
        code = DETAIL_CODES.get(key)
        if code is not None and value in code.codes():
            return code(value).label
        try:  # free text may only look like a date ("2026-02-30" as a title): shown as it is
            if _ISO_DATE.match(value):
                return date.fromisoformat(value).strftime("%d/%m/%Y")
            if _ISO_DATETIME.match(value):
                return datetime.fromisoformat(value).strftime("%d/%m/%Y %H:%M")
        except ValueError:
            pass
    return _cut(str(value))


def describe_details(details: str | None) -> str:
    """Stored JSON details as "Label: value; ..." (a [before, after] pair as "a → b")."""
    try:
        data = json.loads(details or "{}")
    except ValueError:
        return details or ""
    if not isinstance(data, dict):
        return _text("", data)
    parts = []
    for key, value in data.items():
        if isinstance(value, list) and len(value) == 2 and not isinstance(value[0], list | dict):
            parts.append(f"{detail_label(key)}: {_text(key, value[0])} → {_text(key, value[1])}")
        else:
            parts.append(f"{detail_label(key)}: {_text(key, value)}")
    return "; ".join(parts)
