"""``kesos user``: manage users from the command line, with the GUI's permission rules; and
``kesos user permissions``: the permission matrix (role x action) as the code decides it.

    kesos user list --user admin
    kesos user add budi --full-name "Budi Santoso" --role staff --user admin
    kesos user reset-password budi --user admin     (new password: KESOS_NEW_PASSWORD or prompt)
    kesos user handover siti budi --user admin     (all current cases of siti go to budi)
    kesos user permissions --markdown               (the table in docs/PERMISSIONS.md)
"""

from __future__ import annotations

import getpass
import os
import sys

from kesos_desktop.cli.common import acting_user, add_user_option, open_db
from kesos_desktop.domain.enums import Role
from kesos_desktop.domain.errors import NotFoundError, ValidationError
from kesos_desktop.domain.permissions import PERMISSIONS, Action
from kesos_desktop.i18n import _
from kesos_desktop.services import users

# What each action lets a user do (English, for docs/PERMISSIONS.md).
ACTION_DOCS = {
    Action.FACILITY_VIEW: "see the facility profile and the dashboard",
    Action.FACILITY_EDIT: "edit the facility profile (letterhead, head of facility, numbering)",
    Action.SETTINGS_EDIT: "change facility-wide settings (e.g. how many backups to keep)",
    Action.USER_VIEW: "see the list of users",
    Action.USER_MANAGE: "create users, deactivate, reset passwords, unlock, change roles",
    Action.AUDIT_VIEW: "read, verify and export the audit log",
    Action.BACKUP: "make a backup (automatic backups run as whoever is logged in)",
    Action.RESTORE: "restore the database from a backup",
    Action.DEMO_GENERATE: "generate the fictional demo facility",
    Action.RESIDENT_VIEW: "see residents (penerima manfaat) and their stays",
    Action.RESIDENT_CREATE: "register a new resident (intake)",
    Action.RESIDENT_EDIT: "edit a resident's data",
    Action.STAGE_CHANGE: "move a stay to another stage (tahapan)",
    Action.CASE_ASSIGN: "change a stay's case manager (counselors: only the supervisor)",
    Action.ROOM_VIEW: "see rooms and occupancy",
    Action.ROOM_MANAGE: "create and edit rooms",
    Action.ROOM_ASSIGN: "assign a resident to a room",
    Action.ATTACHMENT_MANAGE: "add and remove attached documents",
    Action.TRAINING_VIEW: "see training programs, schedules and attendance",
    Action.TRAINING_MANAGE: "manage training programs, schedules and enrolment",
    Action.ATTENDANCE_RECORD: "record attendance",
    Action.CERTIFICATE_ISSUE: "issue training certificates",
    Action.COUNSELING_VIEW: "see that a counseling session happened (date, type, counselor)",
    Action.COUNSELING_WRITE: "record counseling sessions and notes",
    Action.NOTE_READ: "read note bodies, observations and assessment narratives (audited)",
    Action.ASSESSMENT_VIEW: "see assessment scores, dates and assessor (never narratives)",
    Action.ASSESSMENT_WRITE: "record assessments",
    Action.PLAN_VIEW: "see intervention plans",
    Action.PLAN_WRITE: "write intervention plans",
    Action.REINTEGRATION_VIEW: "see reintegration, home visits and aftercare",
    Action.REINTEGRATION_MANAGE: "record reintegration, home visits and aftercare",
    Action.TERMINATE: "end a stay (terminasi)",
    Action.EXCEL_EXPORT: "export lists to Excel (audited)",
    Action.EXCEL_IMPORT: "import residents from Excel",
    Action.REPORT_PRINT: "print reports and documents (audited)",
    Action.PERSON_EXPORT: "export everything held about one person",
    Action.PERSON_ANONYMIZE: "anonymize a person's record",
}

ROLE_HEADINGS = {
    Role.ADMIN: "Administrator",
    Role.STAFF: "Staff (petugas)",
    Role.COUNSELOR: "Social worker / counselor",
}


def permission_matrix_markdown() -> str:
    """The role x action table, generated from ``domain.permissions.PERMISSIONS``."""
    roles = list(Role)
    lines = [
        "| Action | " + " | ".join(ROLE_HEADINGS.get(r, r.value) for r in roles) + " | What it allows |",
        "|---|" + "---|" * len(roles) + "---|",
    ]
    for action in Action:
        marks = " | ".join("yes" if action in PERMISSIONS[r] else "-" for r in roles)
        lines.append(f"| `{action.value}` | {marks} | {ACTION_DOCS.get(action, '')} |")
    return "\n".join(lines) + "\n"


