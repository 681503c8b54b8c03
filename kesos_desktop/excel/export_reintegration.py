"""Reintegration workbooks, each exporting what its list on the Reintegrasi page shows:
the resocialisation board, the follow-up (bimbingan lanjut) register and the outcomes."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.enums import AftercareOutcome, FollowUpCondition, Stage, TerminationReason
from kesos_desktop.excel.exports import Progress, export_info
from kesos_desktop.excel.writer import Column, ColumnKind, Sheet, write_workbook
from kesos_desktop.i18n import N_, _, format_date
from kesos_desktop.services import aftercare, outputs, reintegration, reintegration_stats
from kesos_desktop.services.aftercare import FollowUpRow

#: the aftercare list's scopes (the combo box's data)
DUE, OPEN, ALL = "due", "open", "all"
SCOPE_LABELS = {DUE: N_("Overdue and due this week"), OPEN: N_("All not yet done"),
                ALL: N_("All, done ones too")}
ID, DAY = ColumnKind.ID, ColumnKind.DATE


def _search_filter(search: str) -> list[tuple[str, str]]:
    return [(_("Search"), search.strip())] if search.strip() else []


# ------------------------------------------------------------------------ follow-ups


def follow_up_rows(db, actor: Actor, scope: str, search: str, today: date):
    """(rows the aftercare list shows, overdue count, due-this-week count)."""
    due = aftercare.due_follow_ups(db, actor, today)
    if scope == DUE:
        rows = due.overdue + due.this_week
        term = search.strip().lower()
        if term:
            rows = [r for r in rows if term in r.name.lower() or term in r.reg_no.lower()]
    else:
        rows = aftercare.list_follow_ups(db, actor, only_open=scope == OPEN, search=search)
    return rows, len(due.overdue), len(due.this_week)


def follow_up_state(row: FollowUpRow, today: date) -> str:
    if row.done:
        return _("Done")
    if row.back_in_facility:
        return _("Back in the facility")
    return _("Overdue") if row.due_on < today else _("Not yet due")


def export_follow_up_register(db, actor: Actor, path: str | Path, scope: str = ALL, search: str = "",
                              progress: Progress | None = None, cancelled=None,
                              today: date | None = None) -> Path:
    """The reintegration and follow-up register: the follow-ups of stays in running aftercare."""
    today = today or date.today()
    rows, _overdue, _week = follow_up_rows(db, actor, scope, search, today)
    columns = [Column(_("Status"), width=18), Column(_("Due"), DAY, 12),
               Column(_("Registration number"), ID, 16), Column(_("Name"), width=28),
               Column(_("Method"), width=16), Column(_("Done on"), DAY, 12),
               Column(_("Condition"), width=18), Column(_("Next action"), width=30),
               Column(_("Done by"), width=20), Column(_("Termination date"), DAY, 13),
               Column(_("Reason"), width=24), Column(_("Destination"), width=28),
               Column(_("Aftercare"), width=18)]
    values = ([follow_up_state(f, today), f.due_on, f.reg_no, f.name, f.method, f.done_on, f.condition,
               f.next_action, f.done_by, f.terminated_on, f.termination_reason, f.destination,
               f.aftercare_status] for f in rows)
    filters = [(_("Shown"), _(SCOPE_LABELS.get(scope, SCOPE_LABELS[ALL]))), *_search_filter(search)]
    info = export_info(db, actor, _("Reintegration and follow-up register"), filters)
    written = write_workbook(path, [Sheet(_("Follow-ups"), columns, values, len(rows))], info,
                             progress, cancelled)
    outputs.record_export(db, actor, "follow_ups", {"rows": len(rows), "scope": scope,
                                                    "search": bool(search.strip())})
    return written


# ------------------------------------------------------------------------ resocialisation board


def export_board(db, actor: Actor, path: str | Path, stage: Stage | None = Stage.REINTEGRATION,
                 search: str = "", progress: Progress | None = None, cancelled=None) -> Path:
    """The resocialisation board as shown: current stays with their plan's readiness."""
    rows = reintegration.board(db, actor, stage, search)
    columns = [Column(_("Registration number"), ID, 16), Column(_("Name"), width=28),
               Column(_("Stage"), width=20), Column(_("Admission date"), DAY, 13),
               Column(_("Room"), width=14), Column(_("Destination"), width=22),
               Column(_("Target date"), DAY, 13), Column(_("Checklist done"), ColumnKind.NUMBER, 11),
               Column(_("Checklist items"), ColumnKind.NUMBER, 11), Column(_("Last home visit"), DAY, 13),
               Column(_("Responsible"), width=22)]
    values = ([r.reg_no, r.name, r.stage, r.admitted_on, r.room_name, r.destination_type, r.target_date,
               r.progress.done if r.progress else None, r.progress.applicable if r.progress else None,
               r.last_visit_on, r.responsible] for r in rows)
    filters = [(_("Stage"), stage.label if stage else _("Everyone in the facility")), *_search_filter(search)]
    info = export_info(db, actor, _("Resocialisation board"), filters)
    written = write_workbook(path, [Sheet(_("Resocialisation"), columns, values, len(rows))], info,
                             progress, cancelled)
    outputs.record_export(db, actor, "reintegration_board", {"rows": len(rows), "stage": str(stage or ""),
                                                             "search": bool(search.strip())})
    return written


