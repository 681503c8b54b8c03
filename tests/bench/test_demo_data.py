"""The big demo database every data benchmark reads, and a first query over it.

Building it (first run, or after the generator or the schema changed) records the generation
time and file size; afterwards the cached file is reused. The dashboard figures are compared
with the same three counts sent straight to sqlite3.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from kesos_desktop.services import dashboard
from tests.bench.conftest import bench_actor
from tests.bench.harness import median_ms, record


def test_dashboard_summary_on_the_big_demo(bench_db):
    db = bench_db.open()
    try:
        actor = bench_actor(db)
        today = date.today()
        summary = dashboard.facility_summary(db, actor, today=today)
        assert summary.current_residents > 0
        app = median_ms(lambda: dashboard.facility_summary(db, actor, today=today))
    finally:
        db.dispose()
    start = today.replace(day=1).isoformat()
    raw = sqlite3.connect(bench_db.path)
    try:
        def counts():
            raw.execute("SELECT name, capacity FROM facility_profile WHERE id = 1").fetchone()
            raw.execute("SELECT count(id) FROM admission WHERE terminated_on IS NULL").fetchone()
            raw.execute("SELECT count(id) FROM admission WHERE admitted_on BETWEEN ? AND ?",
                        (start, today.isoformat())).fetchone()
            raw.execute("SELECT count(id) FROM admission WHERE terminated_on BETWEEN ? AND ?",
                        (start, today.isoformat())).fetchone()
        baseline = median_ms(counts)
    finally:
        raw.close()
    record(f"dashboard summary, {bench_db.residents} residents", app, "ms",
           baseline="the same 4 queries in raw sqlite3", baseline_value=baseline)
    record(f"demo database {bench_db.residents} residents, file size", bench_db.size_mb, "MB")
