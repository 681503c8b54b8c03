"""The big demo database every data benchmark reads, and a first query over it.

Building it (first run, or after the generator or the schema changed) records the generation
time and file size; afterwards the cached file is reused. The dashboard has its own
benchmark (test_dashboard_bench.py).
"""

from __future__ import annotations

import sqlite3

from tests.bench.harness import record


def test_the_big_demo_database(bench_db):
    raw = sqlite3.connect(bench_db.path)
    try:
        people = raw.execute("SELECT count(*) FROM resident").fetchone()[0]
        attendance = raw.execute("SELECT count(*) FROM attendance").fetchone()[0]
    finally:
        raw.close()
    assert people == bench_db.residents
    record(f"demo database {bench_db.residents} residents, file size", bench_db.size_mb, "MB")
    record(f"demo database {bench_db.residents} residents, attendance rows", attendance, "rows")
