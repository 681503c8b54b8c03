"""The residents template: fill it in like staff would, and it imports."""

from __future__ import annotations

from datetime import date

from openpyxl import load_workbook

from kesos_desktop.cli import main
from kesos_desktop.excel import import_residents as imp
from kesos_desktop.excel.templates import write_residents_template


def test_template_has_text_id_columns_dropdowns_and_instructions(tmp_path):
    path = write_residents_template(tmp_path / "t.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames[:2] == ["Data", "Petunjuk"]
    sheet = wb["Data"]
    headers = [c.value for c in sheet[1]]
    assert headers[:5] == ["Nama", "Alias", "NIK", "Nomor KK", "Jenis kelamin"]
    assert sheet["C2"].number_format == "@" and sheet["D500"].number_format == "@"
    ranges = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert "E2:E1001" in ranges and "I2:I1001" in ranges and "P2:P1001" in ranges
    assert "NIK" in " ".join(str(c.value) for c in wb["Petunjuk"]["A"])


def test_filled_template_imports(db, staff, tmp_path):
    path = write_residents_template(tmp_path / "t.xlsx")
    wb = load_workbook(path)
    sheet = wb["Data"]
    for column, value in zip("ACEGIPQRS", ["Ani", "3273054105800001", "Perempuan", date(1980, 5, 1),
                                           "Islam", "Pengemis", date(2026, 10, 1), "Satpol PP", "Persuasif"],
                             strict=True):
        sheet[f"{column}2"] = value
    wb.save(path)
    _preview, outcome = imp.import_file(db, staff, path, today=date(2026, 11, 23))
    assert outcome.counts.new == 1 and outcome.counts.stays == 1, outcome.problems


def test_cli_template(tmp_path):
    assert main(["template", "residents", str(tmp_path / "t.xlsx")]) == 0
    assert (tmp_path / "t.xlsx").exists()
