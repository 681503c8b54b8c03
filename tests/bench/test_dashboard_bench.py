"""The dashboard on the big demo database (100,000 residents, about a million attendance rows).

Goal: <= 300 ms for everything the dashboard shows (figures and the user's reminders), counted
in SQL, off the GUI thread. Baseline, in the same run: the same figures computed the naive way,
by loading the rows into Python and counting there.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import sqlalchemy as sa

from kesos_desktop.db.models import Admission, FollowUp, ResidentCategory, Room
from kesos_desktop.services import dashboard
from tests.bench.conftest import bench_actor
from tests.bench.harness import median_ms, record


def _naive(db, today: date) -> dict:
    """Load the rows, count in Python (what a spreadsheet-minded first version would do)."""
    start = today.replace(day=1)
    with db.read() as session:
        stays = session.execute(sa.select(Admission)).scalars().all()
        current = [s for s in stays if s.terminated_on is None]
        categories = {(c.resident_id, c.category) for c in session.execute(sa.select(ResidentCategory)).scalars()}
        open_people = {s.resident_id for s in current}
        by_category = Counter(cat for rid, cat in categories if rid in open_people)
        by_stage = Counter(s.stage for s in current)
        followups = session.execute(sa.select(FollowUp)).scalars().all()
        active = {s.id for s in stays if s.aftercare_status == "active"}
        overdue = sum(1 for f in followups if f.done_on is None and f.admission_id in active and f.due_on < today)
        rooms = {r.id: r for r in session.execute(sa.select(Room)).scalars()}
        occupied = Counter(s.room_id for s in current if s.room_id)
        near = [rooms[r] for r, n in occupied.items() if n >= rooms[r].capacity * 0.9]
        return {
            "current": len(current),
            "admitted": sum(1 for s in stays if start <= s.admitted_on <= today),
            "by_category": by_category, "by_stage": by_stage, "overdue": overdue, "near": near,
        }


def test_dashboard_load(bench_db):
    db = bench_db.open()
    today = date.today()
    try:
        admin = bench_actor(db, "admin")
        counselor = bench_actor(db, "konselor")
        data = dashboard.load(db, admin, today)
        naive = _naive(db, today)
        assert data.current_residents == naive["current"]
        assert dict(data.by_stage) == {k: v for k, v in naive["by_stage"].items() if v}
        assert data.followups_overdue == naive["overdue"]

        def everything(actor):
            dashboard.load(db, actor, today)
            dashboard.reminders(db, actor, today)

        admin_ms = median_ms(lambda: everything(admin), runs=5)
        counselor_ms = median_ms(lambda: everything(counselor), runs=5)
        baseline = median_ms(lambda: _naive(db, today - timedelta(days=0)), runs=3, warmup=0)
    finally:
        db.dispose()
    record(f"dashboard load + reminders, admin, {bench_db.residents} residents", admin_ms, "ms",
           baseline="same figures from rows loaded into Python", baseline_value=baseline)
    record(f"dashboard load + reminders, counselor, {bench_db.residents} residents", counselor_ms, "ms",
           baseline="same figures from rows loaded into Python", baseline_value=baseline)
