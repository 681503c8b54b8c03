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


# ---------------------------------------------------------------- the other documents (issue 10)

from tests.reports.world import world  # noqa: E402,F401 - the small facility of the document tests


def _run(db_url, tmp_path, *args, user="petugas1"):
    out = tmp_path / "dokumen.pdf"
    if out.exists():
        out.unlink()
    code = main(["--database-url", db_url, "report", *args, "-o", str(out), "--user", user])
    return code, (" ".join(" ".join(p.extract_text() for p in PdfReader(out).pages).split())
                  if out.exists() else "")


def test_case_file_cli(db_url, world, tmp_path, monkeypatch, capsys):  # noqa: F811
    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)
    code, text = _run(db_url, tmp_path, "case-file", world.reg_no)
    assert code == 0 and "BERKAS PENERIMA MANFAAT" in text and world.reg_no in text
    assert "KANARI" not in text
    code, text = _run(db_url, tmp_path, "case-file", world.reg_no, "--include-notes", user="konselor1")
    assert code == 0 and "KANARI isi catatan" in text
    code, text = _run(db_url, tmp_path, "case-file", world.reg_no, "--include-notes")
    assert code == 1 and text == ""  # staff: refused, nothing written
    code, text = _run(db_url, tmp_path, "case-file", "TIDAK/ADA/1")
    assert code == 1 and "TIDAK/ADA/1" in capsys.readouterr().err


def test_attendance_certificate_handover_cli(db_url, world, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)
    code, text = _run(db_url, tmp_path, "attendance", "--session", str(world.training_session))
    assert code == 0 and "DAFTAR HADIR" in text and "Ani Fiktif" in text
    code, text = _run(db_url, tmp_path, "attendance-recap", "--program", str(world.program),
                      "--month", "2026-11")
    assert code == 0 and "Budi Fiktif" in text and "November 2026" in text
    code, text = _run(db_url, tmp_path, "certificate", "--enrollment", str(world.enrollments["Ani"]))
    assert code == 0 and world.certificate_no in text
    code, text = _run(db_url, tmp_path, "certificate", "--enrollment", str(world.enrollments["Budi"]))
    assert code == 1
    code, text = _run(db_url, tmp_path, "handover", "--stay", str(world.left_stay))
    assert code == 0 and "BERITA ACARA SERAH TERIMA" in text and "Siti Ibu Fiktif" in text
