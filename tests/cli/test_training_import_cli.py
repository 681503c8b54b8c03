"""`kesos import schedule|attendance FILE`: exit codes 0/1/2, --dry-run, --skip-invalid with
--errors-out, --json, and the GUI's permission rules."""

from __future__ import annotations

import json
from datetime import date, time

import pytest

from kesos_desktop.cli import main
from kesos_desktop.services import training_schedule as schedule
from tests.conftest import PASSWORD
from tests.excel.test_training_import import (  # noqa: F401 - fixtures
    GOOD_SCHEDULE,
    SCHEDULE_HEADERS,
    empty_program,
    session_count,
    workbook,
)


@pytest.fixture
def run(db_url, monkeypatch, capsys):
    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)

    def call(*args, user="petugas1"):
        code = main(["--database-url", db_url, "import", *map(str, args), "--user", user])
        out = capsys.readouterr()
        return code, out.out, out.err
    return call


def test_schedule_exit_codes_and_json(db, staff, empty_program, tmp_path, run):  # noqa: F811
    good = workbook(tmp_path / "ok.xlsx", SCHEDULE_HEADERS, GOOD_SCHEDULE)
    code, out, _err = run("schedule", good, "--dry-run", "--json")
    assert code == 0 and json.loads(out) == {"new": 3, "updated": 0, "skipped": 0, "errors": []}
    assert session_count(db) == 0
    code, out, _err = run("schedule", good, "--json")
    assert code == 0 and json.loads(out)["new"] == 3 and session_count(db) == 3
    code, out, _err = run("schedule", good, "--json")  # again: nothing twice
    assert code == 0 and json.loads(out) == {"new": 0, "updated": 0, "skipped": 3, "errors": []}
    bad = workbook(tmp_path / "bad.xlsx", SCHEDULE_HEADERS, [
        ["Menjahit Dasar", date(2026, 11, 12), time(9), time(11), None, None, None],
        ["Memasak Fiktif", date(2026, 11, 13), time(9), time(11), None, None, None]])
    code, out, _err = run("schedule", bad, "--json")
    result = json.loads(out)
    assert code == 1 and result["new"] == 0 and session_count(db) == 3
    assert result["errors"] == [{"row": 3, "column": "A", "field": "program", "message":
                                 "Baris 3, kolom A (Program Pelatihan): Tidak ada program pelatihan "
                                 "bernama Memasak Fiktif. Buat dulu di halaman Pelatihan, atau "
                                 "perbaiki namanya."}]
    errors = tmp_path / "ditolak.xlsx"
    code, out, _err = run("schedule", bad, "--skip-invalid", "--errors-out", errors)
    assert code == 1 and errors.exists() and session_count(db) == 4
    assert "1 baru" in out


def test_refused_file_and_permission(db, staff, counselor, empty_program, tmp_path, run):  # noqa: F811
    not_excel = tmp_path / "jadwal.xlsx"
    not_excel.write_bytes(b"PK\x03\x04 broken zip")
    code, out, _err = run("schedule", not_excel, "--json")
    assert code == 2 and "refused" in json.loads(out)
    code, _out, err = run("attendance", not_excel)
    assert code == 2 and err.strip()
    good = workbook(tmp_path / "ok.xlsx", SCHEDULE_HEADERS, GOOD_SCHEDULE)
    code, _out, err = run("schedule", good, user="konselor1")  # the GUI's rule: counselors do not plan
    assert code == 1 and "tidak berwenang" in err, err
    assert schedule.list_sessions(db, staff, empty_program) == []


def test_export_programs_with_filters(db, staff, empty_program, db_url, tmp_path, monkeypatch):  # noqa: F811
    from openpyxl import load_workbook

    from tests.services.test_training_programs import make_program

    make_program(db, staff, name="Sablon Fiktif", weekdays=None, instructor_name="Pak Dedi Fiktif")
    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)
    out = tmp_path / "program.xlsx"
    assert main(["--database-url", db_url, "export", "programs", str(out), "--search", "menjahit",
                 "--program-status", "planned", "--user", "petugas1"]) == 0
    rows = list(load_workbook(out).worksheets[0].values)
    assert [r[0] for r in rows] == ["Program", "Menjahit Dasar"]
