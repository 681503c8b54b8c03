"""Encryption at rest for the GUI and the command line: unlock, encrypt, decrypt, re-key,
and the printed recovery sheet. The work itself is in :mod:`kesos_desktop.db.encryption`.

These run before anyone logs in or on a closed database file: holding the file and its
passphrase is the authority, as it is for any SQLCipher tool. The passphrase is never stored,
logged or put in an error message.
"""

from __future__ import annotations

import os
from pathlib import Path

from kesos_desktop import paths
from kesos_desktop.db import encryption as crypto
from kesos_desktop.db.encryption import ConversionResult, WrongPassphrase
from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import FacilityProfile
from kesos_desktop.domain.dto import FacilityProfileDTO
from kesos_desktop.domain.errors import DatabaseError, ValidationError
from kesos_desktop.i18n import _
from kesos_desktop.services.context import requires

__all__ = [
    "ConversionResult", "WrongPassphrase", "backup_needs_passphrase", "can_encrypt", "can_encrypt_url", "change_passphrase", "database_file",
    "decrypt", "encrypt", "encrypt_new_database", "generate_passphrase", "is_unlocked_url", "needs_passphrase", "passphrase_of_url",
    "passphrase_problem", "plain_backups", "recovery_sheet", "recovery_sheet_bytes", "unlock", "unlock_backup",
]

PASSPHRASE_ENV = "KESOS_DB_PASSPHRASE"


@requires(None, reason="a pure function of a database address")
def database_file(url: str) -> str | None:
    """The SQLite file behind ``url`` (None for a server)."""
    return crypto.sqlite_file_of(url)


@requires(None, reason="decides before login whether to ask for the passphrase")
def needs_passphrase(url: str) -> bool:
    """Whether ``url`` is an encrypted SQLite file that the URL does not unlock yet."""
    path = crypto.sqlite_file_of(url)
    return bool(path) and crypto.passphrase_of(url) is None and crypto.is_encrypted_file(path)


@requires(None, reason="a pure function of a database address")
def is_unlocked_url(url: str) -> bool:
    """Whether ``url`` opens an encrypted file (it carries the passphrase)."""
    return crypto.passphrase_of(url) is not None


@requires(None, reason="a pure function of a database address")
def passphrase_of_url(url: str) -> str | None:
    return crypto.passphrase_of(url)


@requires(None, reason="says whether `kesos db encrypt` can act on this address")
def can_encrypt_url(url: str) -> bool:
    path = crypto.sqlite_file_of(url)
    return bool(path) and Path(path).is_file() and not crypto.is_encrypted_file(path)


@requires(None, reason="tells the setup dialog whether to offer encryption")
def can_encrypt(db: Database) -> bool:
    return bool(db.is_sqlite and db.sqlite_path and not db.encrypted)


@requires(None, reason="unlocks the database before anyone can log in")
def unlock(url: str, passphrase: str) -> str:
    """The URL that opens the encrypted file; WrongPassphrase when the passphrase does not."""
    path = crypto.sqlite_file_of(url)
    if not path:
        raise DatabaseError(_("Only a database file on this computer can be encrypted."))
    crypto.check_passphrase(path, passphrase)
    return crypto.url_for(path, passphrase)


@requires(None, reason="before a restore, checked again by the restore itself")
def backup_needs_passphrase(db: Database, backup_file: str | os.PathLike[str]) -> bool:
    """Whether ``backup_file`` is encrypted under another passphrase than the open database's."""
    if not crypto.is_encrypted_file(backup_file):
        return False
    if not db.passphrase:
        return True
    try:
        crypto.check_passphrase(backup_file, db.passphrase)
    except WrongPassphrase:
        return True
    return False


@requires(None, reason="checks a passphrase typed for a backup file before restoring it")
def unlock_backup(backup_file: str | os.PathLike[str], passphrase: str) -> str:
    """``passphrase`` when it opens the encrypted ``backup_file``; WrongPassphrase otherwise."""
    crypto.check_passphrase(backup_file, passphrase)
    return passphrase


@requires(None, reason="a pure function")
def generate_passphrase() -> str:
    return crypto.generate_passphrase()


@requires(None, reason="a pure function")
def passphrase_problem(passphrase: str, repeated: str | None = None) -> str | None:
    return crypto.passphrase_problem(passphrase, repeated)


def _require_new(passphrase: str) -> None:
    if problem := crypto.passphrase_problem(passphrase):
        raise ValidationError(problem, {"passphrase": problem})


