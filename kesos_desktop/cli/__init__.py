"""``kesos``: the administrator's command line (setup, db, demo, users, backup, import...).

Each command group lives in its own module with a ``register(subparsers)`` function; the
commands act as ``--user NAME`` (password from KESOS_PASSWORD or a prompt) through the same
services, and so the same permission checks, as the GUI.

Exit codes: 0 done, 1 the work was refused or had errors, 2 the input could not be used.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from kesos_desktop import APP_NAME, __version__, i18n, paths
from kesos_desktop.domain.errors import KesosError
from kesos_desktop.settings import WorkstationSettings

COMMAND_MODULES = [
    "kesos_desktop.cli.setup_cmd",
    "kesos_desktop.cli.db_cmd",
    "kesos_desktop.cli.demo_cmd",
    "kesos_desktop.cli.report_cmd",
    "kesos_desktop.cli.export_cmd",
    "kesos_desktop.cli.counseling_cmd",
    "kesos_desktop.cli.user_cmd",
    "kesos_desktop.cli.audit_cmd",
    "kesos_desktop.cli.backup_cmd",
    "kesos_desktop.cli.import_cmd",
    "kesos_desktop.cli.template_cmd",
    "kesos_desktop.cli.person_cmd",
    "kesos_desktop.cli.resident_cmd",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kesos", description=f"{APP_NAME} command line")
    parser.add_argument("--data-dir", help="folder for the database, backups and logs")
    parser.add_argument("--database-url", help="SQLAlchemy URL (default: kesos.db in the data dir)")
    parser.add_argument("--lang", choices=sorted(i18n.LANGUAGES), help="language of messages")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.data_dir:
        paths.set_data_dir(args.data_dir)
    i18n.set_language(args.lang or WorkstationSettings.load().language)
    try:
        return int(args.func(args) or 0)
    except KesosError as error:
        print(str(error), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
