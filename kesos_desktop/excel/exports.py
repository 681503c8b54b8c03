"""Workbooks the app exports, each built from a service's DTOs. One function per workbook."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.enums import Sex
from kesos_desktop.excel.writer import Column, ColumnKind, ExportInfo, Sheet, write_workbook
from kesos_desktop.i18n import _
from kesos_desktop.services import facility, outputs
from kesos_desktop.services.monthly_stats import MonthlyStats, monthly_stats

Progress = Callable[[int, int, str], None]


def export_info(db, actor: Actor, title: str, filters: list[tuple[str, str]]) -> ExportInfo:
    return ExportInfo(title, facility.get_profile(db, actor).name, f"{actor.full_name} ({actor.username})",
                      filters=filters)


def _category_sheet(title: str, table) -> Sheet:
    columns = [Column(_("PPKS category"), width=46), Column(_("Male"), ColumnKind.NUMBER, 12),
               Column(_("Female"), ColumnKind.NUMBER, 12), Column(_("Total"), ColumnKind.NUMBER, 12)]
    rows = [[c.label, v[Sex.MALE], v[Sex.FEMALE], v[Sex.MALE] + v[Sex.FEMALE]] for c, v in table.items()]
    return Sheet(title, columns, rows, len(rows))


def monthly_sheets(stats: MonthlyStats) -> list[Sheet]:
    """The same figures as the PDF laporan bulanan, one sheet per table."""
    pair = [Column(_("Figure"), width=52), Column(_("Value"), ColumnKind.NUMBER, 14)]
    summary = [
        [_("Residents at the start of the month"), stats.residents_at_start],
        [_("Admissions this month"), stats.admissions],
        [_("Terminations this month"), stats.terminations],
        [_("Residents at the end of the month"), stats.residents_at_end],
        [_("Training sessions held"), stats.training_sessions],
        [_("Training hours"), stats.training_hours],
        [_("Attendances (present)"), stats.training_attendances],
        *[[_("Counseling sessions: {type}").format(type=t.label), n] for t, n in stats.counseling_by_type.items()],
        *[[r.label, n] for r, n in stats.terminations_by_reason.items()],
        [_("Follow-ups done"), stats.followups_done],
        *[[_("Condition at follow-up: {c}").format(c=c.label), n] for c, n in stats.followups_by_condition.items()],
        [_("Follow-ups overdue at the end of the month"), stats.followups_overdue_at_end],
    ]
    ages = [[_(label), v[Sex.MALE], v[Sex.FEMALE], v[Sex.MALE] + v[Sex.FEMALE]]
            for label, v in stats.age_groups_at_end.items()]
    age_columns = [Column(_("Age group"), width=30), Column(_("Male"), ColumnKind.NUMBER, 12),
                   Column(_("Female"), ColumnKind.NUMBER, 12), Column(_("Total"), ColumnKind.NUMBER, 12)]
    return [
        Sheet(_("Summary"), pair, summary, len(summary)),
        _category_sheet(_("Admissions"), stats.admissions_by_category),
        _category_sheet(_("Terminations"), stats.terminations_by_category),
        Sheet(_("Age groups"), age_columns, ages, len(ages)),
    ]


def export_monthly(db, actor: Actor, year: int, month: int, path: str | Path,
                   progress: Progress | None = None, cancelled=None, today=None) -> Path:
    stats = monthly_stats(db, actor, year, month, today=today)
    info = export_info(db, actor, _("Monthly statistics"), [(_("Month"), f"{year}-{month:02d}")])
    written = write_workbook(path, monthly_sheets(stats), info, progress, cancelled)
    outputs.record_export(db, actor, "monthly_stats", {"month": f"{year}-{month:02d}"})
    return written


# ------------------------------------------------------------------------ data induk PM


def resident_columns() -> list[Column]:
    """The register's columns; the importer understands every header (round trip)."""
    text, ident, day = ColumnKind.TEXT, ColumnKind.ID, ColumnKind.DATE
    return [
        Column(_("Registration number"), ident, 16), Column(_("Name"), text, 28),
        Column(_("Alias"), text, 16), Column("NIK", ident, 19), Column(_("KK number"), ident, 19),
        Column(_("Sex"), text, 12), Column(_("Place of birth"), text, 16),
        Column(_("Date of birth"), day, 13), Column(_("Estimated age"), ColumnKind.NUMBER, 10),
        Column(_("Religion"), text, 14), Column(_("Marital status"), text, 14),
        Column(_("Education"), text, 18), Column(_("Address"), text, 32),
        Column(_("Village"), text, 16), Column(_("District"), text, 16),
        Column(_("Regency/city"), text, 16), Column(_("Province"), text, 16),
        Column(_("Phone"), ident, 15), Column(_("PPKS category"), text, 26),
        Column(_("Admission date"), day, 13), Column(_("Referral source"), text, 20),
        Column(_("Approach"), text, 12), Column(_("Stage"), text, 16), Column(_("Room"), text, 12),
        Column(_("Termination date"), day, 13),
    ]