@requires(None, reason="first-run setup encrypts the new, still empty database")
def encrypt_new_database(db: Database, passphrase: str) -> Database:
    """Encrypt the freshly created database of a first run; returns the reopened Database.

    Refused once anybody is set up: later conversions go through ``kesos db encrypt``, with
    the app closed.
    """
    from kesos_desktop.services import auth, session_setup

    _require_new(passphrase)
    if not can_encrypt(db):
        raise DatabaseError(_("Only a database file on this computer can be encrypted."))
    if not auth.needs_setup(db):
        raise DatabaseError(_("This database is already set up: encrypt it with "
                              "`kesos db encrypt` while Kesos Desktop is closed."))
    path = db.sqlite_path
    db.dispose()
    crypto.convert(path, None, passphrase)
    return session_setup.open_database(crypto.url_for(path, passphrase))


def _record(result: ConversionResult, key: str | None, action: str) -> ConversionResult:
    """The conversion in the audit log of the converted database: file names, never a key.

    Done from the command line with the app closed, so no user is logged in: the operating
    system account that ran it is named instead."""
    import getpass

    from kesos_desktop.services import audit

    try:
        who = getpass.getuser()
    except Exception:  # noqa: BLE001 - no such account name on this system
        who = "-"
    db = Database(crypto.url_for(result.path, key))
    try:
        with db.write() as session:
            audit.record(session, None, action, "database", None, {
                "file": result.path.name,
                "safety_copy": result.safety_copy.name if result.safety_copy else None,
            }, username=f"os:{who}")
    finally:
        db.dispose()
    return result


@requires(None, reason="converts a closed database file; its holder may, like any SQLite tool")
def encrypt(url: str, passphrase: str) -> ConversionResult:
    _require_new(passphrase)
    return _record(crypto.convert(_file(url), None, passphrase), passphrase, "encrypt")


@requires(None, reason="converts a closed database file; needs its passphrase")
def decrypt(url: str, passphrase: str | None = None) -> ConversionResult:
    """Decrypt the file of ``url`` with ``passphrase`` (default: the one the URL carries)."""
    old = passphrase or crypto.passphrase_of(url)
    if not old:
        raise DatabaseError(_("The database is not encrypted."))
    return _record(crypto.convert(_file(url), old, None, safety_dir=paths.backup_dir()), None,
                   "decrypt")


@requires(None, reason="converts a closed database file; needs its passphrase")
def change_passphrase(url: str, old: str | None, new: str) -> ConversionResult:
    """Re-key the file of ``url`` from ``old`` (default: the URL's passphrase) to ``new``."""
    old = old or crypto.passphrase_of(url)
    if not old:
        raise DatabaseError(_("The database is not encrypted."))
    _require_new(new)
    if old == new:
        raise ValidationError(_("The new passphrase is the same as the old one."))
    return _record(crypto.convert(_file(url), old, new, safety_dir=paths.backup_dir()), new,
                   "change_passphrase")


@requires(None, reason="lists files in the backup folder after a conversion")
def plain_backups(folder: str | os.PathLike[str] | None = None) -> list[Path]:
    """Unencrypted database files in the backup folder (made before the database was encrypted)."""
    from kesos_desktop.db.sqlite_backup import looks_like_sqlite

    directory = Path(folder) if folder else paths.backup_dir()
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_file() and looks_like_sqlite(p))


def _file(url: str) -> str:
    path = crypto.sqlite_file_of(url)
    if not path:
        raise DatabaseError(_("Only a database file on this computer can be encrypted."))
    return path


def _profile(db: Database) -> FacilityProfileDTO:
    from kesos_desktop.services.facility import _to_dto

    with db.read() as session:
        profile = session.get(FacilityProfile, 1)
        return _to_dto(profile) if profile else FacilityProfileDTO(name="")


@requires(None, reason="the holder of the passphrase prints it for safekeeping")
def recovery_sheet_bytes(db: Database, passphrase: str, printed_by: str = "") -> bytes:
    """The recovery sheet PDF of ``db`` (unlocked with ``passphrase``), for preview and print."""
    from kesos_desktop.reports.recovery_sheet import recovery_sheet_pdf

    if db.passphrase != passphrase:
        raise WrongPassphrase(crypto.wrong_passphrase_message())
    return recovery_sheet_pdf(_profile(db), db.sqlite_path or "", passphrase, printed_by)


@requires(None, reason="the holder of the passphrase prints it for safekeeping")
def recovery_sheet(db: Database, output: str | os.PathLike[str], passphrase: str,
                   printed_by: str = "") -> Path:
    """Write the recovery sheet PDF of ``db`` (unlocked with ``passphrase``) to ``output``."""
    target = Path(output).expanduser()
    if target.suffix.lower() != ".pdf":
        target = target.with_name(target.name + ".pdf")
    data = recovery_sheet_bytes(db, passphrase, printed_by)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target
