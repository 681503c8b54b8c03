"""Importing a residents register end to end: statuses, places of problems, all or nothing."""

from __future__ import annotations

import zipfile
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from kesos_desktop.db.models import Admission, Resident
from kesos_desktop.domain.enums import Religion, Sex
from kesos_desktop.domain.errors import PermissionDenied
from kesos_desktop.excel import import_residents as imp
from kesos_desktop.excel.import_residents import OnDuplicate, RowStatus
from kesos_desktop.excel.reader import FileRefused
from kesos_desktop.services.resident_import import ImportCancelled
from tests.excel.import_helpers import HEADERS, person, register

TODAY = date(2026, 11, 23)


def count(db, model=Resident) -> int:
    with db.read() as session:
        return session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def test_template_like_register_imports_with_stays(db, staff, tmp_path):
    path = register(tmp_path / "pm.xlsx", [person(1), person(2, **{"Tanggal Masuk": None})], title_rows=2)
    preview, outcome = imp.import_file(db, staff, path, today=TODAY)
    assert [r.status for r in preview.rows] == [RowStatus.NEW, RowStatus.NEW]
    assert preview.table.header_row == 3
    assert (outcome.counts.new, outcome.counts.stays) == (2, 1)
    with db.read() as session:
        rows = session.execute(sa.select(Resident).order_by(Resident.id)).scalars().all()
        assert rows[0].nik == person(1)["NIK"] and rows[0].sex is Sex.MALE
        assert rows[0].religion is Religion.ISLAM and rows[0].birth_date == date(1980, 5, 2)
        assert rows[0].reg_no != rows[1].reg_no and rows[0].reg_no.startswith("PM/2026/")
        assert [c.category.value for c in rows[0].categories] == ["gelandangan"]
        assert session.execute(sa.select(Admission.resident_id)).scalars().all() == [rows[0].id]


def test_problem_places_and_all_or_nothing(db, staff, tmp_path):
    rows = [person(1), person(2, **{"Tanggal Lahir": "31/02/1980"}), person(3, **{"Jenis Kelamin": "X"})]
    path = register(tmp_path / "pm.xlsx", rows)
    preview, outcome = imp.import_file(db, staff, path, today=TODAY)
    assert outcome.counts is None and count(db) == 0
    messages = [str(p) for p in outcome.problems]
    assert messages[0].startswith("Baris 3, kolom F (Tanggal Lahir): ")
    assert messages[1].startswith("Baris 4, kolom D (Jenis Kelamin): ")
    assert [p.as_json()["column"] for p in outcome.problems] == ["F", "D"]


def test_nik_stored_as_number_is_rejected_with_the_reason(db, staff, tmp_path):
    path = register(tmp_path / "pm.xlsx", [person(1, NIK=3273050105800001)])
    _preview, outcome = imp.import_file(db, staff, path, today=TODAY)
    assert outcome.counts is None and count(db) == 0
    (problem,) = outcome.problems
    assert problem.column == "B" and "15" in problem.message and "Text" in problem.message


@pytest.mark.parametrize("value,expected", [
    ("17/05/1980", date(1980, 5, 17)), ("17-05-1980", date(1980, 5, 17)),
    ("17 Mei 1980", date(1980, 5, 17)), ("1980-05-17", date(1980, 5, 17)),
    (29358, date(1980, 5, 17)), (date(1980, 5, 17), date(1980, 5, 17)),
])
def test_date_forms(db, staff, tmp_path, value, expected):
    path = register(tmp_path / "pm.xlsx", [person(1, **{"Tanggal Lahir": value, "NIK": None})])
    _preview, outcome = imp.import_file(db, staff, path, today=TODAY)
    assert outcome.counts.new == 1
    with db.read() as session:
        assert session.execute(sa.select(Resident.birth_date)).scalar_one() == expected


@pytest.mark.parametrize("value,expected", [("L", Sex.MALE), ("Laki-laki", Sex.MALE), ("pria", Sex.MALE),
                                            ("P", Sex.FEMALE), ("Perempuan", Sex.FEMALE), ("W", Sex.FEMALE)])
def test_sex_forms(db, staff, tmp_path, value, expected):
    path = register(tmp_path / "pm.xlsx", [person(1, **{"Jenis Kelamin": value, "NIK": None})])
    imp.import_file(db, staff, path, today=TODAY)
    with db.read() as session:
        assert session.execute(sa.select(Resident.sex)).scalar_one() is expected


