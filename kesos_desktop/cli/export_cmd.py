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


def _day(text: str | None):
    from datetime import date

    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise SystemExit(_("Not a date: {text} (write YYYY-MM-DD).").format(text=text)) from None


def _counseling(args, db, actor, progress):
    from kesos_desktop.domain.enums import CounselingType
    from kesos_desktop.excel.export_counseling import export_counseling_register
    from kesos_desktop.services.counseling import SessionFilter

    kind = CounselingType(args.type) if args.type else None
    flt = SessionFilter(date_from=_day(args.date_from), date_to=_day(args.date_to), session_type=kind,
                        counselor_id=actor.id if args.mine else None)
    return export_counseling_register(db, actor, args.output, flt, text=args.search or "",
                                      include_notes=args.include_notes, progress=progress)


def _followups(args, db, actor, progress):
    from kesos_desktop.excel.export_reintegration import export_follow_up_register

    return export_follow_up_register(db, actor, args.output, args.scope, args.search or "",
                                     progress=progress)


def _stays(args, db, actor, progress):
    from kesos_desktop.excel.export_stays import export_stays

    return export_stays(db, actor, args.output, _day(args.date_from), _day(args.date_to), progress)


def _reintegration(args, db, actor, progress):
    from kesos_desktop.domain.enums import Stage
    from kesos_desktop.excel.export_reintegration import export_board

    stage = None if args.everyone else Stage.REINTEGRATION
    return export_board(db, actor, args.output, stage, args.search or "", progress)


def _outcomes(args, db, actor, progress):
    from datetime import date

    from kesos_desktop.excel.export_reintegration import default_period, export_outcomes

    start, end = default_period(date.today())
    return export_outcomes(db, actor, args.output, _day(args.date_from) or start, _day(args.date_to) or end,
                           progress)


def _programs(args, db, actor, progress):
    from kesos_desktop.domain.enums import ProgramStatus
    from kesos_desktop.excel.export_training import export_programs

    status = ProgramStatus(args.program_status) if args.program_status else None
    return export_programs(db, actor, args.output, args.search or "", status, progress)

# what -> function(args, db, actor, progress) -> Path; areas add theirs as their lists land
EXPORTERS = {"monthly": _monthly, "residents": _residents, "attendance": _attendance,
             "counseling": _counseling, "followups": _followups, "stays": _stays,
             "reintegration": _reintegration, "outcomes": _outcomes,
             "programs": _programs}


def _counseling_types() -> list[str]:
    from kesos_desktop.domain.enums import CounselingType

    return [t.value for t in CounselingType]


def register(subparsers) -> None:
    parser = subparsers.add_parser("export", help="export a register or statistics to .xlsx")
    parser.add_argument("what", choices=sorted(EXPORTERS), help="which workbook")
    parser.add_argument("output", help=".xlsx file to write")
    parser.add_argument("--month", help="YYYY-MM (monthly statistics, attendance)")
    parser.add_argument("--status", choices=["current", "former", "all"], default="all",
                        help="residents: current, former or all (default)")
    parser.add_argument("--search", help="residents, counseling, followups, reintegration: only rows matching this text")
    parser.add_argument("--program", type=int, help="attendance: the training program's id")
    parser.add_argument("--program-status", choices=["planned", "running", "finished", "cancelled"],
                        help="programs: only programs with this status (default: all)")
    parser.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD",
                        help="stays, counseling, outcomes: start of the period")
    parser.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD",
                        help="stays, counseling, outcomes: end of the period")
    parser.add_argument("--type", choices=_counseling_types(), help="counseling: only this session type")
    parser.add_argument("--mine", action="store_true", help="counseling: only my sessions")
    parser.add_argument("--include-notes", action="store_true",
                        help="counseling: add note contents (counselors only; audited)")
    parser.add_argument("--everyone", action="store_true",
                        help="reintegration: every current stay, not only those in resocialisation")
    parser.add_argument("--scope", choices=["due", "open", "all"], default="all",
                        help="followups: overdue and due this week, not yet done, or all (default)")
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
