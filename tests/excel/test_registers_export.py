"""Attendance matrix, counseling session register and follow-up register workbooks."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from openpyxl import load_workbook

from kesos_desktop.cli import main
from kesos_desktop.db.models import AuditEntry, TrainingProgram
from kesos_desktop.excel.exports import export_attendance
from tests.conftest import PASSWORD
from tests.services.test_monthly_stats import facility  # noqa: F401 - a month of everything


def test_registers(facility, admin, tmp_path):  # noqa: F811
    with facility.read() as session:
        program_id = session.execute(sa.select(TrainingProgram.id)).scalars().first()
    attendance = load_workbook(export_attendance(facility, admin, program_id, 2026, 10, tmp_path / "a.xlsx",
                                                 today=date(2026, 11, 23)))
    header = [c.value for c in attendance.worksheets[0][1]]
    assert header[:2] == ["Nomor registrasi", "Nama"] and header[-1].startswith("Kehadiran") or header[-1]
    assert attendance.worksheets[0].max_row >= 2
    with facility.read() as session:
        kinds = set(session.execute(sa.select(AuditEntry.entity).where(AuditEntry.action == "export")).scalars())
    assert "attendance" in kinds
    # the counseling and follow-up registers: tests/excel/test_counseling_export.py and
    # tests/excel/test_reintegration_export.py


def test_cli_exports(db_url, facility, admin, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)
    for what in ("counseling", "followups"):
        out = tmp_path / f"{what}.xlsx"
        assert main(["--database-url", db_url, "export", what, str(out), "--user", "admin"]) == 0
        assert "Info" in load_workbook(out).sheetnames
