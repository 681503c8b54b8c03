"""The stays register (riwayat tinggal) workbook: one row per admission."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kesos_desktop.domain.dto import Actor
from kesos_desktop.excel.exports import Progress, export_info
from kesos_desktop.excel.writer import Column, ColumnKind, Sheet, write_workbook
from kesos_desktop.i18n import _, format_date
from kesos_desktop.services import outputs
from kesos_desktop.services.stays_register import StayRegisterRow, list_stays


def stay_columns() -> list[Column]:
    text, day, number = ColumnKind.TEXT, ColumnKind.DATE, ColumnKind.NUMBER
    return [
        Column(_("Registration number"), ColumnKind.ID, 16), Column(_("Name"), text, 28),
        Column(_("Sex"), text, 12), Column(_("Stay no."), number, 9),
        Column(_("Admission date"), day, 13), Column(_("Referral source"), text, 20),
        Column(_("Approach"), text, 12), Column(_("Stage"), text, 18), Column(_("Room"), text, 14),
        Column(_("Case manager"), text, 22), Column(_("Status"), text, 12),
        Column(_("Termination date"), day, 13), Column(_("Exit reason"), text, 26),
        Column(_("Destination"), text, 28), Column(_("Length of stay (days)"), number, 12),
        Column(_("Aftercare"), text, 18),
    ]


def stay_values(row: StayRegisterRow, today: date) -> list[object]:
    status = _("Current") if row.current else _("Terminated")
    return [row.reg_no, row.name, row.sex, row.stay_no, row.admitted_on, row.referral_source,
            row.approach, row.stage, row.room_name, row.case_manager, status, row.terminated_on,
            row.termination_reason, row.destination, row.length_days(today), row.aftercare_status]


def period_filters(date_from: date | None, date_to: date | None) -> list[tuple[str, str]]:
    if date_from is None and date_to is None:
        return [(_("Period"), _("All stays"))]
    start = format_date(date_from) if date_from else "…"
    end = format_date(date_to) if date_to else "…"
    return [(_("Period"), _("Stays in the facility on any day from {start} to {end}").format(
        start=start, end=end))]


def export_stays(db, actor: Actor, path: str | Path, date_from: date | None = None,
                 date_to: date | None = None, progress: Progress | None = None, cancelled=None,
                 today: date | None = None) -> Path:
    """Every stay overlapping the period; length of stay counts up to ``today`` for current ones."""
    today = today or date.today()
    rows = list_stays(db, actor, date_from, date_to)
    filters = period_filters(date_from, date_to)
    info = export_info(db, actor, _("Stays register (riwayat tinggal)"), filters)
    values = (stay_values(row, today) for row in rows)
    written = write_workbook(path, [Sheet(_("Stays"), stay_columns(), values, len(rows))], info,
                             progress, cancelled)
    outputs.record_export(db, actor, "stays", {"rows": len(rows), "from": str(date_from or ""),
                                               "to": str(date_to or "")})
    return written