def resident_values(record, today) -> list[object]:
    """A ``resident_export_query.RegisterRecord`` in the order of ``resident_columns``."""
    r = record
    age = (today.year - r.birth_year_estimated
           if r.birth_date is None and r.birth_year_estimated is not None else None)
    return [r.reg_no, r.name, r.alias, r.nik, r.kk, r.sex, r.birth_place, r.birth_date, age,
            r.religion, r.marital_status, r.education, r.address, r.village, r.district, r.city,
            r.province, r.phone, "; ".join(c.label for c in r.categories), r.admitted_on, r.referral_source,
            r.approach, r.stage, r.room_name, r.terminated_on]


def query_filters(query) -> list[tuple[str, str]]:
    """The view's search and filters, for the Info sheet."""
    filters = [(_("Status"), getattr(query.status, "label", str(query.status)))]
    if query.text:
        filters.append((_("Search"), query.text))
    for label, value in ((_("PPKS category"), query.category), (_("Stage"), query.stage),
                         (_("Sex"), query.sex)):
        if value is not None:
            filters.append((label, value.label))
    if query.admitted_from or query.admitted_to:
        filters.append((_("Admitted"), f"{query.admitted_from or ''} - {query.admitted_to or ''}"))
    if query.room_id is not None:
        filters.append((_("Room"), str(query.room_id)))
    if query.case_manager_id is not None:
        filters.append((_("Case manager"), str(query.case_manager_id)))
    return filters


def export_residents(db, actor: Actor, query, path: str | Path, progress: Progress | None = None,
                     cancelled=None, today=None) -> Path:
    """The registry's current view (search, filters, sort) as the data induk PM, streamed:
    one streamed query for the whole view (no OFFSET pages) read batch by batch as the sheet
    is written, so memory stays flat. (Reading the next batch in a helper thread was tried:
    the query is a tenth of the work now, and a third thread wanting the GIL cost more time
    than the overlap saved and made the GUI thread wait longer.)"""
    from dataclasses import replace
    from datetime import date

    from kesos_desktop.services import resident_export_query, resident_search

    today = today or date.today()
    total = resident_search.search(db, actor, replace(query, offset=0, limit=1, with_total=True)).total or 0
    batches = resident_export_query.register_batches(db, actor, query)

    def values():
        for records in batches:
            for record in records:
                yield resident_values(record, today)

    filters = query_filters(query)
    info = export_info(db, actor, _("Residents register (data induk PM)"), filters)
    rows = values()
    try:
        written = write_workbook(path, [Sheet(_("Residents"), resident_columns(), rows, total)], info,
                                 progress, cancelled)
    finally:  # cancelled or failed: the read transaction ends here, in this thread
        rows.close()
        batches.close()
    outputs.record_export(db, actor, "residents", {"rows": total, "filters": dict(filters)})
    return written


# ------------------------------------------------------------------------ other registers


def _month_bounds(year: int, month: int):
    from datetime import date, timedelta

    first = date(year, month, 1)
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1))
    return first, last


def export_attendance(db, actor: Actor, program_id: int, year: int, month: int, path: str | Path,
                      progress: Progress | None = None, cancelled=None, today=None) -> Path:
    """Attendance matrix of one program in one month: a row per participant, a column per
    session day (H/I/S/A), then held, attended and the percentage for the whole program."""
    from kesos_desktop.services.training_attendance import attendance_matrix

    matrix = attendance_matrix(db, actor, program_id, today=today)
    first, last = _month_bounds(year, month)
    keep = [i for i, s in enumerate(matrix.sessions) if first <= s.day <= last]
    columns = [Column(_("Registration number"), ColumnKind.ID, 16), Column(_("Name"), width=28),
               *[Column(matrix.sessions[i].day.strftime("%d/%m") + (" x" if matrix.sessions[i].cancelled else ""),
                        width=7) for i in keep],
               Column(_("Sessions held"), ColumnKind.NUMBER, 10), Column(_("Attended"), ColumnKind.NUMBER, 10),
               Column(_("Attendance %"), ColumnKind.NUMBER, 12)]
    rows = [[r.reg_no, r.name, *[r.codes[i] for i in keep], r.held, r.attended,
             None if r.percentage is None else round(r.percentage, 1)] for r in matrix.rows]
    month_text = f"{year}-{month:02d}"
    info = export_info(db, actor, _("Attendance matrix"), [(_("Training program"), matrix.program_name),
                                                             (_("Month"), month_text)])
    written = write_workbook(path, [Sheet(_("Attendance"), columns, rows, len(rows))], info, progress, cancelled)
    outputs.record_export(db, actor, "attendance", {"program_id": program_id, "month": month_text,
                                                    "rows": len(rows)})
    return written

