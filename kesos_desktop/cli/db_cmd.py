"""``kesos db``: schema upgrade and status, copy to a server, encryption at rest."""

from __future__ import annotations

from kesos_desktop.cli.common import database_url
from kesos_desktop.i18n import _
from kesos_desktop.services import encryption, session_setup


def register(subparsers) -> None:
    parser = subparsers.add_parser("db", help="database schema: upgrade, status")
    commands = parser.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = commands.add_parser("upgrade", help="back up, then migrate to this app's schema")
    upgrade.set_defaults(func=run_upgrade)
    status = commands.add_parser("status", help="show the schema revision")
    status.set_defaults(func=run_status)
    copy = commands.add_parser(
        "copy", help="copy this database into an empty server database (moving to PostgreSQL)"
    )
    copy.add_argument("--to", required=True, metavar="URL", help="the empty target database")
    copy.set_defaults(func=run_copy)
    _register_encryption(commands)


def _register_encryption(commands) -> None:
    sheet_help = "write the recovery sheet PDF (print it, lock it away, delete the file)"
    encrypt = commands.add_parser(
        "encrypt", help="encrypt the database file with a passphrase (Kesos Desktop closed)")
    encrypt.add_argument("--generate", action="store_true", help="generate a strong passphrase")
    encrypt.add_argument("--recovery-sheet", metavar="PDF", help=sheet_help)
    encrypt.set_defaults(func=run_encrypt)
    decrypt = commands.add_parser("decrypt", help="store the database file unencrypted again")
    decrypt.set_defaults(func=run_decrypt)
    change = commands.add_parser("change-passphrase", help="re-encrypt under a new passphrase")
    change.add_argument("--generate", action="store_true", help="generate a strong passphrase")
    change.add_argument("--recovery-sheet", metavar="PDF", help=sheet_help)
    change.set_defaults(func=run_change_passphrase)
    sheet = commands.add_parser("recovery-sheet", help="print the recovery sheet again")
    sheet.add_argument("--output", required=True, metavar="PDF")
    sheet.set_defaults(func=run_recovery_sheet)


def run_upgrade(args) -> int:
    url = database_url(args)
    db = session_setup.open_database(url, upgrade=True)
    revision = session_setup.schema_revision(db)
    db.dispose()
    print(_("Database {url} is at schema {rev}.").format(url=db.display_name, rev=revision))
    return 0


def run_status(args) -> int:
    db = session_setup.open_database(database_url(args), upgrade=False)
    current, head = session_setup.schema_revision(db), session_setup.app_schema_revision()
    db.dispose()
    print(_("Database schema: {current}; this app expects: {head}.").format(current=current or "-", head=head))
    return 0 if current == head else 1


def run_copy(args) -> int:
    import sys

    from kesos_desktop.domain.errors import ValidationError
    from kesos_desktop.services import dbcopy

    source = session_setup.open_database(database_url(args), upgrade=False)
    try:
        dbcopy.refuse_plain_copy(source, args.to)  # before the target file is created
    except ValidationError:
        source.dispose()
        raise
    target = session_setup.open_database(args.to, upgrade=False)
    try:
        result = dbcopy.copy_database(
            source, target,
            progress=lambda done, total, table: print(f"\r{done}/{total} {table:40}", end="", file=sys.stderr),
        )
    finally:
        source.dispose()
        target.dispose()
    print(file=sys.stderr)
    for table, rows in result.tables.items():
        print(f"{table:32} {rows:>10}")
    print(_("Copied {rows} rows in {n} tables to {url}; row counts verified. The source is unchanged.").format(
        rows=result.total_rows, n=len(result.tables), url=target.display_name))
    return 0


# ------------------------------------------------------------------------- encryption


def _remember_encrypted(path: str, encrypted: bool) -> None:
    from kesos_desktop.cli.passphrase import remember_encrypted

    remember_encrypted(path, encrypted)


def _write_sheet(args, url: str, passphrase: str) -> None:
    if not getattr(args, "recovery_sheet", None):
        print(_("Print a recovery sheet now: kesos db recovery-sheet --output FILE.pdf (print it, "
                "lock it away, then delete the PDF)."))
        return
    db = session_setup.open_database(url, upgrade=False)
    try:
        target = encryption.recovery_sheet(db, args.recovery_sheet, passphrase)
    finally:
        db.dispose()
    print(_("Recovery sheet written to {path}. Print it, lock it away, then delete the file.")
          .format(path=target))


def _warn_plain_backups() -> None:
    plain = encryption.plain_backups()
    if plain:
        print(_("Warning: {n} backups in {folder} were made before encryption and are NOT "
                "encrypted. Delete them once a new (encrypted) backup exists.").format(
                    n=len(plain), folder=plain[0].parent))


def run_encrypt(args) -> int:
    from kesos_desktop.cli.passphrase import new_passphrase

    url = database_url(args)
    if encryption.database_file(url) is None or not encryption.can_encrypt_url(url):
        print(_("Only a database file on this computer that is not encrypted yet can be encrypted."))
        return 1
    passphrase = new_passphrase(encryption.PASSPHRASE_ENV, generate=args.generate)
    result = encryption.encrypt(url, passphrase)
    _remember_encrypted(str(result.path), True)
    print(_("The database {file} is now encrypted.").format(file=result.path))
    if args.generate:
        print(_("Generated passphrase: {passphrase}").format(passphrase=passphrase))
    _write_sheet(args, encryption.unlock(url, passphrase), passphrase)
    _warn_plain_backups()
    print(_("The old unencrypted file was replaced, but on SSDs and USB sticks its blocks may "
            "remain readable until reused: see docs/DATA_PROTECTION.md."))
    return 0


def run_decrypt(args) -> int:
    url = database_url(args)  # asks for the current passphrase
    result = encryption.decrypt(url)
    _remember_encrypted(str(result.path), False)
    print(_("The database {file} is no longer encrypted.").format(file=result.path))
    print(_("A copy of the encrypted database (old passphrase) was kept as {path}.").format(
        path=result.safety_copy))
    return 0


def run_change_passphrase(args) -> int:
    from kesos_desktop.cli.passphrase import NEW_ENV, new_passphrase

    url = database_url(args)  # asks for the current passphrase
    if not encryption.is_unlocked_url(url):
        print(_("The database is not encrypted."))
        return 1
    passphrase = new_passphrase(NEW_ENV, generate=args.generate)
    result = encryption.change_passphrase(url, None, passphrase)
    print(_("The passphrase of {file} was changed.").format(file=result.path))
    if args.generate:
        print(_("Generated passphrase: {passphrase}").format(passphrase=passphrase))
    print(_("A copy under the old passphrase was kept as {path}; backups made before keep "
            "the old passphrase too.").format(path=result.safety_copy))
    _write_sheet(args, encryption.unlock(url, passphrase), passphrase)
    return 0


def run_recovery_sheet(args) -> int:
    url = database_url(args)
    if not encryption.is_unlocked_url(url):
        print(_("The database is not encrypted."))
        return 1
    args.recovery_sheet = args.output
    _write_sheet(args, url, encryption.passphrase_of_url(url))
    return 0
