"""PDF documents at scale (issue 10).

- The case file of one resident of the 100k demo database (the person with the most counseling
  sessions among those in the facility, so the file is long): goal <= 0.5 s.
- The laporan bulanan of a facility with about 500 residents in the facility and a year of
  training and counseling sessions (a 2,000-resident demo database: a quarter are current):
  goal <= 2 s. Baseline: the statistics alone (the same queries, no PDF).
"""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa
from pypdf import PdfReader

from kesos_desktop.db.models import Admission, CounselingSession, SessionParticipant
from kesos_desktop.reports.case_file import build_case_file, gather
from kesos_desktop.reports.monthly import build_monthly_report
from kesos_desktop.services.monthly_stats import monthly_stats
from tests.bench.conftest import bench_actor, demo_database
from tests.bench.harness import median_ms, record


def _busiest_current_resident(db) -> int:
    with db.read() as session:
        return session.execute(
            sa.select(Admission.resident_id)
            .join(SessionParticipant, SessionParticipant.admission_id == Admission.id)
            .where(Admission.terminated_on.is_(None))
            .group_by(Admission.resident_id)
            .order_by(sa.func.count().desc(), Admission.resident_id).limit(1)
        ).scalar_one()


def test_case_file_of_one_resident(bench_db, tmp_path):
    db = bench_db.copy(tmp_path).open()  # printing writes an audit row
    actor = bench_actor(db)
    resident = _busiest_current_resident(db)
    pdf = build_case_file(db, actor, resident)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    total = median_ms(lambda: build_case_file(db, actor, resident), runs=5)
    data = median_ms(lambda: gather(db, actor, resident), runs=5)
    record(f"case file PDF of one resident ({bench_db.residents // 1000}k db, {pages} pages)", total, "ms",
           baseline="gathering its data through the services", baseline_value=data)
    assert total <= 500 * 3, "far over the 0.5 s goal"
    db.dispose()


def test_monthly_report_of_a_500_resident_facility(tmp_path):
    small = demo_database(2000, record_build=False).copy(tmp_path)
    db = small.open()
    actor = bench_actor(db)
    with db.read() as session:
        current = session.execute(sa.select(sa.func.count()).where(Admission.terminated_on.is_(None))).scalar_one()
        sessions = session.execute(sa.select(sa.func.count()).select_from(CounselingSession)).scalar_one()
    today = date.today()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    total = median_ms(lambda: build_monthly_report(db, actor, year, month), runs=5)
    stats = median_ms(lambda: monthly_stats(db, actor, year, month), runs=5)
    record(f"monthly report PDF ({current} current residents, {sessions} counseling sessions)", total, "ms",
           baseline="monthly_stats alone", baseline_value=stats)
    assert total <= 2000 * 3, "far over the 2 s goal"
    db.dispose()
