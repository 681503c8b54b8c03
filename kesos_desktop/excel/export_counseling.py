"""The counseling session register workbook: that sessions happened, with the list's filters.

Metadata for everyone who may export. Note contents (topic, note, agreed actions) only when a
counselor asks for them: they come from ``counseling_notes.notes_for_export``, a body reader that
refuses anyone without ``Action.NOTE_READ``, leaves out highly confidential notes the counselor
may not read, and audits each note included.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from kesos_desktop.domain.dto import Actor
from kesos_desktop.excel.exports import Progress, export_info
from kesos_desktop.excel.writer import Column, ColumnKind, Sheet, write_workbook
from kesos_desktop.i18n import _, format_date
from kesos_desktop.services import counseling, counseling_notes, outputs
from kesos_desktop.services.counseling import SessionFilter
from kesos_desktop.services.counseling_common import MAX_LIST
from kesos_desktop.services.counseling_dto import SessionRow

#: the widest period the register can ask for (no dates: every session)
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)


def session_matches(row: SessionRow, text: str) -> bool:
    """The list's quick filter: any shown text contains ``text`` (case-insensitive)."""
    needle = text.strip().lower()
    if not needle:
        return True
    shown = [row.participant_names, row.counselor_name, row.session_type.label, row.status.label,
             row.confidentiality.label, *(p.reg_no for p in row.participants)]
    return any(needle in value.lower() for value in shown)


def all_sessions(db, actor: Actor, flt: SessionFilter) -> list[SessionRow]:
    """Every session of the filter, newest first. ``list_sessions`` stops at MAX_LIST rows, so a
    larger period is halved until each half fits."""
    if counseling.count_sessions(db, actor, flt) <= MAX_LIST:
        return counseling.list_sessions(db, actor, replace(flt, limit=MAX_LIST))
    start, end = flt.date_from or EARLIEST, flt.date_to or LATEST
    if start >= end:
        return counseling.list_sessions(db, actor, replace(flt, limit=MAX_LIST))
    middle = start + (end - start) / 2
    newer = all_sessions(db, actor, replace(flt, date_from=middle + timedelta(days=1), date_to=end))
    return newer + all_sessions(db, actor, replace(flt, date_from=start, date_to=middle))


def register_columns(include_notes: bool) -> list[Column]:
    columns = [
        Column(_("Date"), ColumnKind.DATE, 12), Column(_("Start"), width=8),
        Column(_("Minutes"), ColumnKind.NUMBER, 9), Column(_("Type"), width=18),
        Column(_("Level"), width=14), Column(_("Status"), width=14), Column(_("Approach"), width=14),
        Column(_("Counselor"), width=24), Column(_("Participants"), width=40),
        Column(_("Registration numbers"), ColumnKind.ID, 24), Column(_("Place"), width=18),
        Column(_("Confidentiality"), width=16), Column(_("Note"), width=16),
        Column(_("Next session (follow-up)"), ColumnKind.DATE, 14),
        Column(_("Signed"), ColumnKind.DATETIME, 16),
    ]
    if include_notes:
        columns += [Column(_("Topic"), width=30), Column(_("Note contents"), width=80),
                    Column(_("Agreed actions"), width=40)]
    return columns


def note_state(row: SessionRow) -> str:
    if not row.has_note:
        return _("Not written")
    return _("Signed") if row.signed_at else _("Written")


def register_values(row: SessionRow, notes: dict | None) -> list[object]:
    values = [row.held_on, row.start_time.strftime("%H:%M") if row.start_time else None,
              row.duration_minutes, row.session_type, row.level, row.status, row.approach,
              row.counselor_name, row.participant_names, ", ".join(p.reg_no for p in row.participants),
              row.place, row.confidentiality, note_state(row), row.next_session_on, row.signed_at]
    if notes is not None:
        note = notes.get(row.id)
        if note is None:  # highly confidential and not the reader's: say so, show nothing
            values += [None, _("Highly confidential: not included"), None]
        else:
            values += [note.topic or None, note.note_body or None, note.agreed_actions or None]
    return values


def register_filters(actor: Actor, flt: SessionFilter, text: str, include_notes: bool) -> list[tuple[str, str]]:
    filters = [(_("Period start"), format_date(flt.date_from, "short") if flt.date_from else _("(any date)")),
               (_("Period end"), format_date(flt.date_to, "short") if flt.date_to else _("(any date)")),
               (_("Type"), flt.session_type.label if flt.session_type else _("All types"))]
    if flt.counselor_id is not None:
        filters.append((_("Counselor"), actor.full_name if flt.counselor_id == actor.id else str(flt.counselor_id)))
    if text.strip():
        filters.append((_("Search"), text.strip()))
    filters.append((_("Note contents"), _("Included") if include_notes else _("Not included")))
    return filters


def export_counseling_register(db, actor: Actor, path: str | Path, flt: SessionFilter | None = None,
                               text: str = "", include_notes: bool = False,
                               progress: Progress | None = None, cancelled=None,
                               shown_ids: Collection[int] | None = None) -> Path:
    """The sessions the list shows (period, type, counselor, quick filter) to ``path``.

    ``shown_ids``: the rows a screen's quick filter left visible (it matches every column, dates
    too), used instead of ``text`` to pick them. ``include_notes`` adds the topic, note and
    agreed actions: a non-counselor gets PermissionDenied (audited) before anything is written."""
    flt = flt or SessionFilter()
    rows = all_sessions(db, actor, flt)
    if shown_ids is not None:
        keep = set(shown_ids)
        rows = [r for r in rows if r.id in keep]
    else:
        rows = [r for r in rows if session_matches(r, text)]
    notes = None
    if include_notes:
        if progress:  # reading (and auditing) thousands of notes takes a while before any row
            progress(0, len(rows), _("Reading the notes…"))
        notes = counseling_notes.notes_for_export(db, actor, [r.id for r in rows])
    info = export_info(db, actor, _("Counseling session register"),
                       register_filters(actor, flt, text, include_notes))
    values = (register_values(row, notes) for row in rows)
    written = write_workbook(path, [Sheet(_("Sessions"), register_columns(include_notes), values, len(rows))],
                             info, progress, cancelled)
    outputs.record_export(db, actor, "counseling_sessions", {
        "rows": len(rows), "from": str(flt.date_from or ""), "to": str(flt.date_to or ""),
        "type": str(flt.session_type or ""), "search": bool(text.strip()),
        "include_notes": include_notes, "notes": len(notes or {})})
    return written
