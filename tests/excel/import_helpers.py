"""Building small registers for the import tests."""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook

HEADERS = ["Nama", "NIK", "No KK", "Jenis Kelamin", "Tempat Lahir", "Tanggal Lahir", "Agama",
           "Alamat", "Kategori PPKS", "Tanggal Masuk", "Asal Rujukan", "Pendekatan", "No HP"]


def person(n: int, **changes) -> dict:
    row = {
        "Nama": f"Budi Santoso {n}", "NIK": f"327305{1 + n % 28:02d}0580{n % 9999 + 1:04d}", "No KK": None,
        "Jenis Kelamin": "L" if n % 2 else "P", "Tempat Lahir": "Bandung",
        "Tanggal Lahir": date(1980, 5, 1 + n % 28), "Agama": "Islam", "Alamat": "Jl. Merdeka 1",
        "Kategori PPKS": "Gelandangan", "Tanggal Masuk": date(2026, 10, 1),
        "Asal Rujukan": "Satpol PP", "Pendekatan": "Persuasif", "No HP": "081234567890",
    }
    row.update(changes)
    return row


def register(path, rows: list[dict], headers=HEADERS, title_rows: int = 0, text_nik: bool = True):
    wb = Workbook()
    ws = wb.active
    ws.title = "Data PM"
    for n in range(title_rows):
        ws.append([f"DAFTAR PENERIMA MANFAAT {n}"])
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    if text_nik:
        for column in ws.iter_cols(min_row=title_rows + 2):
            for cell in column:
                if isinstance(cell.value, str):
                    cell.data_type = "s"
    wb.save(path)
    return path
