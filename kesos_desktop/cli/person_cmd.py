"""``kesos person``: personal-data protection (UU PDP) from the command line.

    kesos person export PM/2026/0001 -o FOLDER --user admin     access request: PDF + xlsx
    kesos person accesses PM/2026/0001 --from 2026-11-01 --to 2026-11-23 [-o report.xlsx] --user admin
    kesos person retention --user admin                          former residents past retention
    kesos person anonymize PM/2019/0007 --confirm PM/2019/0007 --user admin
"""

from __future__ import annotations

from datetime import date

from kesos_desktop.cli.common import acting_user, add_user_option, open_db
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.i18n import _


def _date(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise ValidationError(_("Write dates as YYYY-MM-DD, e.g. 2026-11-23 (not {v}).").format(v=text)) from error


def register(subparsers) -> None:
    parser = subparsers.add_parser("person", help="personal data: access request, accesses, anonymisation")
    commands = parser.add_subparsers(dest="person_command", required=True, metavar="ACTION")

    export = commands.add_parser("export", help="everything held about one person (PDF + xlsx)")
    export.add_argument("regno", metavar="REGNO", help="registration number, e.g. PM/2026/0001")
    export.add_argument("-o", "--output", required=True, help="folder to write both files into")
    add_user_option(export)
    export.set_defaults(func=run_export)

    accesses = commands.add_parser("accesses", help="who read, printed or exported a person's data")
    accesses.add_argument("regno", metavar="REGNO")
    accesses.add_argument("--from", dest="date_from", help="from this date (YYYY-MM-DD)")
    accesses.add_argument("--to", dest="date_to", help="until this date, inclusive (YYYY-MM-DD)")
    accesses.add_argument("-o", "--output", help=".xlsx file to write (else printed)")
    add_user_option(accesses)
    accesses.set_defaults(func=run_accesses)

    listing = commands.add_parser("retention", help="former residents past the retention period")
    add_user_option(listing)
    listing.set_defaults(func=run_retention)

    anonymize = commands.add_parser("anonymize", help="anonymise a former resident (cannot be undone)")
    anonymize.add_argument("regno", metavar="REGNO")
    anonymize.add_argument("--confirm", required=True, help="the registration number again")
    add_user_option(anonymize)
    anonymize.set_defaults(func=run_anonymize)


def run_export(args) -> int:
    from kesos_desktop.reports.person_export import write_access_request
    from kesos_desktop.services import person_data

    db = open_db(args)
    try:
        actor = acting_user(db, args)
        resident_id = person_data.find_by_reg_no(db, actor, args.regno)
        pdf, xlsx = write_access_request(db, actor, resident_id, args.output)
    finally:
        db.dispose()
    print(_("Written: {path}").format(path=pdf))
    print(_("Written: {path}").format(path=xlsx))
    return 0


def run_accesses(args) -> int:
    from kesos_desktop.reports.person_export import write_access_report
    from kesos_desktop.services import person_data

    db = open_db(args)
    try:
        actor = acting_user(db, args)
        resident_id = person_data.find_by_reg_no(db, actor, args.regno)
        date_from, date_to = _date(args.date_from), _date(args.date_to)
        if args.output:
            path = write_access_report(db, actor, resident_id, args.output, date_from, date_to)
            print(_("Written: {path}").format(path=path))
            return 0
        rows = person_data.access_report(db, actor, resident_id, date_from, date_to)
    finally:
        db.dispose()
    for row in rows:
        print(f"{row.at:%Y-%m-%d %H:%M:%S}\t{row.username}\t{row.action}\t{row.entity}\t{row.entity_id or ''}")
    print(_("{count} accesses.").format(count=len(rows)))
    return 0


def run_retention(args) -> int:
    from kesos_desktop.services import retention

    db = open_db(args)
    try:
        actor = acting_user(db, args)
        years = retention.retention_years(db, actor)
        rows = retention.past_retention(db, actor)
    finally:
        db.dispose()
    print(_("Retention period: {years} years after the last termination.").format(years=years))
    for row in rows:
        print(f"{row.reg_no}\t{row.name}\t{row.last_terminated_on:%Y-%m-%d}")
    print(_("{count} former residents past the retention period.").format(count=len(rows)))
    return 0


def run_anonymize(args) -> int:
    from kesos_desktop.services import person_data, retention

    db = open_db(args)
    try:
        actor = acting_user(db, args)
        resident_id = person_data.find_by_reg_no(db, actor, args.regno)
        result, _changes = retention.anonymize(db, actor, resident_id, args.confirm)
    finally:
        db.dispose()
    print(_("{reg_no} anonymised: {files} files deleted, {rows} audit entries redacted.").format(
        reg_no=result.reg_no, files=result.files_deleted, rows=result.audit_rows_redacted))
    return 0
