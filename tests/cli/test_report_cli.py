"""`kesos report monthly` as a user, with the GUI's permission rules."""

from __future__ import annotations

from pypdf import PdfReader

from kesos_desktop.cli import main
from tests.conftest import PASSWORD


def test_monthly_report_to_file(db_url, admin, staff, tmp_path, monkeypatch):
    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)
    out = tmp_path / "oktober.pdf"
    code = main(["--database-url", db_url, "report", "monthly", "--month", "2026-10",
                 "-o", str(out), "--user", "petugas1"])
    assert code == 0
    assert "Oktober 2026" in PdfReader(out).pages[0].extract_text()


def test_bad_month_and_wrong_password(db_url, admin, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)
    out = tmp_path / "x.pdf"
    assert main(["--database-url", db_url, "report", "monthly", "--month", "Oktober",
                 "-o", str(out), "--user", "admin"]) == 1
    assert "2026-10" in capsys.readouterr().err and not out.exists()
    monkeypatch.setenv("KESOS_PASSWORD", "bukan-sandinya-1")
    assert main(["--database-url", db_url, "report", "monthly", "--month", "2026-10",
                 "-o", str(out), "--user", "admin"]) == 1
    assert not out.exists()
