"""Opening a database for the GUI or the command line: connect, then migrate safely."""

from __future__ import annotations

from kesos_desktop.db import migrate
from kesos_desktop.db.engine import Database, translated_errors
from kesos_desktop.services.context import requires


@requires(None, reason="opens the database before anyone can log in")
def open_database(url: str, upgrade: bool = True) -> Database:
    """A ready Database at the schema this app expects (backed up first if it had to change).

    Raises DatabaseError (with a message for staff) for a database newer than the app, one that
    cannot be reached, or one that is locked or damaged.
    """
    try:
        db = Database(url)
    except Exception as error:  # a malformed URL or a missing driver
        from kesos_desktop.domain.errors import DatabaseError
        from kesos_desktop.i18n import _

        raise DatabaseError(_("The database address is not valid: {error}").format(error=error)) from error
    try:
        with translated_errors():
            if upgrade:
                migrate.upgrade(db)
            else:
                migrate.current_revision(db)  # fail now, not at the first screen
    except BaseException:
        db.dispose()
        raise
    return db


@requires(None, reason="schema facts for `kesos db status`, before anyone logs in")
def schema_revision(db: Database) -> str | None:
    with translated_errors():
        return migrate.current_revision(db)


@requires(None, reason="a constant of this build")
def app_schema_revision() -> str:
    return migrate.head_revision()
