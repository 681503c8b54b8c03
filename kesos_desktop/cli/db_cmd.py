"""``kesos db``: schema upgrade and status."""

from __future__ import annotations

from kesos_desktop.cli.common import database_url
from kesos_desktop.i18n import _
from kesos_desktop.services import session_setup


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

    from kesos_desktop.services import dbcopy

    source = session_setup.open_database(database_url(args), upgrade=False)
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
