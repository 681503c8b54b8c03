"""The database passphrase on the command line: ``KESOS_DB_PASSPHRASE``, else a prompt.

Every command opens the database through ``cli.common.database_url``, which passes the address
through :func:`unlock_url`: an encrypted file gets its passphrase there, once.
"""

from __future__ import annotations

import getpass
import os
import sys

from kesos_desktop.i18n import _
from kesos_desktop.services import encryption

PROMPT_TRIES = 3
NEW_ENV = "KESOS_NEW_DB_PASSPHRASE"
BACKUP_ENV = "KESOS_BACKUP_PASSPHRASE"


def _interactive() -> bool:
    return sys.stdin.isatty()


def unlock_url(url: str) -> str:
    """``url`` unchanged for a plain database; the unlocked URL for an encrypted file."""
    if not encryption.needs_passphrase(url):
        return url
    given = os.environ.get(encryption.PASSPHRASE_ENV)
    if given is not None:
        try:
            return encryption.unlock(url, given)
        except encryption.WrongPassphrase as error:
            raise SystemExit(_("{error} (from {env})").format(error=error, env=encryption.PASSPHRASE_ENV)) from None
    if not _interactive():
        raise SystemExit(_("The database is encrypted: set {env} or run in a terminal to type "
                           "the passphrase.").format(env=encryption.PASSPHRASE_ENV))
    for _attempt in range(PROMPT_TRIES):
        try:
            return encryption.unlock(url, getpass.getpass(_("Database passphrase: ")))
        except encryption.WrongPassphrase as error:
            print(error, file=sys.stderr)
    raise SystemExit(_("Wrong passphrase {n} times; nothing was opened.").format(n=PROMPT_TRIES))


def new_passphrase(env: str = NEW_ENV, generate: bool = False) -> str:
    """A new passphrase: generated, from ``env``, or typed twice; checked against the rules."""
    if generate:
        return encryption.generate_passphrase()
    given = os.environ.get(env)
    if given is not None:
        if problem := encryption.passphrase_problem(given):
            raise SystemExit(f"{env}: {problem}")
        return given
    if not _interactive():
        raise SystemExit(_("Set {env}, use --generate, or run in a terminal to type the new "
                           "passphrase.").format(env=env))
    while True:
        first = getpass.getpass(_("New passphrase (at least {n} characters): ").format(
            n=encryption.crypto.MIN_LENGTH))
        second = getpass.getpass(_("Repeat the new passphrase: "))
        problem = encryption.passphrase_problem(first, second)
        if problem is None:
            return first
        print(problem, file=sys.stderr)


def backup_passphrase_for(db, backup_file) -> str | None:
    """The passphrase of an encrypted backup that the database's own does not open:
    ``KESOS_BACKUP_PASSPHRASE`` or a prompt. None when none is needed."""
    if not encryption.backup_needs_passphrase(db, backup_file):
        return None
    return _ask_backup_passphrase(backup_file)


def backup_key_for(backup_file, known: str | None) -> str | None:
    """The key of ``backup_file`` when no database is open (restoring over an empty or damaged
    one): None for a plain backup, ``known`` (the live key) when it opens it, else
    ``KESOS_BACKUP_PASSPHRASE`` or a prompt."""
    from kesos_desktop.db import encryption as crypto

    if not crypto.is_encrypted_file(backup_file):
        return None
    if known:
        try:
            return encryption.unlock_backup(backup_file, known)
        except encryption.WrongPassphrase:
            pass
    return _ask_backup_passphrase(backup_file)


def _ask_backup_passphrase(backup_file) -> str:
    given = os.environ.get(BACKUP_ENV)
    if given is not None:
        try:
            return encryption.unlock_backup(backup_file, given)
        except encryption.WrongPassphrase as error:
            raise SystemExit(_("{error} (from {env})").format(error=error, env=BACKUP_ENV)) from None
    if not _interactive():
        raise SystemExit(_("The backup is encrypted with another passphrase: set {env} or run "
                           "in a terminal to type it.").format(env=BACKUP_ENV))
    for _attempt in range(PROMPT_TRIES):
        try:
            return encryption.unlock_backup(backup_file, getpass.getpass(_("Passphrase of the backup: ")))
        except encryption.WrongPassphrase as error:
            print(error, file=sys.stderr)
    raise SystemExit(_("Wrong passphrase {n} times; nothing was opened.").format(n=PROMPT_TRIES))


def _is_workstation_database(settings, path: str) -> bool:
    from pathlib import Path

    from kesos_desktop import paths

    mine = encryption.database_file(settings.database_url or paths.default_database_url())
    return bool(mine) and Path(mine).resolve() == Path(path).resolve()


def settings_say_encrypted(path: str) -> bool:
    """Whether this workstation's settings record ``path`` (its database) as encrypted."""
    from kesos_desktop.settings import WorkstationSettings

    settings = WorkstationSettings.load()
    return settings.database_encrypted and _is_workstation_database(settings, path)


def remember_encrypted(path: str, encrypted: bool) -> None:
    """Record in this workstation's settings whether its database is encrypted (never the key)."""
    from kesos_desktop.settings import WorkstationSettings

    settings = WorkstationSettings.load()
    if _is_workstation_database(settings, path) and settings.database_encrypted != encrypted:
        settings.database_encrypted = encrypted
        settings.save()
