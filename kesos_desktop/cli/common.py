"""What every command needs: the database, and the acting user."""

from __future__ import annotations

import getpass
import os
import sys

from kesos_desktop import paths
from kesos_desktop.domain.dto import Actor
from kesos_desktop.i18n import _
from kesos_desktop.services import auth, session_setup
from kesos_desktop.settings import WorkstationSettings


def database_url(args) -> str:
    from kesos_desktop.cli.passphrase import unlock_url  # an encrypted file: its passphrase

    return unlock_url(
        getattr(args, "database_url", None)
        or os.environ.get("KESOS_DATABASE_URL")
        or WorkstationSettings.load().database_url
        or paths.default_database_url()
    )


def open_db(args, upgrade: bool = True):
    return session_setup.open_database(database_url(args), upgrade=upgrade)


def password_from_env_or_prompt(prompt: str) -> str:
    if os.environ.get("KESOS_PASSWORD"):
        return os.environ["KESOS_PASSWORD"]
    if not sys.stdin.isatty():
        raise SystemExit(_("Set KESOS_PASSWORD or run in a terminal to type the password."))
    return getpass.getpass(prompt)


def add_user_option(parser) -> None:
    parser.add_argument("--user", required=True, help="act as this user (password: KESOS_PASSWORD or prompt)")


def acting_user(db, args) -> Actor:
    password = password_from_env_or_prompt(_("Password for {user}: ").format(user=args.user))
    return auth.login(db, args.user, password)
