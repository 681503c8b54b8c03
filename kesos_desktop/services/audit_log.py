"""Reading the audit trail: verify the hash chain, query with filters, export to Excel.

Writing stays in :mod:`kesos_desktop.services.audit` (``audit.record``). The database refuses
UPDATE and DELETE on ``audit_log`` (migration 0002); :func:`verify` catches what someone with a
database editor can still do after dropping those triggers: edit, delete or reorder rows.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from kesos_desktop import __version__
from kesos_desktop.db.base import now
from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import AuditEntry, FacilityProfile
from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import N_, _
from kesos_desktop.services import audit
from kesos_desktop.services.audit_details import describe_details  # noqa: F401 - part of this API
from kesos_desktop.services.context import requires

ProgressFn = Callable[[int, int, str], None]

BATCH = 5000
MAX_PAGE = 1000
MAX_PROBLEMS = 20

# Labels for the actions services record; anything else is shown as stored.
ACTION_LABELS = {
    "login": N_("Logged in"),
    "login_failed": N_("Failed login"),
    "logout": N_("Logged out"),
    "unlock_failed": N_("Failed unlock"),
    "setup": N_("First-run setup"),
    "create": N_("Created"),
    "update": N_("Changed"),
    "delete": N_("Deleted"),
    "password_change": N_("Changed own password"),
    "password_reset": N_("Password reset"),
    "denied": N_("Refused (no permission)"),
    "export": N_("Exported"),
    "print": N_("Printed"),
    "read": N_("Read"),
    "backup": N_("Backup"),
    "backup_failed": N_("Backup failed"),
    "restore": N_("Restored"),
    "verify": N_("Audit log checked"),
    "import": N_("Imported"),
    "access_request": N_("Access request"),
    "view": N_("Viewed"),
    "open": N_("Opened"),
    "read_note": N_("Read a note"),
    "read_assessment": N_("Read an assessment"),
    "withdraw": N_("Withdrawn"),
    "anonymize": N_("Anonymised"),
    "reassign": N_("Case manager changed"),
    "case_handover": N_("Cases handed over"),
    "add_addendum": N_("Addendum added to a note"),
    "assess": N_("Assessed"),
    "cancel": N_("Cancelled"),
    "close_aftercare": N_("Aftercare closed"),
    "complete": N_("Completed"),
    "demo_generate": N_("Demo data generated"),
    "edit_note": N_("Note edited"),
    "generate_sessions": N_("Sessions generated from a rule"),
    "move": N_("Moved"),
    "readmit": N_("Readmitted"),
    "record": N_("Recorded"),
    "reinstate": N_("Reinstated"),
    "revise": N_("Revised"),
    "sign_note": N_("Note signed"),
    "stage": N_("Stage changed"),
    "stop": N_("Stopped"),
    "terminate": N_("Terminated"),
    "update_goal": N_("Goal progress updated"),
    "update_handover": N_("Handover corrected"),
    "write_note": N_("Note written"),
    "encrypt": N_("Database encrypted"),
    "decrypt": N_("Database decrypted"),
    "change_passphrase": N_("Passphrase changed"),
}


#: audit actions by which personal data left the system (files, paper, copies, the
#: access-request file): the breach report of "what was exported in a period"
OUTPUT_ACTIONS = ("export", "print", "access_request", "backup")


def outputs_filter(date_from: date | None, date_to: date | None,
                   username: str | None = None) -> AuditFilter:
    """Breach support: every export, print, access request and backup in a period."""
    return AuditFilter(username=username, date_from=date_from, date_to=date_to,
                       actions=OUTPUT_ACTIONS)


# Labels for the entities the core services name; other areas' entities show as stored.
ENTITY_LABELS = {
    "user": N_("User"),
    "facility": N_("Facility"),
    "database": N_("Database"),
    "audit_log": N_("Audit log"),
    "permission": N_("Permission"),
    "setting": N_("Setting"),
    "resident": N_("Resident"),
    "consent": N_("Consent"),
    "attachment": N_("Document"),
    "admission": N_("Stay"),
    "family_contact": N_("Family contact"),
    "person": N_("Personal data"),
    "access_request": N_("Access request"),
    "access_report": N_("Accesses to one person"),
    "case_file": N_("Case file"),
    "counseling_note": N_("Counseling note"),
}


def action_label(action: str) -> str:
    label = ACTION_LABELS.get(action)
    return _(label) if label else action


def entity_label(entity: str) -> str:
    label = ENTITY_LABELS.get(entity)
    return _(label) if label else entity


# ----------------------------------------------------------------------------- DTOs


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    user_id: int | None
    username: str
    action: str
    entity: str
    entity_id: str | None
    details: str  # canonical JSON as stored

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def details_text(self) -> str:
        return describe_details(self.details)


@dataclass(frozen=True)
class AuditFilter:
    username: str | None = None
    entity: str | None = None
    action: str | None = None
    entity_id: str | None = None
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    #: any of these actions (``OUTPUT_ACTIONS``: everything that left the system)
    actions: tuple[str, ...] = ()

    def describe(self) -> str:
        parts = []
        if self.actions:
            parts.append(_("exported, printed or backed up") if set(self.actions) == set(OUTPUT_ACTIONS)
                         else ", ".join(action_label(a) for a in self.actions))
        if self.username:
            parts.append(_("user {v}").format(v=self.username))
        if self.entity:
            parts.append(_("entity {v}").format(v=self.entity))
        if self.entity_id:
            parts.append(_("record {v}").format(v=self.entity_id))
        if self.action:
            parts.append(_("action {v}").format(v=action_label(self.action)))
        if self.date_from:
            parts.append(_("from {d}").format(d=self.date_from.strftime("%d/%m/%Y")))
        if self.date_to:
            parts.append(_("until {d}").format(d=self.date_to.strftime("%d/%m/%Y")))
        return ", ".join(parts) if parts else _("all entries")


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True)
class AuditChoices:
    usernames: list[str]
    entities: list[str]
    actions: list[str]


@dataclass(frozen=True)
class ChainProblem:
    row_id: int
    kind: str  # "edited" | "deleted" | "reordered"
    message: str


@dataclass(frozen=True)
class VerifyResult:
    checked: int
    last_id: int | None
    last_hash: str
    problems: tuple[ChainProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_id(self) -> int | None:
        return self.problems[0].row_id if self.problems else None

    @property
    def message(self) -> str:
        if self.ok:
            return _(
                "The audit log is intact: {n} entries checked, none edited, deleted or reordered."
            ).format(n=self.checked)
        return _("The audit log has been tampered with. First problem: {problem}").format(
            problem=self.problems[0].message
        )


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int


# ----------------------------------------------------------------------------- helpers


def _to_row(entry) -> AuditRow:
    return AuditRow(
        entry.id, entry.at, entry.user_id, entry.username, entry.action, entry.entity,
        entry.entity_id, entry.details,
    )


def _apply(query, filters: AuditFilter):
    if filters.username:
        query = query.where(AuditEntry.username == filters.username)
    if filters.entity:
        query = query.where(AuditEntry.entity == filters.entity)
    if filters.entity_id:
        query = query.where(AuditEntry.entity_id == str(filters.entity_id))
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    if filters.actions:
        query = query.where(AuditEntry.action.in_(filters.actions))
    if filters.date_from:
        query = query.where(AuditEntry.at >= datetime.combine(filters.date_from, time.min))
    if filters.date_to:
        query = query.where(
            AuditEntry.at < datetime.combine(filters.date_to + timedelta(days=1), time.min)
        )
    return query


def _check_dates(filters: AuditFilter) -> None:
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        message = _("The start date is after the end date.")
        raise ValidationError(message, {"date_from": message})


# ----------------------------------------------------------------------------- query


@requires(Action.AUDIT_VIEW)
def list_entries(
    db: Database, actor: Actor, filters: AuditFilter | None = None, offset: int = 0,
    limit: int = 100, newest_first: bool = True,
) -> AuditPage:
    """One page of audit entries matching ``filters`` and the total count, newest first."""
    filters = filters or AuditFilter()
    _check_dates(filters)
    limit = max(1, min(limit, MAX_PAGE))
    offset = max(0, offset)
    with db.read() as session:
        total = session.execute(
            _apply(sa.select(sa.func.count(AuditEntry.id)), filters)
        ).scalar_one()
        order = AuditEntry.id.desc() if newest_first else AuditEntry.id.asc()
        entries = session.execute(
            _apply(sa.select(AuditEntry), filters).order_by(order).offset(offset).limit(limit)
        ).scalars()
        rows = [_to_row(e) for e in entries]
    return AuditPage(rows, total, offset, limit)


@requires(Action.AUDIT_VIEW)
def filter_choices(db: Database, actor: Actor) -> AuditChoices:
    """The user names, entities and actions that occur in the log (for the filter lists)."""
    with db.read() as session:
        def distinct(column) -> list[str]:
            return [v for v in session.execute(sa.select(column).distinct().order_by(column)).scalars() if v]

        return AuditChoices(
            distinct(AuditEntry.username), distinct(AuditEntry.entity), distinct(AuditEntry.action)
        )


# ----------------------------------------------------------------------------- verify


def _batches(session: Session, columns, batch: int = BATCH) -> Iterator[list]:
    last = 0
    while True:
        rows = session.execute(
            sa.select(*columns).where(AuditEntry.id > last).order_by(AuditEntry.id).limit(batch)
        ).all()
        if not rows:
            return
        yield rows
        last = rows[-1].id


def _classify(session: Session, row, prev_id: int | None, expected: str) -> ChainProblem:
    """Why ``row`` does not follow the row before it."""
    holder = session.execute(
        sa.select(AuditEntry.id).where(AuditEntry.hash == row.prev_hash).limit(1)
    ).scalar_one_or_none()
    if holder is not None and holder != prev_id:
        return ChainProblem(row.id, "reordered", _(
            "entry {id} is out of order: it was written right after entry {other}, but now "
            "follows entry {prev}."
        ).format(id=row.id, other=holder, prev=prev_id if prev_id is not None else "-"))
    if prev_id is None:
        return ChainProblem(row.id, "deleted", _(
            "the entries before entry {id} were deleted (it is now the first entry, but was "
            "written after another one)."
        ).format(id=row.id))
    if row.id - prev_id > 1:
        return ChainProblem(row.id, "deleted", _(
            "entries were deleted between entry {prev} and entry {id} (missing: {first} to {last})."
        ).format(prev=prev_id, id=row.id, first=prev_id + 1, last=row.id - 1))
    return ChainProblem(prev_id, "edited", _(
        "entry {prev} was changed or replaced: entry {id}, written after it, recorded a "
        "different fingerprint for it."
    ).format(prev=prev_id, id=row.id))


def verify_chain(session: Session, progress: ProgressFn | None = None) -> VerifyResult:
    """Walk the whole chain in id order; name each edited, deleted or reordered row."""
    columns = (
        AuditEntry.id, AuditEntry.at, AuditEntry.user_id, AuditEntry.username,
        AuditEntry.action, AuditEntry.entity, AuditEntry.entity_id, AuditEntry.details,
        AuditEntry.prev_hash, AuditEntry.hash,
    )
    total = session.execute(sa.select(sa.func.count(AuditEntry.id))).scalar_one()
    problems: list[ChainProblem] = []
    expected = audit.GENESIS_HASH
    prev_id: int | None = None
    checked = 0
    # rows whose details an anonymisation (UU PDP) replaced on purpose, listed in its own row
    from kesos_desktop.services.retention import redacted_details, redacted_entry_ids

    redacted, marker = redacted_entry_ids(session), redacted_details()
    for rows in _batches(session, columns):
        for row in rows:
            if row.prev_hash != expected and len(problems) < MAX_PROBLEMS:
                problems.append(_classify(session, row, prev_id, expected))
            computed = audit.row_hash(
                row.prev_hash, row.at, row.user_id, row.username, row.action, row.entity,
                row.entity_id, row.details,
            )
            if computed != row.hash and not (row.id in redacted and row.details == marker) \
                    and len(problems) < MAX_PROBLEMS:
                problems.append(ChainProblem(row.id, "edited", _(
                    "entry {id} ({when}, {user}, {action}) was edited after it was written: "
                    "its content no longer matches its fingerprint."
                ).format(id=row.id, when=row.at.strftime("%d/%m/%Y %H:%M:%S"), user=row.username,
                         action=action_label(row.action))))
            expected = row.hash
            prev_id = row.id
            checked += 1
        if progress:
            progress(checked, total, _("Checking the audit log..."))
    return VerifyResult(checked, prev_id, expected, tuple(problems))


def check_anchors(session: Session, anchors) -> list[ChainProblem]:
    """Compare the log with copies of its last entry kept in backups' sidecars.

    The chain alone cannot show that the newest entries were deleted (or that the whole tail
    was rewritten with fresh hashes); a backup's record of "entry N had hash H" can. Anchors
    taken before the latest restore are skipped: a restore legitimately rewinds the log.
    """
    last_restore = session.execute(
        sa.select(sa.func.max(AuditEntry.at)).where(AuditEntry.action == "restore")
    ).scalar_one_or_none()
    problems = []
    for anchor in sorted(anchors, key=lambda a: a.entry_id):
        if last_restore is not None and anchor.taken_at <= last_restore:
            continue
        stored = session.execute(
            sa.select(AuditEntry.hash).where(AuditEntry.id == anchor.entry_id)
        ).scalar_one_or_none()
        when = anchor.taken_at.strftime("%d/%m/%Y %H:%M")
        if stored is None:
            problems.append(ChainProblem(anchor.entry_id, "deleted", _(
                "entry {id} existed when the backup {file} was made ({when}) but is now "
                "missing: entries at the end of the log were deleted."
            ).format(id=anchor.entry_id, file=anchor.file_name, when=when)))
        elif stored != anchor.entry_hash:
            problems.append(ChainProblem(anchor.entry_id, "edited", _(
                "entry {id} is not the one the backup {file} recorded ({when}): the log was "
                "rewritten from there on."
            ).format(id=anchor.entry_id, file=anchor.file_name, when=when)))
    return problems


@requires(Action.AUDIT_VIEW)
def verify(db: Database, actor: Actor, progress: ProgressFn | None = None) -> VerifyResult:
    """Check the hash chain of the whole audit log, and (SQLite) the copies of its last entry
    that backups keep; the check itself is recorded."""
    with db.read() as session:
        result = verify_chain(session, progress)
        if db.is_sqlite:
            from kesos_desktop.services.backup import audit_anchors

            extra = check_anchors(session, audit_anchors())
            if extra:
                problems = sorted(result.problems + tuple(extra), key=lambda p: p.row_id)
                result = VerifyResult(result.checked, result.last_id, result.last_hash,
                                      tuple(problems[:MAX_PROBLEMS]))
    with db.write() as session:
        audit.record(session, actor, "verify", "audit_log", None, {
            "ok": result.ok, "checked": result.checked, "first_bad_id": result.first_bad_id,
            "problems": len(result.problems),
        })
    return result


# ----------------------------------------------------------------------------- export

EXPORT_COLUMNS = [
    (N_("No."), 9), (N_("Time"), 19), (N_("User"), 16), (N_("Action"), 22), (N_("Entity"), 16),
    (N_("Record"), 10), (N_("Details"), 80),
]
FORMULA_PREFIXES = ("=", "+", "-", "@")
EXCEL_MAX_ROWS = 1_048_575  # a sheet's 1,048,576 rows minus the header


def _export_values(row: AuditRow) -> list:
    return [
        row.id, row.at, row.username, row.action_label, entity_label(row.entity), row.entity_id or "",
        row.details_text,
    ]


def _text_cell(ws, value, font=None):
    """A write-only cell; strings that Excel would read as a formula are forced to text."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
    if isinstance(value, datetime):
        cell.number_format = "DD/MM/YYYY HH:MM:SS"
    if font is not None:
        cell.font = font
    return cell


