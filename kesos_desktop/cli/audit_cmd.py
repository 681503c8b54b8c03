"""``kesos audit``: verify the audit log's hash chain, list and export entries.

    kesos audit verify --user admin        exit 0: intact; 1: tampered (the row is printed)
    kesos audit list --by petugas1 --from 2026-11-01 --user admin
    kesos audit export -o audit.xlsx --entity resident --user admin
    kesos audit person PM/2026/0001 --from 2026-11-01 --to 2026-11-23 [-o akses.xlsx] --user admin
    kesos audit exports --from 2026-11-01 --to 2026-11-23 [--by petugas1] [-o keluar.xlsx] --user admin
        (breach support: every export, print, access request and backup in the period)
"""

from __future__ import annotations

import sys
from datetime import date

from kesos_desktop.cli.common import acting_user, add_user_option, open_db
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.i18n import _
from kesos_desktop.services import audit_log


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise ValidationError(_("Write dates as YYYY-MM-DD, e.g. 2026-11-23 (not {v}).").format(v=text)) from error


def _add_filters(parser) -> None:
    parser.add_argument("--by", help="only entries by this user name")
    parser.add_argument("--entity", help="only this entity (resident, user, counseling_note...)")
    parser.add_argument("--id", dest="entity_id", help="only this record id (with --entity)")
    parser.add_argument("--action", help="only this action (login, update, export...)")
    parser.add_argument("--from", dest="date_from", help="from this date (YYYY-MM-DD)")
    parser.add_argument("--to", dest="date_to", help="until this date, inclusive (YYYY-MM-DD)")


def _filters(args) -> audit_log.AuditFilter:
    return audit_log.AuditFilter(
        username=args.by, entity=args.entity, action=args.action, entity_id=args.entity_id,
        date_from=_date(args.date_from) if args.date_from else None,
        date_to=_date(args.date_to) if args.date_to else None,
    )


def register(subparsers) -> None:
    parser = subparsers.add_parser("audit", help="audit log: verify, list, export")
    commands = parser.add_subparsers(dest="audit_command", required=True, metavar="ACTION")

    verify = commands.add_parser("verify", help="check that no entry was edited, deleted or reordered")
    add_user_option(verify)
    verify.set_defaults(func=run_verify)

    listing = commands.add_parser("list", help="show entries, newest first")
    _add_filters(listing)
    listing.add_argument("--limit", type=int, default=50)
    add_user_option(listing)
    listing.set_defaults(func=run_list)

    person = commands.add_parser("person", help="who read, printed or exported one person's data (breach report)")
    person.add_argument("regno", metavar="REGNO", help="registration number, e.g. PM/2026/0001")
    person.add_argument("--from", dest="date_from", help="from this date (YYYY-MM-DD)")
    person.add_argument("--to", dest="date_to", help="until this date, inclusive (YYYY-MM-DD)")
    person.add_argument("-o", "--output", help=".xlsx file to write (else printed)")
    add_user_option(person)
    person.set_defaults(func=lambda args: __import__("kesos_desktop.cli.person_cmd", fromlist=["x"])
                        .run_accesses(args))

    exports = commands.add_parser(
        "exports", help="every export, print, access request and backup in a period (breach report)")
    exports.add_argument("--from", dest="date_from", help="from this date (YYYY-MM-DD)")
    exports.add_argument("--to", dest="date_to", help="until this date, inclusive (YYYY-MM-DD)")
    exports.add_argument("--by", help="only by this user name")
    exports.add_argument("-o", "--output", help=".xlsx file to write (else printed)")
    add_user_option(exports)
    exports.set_defaults(func=run_exports)

    export = commands.add_parser("export", help="write entries to an Excel file")
    export.add_argument("-o", "--output", required=True, help=".xlsx file to write")
    _add_filters(export)
    add_user_option(export)
    export.set_defaults(func=run_export)


def _progress(done: int, total: int, message: str) -> None:
    if sys.stderr.isatty():
        print(f"\r{message} {done}/{total}   ", end="", file=sys.stderr, flush=True)


def run_verify(args) -> int:
    db = open_db(args)
    try:
        actor = acting_user(db, args)
        result = audit_log.verify(db, actor, _progress)
    finally:
        db.dispose()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(result.message)
    for problem in result.problems[1:]:
        print("  - " + problem.message)
    if not result.ok:
        print(_("First bad entry: {id}").format(id=result.first_bad_id))
    return 0 if result.ok else 1


def run_list(args) -> int:
    db = open_db(args)
    try:
        actor = acting_user(db, args)
        page = audit_log.list_entries(db, actor, _filters(args), 0, args.limit)
    finally:
        db.dispose()
    _print_rows(page.rows)
    print(_("Showing {n} of {total} entries.").format(n=len(page.rows), total=page.total))
    return 0


def run_export(args) -> int:
    db = open_db(args)
    try:
        actor = acting_user(db, args)
        result = audit_log.export_xlsx(db, actor, args.output, _filters(args), _progress)
    finally:
        db.dispose()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(_("{n} entries written to {path}").format(n=result.rows, path=result.path))
    return 0


def _print_rows(rows) -> None:
    for row in rows:
        print(f"{row.id:>7}  {row.at:%d/%m/%Y %H:%M:%S}  {row.username:<16} {row.action_label:<24} "
              f"{row.entity}{'#' + row.entity_id if row.entity_id else ''}  {row.details_text}")


def run_exports(args) -> int:
    """What left the system in a period, oldest first: printed in full, or written to .xlsx."""
    filters = audit_log.outputs_filter(_date(args.date_from) if args.date_from else None,
                                       _date(args.date_to) if args.date_to else None, args.by)
    db = open_db(args)
    try:
        actor = acting_user(db, args)
        if args.output:
            result = audit_log.export_xlsx(db, actor, args.output, filters, _progress)
            print(_("{n} entries written to {path}").format(n=result.rows, path=result.path))
            return 0
        offset, total = 0, None
        while total is None or offset < total:
            page = audit_log.list_entries(db, actor, filters, offset, audit_log.MAX_PAGE,
                                          newest_first=False)
            _print_rows(page.rows)
            offset, total = offset + len(page.rows), page.total
            if not page.rows:
                break
    finally:
        db.dispose()
    print(_("{n} exports, prints, access requests and backups.").format(n=total or 0))
    return 0
