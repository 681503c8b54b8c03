"""Revision 0007: indexes that answer "does anything else still use this file?" without reading
the attachment and resident tables, on SQLite and PostgreSQL; every row kept."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from alembic import command

from kesos_desktop.db import migrate
from kesos_desktop.db.engine import Database
from kesos_desktop.services import file_store
from tests.conftest import BACKEND, _pg_admin_url, _pg_exec
from tests.db.migration_fill import fill_at_revision, row_counts

SHA = "ab" + "1" * 62
pytestmark = pytest.mark.filterwarnings("ignore:Skipped unsupported reflection")


@pytest.fixture
def empty_url(tmp_path):
    if BACKEND != "postgresql":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    name = f"kesos_m6_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    _pg_exec(f'CREATE DATABASE "{name}"')
    yield _pg_admin_url().set(database=name).render_as_string(hide_password=False)
    _pg_exec(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def old_db(empty_url, data_dir):
    db = Database(empty_url)
    fill_at_revision(db, "0006")
    yield db
    db.dispose()


def _indexes(db) -> set[str]:
    with db.engine.connect() as conn:
        found = sa.inspect(conn)
        return {i["name"] for t in ("attachment", "resident") for i in found.get_indexes(t)}


def _plan(session, query) -> str:
    """The query plan of ``query`` (values inlined as the driver would send them), forcing an
    index where one is usable (a tiny test table would otherwise be read whole)."""
    sql = str(query.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SET LOCAL enable_seqscan = off"))
        return "\n".join(session.execute(sa.text(f"EXPLAIN {sql}")).scalars())
    return "\n".join(str(r[-1]) for r in session.execute(sa.text(f"EXPLAIN QUERY PLAN {sql}")))


def test_upgrade_adds_the_indexes_and_keeps_every_row(old_db):
    before = row_counts(old_db)
    assert not {"ix_attachment_sha256", "ix_resident_photo_path"} & _indexes(old_db)
    migrate.upgrade(old_db, backup=False)
    assert row_counts(old_db) == before
    assert {"ix_attachment_sha256", "ix_resident_photo_path"} <= _indexes(old_db)
    with old_db.engine.begin() as conn:
        command.downgrade(migrate._alembic_config(conn), "0006")
    assert not {"ix_attachment_sha256", "ix_resident_photo_path"} & _indexes(old_db)
    assert row_counts(old_db) == before


def test_still_used_queries_use_the_indexes(db):
    from kesos_desktop.db.models import Attachment, Resident

    with db.write() as session:
        by_sha = sa.select(Attachment.id).where(Attachment.sha256 == SHA).limit(1)
        by_photo = sa.select(Resident.id).where(file_store._photo_named(session, SHA)).limit(1)
        assert "ix_attachment_sha256" in _plan(session, by_sha)
        assert "ix_resident_photo_path" in _plan(session, by_photo)


def test_photo_prefix_match_finds_any_suffix_and_nothing_else(db, admin):
    from tests.factories import admit_resident

    rid, _ = admit_resident(db, "Foto Fiktif")
    other, _ = admit_resident(db, "Foto Lain")
    with db.write() as session:
        from kesos_desktop.db.models import Resident

        session.get(Resident, rid).photo_path = f"attachments/ab/{SHA}.jpeg"
        session.get(Resident, other).photo_path = f"attachments/AB/{SHA.upper()}.jpg"
        session.flush()
        assert file_store.still_used(session, SHA)
        assert not file_store.still_used(session, "ab" + "2" * 62)
