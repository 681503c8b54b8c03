"""Stays register (riwayat tinggal): one row per stay, the period honoured, a real spreadsheet."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from kesos_desktop.cli import main
from kesos_desktop.db.models import Admission, AuditEntry, RoomAssignment
from kesos_desktop.domain.enums import Stage, TerminationReason
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.excel.export_stays import export_stays
from kesos_desktop.excel.writer import ExportCancelled
from kesos_desktop.services.stays_register import list_stays
from tests.conftest import PASSWORD
from tests.factories import add_room, admit_resident

TODAY = date(2026, 11, 23)


def _leave(db, admission_id: int, on: date, reason: TerminationReason, destination: str) -> None:
    """End a stay the way termination leaves it: no current room, the assignment closed."""
    with db.write() as session:
        stay = session.get(Admission, admission_id)
        stay.terminated_on, stay.termination_reason, stay.stage = on, reason, Stage.TERMINATION
        stay.termination_destination, stay.room_id = destination, None
        for row in session.execute(sa.select(RoomAssignment).where(RoomAssignment.admission_id == admission_id)).scalars():
            row.until_date = on


def _readmit(db, resident_id: int, on: date, room_id: int) -> int:
    from kesos_desktop.domain.enums import Approach, ReferralSource

    with db.write() as session:
        stay = Admission(resident_id=resident_id, admitted_on=on, referral_source=ReferralSource.FAMILY,
                         approach=Approach.MOTIVATIVE, stage=Stage.INTERVENTION, room_id=room_id)
        session.add(stay)
        session.flush()
        session.add(RoomAssignment(admission_id=stay.id, room_id=room_id, from_date=on))
        return stay.id


@pytest.fixture
def stays(db, admin):
    mawar, melati = add_room(db, "Mawar"), add_room(db, "Melati")
    first, stay = admit_resident(db, "Fiktif Kembali", admitted_on=date(2026, 1, 10), room_id=mawar)
    with db.write() as session:
        session.add(RoomAssignment(admission_id=stay, room_id=mawar, from_date=date(2026, 1, 10)))
    _leave(db, stay, date(2026, 3, 1), TerminationReason.REUNIFIED, '=HYPERLINK("http://x","klik")')
    _readmit(db, first, date(2026, 6, 1), melati)
    admit_resident(db, "Fiktif Baru", admitted_on=date(2026, 7, 15))
    _, old = admit_resident(db, "Fiktif Lama", admitted_on=date(2025, 1, 1))
    _leave(db, old, date(2025, 6, 30), TerminationReason.ABSCONDED, "tidak diketahui")
    return db


def _rows(path):
    book = load_workbook(path)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c for c in row), strict=True)) for row in sheet.iter_rows(min_row=2)]
    return book, header, rows


def test_every_stay_with_room_status_exit_and_length(stays, admin, tmp_path):
    book, header, rows = _rows(export_stays(stays, admin, tmp_path / "s.xlsx", today=TODAY))
    assert header[:5] == ["Nomor registrasi", "Nama", "Jenis kelamin", "Masa tinggal ke-", "Tanggal masuk"]
    assert "Lama tinggal (hari)" in header and "Alasan keluar" in header
    assert [(r["Nama"].value, r["Masa tinggal ke-"].value) for r in rows] == [
        ("Fiktif Lama", 1), ("Fiktif Kembali", 1), ("Fiktif Kembali", 2), ("Fiktif Baru", 1)]
    left = rows[1]
    assert left["Tanggal masuk"].value == datetime(2026, 1, 10)  # a real date, shown dd/mm/yyyy
    assert left["Tanggal masuk"].number_format == "DD/MM/YYYY"
    assert left["Tanggal terminasi"].value == datetime(2026, 3, 1)
    assert left["Kamar"].value == "Mawar"  # the last room, though termination cleared it
    assert left["Status"].value == "Diterminasi"
    assert left["Alasan keluar"].value == "Kembali ke keluarga"
    assert left["Lama tinggal (hari)"].value == 50
    # user text that looks like a formula stays text
    assert left["Tujuan penyaluran"].value.startswith("=HYPERLINK") and left["Tujuan penyaluran"].data_type == "s"
    back = rows[2]
    assert back["Status"].value == "Masih di panti" and back["Kamar"].value == "Melati"
    assert back["Lama tinggal (hari)"].value == (TODAY - date(2026, 6, 1)).days
    assert back["Tanggal terminasi"].value is None
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:P5"
    info = {r[0].value: r[1].value for r in book["Info"].iter_rows()}
    assert info["Periode"] == "Semua masa tinggal"
    with stays.read() as session:
        audit = session.execute(sa.select(AuditEntry.entity).where(AuditEntry.action == "export")).scalars().all()
    assert audit == ["stays"]


def test_the_period_keeps_the_stays_in_the_facility_on_any_of_its_days(stays, admin, tmp_path):
    path = export_stays(stays, admin, tmp_path / "p.xlsx", date(2026, 2, 1), date(2026, 5, 31), today=TODAY)
    book, _header, rows = _rows(path)
    assert [(r["Nama"].value, r["Masa tinggal ke-"].value) for r in rows] == [("Fiktif Kembali", 1)]
    info = {r[0].value: r[1].value for r in book["Info"].iter_rows()}
    assert "1 Februari 2026" in info["Periode"] and "31 Mei 2026" in info["Periode"]
    later = [r.name for r in list_stays(stays, admin, date(2026, 7, 1), None)]
    assert later == ["Fiktif Kembali", "Fiktif Baru"]  # open stays count up to today
    with pytest.raises(ValidationError):
        list_stays(stays, admin, date(2026, 5, 1), date(2026, 4, 1))


def test_a_cancelled_export_leaves_no_file(stays, admin, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(ExportCancelled):
        export_stays(stays, admin, folder / "gone.xlsx", cancelled=lambda: True)
    assert list(folder.iterdir()) == []  # neither the file nor a partial one


def test_cli_exports_the_stays_of_a_period(db_url, stays, tmp_path, monkeypatch):
    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)
    out = tmp_path / "stays.xlsx"
    args = ["--database-url", db_url, "export", "stays", str(out), "--user", "admin",
            "--from", "2025-01-01", "--to", "2025-12-31"]
    assert main(args) == 0
    _book, _header, rows = _rows(out)
    assert [r["Nama"].value for r in rows] == ["Fiktif Lama"]
    with pytest.raises(SystemExit):
        main(["--database-url", db_url, "export", "stays", str(out), "--user", "admin", "--from", "1/1/2025"])