def _discard(wb) -> None:
    """Close the temporary files of an unfinished write-only workbook."""
    for ws in wb.worksheets:
        with contextlib.suppress(Exception):
            ws.close()


@requires(Action.AUDIT_VIEW)
def export_xlsx(
    db: Database, actor: Actor, target: str | os.PathLike[str], filters: AuditFilter | None = None,
    progress: ProgressFn | None = None,
) -> ExportResult:
    """Write the entries matching ``filters`` to an .xlsx file (oldest first) with an Info sheet.

    openpyxl write-only mode, streamed from the database; the file appears under its name only
    when complete. ``progress(done, total, message)`` may raise to cancel.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    filters = filters or AuditFilter()
    _check_dates(filters)
    target = Path(target)
    if target.suffix.lower() != ".xlsx":
        target = target.with_name(target.name + ".xlsx")
    partial = target.with_name(target.name + ".partial")
    bold = Font(bold=True)
    exported_at = now()
    written = 0
    wb = Workbook(write_only=True)
    try:
        ws = wb.create_sheet(_("Audit log"))
        ws.freeze_panes = "A2"
        for index, (_title, width) in enumerate(EXPORT_COLUMNS, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.append([_text_cell(ws, _(title), bold) for title, _w in EXPORT_COLUMNS])
        with db.read() as session:
            total = session.execute(
                _apply(sa.select(sa.func.count(AuditEntry.id)), filters)
            ).scalar_one()
            if total > EXCEL_MAX_ROWS:
                message = _(
                    "{n} entries are more than one Excel sheet holds ({max}). Choose a shorter "
                    "date range and export in parts."
                ).format(n=total, max=EXCEL_MAX_ROWS)
                raise ValidationError(message, {"date_from": message})
            facility = session.get(FacilityProfile, 1)
            facility_name = facility.name if facility else ""
            query = _apply(sa.select(AuditEntry), filters).order_by(AuditEntry.id)
            for entry in session.execute(query.execution_options(yield_per=1000)).scalars():
                ws.append([_text_cell(ws, v) for v in _export_values(_to_row(entry))])
                written += 1
                if progress and written % 1000 == 0:
                    progress(written, total, _("Exporting the audit log..."))
        info = wb.create_sheet(_("Info"))
        info.column_dimensions["A"].width = 24
        info.column_dimensions["B"].width = 60
        for label, value in [
            (_("Facility"), facility_name),
            (_("Exported by"), f"{actor.full_name} ({actor.username})"),
            (_("Exported at"), exported_at),
            (_("Filter"), filters.describe()),
            (_("Entries"), written),
            (_("Application"), f"Kesos Desktop {__version__}"),
        ]:
            info.append([_text_cell(info, label, bold), _text_cell(info, value)])
        if progress:
            progress(written, total, _("Saving the file..."))
        target.parent.mkdir(parents=True, exist_ok=True)
        wb.save(partial)
        os.replace(partial, target)
    except BaseException as error:
        _discard(wb)
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise ValidationError(_("Could not write {file}: {error}").format(
                file=target.name, error=error.strerror or error)) from error
        raise
    with db.write() as session:
        audit.record(session, actor, "export", "audit_log", None, {
            "rows": written, "file": target.name,
            "filters": {k: v for k, v in asdict(filters).items() if v is not None and v != ()},
        })
    return ExportResult(target, written)
