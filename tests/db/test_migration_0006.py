"""Revision 0006 adds covering indexes for the dashboard and the registry; it keeps every row."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from alembic import command

from kesos_desktop.db import migrate
from kesos_desktop.db.engine import Database
from tests.conftest import BACKEND, _pg_admin_url, _pg_exec
from tests.db.migration_fill import fill_at_revision, row_counts

NEW_INDEXES = {
    "consent": "ix_consent_latest",
    "follow_up": "ix_follow_up_pending",
    "intervention_plan": "ix_intervention_plan_review",
    "admission": "ix_admission_caseload",
    "session_participant": "ix_session_participant_stay",
}


@pytest.fixture
def old_db(tmp_path):
    """A database one revision before 0006, with a row in every core table."""
    if BACKEND != "postgresql":
        url = f"sqlite:///{tmp_path / 'old.db'}"
    else:
        name = f"kesos_m7_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        _pg_exec(f'CREATE DATABASE "{name}"')
        url = _pg_admin_url().set(database=name).render_as_string(hide_password=False)
    db = Database(url)
    previous = migrate._read_revision_graph()["0006"]
    fill_at_revision(db, previous)
    yield db, previous
    db.dispose()
    if BACKEND == "postgresql":
        _pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _indexes(db: Database) -> dict[str, set[str]]:
    with db.engine.connect() as conn:
        inspector = sa.inspect(conn)
        return {table: {ix["name"] for ix in inspector.get_indexes(table)} for table in NEW_INDEXES}


def test_upgrade_adds_the_indexes_and_keeps_every_row(old_db):
    db, _previous = old_db
    before = row_counts(db)
    assert not any(name in _indexes(db)[table] for table, name in NEW_INDEXES.items())
    migrate.upgrade(db, backup=False)
    assert row_counts(db) == before
    found = _indexes(db)
    assert all(name in found[table] for table, name in NEW_INDEXES.items())


def test_downgrade_drops_them(old_db):
    db, previous = old_db
    migrate.upgrade(db, backup=False, target="0006")
    with db.engine.begin() as conn:
        command.downgrade(migrate._alembic_config(conn), previous)
    assert not any(name in _indexes(db)[table] for table, name in NEW_INDEXES.items())
