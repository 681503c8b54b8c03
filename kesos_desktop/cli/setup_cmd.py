"""``kesos setup``: the first-run setup, scriptable."""

from __future__ import annotations

from kesos_desktop.cli.common import open_db, password_from_env_or_prompt
from kesos_desktop.domain.dto import FacilityProfileDTO
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.i18n import _
from kesos_desktop.services import auth


def register(subparsers) -> None:
    parser = subparsers.add_parser("setup", help="create the facility profile and first admin")
    parser.add_argument("--facility", required=True, help="facility name")
    parser.add_argument("--admin", required=True, help="user name of the first administrator")
    parser.add_argument("--admin-name", help="full name of the administrator (default: user name)")
    parser.add_argument("--capacity", type=int, default=0)
    parser.add_argument("--city", default="")
    parser.set_defaults(func=run)


def run(args) -> int:
    db = open_db(args)
    try:
        if not auth.needs_setup(db):
            print(_("This database is already set up. Log in instead."))
            return 1
        password = password_from_env_or_prompt(_("Password for {user}: ").format(user=args.admin))
        request = auth.SetupRequest(
            FacilityProfileDTO(name=args.facility, capacity=args.capacity, city=args.city),
            args.admin, args.admin_name or args.admin, password,
        )
        try:
            auth.setup_facility(db, request)
        except ValidationError as error:
            for field, message in error.field_errors.items():
                print(f"{field}: {message}")
            return 2
        print(_("Facility {name} is set up; administrator: {user}.").format(name=args.facility, user=args.admin))
        return 0
    finally:
        db.dispose()
