"""The database connection: engine, per-connection pragmas, real transactions, sessions.

Services use ``db.read()`` for queries and ``db.write()`` for changes; each is one transaction.
On SQLite, writes take the write lock up front (BEGIN IMMEDIATE) and are serialised inside the
process too, so a write never fails half-way on "database is locked".
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from kesos_desktop.domain.errors import ConflictError, DatabaseError
from kesos_desktop.i18n import _

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
)


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Stop the sqlite3 module from managing transactions itself (it commits DDL
        # implicitly); we emit BEGIN ourselves in the "begin" hook below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        mode = "IMMEDIATE" if connection.get_execution_options().get("kesos_write") else "DEFERRED"
        connection.exec_driver_sql(f"BEGIN {mode}")


def create_db_engine(url: str, **kwargs) -> Engine:
    sa_url = sa.make_url(url)
    if sa_url.get_backend_name() == "sqlite":
        connect_args = {"check_same_thread": False, "timeout": 5}
        if sa_url.get_driver_name() == "pysqlcipher":
            # SQLCipher (encrypted file): keep a queue of keyed connections like pysqlite does,
            # not the dialect's per-thread pool (background tasks run on pool threads), and
            # silence SQLCipher's stderr log before the first key is tried.
            from kesos_desktop.db.encryption import cipher_module

            cipher_module()
            kwargs.setdefault("poolclass", sa.pool.QueuePool)
        engine = sa.create_engine(sa_url, connect_args=connect_args, **kwargs)
        _install_sqlite_hooks(engine)
        return engine
    return sa.create_engine(sa_url, pool_pre_ping=True, **kwargs)


class Database:
    """One database (SQLite file or PostgreSQL server) and its session factories."""

    def __init__(self, url: str, engine: Engine | None = None):
        self.url = url
        self.engine = engine or create_db_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._read = sessionmaker(self.engine, expire_on_commit=False, autoflush=True)
        self._write = sessionmaker(
            self.engine.execution_options(kesos_write=True), expire_on_commit=False
        )
        self._write_lock = threading.RLock() if self.is_sqlite else None

    @property
    def display_name(self) -> str:
        """The URL without its password, for the status bar and logs."""
        if self.encrypted:  # the file, and that it is encrypted; never the passphrase
            return _("sqlite:///{path} (encrypted)").format(path=self.sqlite_path)
        return sa.make_url(self.url).render_as_string(hide_password=True)

    @property
    def encrypted(self) -> bool:
        return self.is_sqlite and self.engine.dialect.driver == "pysqlcipher"

    @property
    def passphrase(self) -> str | None:
        """The SQLCipher key of an encrypted file (None for a plain file or a server)."""
        return sa.make_url(self.url).password or None if self.encrypted else None

    def __repr__(self) -> str:  # never the passphrase, should a Database end up in a log
        return f"Database({self.display_name!r})"

    @property
    def sqlite_path(self) -> str | None:
        return sa.make_url(self.url).database if self.is_sqlite else None

    @contextmanager
    def read(self) -> Iterator[Session]:
        with translated_errors(), self._read() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A writing transaction: committed when the block ends, rolled back on any error."""
        if self._write_lock is None:
            with translated_errors(), self._write() as session, session.begin():
                yield session
            return
        with translated_errors(), self._write_lock, self._write() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def translated_errors() -> Iterator[None]:
    """Turn driver failures into messages staff can act on (the transaction is rolled back)."""
    try:
        yield
    except StaleDataError as error:
        raise ConflictError(
            _("This record was changed or removed on another workstation. Reload it and try again.")
        ) from error
    except (exc.IntegrityError, exc.ProgrammingError):
        raise  # a bug or a constraint: the caller's business, not a connection problem
    except (exc.OperationalError, exc.InterfaceError, exc.DatabaseError) as error:
        text = str(error.orig if getattr(error, "orig", None) else error).lower()
        if "locked" in text or "busy" in text:
            message = _("The database is busy (another program is writing). Try again in a moment.")
        elif "readonly" in text or "read-only" in text:
            message = _("The database file is read-only. Check the folder's permissions.")
        elif "disk" in text and "full" in text:
            message = _("The disk is full. Free some space; nothing was saved.")
        elif "not a database" in text and type(error.orig).__module__.startswith("sqlcipher3"):
            from kesos_desktop.db.encryption import WrongPassphrase, wrong_passphrase_message

            raise WrongPassphrase(wrong_passphrase_message()) from None  # the key stays out
        elif "not a database" in text or "malformed" in text:
            message = _("The database file is damaged. Restore it from a backup.")
        else:
            message = _(
                "The database cannot be reached ({detail}). Check the network or the server, "
                "then try again. Nothing was saved."
            ).format(detail=str(error.orig if getattr(error, "orig", None) else error)[:160])
        raise DatabaseError(message) from error
