"""The training schedule and attendance templates: Indonesian headers, instructions, dropdowns,
text and time formats; filled in as staff would, they import."""

from __future__ import annotations

from datetime import date, time

from openpyxl import load_workbook

from kesos_desktop.cli import main
from kesos_desktop.excel import import_training as imp
from kesos_desktop.excel.templates import (
    TEMPLATES,
    write_attendance_template,
    write_schedule_template,
)
from tests.excel.test_training_import import course, empty_program  # noqa: F401 - fixtures
from tests.services.test_training_programs import TODAY


def _validations(sheet) -> dict[str, str]:
    return {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}


def test_schedule_template(tmp_path):
    wb = load_workbook(write_schedule_template(tmp_path / "j.xlsx", ["Menjahit Dasar", "Sablon Fiktif"]))
    assert wb.sheetnames[:2] == ["Data", "Petunjuk"]
    sheet = wb["Data"]
    assert [c.value for c in sheet[1]] == ["Program pelatihan", "Tanggal", "Jam Mulai", "Jam Selesai",
                                           "Topik", "Instruktur", "Tempat"]
    assert sheet["B2"].number_format == "DD/MM/YYYY" and sheet["C700"].number_format == "HH:MM"
    validations = _validations(sheet)
    assert "A2:A1001" in validations  # the programs given
    lists = wb[wb.sheetnames[2]]
    assert [lists.cell(row=n, column=1).value for n in (2, 3)] == ["Menjahit Dasar", "Sablon Fiktif"]
    assert "jadwal pelatihan" in " ".join(str(c.value) for c in wb["Petunjuk"]["A"])


def test_attendance_template_has_the_marks_dropdown_and_text_registration_numbers(tmp_path):
    wb = load_workbook(write_attendance_template(tmp_path / "h.xlsx"))
    sheet = wb["Data"]
    assert [c.value for c in sheet[1]][3:6] == ["Nomor registrasi", "Nama", "Kehadiran"]
    assert sheet["D2"].number_format == "@" and sheet["D1001"].number_format == "@"
    validations = _validations(sheet)
    assert list(validations) == ["F2:F1001"]  # no program list given: free text
    lists = wb[wb.sheetnames[2]]
    assert [lists.cell(row=n, column=1).value for n in range(2, 6)] == [
        "Hadir (H)", "Izin (I)", "Sakit (S)", "Alpa (A)"]


def test_filled_templates_import(db, staff, course, tmp_path):  # noqa: F811
    pid, _people, regs = course
    path = write_schedule_template(tmp_path / "j.xlsx")
    wb = load_workbook(path)
    for column, value in zip("ABCDE", ["Menjahit Dasar", date(2026, 11, 3), time(13), time(15), "Pola"],
                             strict=True):
        wb["Data"][f"{column}2"] = value
    wb.save(path)
    _p, outcome = imp.import_file(db, staff, "schedule", path)
    assert outcome.counts.new == 1, outcome.problems
    path = write_attendance_template(tmp_path / "h.xlsx")
    wb = load_workbook(path)
    for column, value in zip("ABCDF", ["Menjahit Dasar", date(2026, 11, 3), time(13),
                                       regs["Ani Fiktif"], "Hadir (H)"], strict=True):
        wb["Data"][f"{column}2"] = value
    wb.save(path)
    _p, outcome = imp.import_file(db, staff, "attendance", path, today=TODAY)
    assert outcome.counts.new == 1, outcome.problems


def test_cli_templates(tmp_path):
    assert {"schedule", "attendance"} <= set(TEMPLATES)
    for what in ("schedule", "attendance"):
        assert main(["template", what, str(tmp_path / f"{what}.xlsx")]) == 0
        assert load_workbook(tmp_path / f"{what}.xlsx")["Data"]["A1"].value == "Program pelatihan"
