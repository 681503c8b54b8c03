"""``kesos report``: the PDF documents, with the same permission rules as the GUI."""

from __future__ import annotations

from pathlib import Path

from kesos_desktop.cli.common import acting_user, add_user_option, open_db
from kesos_desktop.i18n import _


def _monthly(args, db, actor) -> bytes:
    from kesos_desktop.reports.monthly import build_monthly_report
    from kesos_desktop.services.monthly_stats import parse_month

    return build_monthly_report(db, actor, *parse_month(args.month))


def _case_file(args, db, actor) -> bytes:
    from kesos_desktop.reports.case_file import build_case_file, find_resident_id

    return build_case_file(db, actor, find_resident_id(db, actor, args.regno),
                           include_notes=args.include_notes)


def _attendance(args, db, actor) -> bytes:
    from kesos_desktop.reports.attendance_sheet import build_session_sheet

    return build_session_sheet(db, actor, args.session)


def _attendance_recap(args, db, actor) -> bytes:
    from kesos_desktop.reports.attendance_sheet import build_monthly_recap
    from kesos_desktop.services.monthly_stats import parse_month

    return build_monthly_recap(db, actor, args.program, *parse_month(args.month))


def _certificate(args, db, actor) -> bytes:
    from kesos_desktop.reports.certificate import build_certificate

    return build_certificate(db, actor, args.enrollment)


def _handover(args, db, actor) -> bytes:
    from kesos_desktop.reports.handover import build_handover

    return build_handover(db, actor, args.stay)


def register(subparsers) -> None:
    parser = subparsers.add_parser("report", help="print a PDF document")
    documents = parser.add_subparsers(dest="document", required=True, metavar="DOCUMENT")
    monthly = documents.add_parser("monthly", help="laporan bulanan for one month")
    monthly.add_argument("--month", required=True, help="YYYY-MM, e.g. 2026-10")
    _common(monthly, _monthly)
    case_file = documents.add_parser("case-file", help="berkas penerima manfaat of one person")
    case_file.add_argument("regno", metavar="REGNO", help="registration number, e.g. PM/2026/0001")
    case_file.add_argument("--include-notes", action="store_true",
                           help="print counseling note bodies (counselors only; every read is audited)")
    _common(case_file, _case_file)
    attendance = documents.add_parser("attendance", help="daftar hadir of one training session")
    attendance.add_argument("--session", type=int, required=True, help="training session id")
    _common(attendance, _attendance)
    recap = documents.add_parser("attendance-recap", help="monthly attendance recap of a program")
    recap.add_argument("--program", type=int, required=True, help="training program id")
    recap.add_argument("--month", required=True, help="YYYY-MM, e.g. 2026-10")
    _common(recap, _attendance_recap)
    certificate = documents.add_parser("certificate", help="sertifikat pelatihan of a completed enrollment")
    certificate.add_argument("--enrollment", type=int, required=True, help="enrollment id")
    _common(certificate, _certificate)
    handover = documents.add_parser("handover", help="berita acara serah terima of a terminated stay")
    handover.add_argument("--stay", type=int, required=True, help="stay (admission) id")
    _common(handover, _handover)


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
