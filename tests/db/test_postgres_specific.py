"""What only a PostgreSQL server can show: its schema, its constraints, its locks."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from kesos_desktop.db import unmanaged
from kesos_desktop.db.base import Base
from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import AuditEntry
from kesos_desktop.services import audit
from tests.db.test_concurrency import run_in_threads

pytestmark = pytest.mark.postgres_only

TIMEOUT = 60


def test_really_on_postgresql(db):
    assert db.engine.dialect.name == "postgresql"
    assert not db.is_sqlite
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW server_encoding").scalar() == "UTF8"


def test_schema_matches_the_models(db):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": unmanaged.include_name}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_hand_written_indexes_exist_on_the_server(db):
    """The objects compare_metadata is told to ignore (db/unmanaged.py) must still be there."""
    with db.engine.connect() as conn:
        on_server = set(
            conn.execute(
                sa.text("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
            ).scalars()
        )
    assert unmanaged.INDEXES <= on_server, sorted(unmanaged.INDEXES - on_server)


def test_check_constraints_exist_on_the_server_under_the_models_names(db):
    """compare_metadata ignores CHECK constraints, so compare their names here."""
    expected = {
        (table.name, constraint.name)
        for table in Base.metadata.sorted_tables
        for constraint in table.constraints
        if isinstance(constraint, sa.CheckConstraint)
    }
    with db.engine.connect() as conn:
        inspector = sa.inspect(conn)
        on_server = {
            (table, check["name"])
            for table in inspector.get_table_names()
            for check in inspector.get_check_constraints(table)
        }
    assert expected, "the models declare no CHECK constraints?"
    assert on_server == expected


_RESIDENT = sa.text(
    "INSERT INTO resident (reg_no, nik, identity_unknown, name, sex, religion, marital_status, "
    "education, version, created_at, updated_at) VALUES (:reg_no, :nik, false, :name, :sex, "
    "'islam', 'unknown', 'unknown', 1, now(), now())"
)


def _insert_resident(db: Database, **values) -> None:
    row = {"reg_no": "PM/2026/0001", "nik": None, "name": "Budi", "sex": "L"} | values
    with db.write() as session:
        session.execute(_RESIDENT, row)


@pytest.mark.parametrize(
    "values,constraint",
    [
        ({"sex": "X"}, "ck_resident_sex"),
        ({"nik": "12345"}, "ck_resident_nik_16_digits"),
        ({"name": "   "}, "ck_resident_name_not_blank"),
    ],
)
def test_check_constraints_are_enforced_by_the_server(db, values, constraint):
    """Raw SQL, bypassing every Python-side check: the server itself refuses the row."""
    _insert_resident(db, reg_no="PM/2026/0000")  # a valid row goes in
    with pytest.raises(sa.exc.IntegrityError) as caught:
        _insert_resident(db, **values)
    assert caught.value.orig.diag.constraint_name == constraint
    with db.read() as session:
        assert session.execute(sa.text("SELECT count(*) FROM resident")).scalar() == 1


def test_facility_profile_stays_a_single_row(db):
    with pytest.raises(sa.exc.IntegrityError) as caught, db.write() as session:
        session.execute(
            sa.text(
                "INSERT INTO facility_profile (id, name, agency_line1, "
                "agency_line2, address, city, phone, email, head_name, head_nip, "
                "head_title, capacity, logo_path, registration_pattern, version, "
                "created_at, updated_at) VALUES (2, 'x', '', '', '', '', '', '', "
                "'', '', '', 0, '', 'PM/{seq}', 1, now(), now())"
            )
        )
    assert caught.value.orig.diag.constraint_name == "ck_facility_profile_single_row"


# ----------------------------------------------------------------- the audit chain


def _assert_chain_intact(db: Database) -> list[AuditEntry]:
    with db.read() as session:
        rows = session.execute(sa.select(AuditEntry).order_by(AuditEntry.id)).scalars().all()
    previous = audit.GENESIS_HASH
    for row in rows:
        assert row.prev_hash == previous, f"audit row {row.id} does not follow the row before it"
        expected = audit.row_hash(
            row.prev_hash,
            row.at,
            row.user_id,
            row.username,
            row.action,
            row.entity,
            row.entity_id,
            row.details,
        )
        assert row.hash == expected, f"audit row {row.id} hash does not match its content"
        previous = row.hash
    return rows


def test_audit_chain_with_two_writers_at_once(db, db_url, admin):
    """Each writer holds its transaction open after appending; the other must wait its turn.

    Without the advisory lock both would read the same last hash and the chain would fork.
    """
    writers = [Database(db_url), Database(db_url)]
    per_writer = 10
    barrier = threading.Barrier(2, timeout=TIMEOUT)

    def write(i: int) -> None:
        for n in range(per_writer):
            barrier.wait()
            with writers[i].write() as session:
                audit.record(session, admin, "test", "concurrency", f"{i}-{n}", {"writer": i})
                time.sleep(0.01)  # keep the transaction (and the chain lock) a moment

    try:
        run_in_threads(2, write, [barrier])
    finally:
        for writer in writers:
            writer.dispose()

    rows = _assert_chain_intact(db)
    written = [row for row in rows if row.entity == "concurrency"]
    assert len(written) == 2 * per_writer
    assert len({row.prev_hash for row in rows}) == len(rows), "two rows share a predecessor"


def test_audit_append_waits_for_an_open_transaction(db, db_url, admin):
    """Deterministic form of the race: A appends and keeps its transaction open; B appends."""
    pc_a, pc_b = Database(db_url), Database(db_url)
    a_appended = threading.Event()
    hold = 0.5
    waited: list[float] = []

    def writer_a(_):
        with pc_a.write() as session:
            audit.record(session, admin, "test", "race", "a")
            a_appended.set()
            time.sleep(hold)

    def writer_b(_):
        assert a_appended.wait(TIMEOUT)
        started = time.monotonic()
        with pc_b.write() as session:
            audit.record(session, admin, "test", "race", "b")
        waited.append(time.monotonic() - started)

    try:
        run_in_threads(2, lambda i: (writer_a, writer_b)[i](i))
    finally:
        pc_a.dispose()
        pc_b.dispose()

    rows = _assert_chain_intact(db)
    assert [row.entity_id for row in rows if row.entity == "race"] == ["a", "b"]
    assert waited[0] >= hold / 2, "B did not wait for A's chain lock"
