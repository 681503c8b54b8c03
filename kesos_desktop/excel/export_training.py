"""The training program list as the page shows it (search and status filter) to .xlsx."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.enums import ProgramStatus
from kesos_desktop.excel.exports import Progress, export_info
from kesos_desktop.excel.writer import Column, ColumnKind, Sheet, write_workbook
from kesos_desktop.i18n import _
from kesos_desktop.services import outputs
from kesos_desktop.services.training_programs import list_programs


def program_columns() -> list[Column]:
    number, day = ColumnKind.NUMBER, ColumnKind.DATE
    return [
        Column(_("Program"), width=30), Column(_("Skill"), width=18), Column(_("Instructor"), width=24),
        Column(_("Place"), width=20), Column(_("Start"), day, 12), Column(_("End"), day, 12),
        Column(_("Participants"), number, 12), Column(_("Capacity"), number, 10),
        Column(_("Sessions"), number, 10), Column(_("Sessions held"), number, 12),
        Column(_("Next session"), day, 13), Column(_("Status"), width=14),
    ]


def export_programs(db, actor: Actor, path: str | Path, text: str = "",
                    status: ProgramStatus | None = None, progress: Progress | None = None,
                    cancelled=None, today: date | None = None) -> Path:
    """The programs ``list_programs`` gives for these filters, one row each, newest first."""
    rows = [[p.name, p.skill_category, p.instructor, p.place, p.start_date, p.end_date, p.enrolled,
             p.capacity, p.sessions, p.held, p.next_session, p.status]
            for p in list_programs(db, actor, text, status, today)]
    filters = [(_("Search"), text.strip() or "-"),
               (_("Status"), status.label if status is not None else _("All statuses"))]
    info = export_info(db, actor, _("Training programs"), filters)
    written = write_workbook(path, [Sheet(_("Programs"), program_columns(), rows, len(rows))], info,
                             progress, cancelled)
    outputs.record_export(db, actor, "training_programs", {
        "rows": len(rows), "search": text.strip(), "status": str(status or "")})
    return written
