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
    parser.add_argument("--encrypt", action="store_true",
                        help="encrypt the database (passphrase: KESOS_DB_PASSPHRASE or prompt)")
    parser.add_argument("--generate-passphrase", action="store_true",
                        help="with --encrypt: generate a strong passphrase and print it")
    parser.add_argument("--recovery-sheet", metavar="PDF",
                        help="with --encrypt: write the recovery sheet PDF to print")
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
        passphrase = None
        if args.encrypt and not auth.validate_setup(request):  # errors are reported below
            db, passphrase = _encrypt(db, args)
        try:
            auth.setup_facility(db, request)
        except ValidationError as error:
            for field, message in error.field_errors.items():
                print(f"{field}: {message}")
            return 2
        print(_("Facility {name} is set up; administrator: {user}.").format(name=args.facility, user=args.admin))
        if passphrase:
            _after_encryption(db, args, passphrase)
        return 0
    finally:
        db.dispose()


def _encrypt(db, args):
    """Encrypt the new, empty database before anything is written to it."""
    from kesos_desktop.cli.passphrase import new_passphrase
    from kesos_desktop.services import encryption

    if not encryption.can_encrypt(db):
        raise SystemExit(_("Only a database file on this computer can be encrypted."))
    passphrase = new_passphrase(encryption.PASSPHRASE_ENV, generate=args.generate_passphrase)
    db = encryption.encrypt_new_database(db, passphrase)
    _remember_encrypted(db)
    return db, passphrase


def _remember_encrypted(db) -> None:
    from kesos_desktop.cli.db_cmd import _remember_encrypted as remember

    remember(db.sqlite_path, True)


def _after_encryption(db, args, passphrase: str) -> None:
    from kesos_desktop.services import encryption

    print(_("The database is encrypted. Without the passphrase nobody can open it or its backups."))
    if args.generate_passphrase:
        print(_("Generated passphrase: {passphrase}").format(passphrase=passphrase))
    if args.recovery_sheet:
        path = encryption.recovery_sheet(db, args.recovery_sheet, passphrase, args.admin)
        print(_("Recovery sheet written to {path}. Print it, lock it away, then delete the file.")
              .format(path=path))
    else:
        print(_("Print a recovery sheet now: kesos db recovery-sheet --output FILE.pdf (print it, "
                "lock it away, then delete the PDF)."))