def test_english_headers_spaces_and_punctuated_nik(db, staff, tmp_path):
    headers = ["Name", "ID number", "Sex", "Date of birth", "Category", "Religion"]
    row = {"Name": "  Siti   Aminah ", "ID number": "3273 0541 0580 0001", "Sex": "female",
           "Date of birth": "01/05/1980", "Category": "Pengemis", "Religion": "Kristen Protestan"}
    path = register(tmp_path / "en.xlsx", [row, {}], headers=headers)
    _preview, outcome = imp.import_file(db, staff, path, today=TODAY)
    assert outcome.counts.new == 1
    with db.read() as session:
        resident = session.execute(sa.select(Resident)).scalar_one()
        assert (resident.name, resident.nik, resident.religion) == (
            "Siti Aminah", "3273054105800001", Religion.PROTESTANT)


def test_duplicates_in_file_and_in_database_and_idempotent_reimport(db, staff, tmp_path):
    same_name = person(3, NIK=None)
    rows = [person(1), person(2), person(1, Nama="Budi S."), same_name, dict(same_name)]
    path = register(tmp_path / "pm.xlsx", rows)
    preview, outcome = imp.import_file(db, staff, path, today=TODAY)
    assert [r.status for r in preview.rows] == [RowStatus.NEW, RowStatus.NEW, RowStatus.DUPLICATE,
                                                RowStatus.NEW, RowStatus.DUPLICATE]
    assert preview.rows[2].duplicate_of_row == 2
    assert (outcome.counts.new, outcome.counts.skipped) == (3, 2)
    again, outcome2 = imp.import_file(db, staff, path, today=TODAY)
    assert [r.status for r in again.rows] == [RowStatus.UPDATE, RowStatus.UPDATE, RowStatus.DUPLICATE,
                                              RowStatus.DUPLICATE, RowStatus.DUPLICATE]
    assert (outcome2.counts.new, outcome2.counts.skipped) == (0, 5)
    assert count(db) == 3 and count(db, Admission) == 3


def test_update_choice_fills_in_the_registered_person(db, staff, tmp_path):
    imp.import_file(db, staff, register(tmp_path / "a.xlsx", [person(1)]), today=TODAY)
    path = register(tmp_path / "b.xlsx", [person(1, Alamat="Jl. Baru 7", **{"No HP": None})])
    preview = imp.preview(db, staff, path, today=TODAY)
    assert preview.rows[0].status is RowStatus.UPDATE
    outcome = imp.commit(db, staff, preview, OnDuplicate.UPDATE, today=TODAY)
    assert (outcome.counts.new, outcome.counts.updated) == (0, 1)
    with db.read() as session:
        resident = session.execute(sa.select(Resident)).scalar_one()
        assert (resident.address, resident.phone, resident.version) == ("Jl. Baru 7", "081234567890", 2)
    # a per-row choice overrides the choice for all
    preview = imp.preview(db, staff, register(tmp_path / "c.xlsx", [person(1, Alamat="Jl. Lain")]), today=TODAY)
    preview.rows[0].choice = OnDuplicate.SKIP
    assert imp.commit(db, staff, preview, OnDuplicate.UPDATE, today=TODAY).counts.updated == 0


def test_skip_invalid_writes_valid_rows_and_an_error_workbook(db, staff, tmp_path):
    rows = [person(1), person(2, **{"Tanggal Lahir": "kemarin"}), person(3)]
    errors = tmp_path / "ditolak.xlsx"
    _preview, outcome = imp.import_file(db, staff, register(tmp_path / "pm.xlsx", rows),
                                        skip_invalid=True, errors_out=errors, today=TODAY)
    assert outcome.counts.new == 2 and count(db) == 2
    sheet = load_workbook(errors).worksheets[0]
    values = list(sheet.values)
    assert list(values[0]) == [*HEADERS, "Alasan"]
    assert values[1][0] == "Budi Santoso 2" and values[1][1] == person(2)["NIK"]
    assert "kolom F (Tanggal Lahir)" in values[1][-1]
    # fixed and imported again: only the fixed row is new
    fixed = tmp_path / "diperbaiki.xlsx"
    wb = load_workbook(errors)
    wb.worksheets[0]["F2"] = "01/05/1980"
    del wb["Info"]
    wb.save(fixed)
    _preview, outcome = imp.import_file(db, staff, fixed, today=TODAY)
    assert outcome.counts.new == 1 and count(db) == 3


