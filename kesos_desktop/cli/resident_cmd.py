"""``kesos resident``: a resident's stay from the command line, with the GUI's rules.

    kesos resident reassign REGNO --to USERNAME [--reason TEXT] --user X
        make USERNAME the case manager of the person's current stay (administrators and the
        supervising counselor; audited with the old and the new case manager)
"""

from __future__ import annotations

import sys

from kesos_desktop.cli.common import acting_user, add_user_option, open_db
from kesos_desktop.domain.errors import NotFoundError, ValidationError
from kesos_desktop.i18n import _


def register(subparsers) -> None:
    parser = subparsers.add_parser("resident", help="a resident's current stay")
    commands = parser.add_subparsers(dest="resident_command", required=True, metavar="ACTION")
    reassign = commands.add_parser("reassign", help="change the case manager of the current stay")
    reassign.add_argument("reg_no", metavar="REGNO", help="registration number")
    reassign.add_argument("--to", dest="to_user", required=True, metavar="USERNAME",
                          help="the new case manager (an active user)")
    reassign.add_argument("--reason", help="why the case is handed over (optional)")
    add_user_option(reassign)
    reassign.set_defaults(func=run_reassign)


def user_id_of(db, actor, username: str) -> int:
    """An active or inactive user's id by user name (case-insensitive)."""
    from kesos_desktop.services import users

    for row in users.list_users(db, actor):
        if row.username.lower() == username.lower():
            return row.id
    raise NotFoundError(_("There is no user {name}.").format(name=username))


def run_reassign(args) -> int:
    from kesos_desktop.services import case_manager

    db = open_db(args)
    try:
        actor = acting_user(db, args)
        case = case_manager.current_case_of(db, actor, args.reg_no)
        try:
            case_manager.reassign(db, actor, case.admission_id, user_id_of(db, actor, args.to_user),
                                  None, args.reason)
        except ValidationError as error:
            print(str(error), file=sys.stderr)
            return 2
    finally:
        db.dispose()
    print(_("{name} ({reg_no}): case manager is now {user}.").format(
        name=case.name, reg_no=case.reg_no, user=args.to_user))
    return 0
