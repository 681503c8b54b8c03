"""The house style: letterhead, page numbers, footer, signature, fonts, wrapping."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import datetime

import pytest
from pypdf import PdfReader

from kesos_desktop.domain.dto import FacilityProfileDTO
from kesos_desktop.reports.style import DocumentMeta, build_pdf, data_table, para

PROFILE = FacilityProfileDTO(
    name="UPT Rehabilitasi Sosial Fiktif", agency_line1="PEMERINTAH PROVINSI CONTOH",
    agency_line2="DINAS SOSIAL", address="Jl. Contoh No. 1", city="Kota Contoh",
    head_name="Kepala Fiktif, S.Sos", head_nip="197001012000031001", head_title="Kepala UPT",
)


def _text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _long_table(n: int):
    def body(styles, width):
        rows = [[i, "Nama Fiktif Yang Sangat Panjang Sekali Untuk Menguji Pelipatan Baris " * 2]
                for i in range(n)]
        return [para("Daftar", styles.heading),
                data_table(["No", "Nama"], rows, styles, [40, width - 40], align_right={0})]
    return body


def test_letterhead_numbers_footer_and_signature():
    meta = DocumentMeta("Laporan Uji", PROFILE, "petugas1", printed_at=datetime(2026, 11, 23, 10, 5))
    pages = _text(build_pdf(meta, _long_table(80)))
    assert len(pages) >= 2
    assert "PEMERINTAH PROVINSI CONTOH" in pages[0] and "UPT Rehabilitasi Sosial Fiktif" in pages[0]
    assert "LAPORAN UJI" in pages[0]
    for number, text in enumerate(pages, start=1):
        assert f"Halaman {number} dari {len(pages)}" in text
        assert "petugas1" in text and "23/11/2026 10:05" in text
    assert "Kepala Fiktif, S.Sos" in pages[-1] and "NIP. 197001012000031001" in pages[-1]
    assert "Kota Contoh, 23 November 2026" in pages[-1]
    # long names wrap instead of being clipped: the whole name is there
    assert pages[0].replace("\n", " ").count("Menguji Pelipatan Baris") >= 2


def test_missing_logo_and_missing_head_of_facility():
    profile = FacilityProfileDTO(name="Panti Fiktif", logo_path="/tidak/ada/logo.png")
    pages = _text(build_pdf(DocumentMeta("Tanpa Kepala", profile, "admin"), _long_table(3)))
    assert "Panti Fiktif" in pages[0]
    assert "NIP. ...." in pages[-1]  # left for signing by hand


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf not installed")
def test_pdf_is_structurally_valid(tmp_path):
    path = tmp_path / "uji.pdf"
    path.write_bytes(build_pdf(DocumentMeta("Uji", PROFILE, "admin"), _long_table(30)))
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