def test_cancel_writes_nothing(db, staff, tmp_path):
    path = register(tmp_path / "pm.xlsx", [person(n) for n in range(1, 450)])
    preview = imp.preview(db, staff, path, today=TODAY)
    with pytest.raises(ImportCancelled):
        imp.commit(db, staff, preview, cancelled=lambda: True, today=TODAY)
    assert count(db) == 0


def test_counselor_may_not_import(db, counselor, tmp_path):
    with pytest.raises(PermissionDenied):
        imp.import_file(db, counselor, register(tmp_path / "pm.xlsx", [person(1)]), today=TODAY)


def test_formula_without_cached_value_is_a_row_problem(db, staff, tmp_path):
    path = tmp_path / "f.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["Nama", "Jenis Kelamin", "Tanggal Lahir", "Kategori PPKS"])
    ws.append(["Ani", "P", "=DATE(1980,5,17)", "Pengemis"])
    wb.save(path)
    _preview, outcome = imp.import_file(db, staff, path, today=TODAY)
    assert outcome.counts is None
    assert "kolom C" in str(outcome.problems[0]) and "rumus" in outcome.problems[0].message


@pytest.mark.parametrize("kind", ["text", "xls", "truncated", "encrypted", "bomb", "empty"])
def test_broken_files_are_refused_without_writing(db, staff, tmp_path, kind):
    path = tmp_path / "bad.xlsx"
    good = register(tmp_path / "good.xlsx", [person(1)])
    if kind == "text":
        path.write_text("Nama;NIK\nBudi;123\n")
    elif kind == "xls":
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    elif kind == "truncated":
        path.write_bytes(good.read_bytes()[:700])
    elif kind == "encrypted":
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 600)
    elif kind == "bomb":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (210 * 1024 * 1024) + b"</a>")
    else:
        path.write_bytes(b"")
    with pytest.raises(FileRefused):
        imp.import_file(db, staff, path, today=TODAY)
    assert count(db) == 0


def test_row_cap(db, staff, tmp_path):
    path = register(tmp_path / "pm.xlsx", [person(n) for n in range(1, 30)])
    with pytest.raises(FileRefused):
        imp.preview(db, staff, path, max_rows=10, today=TODAY)


def test_preview_uses_the_table_already_read_unless_the_file_changed(db, staff, tmp_path, monkeypatch):
    import os

    from kesos_desktop.excel import reader

    path = register(tmp_path / "pm.xlsx", [person(1), person(2)])
    table = imp.read_register(path)
    reads = []
    real = reader.read_table
    monkeypatch.setattr(imp, "read_table", lambda *a, **k: reads.append(a[0]) or real(*a, **k))
    mapping = {**table.mapping}
    mapping.pop("kk", None)
    mapping["notes"] = table.mapping["kk"]  # remapped by hand: the kept table follows it
    checked = imp.preview(db, staff, path, mapping, today=TODAY, table=table)
    assert reads == [] and [r.status for r in checked.rows] == [RowStatus.NEW, RowStatus.NEW]
    assert checked.table.mapping["notes"] == table.mapping["kk"] and "notes" not in table.mapping
    register(path, [person(1), person(2), person(3)])  # saved again meanwhile
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    again = imp.preview(db, staff, path, today=TODAY, table=table)
    assert len(reads) == 1 and len(again.rows) == 3


def test_repeated_cell_values_parse_the_same_every_time(db, staff, tmp_path):
    rows = [person(n, Agama=" islam ", **{"Kategori PPKS": "Gelandangan; Pengemis"}) for n in range(1, 4)]
    rows.append(person(4, Agama="Animisme"))
    rows.append(person(5, Agama="Animisme"))
    preview = imp.preview(db, staff, register(tmp_path / "pm.xlsx", rows), today=TODAY)
    assert [r.status for r in preview.rows] == [RowStatus.NEW] * 3 + [RowStatus.ERROR] * 2
    assert {r.candidate.person.religion for r in preview.rows[:3]} == {Religion.ISLAM}
    assert all(len(r.candidate.person.categories) == 2 for r in preview.rows[:3])
    assert [p.field for r in preview.rows[3:] for p in r.problems] == ["religion", "religion"]
