"""``kesos export WHAT OUT.xlsx``: the app's workbooks, for scheduled jobs and administrators."""

from __future__ import annotations

import sys

from kesos_desktop.cli.common import acting_user, add_user_option, open_db
from kesos_desktop.i18n import _


def _monthly(args, db, actor, progress):
    from kesos_desktop.excel.exports import export_monthly
    from kesos_desktop.services.monthly_stats import parse_month

    if not args.month:
        raise SystemExit(_("--month YYYY-MM is required for the monthly statistics."))
    return export_monthly(db, actor, *parse_month(args.month), args.output, progress)


def _residents(args, db, actor, progress):
    from kesos_desktop.domain.resident_dto import ResidentQuery, ResidentStatus
    from kesos_desktop.excel.exports import export_residents

    query = ResidentQuery(text=args.search or "", status=ResidentStatus(args.status))
    return export_residents(db, actor, query, args.output, progress)


def _attendance(args, db, actor, progress):
    from kesos_desktop.excel.exports import export_attendance
    from kesos_desktop.services.monthly_stats import parse_month

    if not args.month or not args.program:
        raise SystemExit(_("--program ID and --month YYYY-MM are required for the attendance matrix."))
    return export_attendance(db, actor, args.program, *parse_month(args.month), args.output, progress)


def _counseling(args, db, actor, progress):
    from kesos_desktop.excel.exports import export_counseling_sessions

    return export_counseling_sessions(db, actor, args.output, progress=progress)


def _followups(args, db, actor, progress):
    from kesos_desktop.excel.exports import export_follow_ups

    return export_follow_ups(db, actor, args.output, progress=progress)


# what -> function(args, db, actor, progress) -> Path; areas add theirs as their lists land
EXPORTERS = {"monthly": _monthly, "residents": _residents, "attendance": _attendance,
             "counseling": _counseling, "followups": _followups}


def register(subparsers) -> None:
    parser = subparsers.add_parser("export", help="export a register or statistics to .xlsx")
    parser.add_argument("what", choices=sorted(EXPORTERS), help="which workbook")
    parser.add_argument("output", help=".xlsx file to write")
    parser.add_argument("--month", help="YYYY-MM (monthly statistics, attendance)")
    parser.add_argument("--status", choices=["current", "former", "all"], default="all",
                        help="residents: current, former or all (default)")
    parser.add_argument("--search", help="residents: only those matching this text")
    parser.add_argument("--program", type=int, help="attendance: the training program's id")
    add_user_option(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    db = open_db(args)
    try:
        actor = acting_user(db, args)

        def progress(done: int, total: int, sheet: str) -> None:
            if sys.stderr.isatty():
                print(f"\r{sheet} {done}/{total}   ", end="", file=sys.stderr)

        path = EXPORTERS[args.what](args, db, actor, progress)
    finally:
        db.dispose()
    print(_("Written: {path}").format(path=path))
    return 0
