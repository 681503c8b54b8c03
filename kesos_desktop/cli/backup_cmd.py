"""``kesos backup`` and ``kesos restore``: the same backups as the GUI, scriptable.

    kesos backup --user admin                 # into the backup folder (the newest N are kept)
    kesos backup --user admin -o E:/kesos.db  # to a USB stick
    kesos backup --user admin --list
    kesos restore E:/kesos.db --user admin    # asks first; --yes to skip the question
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from kesos_desktop.cli.common import acting_user, add_user_option, database_url, open_db
from kesos_desktop.domain.errors import DatabaseError
from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.services import auth, backup, encryption, session_setup
from kesos_desktop.services.context import require


def register(subparsers) -> None:
    parser = subparsers.add_parser("backup", help="back up the SQLite database (hot, verified)")
    parser.add_argument("-o", "--output", help="backup file to write (default: a new file in the backup folder)")
    parser.add_argument("--dir", help="folder to write a new backup file into")
    parser.add_argument("--list", action="store_true", help="list the backups in the backup folder")
    add_user_option(parser)
    parser.set_defaults(func=run_backup)

    restore = subparsers.add_parser("restore", help="replace the database by a backup")
    restore.add_argument("file", help="backup file (.db)")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    add_user_option(restore)
    restore.set_defaults(func=run_restore)


def _progress(done: int, total: int, message: str) -> None:
    if sys.stderr.isatty():
        percent = f" {100 * done // total}%" if total else ""
        print(f"\r{message}{percent}   ", end="", file=sys.stderr, flush=True)


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB"


def _describe(info: backup.BackupInfo) -> str:
    when = info.created_at.strftime("%d/%m/%Y %H:%M") if info.created_at else "?"
    return _("{when}  {size}  schema {rev}  {facility}").format(
        when=when, size=_size(info.size), rev=info.schema_revision or "?",
        facility=info.facility_name or "")


def run_backup(args) -> int:
    db = open_db(args)
    try:
        actor = acting_user(db, args)
        if args.list:
            infos = backup.list_backups(db, actor, args.dir)
            for info in infos:
                print(f"{info.path}  {_describe(info)}")
            if not infos:
                print(_("No backups yet."))
            return 0
        result = backup.create_backup(
            db, actor, args.dir, _progress, target_file=args.output,
        )
    finally:
        db.dispose()
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(_("Backup written and checked: {path} ({size}, {s:.1f} s)").format(
        path=result.info.path, size=_size(result.info.size), s=result.seconds))
    for removed in result.removed:
        print(_("Old backup removed: {name}").format(name=removed.name))
    return 0


def _confirm(args, question: str) -> bool:
    if args.yes:
        return True
    if not sys.stdin.isatty():
        print(_("Add --yes to restore without a terminal to answer the question."), file=sys.stderr)
        return False
    answer = input(question + " " + _("Type yes to continue: "))
    return answer.strip().lower() in ("yes", "ya", "y")


def run_restore(args) -> int:
    source = Path(args.file).expanduser()
    info = backup.inspect_backup(source)
    url = None
    try:
        url = database_url(args)  # an encrypted file: its passphrase, asked once
        db = session_setup.open_database(url)
    except DatabaseError as error:
        return _restore_over_unusable(args, source, info, str(error), damaged=True, url=url)
    try:
        if not backup.backup_supported(db):
            raise backup.BackupNotSupported(backup.server_backup_message())
        if auth.needs_setup(db):  # an empty database: nobody to log in as but the backup's users
            db.dispose()
            return _restore_over_unusable(
                args, source, info, _("the current database is empty"), damaged=False, url=url)
        actor = acting_user(db, args)
        require(db, actor, Action.RESTORE)
        question = _(
            "Replace the database {db} by the backup of {backup}? The current database is "
            "backed up first."
        ).format(db=db.display_name, backup=_describe(info))
        if not _confirm(args, question):
            print(_("Nothing was changed."))
            return 1
        from kesos_desktop.cli.passphrase import backup_passphrase_for  # an encrypted backup

        result = backup.restore_backup(db, actor, source, _progress,
                                       backup_passphrase=backup_passphrase_for(db, source))
    finally:
        db.dispose()
    _report(result)
    return 0


def _report(result: backup.RestoreResult) -> None:
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(_("Restored from {file} in {s:.1f} s.").format(file=result.restored_from, s=result.seconds))
    if result.safety_backup:
        print(_("The database it replaced was saved as {path}.").format(path=result.safety_backup))


def _restore_over_unusable(
    args, source: Path, info: backup.BackupInfo, reason: str, damaged: bool,
    url: str | None = None,
) -> int:
    """The current database cannot be opened (damaged) or is empty: the user proves who they
    are against (a copy of) the backup, which must give them the right to restore."""
    from sqlalchemy import make_url

    from kesos_desktop.cli import passphrase as keys
    from kesos_desktop.db.encryption import url_for

    url = url or database_url(args)
    sa_url = make_url(url)
    if sa_url.get_backend_name() != "sqlite" or not sa_url.database:
        raise DatabaseError(reason)
    print(_("The current database cannot be used ({reason}). Your password is checked against "
            "the backup instead.").format(reason=reason), file=sys.stderr)
    live_key = encryption.passphrase_of_url(url)
    backup_key = keys.backup_key_for(source, live_key)
    actor = _check_against_backup(args, source, backup_key)
    target_key = _target_key(sa_url.database, live_key, backup_key)
    question = _(
        "Replace the unusable database {db} by the backup of {backup}? A copy of the current "
        "files is kept in the backup folder."
    ).format(db=sa_url.database, backup=_describe(info))
    if not _confirm(args, question):
        print(_("Nothing was changed."))
        return 1
    # A live file in another state than the result cannot be checkpointed with the result's
    # key: its -wal and -shm are moved aside as for a damaged one (it holds no data anyway).
    result = backup.restore(sa_url.database, source, _progress,
                            damaged=damaged or target_key != live_key,
                            passphrase=target_key, backup_passphrase=backup_key)
    keys.remember_encrypted(sa_url.database, target_key is not None)
    restored = session_setup.open_database(url_for(sa_url.database, target_key))
    try:
        backup.record_restore(restored, actor, source, {
            "stage": "done", "replaced": "unusable database", "reason": reason[:200],
            "safety_backup": result.safety_backup.name if result.safety_backup else None,
        })
    finally:
        restored.dispose()
    _report(result)
    return 0


def _check_against_backup(args, source: Path, backup_key: str | None):
    """The acting user, logged in against a checked copy of the backup, with the right to
    restore (the copy stays encrypted if the backup is)."""
    from kesos_desktop.db.encryption import url_for
    from kesos_desktop.db.sqlite_backup import backup_sqlite_file

    with tempfile.TemporaryDirectory() as folder:
        try:
            copy = backup_sqlite_file(source, Path(folder) / "check.db", passphrase=backup_key)
        except DatabaseError as error:
            raise backup.RestoreRefused(_(
                "{file} is damaged or incomplete (for example cut short while copying) and "
                "cannot be restored. Nothing was changed. Choose another backup."
            ).format(file=source.name)) from error
        check = session_setup.open_database(url_for(copy, backup_key))
        try:
            actor = acting_user(check, args)
            require(check, actor, Action.RESTORE)
        finally:
            check.dispose()
    return actor


def _target_key(path: str, live_key: str | None, backup_key: str | None) -> str | None:
    """The key the restored database is written under: the live one's; over an unusable
    database, an encrypted backup stays encrypted (never decrypted on the way), and a database
    the settings record as encrypted is encrypted again under its passphrase."""
    from kesos_desktop.cli import passphrase as keys

    if live_key or backup_key:
        return live_key or backup_key
    if not keys.settings_say_encrypted(path):
        return None
    print(_("The settings say this database is encrypted, so the restored one is encrypted too: "
            "give its passphrase."), file=sys.stderr)
    return keys.new_passphrase(encryption.PASSPHRASE_ENV)
