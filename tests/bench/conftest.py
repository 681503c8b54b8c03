"""Benchmark fixtures: a cached big demo database, and the results table at the end of the run.

``make bench`` runs ``pytest tests/bench -s``. Each benchmark records its figures with
``tests.bench.harness.record``; at the end of the session the figures are printed as a table
and written to ``bench-results.json`` in the repository root.

``bench_db`` is a demo database with ``KESOS_BENCH_RESIDENTS`` residents (default 100,000),
generated once and kept in ``.bench-cache/`` (ignored by git). Its file name carries the
residents, the seed, the schema revision and a digest of the generator's source, so a change
to any of them builds a new one (and removes the outdated one). Benchmarks that write take a
private copy with ``bench_db.copy(tmp_path)``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from kesos_desktop.db import migrate
from kesos_desktop.db.engine import Database
from kesos_desktop.db.models import User
from kesos_desktop.domain.dto import Actor
from kesos_desktop.services import auth, demo
from tests.bench import harness

ROOT = Path(__file__).resolve().parents[2]
CACHE_DIR = ROOT / ".bench-cache"
RESULTS_FILE = ROOT / "bench-results.json"
BENCH_RESIDENTS = int(os.environ.get("KESOS_BENCH_RESIDENTS", "100000"))
BENCH_SEED = 20261123
BENCH_TIMEOUT = int(os.environ.get("KESOS_BENCH_TIMEOUT", "3600"))  # seconds per benchmark


@dataclass(frozen=True)
class BenchDatabase:
    """A demo SQLite file: open it to read, copy it to write."""

    path: Path
    residents: int

    @property
    def url(self) -> str:
        return f"sqlite:///{self.path}"

    def open(self) -> Database:
        return Database(self.url)

    def copy(self, folder: Path) -> BenchDatabase:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / self.path.name
        shutil.copyfile(self.path, target)
        return BenchDatabase(target, self.residents)

    @property
    def size_mb(self) -> float:
        return self.path.stat().st_size / 2**20


def _generator_digest() -> str:
    """Every file of the demo generator package: a change to any of them builds a new database."""
    digest = hashlib.sha256()
    for path in sorted(Path(demo.__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def demo_database(residents: int, seed: int = BENCH_SEED, record_build: bool = True) -> BenchDatabase:
    """The cached demo database with ``residents`` people, built (and timed) when missing."""
    CACHE_DIR.mkdir(exist_ok=True)
    name = f"demo-{residents}-seed{seed}-rev{migrate.head_revision()}-{_generator_digest()}.db"
    path = CACHE_DIR / name
    if path.exists():
        return BenchDatabase(path, residents)
    building = path.with_suffix(".building")
    for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
        leftover.unlink(missing_ok=True)
    db = Database(f"sqlite:///{building}")
    try:
        migrate.upgrade(db, backup=False)
        started = time.perf_counter()
        cpu = time.process_time()

        def progress(done: int, total: int, message: str) -> None:
            print(f"\r[bench] building demo database: {message} {done}/{total}      ", end="", flush=True)

        stats = demo.generate(db, residents=residents, seed=seed, progress=progress)
        print()
    finally:
        db.dispose()  # checkpoints the WAL into the file
    elapsed = (time.perf_counter() - started) * 1000
    building.replace(path)  # complete files only: an interrupted build leaves no cache
    for stale in CACHE_DIR.glob(f"demo-{residents}-seed{seed}-*.db"):
        if stale != path:  # an older generator or schema: never read again
            stale.unlink()
    if record_build:
        harness.record(f"demo generate {residents} residents (wall)", elapsed, "ms")
        harness.record(f"demo generate {residents} residents (CPU)", (time.process_time() - cpu) * 1000, "ms")
        print(f"[bench] {stats}")
    return BenchDatabase(path, residents)


@pytest.fixture(scope="session")
def bench_db() -> BenchDatabase:
    """The big demo database (KESOS_BENCH_RESIDENTS residents, default 100,000), read-only by convention."""
    return demo_database(BENCH_RESIDENTS)


def bench_actor(db: Database, username: str = "admin") -> Actor:
    """A demo user as an Actor without logging in (a login writes to the cached database)."""
    with db.read() as session:
        user = session.execute(sa.select(User).where(User.username == username)).scalar_one()
        return auth.to_actor(user)


def pytest_collection_modifyitems(config, items):
    """A benchmark may build the big database first (several minutes on a busy 2-core machine):
    the suite's 300 s per-test timeout would kill the build half way."""
    for item in items:
        if "tests/bench/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.timeout(BENCH_TIMEOUT))


def pytest_terminal_summary(terminalreporter):
    if not harness.RESULTS:
        return
    terminalreporter.write_sep("=", "benchmark figures")
    terminalreporter.write_line(harness.table())
    harness.write_json(RESULTS_FILE)
    terminalreporter.write_line(f"written to {RESULTS_FILE}")