# ------------------------------------------------------------------------ outcomes


def _count_sheet(title: str, first: str, pairs: list[tuple[str, int]]) -> Sheet:
    columns = [Column(first, width=44), Column(_("People"), ColumnKind.NUMBER, 12)]
    return Sheet(title, columns, [list(p) for p in pairs], len(pairs))


def outcome_sheets(stats) -> list[Sheet]:
    """The same figures as the Outcomes tab, one sheet per table."""
    summary = [[_("Terminations"), stats.terminations], [_("Moved on to aftercare"), stats.into_aftercare],
               [_("Follow-ups done"), stats.follow_ups_done], [_("People followed up"), stats.people_followed],
               [_("Follow-ups missed"), stats.follow_ups_missed], [_("Aftercare closed"), stats.aftercare_closed]]
    conditions = [[c.label, stats.by_condition[c], stats.latest_condition[c]] for c in FollowUpCondition]
    condition_columns = [Column(_("Condition"), width=30), Column(_("Contacts"), ColumnKind.NUMBER, 12),
                         Column(_("People (latest contact)"), ColumnKind.NUMBER, 14)]
    return [
        Sheet(_("Summary"), [Column(_("Figure"), width=44), Column(_("Value"), ColumnKind.NUMBER, 12)],
              summary, len(summary)),
        _count_sheet(_("By reason"), _("Reason"), [(r.label, stats.by_reason[r]) for r in TerminationReason]),
        Sheet(_("By condition"), condition_columns, conditions, len(conditions)),
        _count_sheet(_("Aftercare closed"), _("Outcome"),
                     [(o.label, stats.closed_by_outcome[o]) for o in AftercareOutcome]),
    ]


def export_outcomes(db, actor: Actor, path: str | Path, start: date, end: date,
                    progress: Progress | None = None, cancelled=None) -> Path:
    stats = reintegration_stats.outcomes(db, actor, start, end)
    filters = [(_("Period"), f"{format_date(start, 'short')} - {format_date(end, 'short')}")]
    info = export_info(db, actor, _("Reintegration outcomes"), filters)
    written = write_workbook(path, outcome_sheets(stats), info, progress, cancelled)
    outputs.record_export(db, actor, "reintegration_outcomes", {"from": str(start), "to": str(end)})
    return written


def default_period(today: date) -> tuple[date, date]:
    """The CLI's period when none is given: the last 12 months."""
    return today - timedelta(days=365), today
