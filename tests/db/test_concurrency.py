"""Several workstations at once: no lost updates, no repeated numbers.

Every "workstation" is its own ``Database`` (its own engine and connection pool) on the same
database: the same file on SQLite, the same server database on PostgreSQL. On SQLite the
writers queue on the file's write lock; on PostgreSQL the transactions really run in parallel.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import replace

import pytest
import sqlalchemy as sa

from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import Counter
from kesos_desktop.domain.enums import Role
from kesos_desktop.domain.errors import ConflictError
from kesos_desktop.services import facility
from kesos_desktop.services.common import next_number
from tests.conftest import make_user

TIMEOUT = 60  # seconds a thread may wait at a barrier or for another thread


@pytest.fixture
def workstations(db_url):
    """A factory of extra ``Database`` objects on the test's database, disposed afterwards."""
    opened: list[Database] = []

    def open_one() -> Database:
        database = Database(db_url)
        opened.append(database)
        return database

    yield open_one
    for database in opened:
        database.dispose()


def run_in_threads(count: int, target, barriers=()) -> list:
    """Run ``target(i)`` for i in range(count), each in its own thread, and return the results.

    A failing thread breaks ``barriers`` so the others stop at once instead of waiting for the
    timeout; the first real error (not the others' BrokenBarrierError) is re-raised.
    """

    def guarded(i: int):
        try:
            return target(i)
        except BaseException:
            for barrier in barriers:
                barrier.abort()
            raise

    with ThreadPoolExecutor(max_workers=count) as pool:
        futures = [pool.submit(guarded, i) for i in range(count)]
        wait(futures, timeout=TIMEOUT * 2)
    errors = [f.exception() for f in futures if f.done() and f.exception() is not None]
    errors.sort(key=lambda error: isinstance(error, threading.BrokenBarrierError))
    if errors:
        raise errors[0]
    return [future.result() for future in futures]


# ------------------------------------------------------------------ no lost updates


def test_stale_save_is_refused_and_names_who_changed_it(db, admin, workstations):
    other_admin = make_user(db, admin, "kepala2", Role.ADMIN)
    other_pc = workstations()

    mine = facility.get_profile(db, admin)
    theirs = facility.get_profile(other_pc, other_admin)
    assert mine.version == theirs.version

    saved, _ = facility.update_profile(other_pc, other_admin, replace(theirs, phone="021-555"))
    assert saved.version == theirs.version + 1

    with pytest.raises(ConflictError) as caught:
        facility.update_profile(db, admin, replace(mine, head_name="Orang Lain, S.Sos"))
    assert caught.value.changed_by == "kepala2"
    assert "kepala2" in str(caught.value)
    assert caught.value.changed_at is not None

    # Their save survived; mine changed nothing.
    now = facility.get_profile(db, admin)
    assert now.phone == "021-555"
    assert now.head_name == mine.head_name
    assert now.version == saved.version

    # Reloading and saving again works.
    again, _ = facility.update_profile(db, admin, replace(now, head_name="Orang Lain, S.Sos"))
    assert again.head_name == "Orang Lain, S.Sos" and again.phone == "021-555"


def test_saves_of_the_same_version_at_the_same_moment(db, admin, workstations):
    """Two workstations press Save on the same version at once: one wins, one is told."""
    second_admin = make_user(db, admin, "kepala2", Role.ADMIN)
    actors = [admin, second_admin]
    pcs = [workstations(), workstations()]
    loaded = facility.get_profile(db, admin)
    barrier = threading.Barrier(2, timeout=TIMEOUT)

    def save(i: int):
        barrier.wait()
        try:
            facility.update_profile(pcs[i], actors[i], replace(loaded, city=f"Kota {i}"))
        except ConflictError as error:
            return error
        return None

    outcomes = run_in_threads(2, save, [barrier])
    errors = [outcome for outcome in outcomes if outcome is not None]
    assert len(errors) == 1, f"expected exactly one refused save, got {outcomes}"
    winner = outcomes.index(None)
    final = facility.get_profile(db, admin)
    assert final.city == f"Kota {winner}"
    assert final.version == loaded.version + 1
    # the loser is told who saved first and when, even when both saves ran at the same moment
    assert errors[0].changed_by == actors[winner].username
    assert errors[0].changed_at is not None


