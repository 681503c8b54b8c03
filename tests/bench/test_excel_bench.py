"""Excel at facility scale: importing a 10,000-row register, exporting 100,000 residents.

Import, ours: ``excel.import_residents.import_file`` with full validation, duplicate checks
(in the file and against the database) and registration numbers, into a fresh database.
Baseline in the same run on the same file: ``pandas.read_excel`` + ``DataFrame.to_sql`` (no
validation at all) when pandas is importable (it is not a dependency; without it the baseline
is skipped with a note), and always the same work done by hand the way pandas does it
(openpyxl read + executemany, no validation). Goal: faster than the baseline.

Export, ours: ``excel.exports.export_residents`` of every resident of the 100k demo database
(25 columns), paging the registry query and streaming the sheet. Baseline: a bare openpyxl
write-only loop over the same values, already in memory. Goal: >= 0.8x its speed (ratio of
times <= 1.25), peak RSS of the export <= 250 MB (sampled while it runs).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from kesos_desktop.db.models import Resident
from kesos_desktop.domain.resident_dto import ResidentQuery, ResidentStatus
from kesos_desktop.excel import import_residents as imp
from kesos_desktop.excel.exports import export_residents, resident_values
from tests.bench.conftest import bench_actor
from tests.bench.harness import record, rss_mb, timed_ms
from tests.excel.import_helpers import HEADERS, person, register

IMPORT_ROWS = int(os.environ.get("KESOS_BENCH_IMPORT_ROWS", "10000"))
TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def register_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("bench-import") / "register.xlsx"
    rows = [person(n, Nama=f"Orang Nomor {n}") for n in range(1, IMPORT_ROWS + 1)]
    return register(path, rows)


def _baseline_by_hand(path, folder) -> float:
    """openpyxl read (what read_excel uses) + executemany into SQLite, no validation."""
    def run():
        wb = load_workbook(path, read_only=True)
        rows = list(wb.active.iter_rows(min_row=2, values_only=True))
        wb.close()
        con = sqlite3.connect(folder / "byhand.db")
        con.execute(f"CREATE TABLE t ({', '.join(f'c{i}' for i in range(len(HEADERS)))})")
        con.executemany(f"INSERT INTO t VALUES ({', '.join('?' * len(HEADERS))})", rows)
        con.commit()
        con.close()
    return timed_ms(run)[0]


def test_import_10k_register(db, staff, register_file, tmp_path):
    elapsed, (_preview, outcome) = timed_ms(lambda: imp.import_file(db, staff, register_file, today=TODAY))
    assert outcome.counts.new == IMPORT_ROWS, outcome.problems[:3]
    with db.read() as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Resident)).scalar_one() == IMPORT_ROWS
    by_hand = _baseline_by_hand(register_file, tmp_path)
    record(f"import {IMPORT_ROWS} residents (validated, dup-checked)", elapsed, "ms",
           baseline="openpyxl read + executemany (no validation)", baseline_value=by_hand)
    try:
        import pandas
    except ImportError:
        print("\n[bench] pandas is not installed: pandas.read_excel + to_sql baseline skipped", flush=True)
        return

    def pandas_run():
        frame = pandas.read_excel(register_file)
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'pandas.db'}")
        frame.to_sql("resident", engine, index=False)
        engine.dispose()

    baseline = timed_ms(pandas_run)[0]
    record(f"import {IMPORT_ROWS} residents (validated, dup-checked) vs pandas", elapsed, "ms",
           baseline="pandas.read_excel + to_sql (no validation)", baseline_value=baseline)
    print(f"\n[bench] goal: faster than pandas; ratio {elapsed / baseline:.2f}", flush=True)


def test_reimport_10k_register_is_idempotent(db, staff, register_file):
    imp.import_file(db, staff, register_file, today=TODAY)
    elapsed, (_p, outcome) = timed_ms(lambda: imp.import_file(db, staff, register_file, today=TODAY))
    assert (outcome.counts.new, outcome.counts.skipped) == (0, IMPORT_ROWS)
    record(f"re-import {IMPORT_ROWS} residents (all already registered)", elapsed, "ms")


def test_export_100k_residents(bench_db, tmp_path):
    db = bench_db.open()
    actor = bench_actor(db)
    query = ResidentQuery(status=ResidentStatus.ALL)
    peak = [rss_mb()]
    start_rss = peak[0]
    running = True

    def sample():
        while running:
            peak[0] = max(peak[0], rss_mb())
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        elapsed, path = timed_ms(lambda: export_residents(db, actor, query, tmp_path / "pm.xlsx", today=TODAY))
    finally:
        running = False
        sampler.join()
    # the same values, fetched beforehand, written by a bare write-only loop
    from dataclasses import replace

    from kesos_desktop.excel.exports import resident_columns
    from kesos_desktop.services import resident_register, resident_search

    values, offset = [], 0
    while True:
        page = resident_search.search(db, actor, replace(query, offset=offset, limit=1000, with_total=False))
        values.extend(resident_values(e, TODAY) for e in resident_register.register_entries(db, actor, page.rows))
        if len(page.rows) < 1000:
            break
        offset += 1000
    headers = [c.header for c in resident_columns()]
    plain = [[getattr(v, "label", v) for v in row] for row in values]

    def bare():
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("x")
        ws.append(headers)
        for row in plain:
            ws.append(row)
        wb.save(tmp_path / "bare.xlsx")

    baseline = timed_ms(bare)[0]
    db.dispose()
    record(f"export {len(values)} residents x 25 columns", elapsed, "ms",
           baseline="bare openpyxl write-only loop", baseline_value=baseline)
    record(f"export {len(values)} residents: peak RSS", peak[0], "MB")
    record(f"export {len(values)} residents: RSS growth", peak[0] - start_rss, "MB")
    assert path.exists()
