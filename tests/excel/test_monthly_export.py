"""Monthly statistics in Excel agree with the PDF's figures (same service) and are audited."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from openpyxl import load_workbook

from kesos_desktop.cli import main
from kesos_desktop.db.models import AuditEntry
from kesos_desktop.excel.exports import export_monthly
from tests.conftest import PASSWORD
from tests.services.test_monthly_stats import facility  # noqa: F401 - the hand-counted fixture


def test_monthly_workbook_matches_hand_count(facility, admin, tmp_path):  # noqa: F811
    path = export_monthly(facility, admin, 2026, 10, tmp_path / "bulanan.xlsx", today=date(2026, 11, 23))
    wb = load_workbook(path)
    assert wb.sheetnames == ["Ringkasan", "Penerimaan", "Terminasi", "Kelompok umur", "Info"]
    summary = {row[0].value: row[1].value for row in wb["Ringkasan"].iter_rows(min_row=2)}
    assert summary["Penerima manfaat pada awal bulan"] == 2
    assert summary["Penerima manfaat pada akhir bulan"] == 3
    assert summary["Jam pelatihan"] == 5
    admissions = {row[0].value: row[3].value for row in wb["Penerimaan"].iter_rows(min_row=2)}
    assert admissions == {"Anak jalanan": 1, "Gelandangan": 2, "Pengemis": 1}
    with facility.read() as session:
        exports = session.execute(sa.select(AuditEntry.entity).where(AuditEntry.action == "export")).scalars().all()
    assert exports == ["monthly_stats"]


def test_cli_export_monthly(db_url, admin, tmp_path, monkeypatch):
    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)
    out = tmp_path / "m.xlsx"
    assert main(["--database-url", db_url, "export", "monthly", str(out), "--month", "2026-10",
                 "--user", "admin"]) == 0
    assert "Info" in load_workbook(out).sheetnames
