"""The four documents: each one's facts checked against the database, and the prints audited."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from kesos_desktop.domain.errors import PermissionDenied, ValidationError
from kesos_desktop.reports.attendance_sheet import build_monthly_recap, build_session_sheet
from kesos_desktop.reports.case_file import build_case_file, find_resident_id
from kesos_desktop.reports.certificate import build_certificate
from kesos_desktop.reports.handover import build_handover
from kesos_desktop.services import training_attendance, training_completion
from tests.reports.world import LONG_NAME, SECRET, TODAY, World, flat, pages, prints


def _qpdf_ok(tmp_path, pdf: bytes, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(pdf)
    if shutil.which("qpdf"):
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_case_file_facts(db, staff, world: World, tmp_path):
    assert find_resident_id(db, staff, world.reg_no) == world.resident
    pdf = build_case_file(db, staff, world.resident, today=TODAY)
    _qpdf_ok(tmp_path, pdf, "berkas.pdf")
    text = flat(pdf)
    assert "BERKAS PENERIMA MANFAAT" in text
    assert LONG_NAME in text  # wrapped, never clipped
    assert "Sastrodiningrat" in text and world.reg_no in text
    assert "1 Oktober 2026" in text  # admitted
    assert "5 Oktober 2026" in text  # latest assessment, scores only
    assert "Menghubungi keluarga di kampung halaman" in text
    assert "Menjahit Dasar" in text and "89%" in text  # 8 of 9 present (I not counted)
    assert "2 November 2026" in text  # counseling session date
    assert "Konselor1 Contoh" in text
    assert SECRET not in text
    assert f"Halaman 1 dari {pages(pdf)}" in text
    assert prints(db)[-1] == ("case_file", str(world.resident))


def test_case_file_notes_for_a_counselor_only_when_asked(db, counselor, world: World):
    without = flat(build_case_file(db, counselor, world.resident, today=TODAY))
    assert SECRET not in without
    with_notes = flat(build_case_file(db, counselor, world.resident, include_notes=True, today=TODAY))
    assert f"{SECRET} isi catatan" in with_notes and f"{SECRET} uraian" in with_notes


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_case_file_notes_refused_for_others(db, world: World, role, request):
    actor = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        build_case_file(db, actor, world.resident, include_notes=True, today=TODAY)
    assert ("case_file", str(world.resident)) not in prints(db)


def test_case_file_of_a_terminated_person_lists_follow_ups(db, staff, world: World):
    text = flat(build_case_file(db, staff, world.left_resident, today=TODAY))
    assert "Siti Pulang Fiktif" in text and "20 November 2026" in text
    assert "20 Desember 2026" in text  # first follow-up
    assert "Desa Contoh RT 01/RW 02" in text and "Siti Ibu Fiktif (ibu)" in text  # the reintegration plan
    assert "dari 9 butir selesai" in text and "Siap" in text  # readiness checklist, home visit
    assert "12 Oktober 2026" in text  # the home visit


def test_session_attendance_sheet(db, staff, world: World, tmp_path):
    roll = training_attendance.get_roll(db, staff, world.training_session, today=TODAY)
    pdf = build_session_sheet(db, staff, world.training_session, today=TODAY)
    _qpdf_ok(tmp_path, pdf, "hadir.pdf")
    text = flat(pdf)
    assert "DAFTAR HADIR" in text and "Menjahit Dasar" in text
    assert "2 November 2026" in text and "09.00" in text
    for entry in roll.entries:
        assert entry.name.split()[0] in text and entry.reg_no in text
    assert "Tanda tangan" in text or "Tanda Tangan" in text
    assert "Ibu Ani Fiktif" in text  # the instructor signs
    assert "Halaman 1 dari 1" in text
    assert prints(db)[-1] == ("attendance_sheet", str(world.training_session))


def test_monthly_attendance_recap(db, staff, world: World, tmp_path):
    pdf = build_monthly_recap(db, staff, world.program, 2026, 11, today=TODAY)
    _qpdf_ok(tmp_path, pdf, "rekap.pdf")
    text = flat(pdf)
    assert "REKAP" in text.upper() and "November 2026" in text
    assert "Budi Fiktif" in text and "Ani Fiktif" in text
    # Budi: HHSAHHHAH -> H 6, I 0, S 1, A 2, 9 marked, 66.7 %
    assert "6 0 1 2 9 66.7%" in text
    assert "9 0 0 0 9 100%" in text
    empty = flat(build_monthly_recap(db, staff, world.program, 2026, 1, today=TODAY))
    assert "Januari 2026" in empty and "tidak ada" in empty.lower()


def test_certificate(db, staff, world: World, tmp_path):
    data = training_completion.certificate_data(db, staff, world.enrollments["Ani"])
    pdf = build_certificate(db, staff, world.enrollments["Ani"])
    _qpdf_ok(tmp_path, pdf, "sertifikat.pdf")
    assert pages(pdf) == 1
    text = flat(pdf)
    assert "SERTIFIKAT" in text and world.certificate_no in text
    assert "Ani Fiktif" in text and "Menjahit Dasar" in text
    assert f"{data.hours_attended:g} jam" in text
    assert "Kota Contoh, 20 November 2026" in text
    assert "Kepala Contoh, S.Sos" in text and "197001012000031001" in text
    with pytest.raises(ValidationError):  # not completed: no certificate
        build_certificate(db, staff, world.enrollments["Budi"])


def test_handover(db, staff, world: World, tmp_path):
    pdf = build_handover(db, staff, world.left_stay)
    _qpdf_ok(tmp_path, pdf, "bast.pdf")
    text = flat(pdf)
    assert "BERITA ACARA SERAH TERIMA" in text
    assert "Jumat tanggal 20 November 2026" in text
    assert "Siti Pulang Fiktif" in text and "Siti Ibu Fiktif" in text and "Ibu kandung" in text
    assert "3271010101800001" in text and "3271014101900001" in text
    assert "Pak RT Contoh" in text and "Bu Lurah Contoh" in text
    assert "PIHAK PERTAMA" in text and "PIHAK KEDUA" in text and "Saksi-saksi" in text
    assert pages(pdf) == 1
    assert "Kepala Contoh, S.Sos" in text
    with pytest.raises(ValidationError):  # not terminated
        build_handover(db, staff, world.stay)
    assert prints(db)[-1] == ("handover", str(world.left_stay))


def test_dates_are_indonesian():
    from kesos_desktop.i18n import format_date
    assert format_date(date(2026, 11, 23)) == "23 November 2026"


@pytest.mark.parametrize("content", ["real", "damaged"])
def test_case_file_with_a_photo_or_a_damaged_one(db, staff, world: World, content, tmp_path):
    import sqlalchemy as sa

    from kesos_desktop import paths
    from kesos_desktop.db.models import Resident
    from tests.resident_requests import png_bytes

    photo = paths.data_dir() / "photos" / "pm.png"
    photo.parent.mkdir(parents=True, exist_ok=True)
    photo.write_bytes(png_bytes(60, 80) if content == "real" else b"\x89PNG rusak")
    with db.write() as session:
        session.execute(sa.update(Resident).where(Resident.id == world.resident).values(photo_path="photos/pm.png"))
    pdf = build_case_file(db, staff, world.resident, today=TODAY)
    _qpdf_ok(tmp_path, pdf, f"berkas-foto-{content}.pdf")
    assert "Sastrodiningrat" in flat(pdf)


def test_long_name_certificate_and_a_facility_without_a_head(db, staff, world: World, tmp_path):
    import sqlalchemy as sa

    from kesos_desktop.db.models import FacilityProfile
    from kesos_desktop.services import training_completion as completion
    from kesos_desktop.services import training_enrollment as enrollment

    with db.write() as session:
        session.execute(sa.update(FacilityProfile).values(head_name="", head_nip=""))
    enrollment.set_competent(db, staff, world.enrollments["Panjang"], True)
    number, _ = completion.complete(db, staff, world.enrollments["Panjang"], completed_on=date(2026, 11, 20),
                                    today=TODAY)
    pdf = build_certificate(db, staff, world.enrollments["Panjang"])
    _qpdf_ok(tmp_path, pdf, "sertifikat-panjang.pdf")
    text = flat(pdf)
    assert pages(pdf) == 1 and LONG_NAME in text and number in text
    assert "NIP. ...." in text  # left for signing by hand
    handover = flat(build_handover(db, staff, world.left_stay))
    assert "NIP. ...." in handover and "Kepala Contoh" not in handover