# ------------------------------------------------------------------ unique counters


def _take_numbers(database: Database, name: str, how_many: int, barrier=None) -> list[int]:
    numbers = []
    for _ in range(how_many):
        if barrier is not None:
            barrier.wait()
        with database.write() as session:
            numbers.append(next_number(session, name))
    return numbers


@pytest.mark.parametrize("threads,each", [(4, 25)])
def test_counter_numbers_are_unique_and_contiguous(db, workstations, threads, each):
    pcs = [workstations() for _ in range(threads)]
    start = threading.Barrier(threads, timeout=TIMEOUT)

    def worker(i: int) -> list[int]:
        start.wait()  # all begin together, so the very first INSERT of the counter races too
        return _take_numbers(pcs[i], "reg:2026", each)

    per_thread = run_in_threads(threads, worker, [start])
    numbers = [n for chunk in per_thread for n in chunk]
    assert sorted(numbers) == list(range(1, threads * each + 1))
    for chunk in per_thread:
        assert chunk == sorted(chunk)  # each workstation sees its numbers rise
    with db.read() as session:
        assert session.get(Counter, "reg:2026").value == threads * each


def test_counters_are_independent(db):
    with db.write() as session:
        assert [next_number(session, "reg:2026") for _ in range(3)] == [1, 2, 3]
        assert next_number(session, "reg:2027") == 1
        assert next_number(session, "cert:2026") == 1


def test_a_rolled_back_number_is_given_again(db):
    """Counters are transactional (unlike a PostgreSQL SEQUENCE): no gaps from failed saves."""
    with db.write() as session:
        assert next_number(session, "reg:2026") == 1
    with pytest.raises(RuntimeError), db.write() as session:
        assert next_number(session, "reg:2026") == 2
        raise RuntimeError("the save failed after the number was taken")
    with db.write() as session:
        assert next_number(session, "reg:2026") == 2


def test_a_second_writer_waits_for_the_first_instead_of_reusing_its_number(db, workstations):
    """Workstation A takes a number and keeps its transaction open; B must wait, then get A+1."""
    pc_a, pc_b = workstations(), workstations()
    with pc_a.write() as session:
        next_number(session, "reg:2026")  # the counter row exists from here on

    a_has_number = threading.Event()
    hold = 0.6
    result: dict[str, object] = {}

    def writer_a(_):
        with pc_a.write() as session:
            result["a"] = next_number(session, "reg:2026")
            a_has_number.set()
            time.sleep(hold)  # still inside the transaction: the number is not committed yet

    def writer_b(_):
        assert a_has_number.wait(TIMEOUT)
        started = time.monotonic()
        with pc_b.write() as session:
            result["b"] = next_number(session, "reg:2026")
        result["b_waited"] = time.monotonic() - started

    run_in_threads(2, lambda i: (writer_a, writer_b)[i](i))
    assert result["a"] == 2
    assert result["b"] == 3
    assert result["b_waited"] >= hold / 2, "B did not wait for A's transaction"


@pytest.mark.postgres_only
def test_counter_under_truly_parallel_transactions(db, workstations):
    """On the server: all threads open their transactions at the same instant every round."""
    threads, rounds = 6, 15
    pcs = [workstations() for _ in range(threads)]
    barrier = threading.Barrier(threads, timeout=TIMEOUT)
    inside = 0
    most_inside = 0
    lock = threading.Lock()

    def worker(i: int) -> list[int]:
        nonlocal inside, most_inside
        numbers = []
        for _ in range(rounds):
            barrier.wait()
            with pcs[i].write() as session:
                session.execute(sa.text("SELECT 1"))  # the transaction has really begun
                with lock:
                    inside += 1
                    most_inside = max(most_inside, inside)
                numbers.append(next_number(session, "reg:2026"))
                time.sleep(0.002)  # keep the row lock a moment so others queue on it
                with lock:
                    inside -= 1
        return numbers

    per_thread = run_in_threads(threads, worker, [barrier])
    numbers = sorted(n for chunk in per_thread for n in chunk)
    assert numbers == list(range(1, threads * rounds + 1))
    assert most_inside >= 2, "the transactions never overlapped; the test proved nothing"