def register(subparsers) -> None:
    parser = subparsers.add_parser("user", help="manage users; show the permission matrix")
    commands = parser.add_subparsers(dest="user_command", required=True, metavar="ACTION")

    listing = commands.add_parser("list", help="list users")
    add_user_option(listing)
    listing.set_defaults(func=run_list)

    add = commands.add_parser("add", help="create a user (must change the password at first login)")
    add.add_argument("username")
    add.add_argument("--full-name", required=True)
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--nip")
    add.add_argument("--supervisor", action="store_true", help="counselor who may read highly confidential notes")
    add_user_option(add)
    add.set_defaults(func=run_add)

    for name, helptext in (
        ("deactivate", "deactivate a user (they cannot log in; their records stay)"),
        ("activate", "activate a user again"),
        ("unlock", "lift a lock-out after too many wrong passwords"),
        ("reset-password", "set a new password the user must change at next login"),
    ):
        sub = commands.add_parser(name, help=helptext)
        sub.add_argument("username")
        add_user_option(sub)
        sub.set_defaults(func=run_change, change=name)

    role = commands.add_parser("role", help="change a user's role")
    role.add_argument("username")
    role.add_argument("role", choices=[r.value for r in Role])
    add_user_option(role)
    role.set_defaults(func=run_change, change="role")

    handover = commands.add_parser(
        "handover", help="hand all current cases of one user over to another (case manager)")
    handover.add_argument("from_username", metavar="FROM")
    handover.add_argument("to_username", metavar="TO")
    handover.add_argument("--reason", help="why the cases are handed over (optional)")
    add_user_option(handover)
    handover.set_defaults(func=run_handover)

    matrix = commands.add_parser("permissions", help="show the permission matrix (role x action)")
    matrix.add_argument("--markdown", action="store_true", help="as a Markdown table")
    matrix.set_defaults(func=run_permissions)


def _new_password(username: str) -> str:
    if os.environ.get("KESOS_NEW_PASSWORD"):
        return os.environ["KESOS_NEW_PASSWORD"]
    if not sys.stdin.isatty():
        raise SystemExit(_("Set KESOS_NEW_PASSWORD or run in a terminal to type the new password."))
    first = getpass.getpass(_("New password for {user}: ").format(user=username))
    if getpass.getpass(_("Repeat the new password: ")) != first:
        raise SystemExit(_("The two passwords are not the same."))
    return first


def _print_errors(error: ValidationError) -> int:
    print(str(error), file=sys.stderr)
    for field, message in error.field_errors.items():
        print(f"  {field}: {message}", file=sys.stderr)
    return 2


def run_list(args) -> int:
    db = open_db(args)
    try:
        actor = acting_user(db, args)
        rows = users.list_users(db, actor)
    finally:
        db.dispose()
    for row in rows:
        status = _("active") if row.active else _("inactive")
        locked = _(" (locked)") if row.locked_until else ""
        print(f"{row.username:<20} {row.full_name:<32} {row.role.label:<28} {status}{locked}")
    return 0


def run_add(args) -> int:
    db = open_db(args)
    try:
        actor = acting_user(db, args)
        password = _new_password(args.username)
        try:
            row, _changes = users.create_user(db, actor, users.NewUser(
                args.username, args.full_name, Role(args.role), password, args.nip, args.supervisor,
            ))
        except ValidationError as error:
            return _print_errors(error)
    finally:
        db.dispose()
    print(_("User {name} created; they must choose their own password at first login.").format(
        name=row.username))
    return 0


def _find(db, actor, username: str):
    for row in users.list_users(db, actor):
        if row.username.lower() == username.lower():
            return row
    raise NotFoundError(_("There is no user {name}.").format(name=username))


def run_change(args) -> int:
    db = open_db(args)
    try:
        actor = acting_user(db, args)
        target = _find(db, actor, args.username)
        try:
            if args.change == "deactivate":
                users.set_active(db, actor, target.id, False)
            elif args.change == "activate":
                users.set_active(db, actor, target.id, True)
            elif args.change == "unlock":
                users.unlock_user(db, actor, target.id)
            elif args.change == "reset-password":
                users.reset_password(db, actor, target.id, _new_password(target.username))
            elif args.change == "role":
                users.change_role(db, actor, target.id, Role(args.role))
        except ValidationError as error:
            return _print_errors(error)
    finally:
        db.dispose()
    print(_("User {name} updated.").format(name=target.username))
    return 0


def run_handover(args) -> int:
    from kesos_desktop.services import case_manager

    db = open_db(args)
    try:
        actor = acting_user(db, args)
        source, target = _find(db, actor, args.from_username), _find(db, actor, args.to_username)
        try:
            result, _changes = case_manager.handover(db, actor, source.id, target.id, args.reason)
        except ValidationError as error:
            return _print_errors(error)
    finally:
        db.dispose()
    print(_("{n} case(s) of {source} handed over to {target}.").format(
        n=result.moved, source=result.from_name, target=result.to_name))
    return 0


def run_permissions(args) -> int:
    if args.markdown:
        print(permission_matrix_markdown(), end="")
        return 0
    roles = list(Role)
    width = max(len(a.value) for a in Action) + 2
    print(" " * width + "  ".join(f"{r.value:<9}" for r in roles))
    for action in Action:
        print(f"{action.value:<{width}}" + "  ".join(
            f"{'x' if action in PERMISSIONS[r] else '-':<9}" for r in roles))
    return 0
