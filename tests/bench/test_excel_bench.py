"""Excel at facility scale: importing a 10,000-row register, exporting 100,000 residents.

Import, ours: ``excel.import_residents.import_file`` with full validation, duplicate checks
(in the file and against the database) and registration numbers, into a fresh database.
Baseline in the same run on the same file: ``pandas.read_excel`` + ``DataFrame.to_sql`` (no
validation at all) when pandas is importable (it is not a dependency; without it the baseline
is skipped with a note), and always the same work done by hand the way pandas does it
(openpyxl read + executemany, no validation). Goal: faster than the baseline.

Export, ours: ``excel.exports.export_residents`` of every resident of the 100k demo database
(25 columns), one streamed query for the registry view and a streamed sheet. Baseline: a bare
openpyxl write-only loop over the same values, already in memory. Goal: >= 0.8x its speed (ratio
of times <= 1.25), peak RSS of the export <= 250 MB (sampled while it runs).

GUI stall (``gui_stall.py``): the import and the export run through ``ui/tasks.run_in_background``
with a progress dialog while a 10 ms QTimer ticks on the GUI thread; the longest gap between
ticks is recorded. Goal <= 100 ms. The export's own figures come from that same run.

Wall times move with the machine's load; each time has a CPU-time twin (all threads of the
process), steadier on a shared machine.
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
from tests.bench import gui_stall
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


def _cpu_ms(fn) -> tuple[float, float, object]:
    """(wall ms, CPU ms of the whole process, result) of one call."""
    cpu = time.process_time()
    wall, result = timed_ms(fn)
    return wall, (time.process_time() - cpu) * 1000, result


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


# first: after pandas is loaded, the GUI thread's collections walk a much bigger heap
def test_import_10k_gui_stall(qapp, db, staff, register_file):
    """The wizard's work (read once, check every row, write) in the background, as the app runs it."""
    def work(progress=None):
        table = imp.read_register(register_file)
        checked = imp.preview(db, staff, register_file, table=table, today=TODAY,
                              progress=lambda d, t: progress.report(d, t))
        return imp.commit(db, staff, checked, progress=lambda d, t: progress.report(d, t),
                          cancelled=lambda: progress.cancelled, today=TODAY)

    run = gui_stall.run_with_timer(work)
    assert run.result.counts.new == IMPORT_ROWS
    record(f"import {IMPORT_ROWS} residents in the background (wall)", run.elapsed_ms, "ms")
    record(f"import {IMPORT_ROWS} residents: GUI thread max gap (10 ms timer)", run.max_gap_ms, "ms")
    print(f"\n[bench] GUI goal: max gap <= {gui_stall.GOAL_MS} ms; {run.ticks} ticks, the longest gap "
          f"ended {run.max_gap_at_ms:.0f} ms in, {run.gaps_over_50ms} gaps over 50 ms", flush=True)


def test_import_10k_register(db, staff, register_file, tmp_path):
    elapsed, cpu, (_preview, outcome) = _cpu_ms(lambda: imp.import_file(db, staff, register_file, today=TODAY))
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

    baseline, baseline_cpu, _ = _cpu_ms(pandas_run)
    record(f"import {IMPORT_ROWS} residents (validated, dup-checked) vs pandas", elapsed, "ms",
           baseline="pandas.read_excel + to_sql (no validation)", baseline_value=baseline)
    record(f"import {IMPORT_ROWS} residents vs pandas (CPU)", cpu, "ms",
           baseline="pandas.read_excel + to_sql (CPU)", baseline_value=baseline_cpu)
    print(f"\n[bench] goal: faster than pandas; ratio {elapsed / baseline:.2f} (CPU {cpu / baseline_cpu:.2f})",
          flush=True)


def test_reimport_10k_register_is_idempotent(db, staff, register_file):
    imp.import_file(db, staff, register_file, today=TODAY)
    elapsed, (_p, outcome) = timed_ms(lambda: imp.import_file(db, staff, register_file, today=TODAY))
    assert (outcome.counts.new, outcome.counts.skipped) == (0, IMPORT_ROWS)
    record(f"re-import {IMPORT_ROWS} residents (all already registered)", elapsed, "ms")


# last: run before the imports, its 940 MB database read left our import slower beside pandas.
# Its peak RSS here includes what the imports and pandas left; `-k export` gives its own.
def test_export_100k_residents(qapp, bench_db, tmp_path):
    from kesos_desktop.excel.exports import resident_columns
    from kesos_desktop.services import resident_export_query

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

    def work(progress=None, name="pm.xlsx"):
        return export_residents(db, actor, query, tmp_path / name, today=TODAY,
                                progress=progress.report if progress else None,
                                cancelled=(lambda: progress.cancelled) if progress else None)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:  # timed as the baseline is: this thread, the test session's garbage-collector setting
        elapsed, cpu, path = _cpu_ms(work)
    finally:
        running = False
        sampler.join()
    run = gui_stall.run_with_timer(work, name="pm-gui.xlsx")  # again, as the app runs it
    # the same values, fetched beforehand, written by a bare write-only loop
    values = [resident_values(e, TODAY)
              for batch in resident_export_query.register_batches(db, actor, query) for e in batch]
    headers = [c.header for c in resident_columns()]
    plain = [[getattr(v, "label", v) for v in row] for row in values]
    del values

    def bare():
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("x")
        ws.append(headers)
        for row in plain:
            ws.append(row)
        wb.save(tmp_path / "bare.xlsx")

    baseline, baseline_cpu, _ = _cpu_ms(bare)
    # once more each, alternated: on a shared machine one run of either can be a third slower
    again, again_cpu, _ = _cpu_ms(lambda: work(name="pm-2.xlsx"))
    bare_again, bare_again_cpu, _ = _cpu_ms(bare)
    elapsed, cpu = min(elapsed, again), min(cpu, again_cpu)
    baseline, baseline_cpu = min(baseline, bare_again), min(baseline_cpu, bare_again_cpu)
    db.dispose()
    rows = len(plain)
    record(f"export {rows} residents x 25 columns (best of 2)", elapsed, "ms",
           baseline="bare openpyxl write-only loop", baseline_value=baseline)
    record(f"export {rows} residents x 25 columns (CPU, best of 2)", cpu, "ms",
           baseline="bare openpyxl write-only loop (CPU)", baseline_value=baseline_cpu)
    record(f"export {rows} residents in the background (wall)", run.elapsed_ms, "ms")
    record(f"export {rows} residents: peak RSS", peak[0], "MB")
    record(f"export {rows} residents: RSS growth", peak[0] - start_rss, "MB")
    record(f"export {rows} residents: GUI thread max gap (10 ms timer)", run.max_gap_ms, "ms")
    print(f"\n[bench] GUI: {run.ticks} ticks, the longest gap ended {run.max_gap_at_ms:.0f} ms in, "
          f"{run.gaps_over_50ms} gaps over 50 ms", flush=True)
    print(f"\n[bench] goals: speed >= 0.8x the bare loop (now {baseline / elapsed:.2f}x, CPU "
          f"{baseline_cpu / cpu:.2f}x), peak RSS <= 250 MB, GUI max gap <= {gui_stall.GOAL_MS} ms",
          flush=True)
    from python_calamine import CalamineWorkbook

    assert run.result.exists()
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    assert sheet.height == rows + 1  # the header and every resident
