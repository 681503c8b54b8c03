"""Data induk PM export: the registry's view as a real spreadsheet, and back in again."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from kesos_desktop.cli import main
from kesos_desktop.db.models import AuditEntry, Resident
from kesos_desktop.domain.resident_dto import ResidentQuery, ResidentStatus
from kesos_desktop.excel import import_residents as imp
from kesos_desktop.excel.exports import export_residents
from kesos_desktop.excel.import_residents import OnDuplicate, RowStatus
from kesos_desktop.excel.writer import ExportCancelled
from tests.conftest import PASSWORD
from tests.excel.import_helpers import person, register

TODAY = date(2026, 11, 23)
ALL = ResidentQuery(status=ResidentStatus.ALL)


@pytest.fixture
def filled(db, staff, tmp_path):
    rows = [person(n) for n in range(1, 8)]
    rows += [person(8, NIK=None, **{"Kategori PPKS": "Pengemis; Pemulung", "No KK": "3273050101010001"}),
             person(9, Nama="=HYPERLINK(\"http://x\")", NIK=None, Alamat="+62 jalan", **{"Tanggal Masuk": None}),
             {"Nama": "Tanpa Identitas", "Jenis Kelamin": "L", "Perkiraan Umur": 40,
              "Kategori PPKS": "Gelandangan"}]
    headers = [*person(1), "Perkiraan Umur"]
    _p, outcome = imp.import_file(db, staff, register(tmp_path / "in.xlsx", rows, headers=headers), today=TODAY)
    assert outcome.counts.new == 10, outcome.problems
    return db


def test_export_is_a_real_spreadsheet_and_formula_safe(filled, staff, tmp_path):
    path = export_residents(filled, staff, ALL, tmp_path / "pm.xlsx", today=TODAY)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Penerima manfaat", "Info"] or wb.sheetnames[-1] == "Info"
    sheet = wb.worksheets[0]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:Y11"
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["Nomor registrasi", "Nama", "Alias", "NIK", "Nomor KK"]
    by_name = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    budi = by_name["Budi Santoso 1"]
    assert budi[3].value == person(1)["NIK"] and budi[3].data_type == "s" and budi[3].number_format == "@"
    assert budi[7].value.date() == date(1980, 5, 2) and budi[7].number_format == "DD/MM/YYYY"
    evil = by_name['=HYPERLINK("http://x")']
    assert evil[1].data_type == "s" and evil[12].value == "+62 jalan" and evil[12].data_type == "s"
    with filled.read() as session:
        (details,) = session.execute(sa.select(AuditEntry.details).where(
            AuditEntry.action == "export", AuditEntry.entity == "residents")).scalars().all()
    assert "10" in str(details)


def test_round_trip_export_then_import_gives_the_same_people(filled, staff, tmp_path):
    path = export_residents(filled, staff, ALL, tmp_path / "pm.xlsx", today=TODAY)
    preview = imp.preview(filled, staff, path, today=TODAY)
    assert not preview.problems
    assert {r.status for r in preview.rows} <= {RowStatus.UPDATE, RowStatus.DUPLICATE}
    assert all(r.match is not None for r in preview.rows)
    with filled.read() as session:
        stored = {r.id: r for r in session.execute(sa.select(Resident)).scalars()}
        for plan in preview.rows:
            person_, resident = plan.candidate.person, stored[plan.match.resident_id]
            for key in ("name", "nik", "kk", "sex", "birth_place", "birth_date", "religion", "address",
                        "phone", "marital_status", "education"):
                assert getattr(person_, key) == getattr(resident, key), key
            assert set(person_.categories) == {c.category for c in resident.categories}
    outcome = imp.commit(filled, staff, preview, OnDuplicate.UPDATE, today=TODAY)
    assert (outcome.counts.new, outcome.counts.updated) == (0, 0)


def test_filters_and_cancel(filled, staff, tmp_path):
    path = export_residents(filled, staff, ResidentQuery(status=ResidentStatus.ALL, text="Budi"),
                            tmp_path / "budi.xlsx", today=TODAY)
    wb = load_workbook(path)
    assert wb.worksheets[0].max_row == 1 + 8
    assert ("Cari", "Budi") in [(r[0].value, r[1].value) for r in wb["Info"].iter_rows()]
    with pytest.raises(ExportCancelled):
        export_residents(filled, staff, ALL, tmp_path / "x.xlsx", cancelled=lambda: True, today=TODAY)
    assert not list(tmp_path.glob("*x.xlsx*"))


@pytest.mark.skipif(not shutil.which("libreoffice") and not shutil.which("soffice"),
                    reason="LibreOffice is not installed")
def test_libreoffice_reads_the_niks_intact(filled, staff, tmp_path):
    path = export_residents(filled, staff, ALL, tmp_path / "pm.xlsx", today=TODAY)
    office = shutil.which("libreoffice") or shutil.which("soffice")
    subprocess.run([office, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
                    "--convert-to", "csv", "--outdir", str(tmp_path), str(path)],
                   check=True, timeout=180, capture_output=True)
    text = (tmp_path / "pm.csv").read_text(encoding="utf-8", errors="replace")
    assert person(1)["NIK"] in text and "E+15" not in text


def test_cli_import_exit_codes_and_json(db_url, db, staff, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)
    base = ["--database-url", db_url, "import", "residents"]
    user = ["--user", staff.username]
    good = register(tmp_path / "good.xlsx", [person(1), person(2)])
    bad = register(tmp_path / "bad.xlsx", [person(3), person(4, **{"Jenis Kelamin": "?"})])
    assert main([*base, str(good), "--dry-run", "--json", *user]) == 0
    assert json.loads(capsys.readouterr().out) == {"new": 2, "updated": 0, "skipped": 0, "errors": []}
    assert main([*base, str(bad), "--json", *user]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["new"] == 0 and out["errors"][0]["row"] == 3 and out["errors"][0]["column"] == "D"
    assert out["errors"][0]["field"] == "sex" and out["errors"][0]["message"].startswith("Baris 3, kolom D")
    errors = tmp_path / "ditolak.xlsx"
    assert main([*base, str(bad), "--skip-invalid", "--errors-out", str(errors), *user]) == 1
    assert errors.exists() and "1 baru" in capsys.readouterr().out
    assert main([*base, str(good), "--json", *user]) == 0
    assert json.loads(capsys.readouterr().out)["new"] == 2
    assert main([*base, str(good), "--json", "--on-duplicate", "update", *user]) == 0
    assert json.loads(capsys.readouterr().out) == {"new": 0, "updated": 0, "skipped": 2, "errors": []}
    (tmp_path / "x.xlsx").write_text("not a workbook")
    assert main([*base, str(tmp_path / "x.xlsx"), *user]) == 2
    with db.read() as session:
        assert session.execute(sa.select(sa.func.count()).select_from(Resident)).scalar_one() == 3


def test_cli_export_residents(db_url, filled, staff, tmp_path, monkeypatch):
    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)
    out = tmp_path / "pm.xlsx"
    assert main(["--database-url", db_url, "export", "residents", str(out), "--user", staff.username]) == 0
    assert load_workbook(out).worksheets[0].max_row == 11
