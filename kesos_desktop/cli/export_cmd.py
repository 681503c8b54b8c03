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


# what -> function(args, db, actor, progress) -> Path; areas add theirs as their lists land
EXPORTERS = {"monthly": _monthly}


def register(subparsers) -> None:
    parser = subparsers.add_parser("export", help="export a register or statistics to .xlsx")
    parser.add_argument("what", choices=sorted(EXPORTERS), help="which workbook")
    parser.add_argument("output", help=".xlsx file to write")
    parser.add_argument("--month", help="YYYY-MM (monthly statistics, attendance)")
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
