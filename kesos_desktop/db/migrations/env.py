"""Alembic environment. The app passes its own connection (already in a transaction, with
SQLite foreign keys switched off); ``alembic`` on the command line gets the URL from config."""

from alembic import context

import kesos_desktop.db.models  # noqa: F401 - registers every table
from kesos_desktop.db.base import Base
from kesos_desktop.db.engine import create_db_engine
from kesos_desktop.db.unmanaged import include_name

config = context.config
target_metadata = Base.metadata


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things: rebuild tables instead
        compare_type=True,
        include_name=include_name,  # FTS tables, expression indexes: see db/unmanaged.py
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_db_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Kesos Desktop migrations run online only (kesos db upgrade).")
run_migrations_online()
