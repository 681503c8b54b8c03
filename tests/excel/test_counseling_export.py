"""Counseling session register: metadata for everyone, note contents only for counselors who ask,
never a highly confidential note of someone else, every path audited; the list's filters honoured."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from kesos_desktop.cli import main
from kesos_desktop.domain.enums import Confidentiality, CounselingStatus, CounselingType, Role
from kesos_desktop.domain.errors import PermissionDenied
from kesos_desktop.excel import export_counseling
from kesos_desktop.excel.export_counseling import export_counseling_register
from kesos_desktop.services import counseling
from kesos_desktop.services.counseling import SessionFilter
from kesos_desktop.services.counseling_dto import NoteInput
from tests.conftest import PASSWORD, make_user
from tests.factories import admit_resident
from tests.services.test_counseling_support import audit_rows, record_session, session_input

SECRET = "Catatan fiktif: PM bercerita tentang kakaknya"
HIDDEN = "Sangat rahasia fiktif: riwayat keluarga"
ACTIONS = "Hubungi keluarga"


@pytest.fixture
def sessions(db, admin, counselor):
    """Counselor 1 records an individual session (with a formula-looking topic) and a group
    session; counselor 2 a highly confidential one. Returns (db, other counselor)."""
    other = make_user(db, admin, "konselor2", Role.COUNSELOR)
    _, budi = admit_resident(db, "Budi Fiktif", admitted_on=date(2026, 9, 1))
    _, sari = admit_resident(db, "=Sari Fiktif", admitted_on=date(2026, 9, 1))
    record_session(db, counselor, [budi], body=SECRET, held_on=date(2026, 11, 2), topic="Keluarga",
                   duration_minutes=45, next_session_on=date(2026, 11, 16))
    record_session(db, counselor, [budi, sari], body="Catatan kelompok fiktif", held_on=date(2026, 11, 9),
                   kind=CounselingType.GROUP)
    counseling.create_session(
        db, other, session_input([sari], held_on=date(2026, 11, 10), confidentiality=Confidentiality.HIGH),
        NoteInput(HIDDEN, "rahasia"), today=date(2026, 11, 23))
    return db, other


def cells(path) -> list[str]:
    book = load_workbook(path)
    return [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]


def table(path):
    sheet = load_workbook(path).worksheets[0]
    header = [c.value for c in sheet[1]]
    return header, [dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2)]


def test_metadata_register_for_staff_never_holds_note_text(sessions, staff, tmp_path):
    db, _other = sessions
    header, rows = table(export_counseling_register(db, staff, tmp_path / "c.xlsx"))
    assert header[:4] == ["Tanggal", "Mulai", "Menit", "Jenis"] and "Isi catatan" not in header
    assert [r["Tanggal"].value for r in rows] == [datetime(2026, 11, 10), datetime(2026, 11, 9), datetime(2026, 11, 2)]
    assert rows[2]["Tanggal"].number_format == "DD/MM/YYYY" and rows[2]["Menit"].value == 45
    assert rows[2]["Sesi berikutnya (tindak lanjut)"].value == datetime(2026, 11, 16)
    assert set(rows[1]["Peserta"].value.split(", ")) == {"Budi Fiktif", "=Sari Fiktif"}
    formula_like = rows[0]["Peserta"]
    assert formula_like.value == "=Sari Fiktif" and formula_like.data_type == "s"  # text, not a formula
    text = " ".join(cells(tmp_path / "c.xlsx"))
    for secret in (SECRET, HIDDEN, "Keluarga", ACTIONS, "Catatan kelompok"):
        assert secret not in text
    assert audit_rows(db, "read_note") == []
    export = audit_rows(db, "export", "counseling_sessions")[-1][4]
    assert export["include_notes"] is False and export["rows"] == 3


@pytest.mark.parametrize("who", ["staff", "admin"])
def test_a_non_counselor_asking_for_note_contents_is_refused_and_no_file_is_written(sessions, who, request, tmp_path):
    db, _other = sessions
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        export_counseling_register(db, actor, tmp_path / "n.xlsx", include_notes=True)
    assert not (tmp_path / "n.xlsx").exists()
    assert [r[4] for r in audit_rows(db, "denied")] == [{"action": "counseling.note.read"}]
    assert audit_rows(db, "read_note") == [] and audit_rows(db, "export") == []


def test_a_counselor_gets_the_notes_they_may_read_each_audited(sessions, counselor, tmp_path):
    db, other = sessions
    path = export_counseling_register(db, counselor, tmp_path / "n.xlsx", include_notes=True)
    header, rows = table(path)
    assert header[-3:] == ["Topik", "Isi catatan", "Tindak lanjut yang disepakati"]
    by_date = {r["Tanggal"].value.date(): r for r in rows}
    mine = by_date[date(2026, 11, 2)]
    assert mine["Isi catatan"].value == SECRET and mine["Topik"].value == "Keluarga"
    assert mine["Tindak lanjut yang disepakati"].value == ACTIONS
    withheld = by_date[date(2026, 11, 10)]  # another counselor's highly confidential note
    assert withheld["Isi catatan"].value == "Sangat rahasia: tidak disertakan"
    assert HIDDEN not in " ".join(cells(path))
    reads = audit_rows(db, "read_note")
    assert len(reads) == 2 and {r[4]["via"] for r in reads} == {"excel_export"}
    assert all(SECRET not in str(r) for r in audit_rows(db))
    export = audit_rows(db, "export", "counseling_sessions")[-1][4]
    assert export["include_notes"] is True and export["notes"] == 2
    # the author of the highly confidential note does get it
    theirs = table(export_counseling_register(db, other, tmp_path / "o.xlsx", include_notes=True))[1]
    assert {r["Isi catatan"].value for r in theirs} >= {HIDDEN, SECRET}


def test_the_lists_filters_are_honoured_and_shown_on_the_info_sheet(sessions, counselor, tmp_path):
    db, _other = sessions
    flt = SessionFilter(date(2026, 11, 1), date(2026, 11, 9), session_type=CounselingType.INDIVIDUAL)
    path = export_counseling_register(db, counselor, tmp_path / "f.xlsx", flt)
    assert [r["Tanggal"].value for r in table(path)[1]] == [datetime(2026, 11, 2)]
    info = {r[0].value: r[1].value for r in load_workbook(path)["Info"].iter_rows()}
    assert info["Awal periode"] == "01/11/2026" and info["Akhir periode"] == "09/11/2026"
    assert info["Jenis"] == CounselingType.INDIVIDUAL.label and info["Isi catatan"] == "Tidak disertakan"
    mine = SessionFilter(counselor_id=counselor.id)
    searched = export_counseling_register(db, counselor, tmp_path / "s.xlsx", mine, text="sari")
    assert [r["Tanggal"].value for r in table(searched)[1]] == [datetime(2026, 11, 9)]
    assert {r[0].value: r[1].value for r in load_workbook(searched)["Info"].iter_rows()}["Cari"] == "sari"


def test_more_sessions_than_one_list_holds_are_all_exported_once(db, counselor, monkeypatch, tmp_path):
    _, stay = admit_resident(db, "Budi Fiktif", admitted_on=date(2026, 1, 1))
    days = [date(2026, 3, 1) + timedelta(days=7 * n) for n in range(7)]
    for day in days:
        counseling.create_session(db, counselor, session_input([stay], held_on=day, status=CounselingStatus.DONE),
                                  today=date(2026, 11, 23))
    monkeypatch.setattr(export_counseling, "MAX_LIST", 2)  # as if the list were full at 2 rows
    rows = table(export_counseling_register(db, counselor, tmp_path / "all.xlsx"))[1]
    assert [r["Tanggal"].value.date() for r in rows] == sorted(days, reverse=True)


def test_cli_applies_the_same_rule(db_url, sessions, staff, counselor, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KESOS_PASSWORD", PASSWORD)
    refused = tmp_path / "refused.xlsx"
    base = ["--database-url", db_url, "export", "counseling"]
    assert main([*base, str(refused), "--user", staff.username, "--include-notes"]) == 1
    assert "counseling.note.read" in capsys.readouterr().err  # refused for the role, not a bad login
    assert not refused.exists()
    plain = tmp_path / "plain.xlsx"
    assert main([*base, str(plain), "--user", staff.username, "--from", "2026-11-01", "--to", "2026-11-09"]) == 0
    assert SECRET not in " ".join(cells(plain)) and len(table(plain)[1]) == 2
    notes = tmp_path / "notes.xlsx"
    assert main([*base, str(notes), "--user", counselor.username, "--include-notes", "--type", "perorangan"]) == 0
    text = " ".join(cells(notes))
    assert SECRET in text and HIDDEN not in text
