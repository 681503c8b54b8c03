"""``kesos counseling``: sessions from the command line, with the GUI's confidentiality rules.

    kesos counseling list [--from D] [--to D] [--resident NAME] --user X   metadata only
    kesos counseling show ID --user X      the session; its note only for those allowed
    kesos counseling search WORDS --user X counselors only

Note text comes only from the services' body readers (NOTE_READ, the note's level checked,
every read audited), exactly as on screen.
"""

from __future__ import annotations

from datetime import date

from kesos_desktop.cli.common import acting_user, add_user_option, open_db
from kesos_desktop.domain.errors import PermissionDenied
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _, format_datetime


def register(subparsers) -> None:
    parser = subparsers.add_parser("counseling", help="counseling sessions (notes for counselors only)")
    commands = parser.add_subparsers(dest="counseling_command", required=True, metavar="ACTION")
    listing = commands.add_parser("list", help="sessions: date, type, counselor, participants")
    listing.add_argument("--from", dest="date_from", type=date.fromisoformat, help="YYYY-MM-DD")
    listing.add_argument("--to", dest="date_to", type=date.fromisoformat, help="YYYY-MM-DD")
    listing.add_argument("--resident", help="part of a resident's name or registration number")
    listing.add_argument("--limit", type=int, default=200)
    add_user_option(listing)
    listing.set_defaults(func=run_list)
    show = commands.add_parser("show", help="one session; its note if you may read it")
    show.add_argument("session_id", type=int)
    add_user_option(show)
    show.set_defaults(func=run_show)
    search = commands.add_parser("search", help="search the notes you may read (counselors)")
    search.add_argument("words")
    add_user_option(search)
    search.set_defaults(func=run_search)


def _line(row) -> str:
    return "\t".join([
        str(row.id), row.held_on.strftime("%d/%m/%Y"), row.session_type.label, row.status.label,
        row.counselor_name, row.participant_names, row.confidentiality.label,
    ])


def run_list(args) -> int:
    from kesos_desktop.services import counseling, counseling_caseload

    db = open_db(args)
    try:
        actor = acting_user(db, args)
        stays = [None]
        if args.resident:
            stays = [s.admission_id for s in counseling_caseload.find_stays(
                db, actor, args.resident, current_only=False)]
        rows = {}
        for admission_id in stays:
            flt = counseling.SessionFilter(args.date_from, args.date_to, admission_id,
                                           limit=args.limit)
            rows.update({r.id: r for r in counseling.list_sessions(db, actor, flt)})
    finally:
        db.dispose()
    for row in sorted(rows.values(), key=lambda r: (r.held_on, r.id), reverse=True):
        print(_line(row))
    return 0


def _print_note(view) -> None:
    if view.topic:
        print(_("Topic: {topic}").format(topic=view.topic))
    if view.current is None:
        print(_("No note written yet."))
        return
    print(_("Note (version {n}, {when}, {who}):").format(
        n=view.current.version_no, when=format_datetime(view.current.written_at),
        who=view.current.author_name))
    print(view.current.body)
    if view.current.agreed_actions:
        print(_("Agreed actions: {text}").format(text=view.current.agreed_actions))
    for observation in view.observations:
        if observation.observation:
            print(f"- {observation.name}: {observation.observation}")
    for addendum in view.addenda:
        print(_("Addendum (version {n}, {when}, {who}) - reason: {reason}").format(
            n=addendum.version_no, when=format_datetime(addendum.written_at),
            who=addendum.author_name, reason=addendum.reason or ""))
        print(addendum.body)


def run_show(args) -> int:
    from kesos_desktop.services import counseling, counseling_notes

    db = open_db(args)
    try:
        actor = acting_user(db, args)
        row = counseling.get_session(db, actor, args.session_id)
        print(_line(row))
        if not actor.can(Action.NOTE_READ):
            print(_("The note's content is confidential: only social workers may read it."))
            return 0
        try:
            view = counseling_notes.get_note(db, actor, row.id)
        except PermissionDenied as error:
            print(str(error))
            return 1
        _print_note(view)
    finally:
        db.dispose()
    return 0


def run_search(args) -> int:
    from kesos_desktop.services import counseling_notes

    db = open_db(args)
    try:
        actor = acting_user(db, args)
        hits = counseling_notes.search_notes(db, actor, args.words)
    finally:
        db.dispose()
    for hit in hits:
        print(f"{_line(hit.session)}\t{hit.snippet}")
    if not hits:
        print(_("No note you may read contains these words."))
    return 0
