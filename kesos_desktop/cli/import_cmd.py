"""``kesos import residents|schedule|attendance FILE``: bring a facility's registers in from Excel.

Exit codes: 0 every row imported (with --dry-run: every row valid), 1 rows rejected (nothing
written unless --skip-invalid), 2 the file was refused or could not be read.
"""

from __future__ import annotations

import json
import sys

from kesos_desktop.cli.common import acting_user, add_user_option, open_db
from kesos_desktop.i18n import _


def register(subparsers) -> None:
    parser = subparsers.add_parser("import", help="import a register from .xlsx")
    parser.add_argument("what", choices=["residents", "schedule", "attendance"],
                        help="which register: residents, the training schedule, attendance")
    parser.add_argument("file", help=".xlsx (or .xls/.ods) file to read")
    parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
    parser.add_argument("--skip-invalid", action="store_true",
                        help="import the valid rows even when others are rejected")
    parser.add_argument("--errors-out", help="save the rejected rows to this .xlsx")
    parser.add_argument("--on-duplicate", choices=["skip", "update"], default="skip",
                        help="residents: rows matching a registered person: skip (default) or update")
    parser.add_argument("--json", action="store_true", help="print the outcome as JSON")
    add_user_option(parser)
    parser.set_defaults(func=run)



def _refused(args, error: Exception) -> int:
    """A file that cannot be read at all: exit code 2, said in JSON or on stderr."""
    if args.json:
        print(json.dumps({"new": 0, "updated": 0, "skipped": 0, "refused": str(error),
                          "errors": []}, ensure_ascii=False))
    else:
        print(str(error), file=sys.stderr)
    return 2

def run(args) -> int:
    if args.what != "residents":
        return _run_training(args)
    from kesos_desktop.excel import import_residents as imp
    from kesos_desktop.excel.reader import FileRefused

    db = open_db(args)
    try:
        actor = acting_user(db, args)
        try:
            preview, outcome = imp.import_file(
                db, actor, args.file, dry_run=args.dry_run, skip_invalid=args.skip_invalid,
                on_duplicate=imp.OnDuplicate(args.on_duplicate), errors_out=args.errors_out)
        except FileRefused as error:
            return _refused(args, error)
    finally:
        db.dispose()
    counts = outcome.counts
    if counts is not None:
        new, updated, skipped = counts.new, counts.updated, counts.skipped
    elif args.dry_run:
        new = preview.count(imp.RowStatus.NEW)
        matched = preview.count(imp.RowStatus.UPDATE) + preview.count(imp.RowStatus.DUPLICATE)
        updated, skipped = (matched, 0) if args.on_duplicate == "update" else (0, matched)
    else:
        new = updated = skipped = 0
    if args.json:
        print(json.dumps({"new": new, "updated": updated, "skipped": skipped,
                          "errors": [p.as_json() for p in outcome.problems]}, ensure_ascii=False))
    else:
        for problem in outcome.problems:
            print(str(problem), file=sys.stderr)
        if args.dry_run:
            print(_("Checked (nothing written): {new} new, {updated} to update, {skipped} to skip, "
                    "{errors} rejected.").format(new=new, updated=updated, skipped=skipped,
                                                 errors=len(outcome.rejected)))
        elif counts is None:
            print(_("Nothing was written: {n} rows have problems. Fix them, or use --skip-invalid "
                    "to import the valid rows only.").format(n=len(outcome.rejected)), file=sys.stderr)
        else:
            print(_("Imported: {new} new, {updated} updated, {skipped} skipped, {errors} rejected.")
                  .format(new=new, updated=updated, skipped=skipped, errors=len(outcome.rejected)))
        if outcome.errors_path:
            print(_("Rejected rows saved to {path}").format(path=outcome.errors_path))
    return 1 if outcome.rejected else 0


def _run_training(args) -> int:
    """The training schedule or attendance: same options, output and exit codes."""
    from kesos_desktop.excel import import_training as imp
    from kesos_desktop.excel.import_residents import RowStatus
    from kesos_desktop.excel.reader import FileRefused

    db = open_db(args)
    try:
        actor = acting_user(db, args)
        try:
            preview, outcome = imp.import_file(db, actor, args.what, args.file, dry_run=args.dry_run,
                                               skip_invalid=args.skip_invalid,
                                               errors_out=args.errors_out)
        except FileRefused as error:
            return _refused(args, error)
    finally:
        db.dispose()
    counts = outcome.counts
    if counts is not None:
        new, updated, skipped = counts.new, counts.updated, counts.skipped
    elif args.dry_run:
        new, updated = preview.count(RowStatus.NEW), preview.count(RowStatus.UPDATE)
        skipped = preview.count(RowStatus.DUPLICATE)
    else:
        new = updated = skipped = 0
    _report(args, outcome, new, updated, skipped)
    return 1 if outcome.rejected else 0


def _report(args, outcome, new: int, updated: int, skipped: int) -> None:
    if args.json:
        print(json.dumps({"new": new, "updated": updated, "skipped": skipped,
                          "errors": [p.as_json() for p in outcome.problems]}, ensure_ascii=False))
        return
    for problem in outcome.problems:
        print(str(problem), file=sys.stderr)
    if args.dry_run:
        print(_("Checked (nothing written): {new} new, {updated} to update, {skipped} to skip, "
                "{errors} rejected.").format(new=new, updated=updated, skipped=skipped,
                                             errors=len(outcome.rejected)))
    elif outcome.counts is None:
        print(_("Nothing was written: {n} rows have problems. Fix them, or use --skip-invalid "
                "to import the valid rows only.").format(n=len(outcome.rejected)), file=sys.stderr)
    else:
        print(_("Imported: {new} new, {updated} updated, {skipped} skipped, {errors} rejected.")
              .format(new=new, updated=updated, skipped=skipped, errors=len(outcome.rejected)))
    if outcome.errors_path:
        print(_("Rejected rows saved to {path}").format(path=outcome.errors_path))
