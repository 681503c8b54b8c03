"""Exports are real spreadsheets, formula-safe, with text NIKs, and atomic."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from kesos_desktop.excel.writer import (
    Column,
    ColumnKind,
    ExportCancelled,
    ExportInfo,
    Sheet,
    write_workbook,
)

COLUMNS = [
    Column("Nama", ColumnKind.TEXT, 30),
    Column("NIK", ColumnKind.ID, 20),
    Column("Tanggal Masuk", ColumnKind.DATE, 14),
    Column("Umur", ColumnKind.NUMBER, 8),
]
INFO = ExportInfo("Data induk PM", "Panti Fiktif", "admin", datetime(2026, 11, 23, 9, 30),
                  [("Status", "Aktif")])


def test_formula_safe_text_nik_real_dates(tmp_path):
    rows = [
        ["=HYPERLINK(\"http://x\",\"klik\")", "9901014505800003", date(2026, 10, 1), 46],
        ["+62 812", "0012345678901234", date(2026, 9, 30), 5],
        ["-Fiktif", None, None, None],
        ["@SUM(A1)", "9901010101010001", date(2025, 1, 2), 80],
    ]
    path = write_workbook(tmp_path / "ekspor.xlsx", [Sheet("PM", COLUMNS, rows, len(rows))], INFO)
    wb = load_workbook(path)
    ws = wb["PM"]
    assert [c.value for c in ws[1]] == ["Nama", "NIK", "Tanggal Masuk", "Umur"]
    assert ws[1][0].font.bold and ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:D5"
    for row in ws.iter_rows(min_row=2):
        assert row[0].data_type == "s"  # never a formula
    assert ws["A2"].value.startswith("=HYPERLINK")
    assert ws["B2"].value == "9901014505800003" and ws["B2"].data_type == "s"
    assert ws["B3"].value == "0012345678901234"  # leading zeros kept
    assert ws["C2"].is_date and ws["C2"].number_format == "DD/MM/YYYY"
    assert ws["D2"].value == 46
    info = {r[0].value: r[1].value for r in wb["Info"].iter_rows()}
    assert info["Status"] == "Aktif" and info[list(info)[2]] == "admin"


def test_cancel_leaves_no_file(tmp_path):
    rows = ([f"Fiktif {n}", None, None, n] for n in range(5000))
    target = tmp_path / "batal.xlsx"
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) >= 3

    with pytest.raises(ExportCancelled):
        write_workbook(target, [Sheet("PM", COLUMNS, rows, 5000)], INFO, cancelled=cancelled)
    assert list(tmp_path.iterdir()) == []


def test_failure_midway_keeps_the_old_file(tmp_path):
    target = tmp_path / "lama.xlsx"
    target.write_bytes(b"old export")

    def rows():
        yield ["Fiktif", None, None, 1]
        raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError):
        write_workbook(target, [Sheet("PM", COLUMNS, rows(), 2)], INFO)
    assert target.read_bytes() == b"old export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lama.xlsx"]
