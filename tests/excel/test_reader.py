"""Real registers and hostile files: each gets read or refused with a clear message."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from kesos_desktop.excel import reader
from kesos_desktop.excel.reader import FileRefused, read_table

ALIASES = {
    "name": ["nama", "nama lengkap", "name"],
    "nik": ["nik", "no ktp", "nomor induk kependudukan"],
    "sex": ["jenis kelamin", "jk", "l p", "sex"],
    "birth_date": ["tanggal lahir", "tgl lahir", "date of birth"],
}


def _register(path: Path, rows: int = 3, title_rows: bool = True) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Data PM"
    if title_rows:
        ws.append(["DAFTAR PENERIMA MANFAAT (FIKTIF)"])
        ws.merge_cells("A1:E1")
        ws.append(["Bulan: Oktober 2026"])
        ws.append([])
    ws.append(["No", "Nama Lengkap", "NIK", "L/P", "Tgl. Lahir"])
    for n in range(rows):
        ws.append([n + 1, f"Fiktif {n}", f"99010145058000{n % 10:02d}", "P", "17/05/1980"])
    ws.append([None, None, None, None, None])  # empty rows are skipped
    wb.save(path)
    return path


def test_header_found_below_title_and_merged_rows(tmp_path):
    table = read_table(_register(tmp_path / "r.xlsx"), ALIASES)
    assert table.header_row == 4
    assert table.mapping == {"name": 1, "nik": 2, "sex": 3, "birth_date": 4}
    assert [n for n, _ in table.rows] == [5, 6, 7]  # Excel row numbers as the user sees them
    assert table.unmapped_headers == ["No"]


def test_lying_dimension_tag_does_not_hide_rows(tmp_path):
    path = _register(tmp_path / "big.xlsx", rows=600, title_rows=False)
    liar = tmp_path / "liar.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(liar, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:B5"', data)
                assert b'ref="A1:B5"' in data
            dst.writestr(item, data)
    assert len(read_table(liar, ALIASES).rows) == 600


def test_not_a_spreadsheet(tmp_path):
    path = tmp_path / "catatan.xlsx"
    path.write_text("Nama,NIK\nFiktif,123\n")
    with pytest.raises(FileRefused, match="xlsx"):
        read_table(path, ALIASES)


def test_empty_and_missing_files(tmp_path):
    (tmp_path / "kosong.xlsx").write_bytes(b"")
    with pytest.raises(FileRefused):
        read_table(tmp_path / "kosong.xlsx", ALIASES)
    with pytest.raises(FileRefused):
        read_table(tmp_path / "tidak-ada.xlsx", ALIASES)


def test_truncated_file(tmp_path):
    data = _register(tmp_path / "r.xlsx", rows=200).read_bytes()
    cut = tmp_path / "terpotong.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(FileRefused, match="rusak|damaged"):
        read_table(cut, ALIASES)


def test_password_protected_workbook(tmp_path):
    path = tmp_path / "berpassword.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 500)
    with pytest.raises(FileRefused, match="kata sandi|password"):
        read_table(path, ALIASES)


def test_old_xls_that_is_damaged(tmp_path):
    path = tmp_path / "lama.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048)
    with pytest.raises(FileRefused):
        read_table(path, ALIASES)


def test_zip_bomb_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(reader, "MAX_UNCOMPRESSED", 2 * 1024 * 1024)
    path = _register(tmp_path / "r.xlsx")
    bomb = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr("xl/padding.xml", b" " * (5 * 1024 * 1024))
    assert bomb.stat().st_size < 100_000
    with pytest.raises(FileRefused, match="MB"):
        read_table(bomb, ALIASES)


def test_more_rows_than_the_cap(tmp_path):
    path = _register(tmp_path / "r.xlsx", rows=120, title_rows=False)
    with pytest.raises(FileRefused, match="100"):
        read_table(path, ALIASES, max_rows=100)


def test_formulas_without_cached_values_are_reported(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Nama", "NIK", "Tanggal Lahir"])
    ws.append(["Fiktif", "9901014505800003", "=DATE(1980,5,17)"])
    path = tmp_path / "rumus.xlsx"
    wb.save(path)  # openpyxl stores formulas without a calculated value
    table = read_table(path, ALIASES)
    assert table.formulas_without_value == {"C2"}


def test_no_header_row(tmp_path):
    wb = Workbook()
    for n in range(10):
        wb.active.append([n, n * 2])
    wb.save(tmp_path / "angka.xlsx")
    with pytest.raises(FileRefused, match="header|judul"):
        read_table(tmp_path / "angka.xlsx", ALIASES)


def test_column_letters():
    assert [reader.column_letter(i) for i in (0, 6, 25, 26, 27, 701, 702)] == [
        "A", "G", "Z", "AA", "AB", "ZZ", "AAA"]
