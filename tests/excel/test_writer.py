"""Exports are real spreadsheets, formula-safe, with text NIKs, and atomic."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from kesos_desktop.excel.writer import (
    MAX_CELL_TEXT,
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


def test_refilled_cells_keep_each_row_its_own_kind(tmp_path):
    """Cells are reused from row to row: a formula-like, an error-code-like or a numeric text
    must not leak its type or style into the next row, and nothing is lost."""
    from kesos_desktop.domain.enums import Sex

    rows = [
        ["=1+1", "9901014505800003", date(2026, 10, 1), 46],
        ["Budi Fiktif", "#N/A", "kemarin", "12"],  # not a date, not a number: written as text
        [Sex.FEMALE, 9901014505800004, datetime(2026, 9, 30, 8, 15), 7.5],
        [12345, None, None, None, "ekstra =2+2"],  # longer than the columns
        ["#DIV/0!", "0012", date(2025, 1, 2), 0],
    ]
    path = write_workbook(tmp_path / "isi.xlsx", [Sheet("PM", COLUMNS, rows, len(rows))], INFO)
    ws = load_workbook(path)["PM"]
    got = [[(c.value, c.data_type) for c in row] for row in ws.iter_rows(min_row=2, max_col=5)]
    assert got[0][:2] == [("=1+1", "s"), ("9901014505800003", "s")]
    assert got[1] == [("Budi Fiktif", "s"), ("#N/A", "s"), ("kemarin", "s"), ("12", "s"), (None, "n")]
    assert got[2][0] == ("Perempuan", "s") and got[2][1] == ("9901014505800004", "s")
    assert got[2][2][0] == datetime(2026, 9, 30, 8, 15) and got[2][3] == (7.5, "n")
    assert got[3][0] == ("12345", "s") and got[3][4] == ("ekstra =2+2", "s")
    assert got[4][:2] == [("#DIV/0!", "s"), ("0012", "s")]
    assert ws["B2"].number_format == ws["B6"].number_format == "@"  # every NIK cell is text
    assert ws["C2"].number_format == ws["C6"].number_format == "DD/MM/YYYY"
    assert ws["C3"].number_format == "General" and ws["A3"].number_format == "General"
    assert ws["D2"].value == 46 and ws["D6"].value == 0


def test_control_characters_are_dropped_and_overlong_text_is_cut(tmp_path):
    """openpyxl refuses a pasted vertical tab with an error quoting the whole cell (a counseling
    note would reach the log) and Excel "repairs" a file with a cell over 32,767 characters."""
    long_note = "catatan " * 5000
    rows = [["Budi\x07 Santoso\x0b", None, None, None], [long_note, "3273\x0c0101", None, None]]
    path = write_workbook(tmp_path / "bersih.xlsx", [Sheet("PM", COLUMNS, rows, 2)], INFO)
    ws = load_workbook(path).worksheets[0]
    assert ws["A2"].value == "Budi Santoso" and ws["B3"].value == "32730101"
    assert len(ws["A3"].value) == MAX_CELL_TEXT and ws["A3"].value.startswith("catatan catatan")
    assert ws["A3"].value.endswith(")")  # the visible "cut" mark
