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
