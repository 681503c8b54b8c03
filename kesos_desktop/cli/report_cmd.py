"""``kesos report``: the PDF documents, with the same permission rules as the GUI."""

from __future__ import annotations

from pathlib import Path

from kesos_desktop.cli.common import acting_user, add_user_option, open_db
from kesos_desktop.i18n import _


def _monthly(args, db, actor) -> bytes:
    from kesos_desktop.reports.monthly import build_monthly_report
    from kesos_desktop.services.monthly_stats import parse_month

    return build_monthly_report(db, actor, *parse_month(args.month))


def register(subparsers) -> None:
    parser = subparsers.add_parser("report", help="print a PDF document")
    documents = parser.add_subparsers(dest="document", required=True, metavar="DOCUMENT")
    monthly = documents.add_parser("monthly", help="laporan bulanan for one month")
    monthly.add_argument("--month", required=True, help="YYYY-MM, e.g. 2026-10")
    _common(monthly, _monthly)


def _common(parser, build) -> None:
    parser.add_argument("-o", "--output", required=True, help="PDF file to write")
    add_user_option(parser)
    parser.set_defaults(func=lambda args: run(args, build))


def run(args, build) -> int:
    db = open_db(args)
    try:
        actor = acting_user(db, args)
        pdf = build(args, db, actor)
    finally:
        db.dispose()
    target = Path(args.output)
    partial = target.with_name(target.name + ".partial")
    partial.write_bytes(pdf)
    partial.replace(target)
    print(_("Written: {path}").format(path=target))
    return 0
