"""Importing the training schedule and attendance from Excel: good files, every problem with its
place ("Baris N, kolom X (Header): ..."), unknown programs, repeats within the file, idempotent
re-import, all or nothing, and the error workbook of skip-invalid."""

from __future__ import annotations

from datetime import date, time

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from kesos_desktop.db.models import Attendance, AuditEntry, TrainingSession
from kesos_desktop.domain.errors import PermissionDenied
from kesos_desktop.excel import import_training as imp
from kesos_desktop.excel.import_residents import RowStatus
from kesos_desktop.excel.reader import FileRefused
from kesos_desktop.excel.training_cells import parse_code, parse_time
from kesos_desktop.excel.values import CellError
from kesos_desktop.services import training_enrollment as enrollment
from kesos_desktop.services import training_schedule as schedule
from kesos_desktop.services.resident_import import ImportCancelled
from tests.factories import admit_resident
from tests.services.test_training_programs import START, TODAY, make_program

SCHEDULE_HEADERS = ["Program Pelatihan", "Tanggal", "Jam Mulai", "Jam Selesai", "Topik",
                    "Instruktur", "Tempat"]
ATTENDANCE_HEADERS = ["Program Pelatihan", "Tanggal", "Jam Mulai", "Nomor Registrasi", "Nama",
                      "Kehadiran", "Catatan"]


def workbook(path, headers, rows, title_rows: int = 0):
    wb = Workbook()
    ws = wb.active
    for n in range(title_rows):
        ws.append([f"JADWAL PELATIHAN PANTI FIKTIF {n}"])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def session_count(db) -> int:
    with db.read() as session:
        return session.execute(sa.select(sa.func.count()).select_from(TrainingSession)).scalar_one()


def mark_count(db) -> int:
    with db.read() as session:
        return session.execute(sa.select(sa.func.count()).select_from(Attendance)).scalar_one()


@pytest.fixture
def empty_program(db, staff) -> int:
    """Menjahit Dasar, 2 Nov - 27 Dec 2026, Ibu Ani Fiktif in Ruang Jahit, no sessions yet."""
    return make_program(db, staff, weekdays=None)


@pytest.fixture
def course(db, staff):
    """Menjahit Dasar with Mon/Wed/Fri 09-11 sessions and two participants from the start."""
    pid = make_program(db, staff)
    people = {}
    for name in ("Ani Fiktif", "Budi Fiktif"):
        _rid, aid = admit_resident(db, name)
        eid, _ = enrollment.enroll(db, staff, pid, aid, enrolled_on=START, today=TODAY)
        people[name.split()[0]] = eid
    with db.read() as session:
        from kesos_desktop.db.models import Resident

        regs = dict(session.execute(sa.select(Resident.name, Resident.reg_no)).all())
    return pid, people, regs


GOOD_SCHEDULE = [
    ["Menjahit Dasar", date(2026, 11, 3), time(9), time(11), "Mengenal mesin jahit", None, None],
    ["menjahit  dasar", "05/11/2026", "9.00", "11.00", "Menjahit lurus", "Ibu Ani Fiktif", "Ruang Jahit"],
    ["Menjahit Dasar", "10 Nov 2026", 0.375, 0.5, None, None, "Aula"],
]


# --------------------------------------------------------------------------- cells


def test_times_and_marks_in_the_forms_people_type():
    assert parse_time("09:00") == parse_time("9.00") == parse_time(0.375) == parse_time("9") == time(9)
    assert parse_time("13.30 WIB") == time(13, 30)
    assert parse_time(None) is None
    for bad in ("jam 9", "25:00", 1.5):
        with pytest.raises(CellError):
            parse_time(bad)
    assert [parse_code(x) for x in ("H", "Hadir (H)", "izin", "Sakit", "alpa", "a")] == \
        ["H", "H", "I", "S", "A", "A"]
    with pytest.raises(CellError, match="bukan tanda kehadiran"):
        parse_code("telat")


# ------------------------------------------------------------------------ schedule


def test_schedule_good_file_below_title_rows_and_idempotent(db, staff, empty_program, tmp_path):
    path = workbook(tmp_path / "jadwal.xlsx", SCHEDULE_HEADERS, GOOD_SCHEDULE, title_rows=2)
    previewed, outcome = imp.import_file(db, staff, "schedule", path)
    assert previewed.table.header_row == 3
    assert [r.status for r in previewed.rows] == [RowStatus.NEW] * 3
    assert (outcome.counts.new, outcome.counts.updated, outcome.counts.skipped) == (3, 0, 0)
    sessions = schedule.list_sessions(db, staff, empty_program)
    assert [(s.day, s.start_time, s.end_time) for s in sessions] == [
        (date(2026, 11, 3), time(9), time(11)), (date(2026, 11, 5), time(9), time(11)),
        (date(2026, 11, 10), time(9), time(12))]
    assert sessions[2].place == "Aula" and sessions[0].topic == "Mengenal mesin jahit"
    again, outcome = imp.import_file(db, staff, "schedule", path)
    assert [r.status for r in again.rows] == [RowStatus.DUPLICATE] * 3
    assert imp.describe(again.rows[0]) == "Sudah tercatat, tidak berubah."
    assert (outcome.counts.new, outcome.counts.skipped) == (0, 3)
    assert session_count(db) == 3


def test_schedule_changed_row_updates_the_session(db, staff, empty_program, tmp_path):
    imp.import_file(db, staff, "schedule", workbook(tmp_path / "a.xlsx", SCHEDULE_HEADERS, GOOD_SCHEDULE))
    changed = [row[:] for row in GOOD_SCHEDULE]
    changed[0][3], changed[0][4] = time(12), "Mesin jahit (praktik)"
    previewed, outcome = imp.import_file(db, staff, "schedule",
                                         workbook(tmp_path / "b.xlsx", SCHEDULE_HEADERS, changed))
    assert [r.status for r in previewed.rows] == [RowStatus.UPDATE, RowStatus.DUPLICATE, RowStatus.DUPLICATE]
    assert (outcome.counts.new, outcome.counts.updated, outcome.counts.skipped) == (0, 1, 2)
    first = schedule.list_sessions(db, staff, empty_program)[0]
    assert (first.end_time, first.topic) == (time(12), "Mesin jahit (praktik)")


def test_schedule_bad_rows_name_row_column_and_header(db, staff, empty_program, tmp_path):
    rows = [
        GOOD_SCHEDULE[0],
        ["Menjahit Dasar", date(2026, 11, 4), time(11), time(9), None, None, None],
        ["Memasak Fiktif", date(2026, 11, 4), time(9), time(11), None, None, None],
        ["Menjahit Dasar", date(2026, 11, 6), "jam 9", time(11), None, None, None],
        ["Menjahit Dasar", date(2026, 11, 9), time(9), time(11), None, "Pak Budi Fiktif", None],
        ["Menjahit Dasar", date(2027, 1, 4), time(9), time(11), None, None, None],
        ["Menjahit Dasar", None, time(9), time(11), None, None, None],
    ]
    path = workbook(tmp_path / "jadwal.xlsx", SCHEDULE_HEADERS, rows)
    previewed, outcome = imp.import_file(db, staff, "schedule", path)
    messages = [str(p) for p in outcome.problems]
    assert messages == [
        "Baris 3, kolom D (Jam Selesai): Jam selesai harus setelah jam mulai.",
        "Baris 4, kolom A (Program Pelatihan): Tidak ada program pelatihan bernama Memasak Fiktif. "
        "Buat dulu di halaman Pelatihan, atau perbaiki namanya.",
        "Baris 5, kolom C (Jam Mulai): 'jam 9' bukan jam; tulis seperti 09:00.",
        "Baris 6, kolom F (Instruktur): Instruktur Menjahit Dasar adalah Ibu Ani Fiktif; satu sesi "
        "tidak dapat memakai instruktur lain. Kosongkan sel ini atau ubah programnya.",
        "Baris 7, kolom B (Tanggal): Hari harus berada dalam rentang tanggal program "
        "(02/11/2026 - 27/12/2026).",
        "Baris 8, kolom B (Tanggal): Sel ini wajib diisi.",
    ]
    assert previewed.count(RowStatus.NEW) == 1 and outcome.counts is None
    assert session_count(db) == 0  # all or nothing: the good row was not written either


def test_schedule_repeat_within_the_file_and_conflicts(db, staff, empty_program, tmp_path):
    make_program(db, staff, name="Sablon Fiktif", weekdays=None, place="Ruang Jahit",
                 instructor_name="Pak Dedi Fiktif")
    rows = [GOOD_SCHEDULE[0], GOOD_SCHEDULE[0],
            ["Sablon Fiktif", date(2026, 11, 3), time(10), time(12), None, None, None]]
    previewed, outcome = imp.import_file(db, staff, "schedule",
                                         workbook(tmp_path / "j.xlsx", SCHEDULE_HEADERS, rows))
    assert [r.status for r in previewed.rows] == [RowStatus.NEW, RowStatus.DUPLICATE, RowStatus.ERROR]
    assert imp.describe(previewed.rows[1]) == "Sama dengan baris 2 di berkas ini."
    assert str(previewed.rows[2].problems[0]).startswith("Baris 4, kolom C (Jam Mulai): Bentrok: 03/11/2026")
    assert outcome.counts is None and session_count(db) == 0


def test_skip_invalid_writes_the_good_rows_and_an_error_workbook(db, staff, empty_program, tmp_path):
    rows = [GOOD_SCHEDULE[0], ["Memasak Fiktif", date(2026, 11, 4), time(9), time(11), "x", None, None]]
    errors = tmp_path / "ditolak.xlsx"
    _prev, outcome = imp.import_file(db, staff, "schedule",
                                     workbook(tmp_path / "j.xlsx", SCHEDULE_HEADERS, rows),
                                     skip_invalid=True, errors_out=errors)
    assert outcome.counts.new == 1 and session_count(db) == 1
    values = list(load_workbook(errors).worksheets[0].values)
    assert values[0][:2] == ("Program Pelatihan", "Tanggal") and values[0][-1] == "Alasan"
    assert values[1][0] == "Memasak Fiktif"
    assert values[1][-1].startswith("Baris 3, kolom A (Program Pelatihan): Tidak ada program")


def test_refused_file_and_missing_permission(db, staff, counselor, empty_program, tmp_path):
    bad = tmp_path / "jadwal.xlsx"
    bad.write_text("Program;Tanggal\n")
    with pytest.raises(FileRefused):
        imp.import_file(db, staff, "schedule", bad)
    good = workbook(tmp_path / "ok.xlsx", SCHEDULE_HEADERS, GOOD_SCHEDULE)
    with pytest.raises(PermissionDenied):
        imp.import_file(db, counselor, "schedule", good)
    assert session_count(db) == 0


def test_cancelled_write_leaves_nothing(db, staff, empty_program, tmp_path):
    rows = [["Menjahit Dasar", date(2026, 11, 2) + (date(2026, 11, 3) - date(2026, 11, 2)) * n,
             time(9), time(10), None, None, None] for n in range(40)]
    previewed = imp.preview(db, staff, "schedule", workbook(tmp_path / "j.xlsx", SCHEDULE_HEADERS, rows))
    with pytest.raises(ImportCancelled):
        imp.commit(db, staff, previewed, cancelled=lambda: True)
    assert session_count(db) == 0


# ---------------------------------------------------------------------- attendance


def test_attendance_good_file_and_idempotent(db, staff, course, tmp_path):
    pid, people, regs = course
    rows = [
        ["Menjahit Dasar", date(2026, 11, 2), None, regs["Ani Fiktif"], None, "Hadir (H)", None],
        ["Menjahit Dasar", "04/11/2026", "09:00", None, "Budi Fiktif", "S", "demam"],
        ["Menjahit Dasar", date(2026, 11, 4), None, regs["Ani Fiktif"], "Ani Fiktif", "izin", None],
    ]
    path = workbook(tmp_path / "hadir.xlsx", ATTENDANCE_HEADERS, rows)
    previewed, outcome = imp.import_file(db, staff, "attendance", path, today=TODAY)
    assert [r.status for r in previewed.rows] == [RowStatus.NEW] * 3
    assert outcome.counts.new == 3 and mark_count(db) == 3
    from kesos_desktop.services import training_attendance as attendance

    matrix = attendance.attendance_matrix(db, staff, pid, today=TODAY)
    codes = {r.name: r.codes[:2] for r in matrix.rows}
    assert codes == {"Ani Fiktif": ("H", "I"), "Budi Fiktif": (None, "S")}
    again, outcome = imp.import_file(db, staff, "attendance", path, today=TODAY)
    assert [r.status for r in again.rows] == [RowStatus.DUPLICATE] * 3
    assert (outcome.counts.new, outcome.counts.skipped) == (0, 3) and mark_count(db) == 3
    with db.read() as session:
        audits = session.execute(sa.select(AuditEntry.details).where(
            AuditEntry.entity == "attendance", AuditEntry.action == "record")).scalars().all()
    assert len(audits) == 2  # one per roll touched by the first import, none by the second


def test_attendance_problems_duplicates_and_all_or_nothing(db, staff, course, tmp_path):
    _pid, _people, regs = course
    ani = regs["Ani Fiktif"]
    rows = [
        ["Menjahit Dasar", date(2026, 11, 2), None, ani, None, "H", None],
        ["Menjahit Dasar", date(2026, 11, 2), None, ani, None, "A", None],
        ["Menjahit Dasar", date(2026, 11, 3), None, ani, None, "H", None],
        ["Menjahit Dasar", date(2026, 11, 6), None, "TEST/2026/99999", None, "H", None],
        ["Menjahit Dasar", date(2026, 11, 30), None, ani, None, "H", None],
        ["Menjahit Dasar", date(2026, 11, 9), None, ani, None, "telat", None],
        ["Tata Boga Fiktif", date(2026, 11, 9), None, ani, None, "H", None],
    ]
    previewed, outcome = imp.import_file(db, staff, "attendance",
                                         workbook(tmp_path / "h.xlsx", ATTENDANCE_HEADERS, rows),
                                         today=TODAY)
    assert [r.status for r in previewed.rows][:2] == [RowStatus.NEW, RowStatus.DUPLICATE]
    messages = [str(p) for p in outcome.problems]
    assert messages[0] == ("Baris 4, kolom B (Tanggal): Menjahit Dasar tidak punya sesi pada "
                           "03/11/2026. Tambahkan dulu ke jadwal.")
    assert messages[1] == ("Baris 5, kolom D (Nomor Registrasi): TEST/2026/99999 bukan peserta "
                           "Menjahit Dasar.")
    assert messages[2].startswith("Baris 6, kolom B (Tanggal): ")
    assert messages[3] == ("Baris 7, kolom F (Kehadiran): 'telat' bukan tanda kehadiran; tulis H "
                           "(hadir), I (izin), S (sakit) atau A (alpa).")
    assert messages[4].startswith("Baris 8, kolom A (Program Pelatihan): Tidak ada program")
    assert outcome.counts is None and mark_count(db) == 0


def test_attendance_changed_mark_is_updated(db, staff, course, tmp_path):
    _pid, people, regs = course
    first = [["Menjahit Dasar", date(2026, 11, 2), None, regs["Budi Fiktif"], None, "A", None]]
    imp.import_file(db, staff, "attendance", workbook(tmp_path / "a.xlsx", ATTENDANCE_HEADERS, first),
                    today=TODAY)
    first[0][5] = "S"
    previewed, outcome = imp.import_file(db, staff, "attendance",
                                         workbook(tmp_path / "b.xlsx", ATTENDANCE_HEADERS, first), today=TODAY)
    assert previewed.rows[0].status is RowStatus.UPDATE and outcome.counts.updated == 1
    with db.read() as session:
        code = session.execute(sa.select(Attendance.code).where(
            Attendance.enrollment_id == people["Budi"])).scalar_one()
    assert str(code.value) == "S"


def test_finished_program_lists_its_sessions_but_takes_no_new_ones(db, staff, empty_program, tmp_path):
    from kesos_desktop.db.models import TrainingProgram
    from kesos_desktop.domain.enums import ProgramStatus

    path = workbook(tmp_path / "j.xlsx", SCHEDULE_HEADERS, GOOD_SCHEDULE)
    imp.import_file(db, staff, "schedule", path)
    with db.write() as session:
        session.get(TrainingProgram, empty_program).status = ProgramStatus.FINISHED
    again, outcome = imp.import_file(db, staff, "schedule", path)
    assert [r.status for r in again.rows] == [RowStatus.DUPLICATE] * 3 and not outcome.rejected
    extra = [*GOOD_SCHEDULE, ["Menjahit Dasar", date(2026, 11, 12), time(9), time(11), None, None, None]]
    _prev, outcome = imp.import_file(db, staff, "schedule",
                                     workbook(tmp_path / "k.xlsx", SCHEDULE_HEADERS, extra))
    assert [str(p) for p in outcome.problems] == [
        "Baris 5, kolom A (Program Pelatihan): Program ini sudah selesai atau dibatalkan; jadwalnya "
        "tidak dapat diubah lagi."]
    assert session_count(db) == 3


def test_an_empty_note_cell_keeps_the_recorded_note(db, staff, course, tmp_path):
    _pid, people, regs = course
    row = ["Menjahit Dasar", date(2026, 11, 2), None, regs["Ani Fiktif"], None, "S", "demam"]
    imp.import_file(db, staff, "attendance", workbook(tmp_path / "a.xlsx", ATTENDANCE_HEADERS, [row]),
                    today=TODAY)
    row[6] = None
    previewed, _outcome = imp.import_file(db, staff, "attendance",
                                          workbook(tmp_path / "b.xlsx", ATTENDANCE_HEADERS, [row]), today=TODAY)
    assert previewed.rows[0].status is RowStatus.DUPLICATE
    row[5] = "H"
    imp.import_file(db, staff, "attendance", workbook(tmp_path / "c.xlsx", ATTENDANCE_HEADERS, [row]),
                    today=TODAY)
    with db.read() as session:
        code, note = session.execute(sa.select(Attendance.code, Attendance.note).where(
            Attendance.enrollment_id == people["Ani"])).one()
    assert (str(code.value), note) == ("H", "demam")


def test_unreadable_row_still_names_its_program_and_mappings_are_remembered(db, staff, empty_program,
                                                                             tmp_path):
    from kesos_desktop.services import training_import

    rows = [["Menjahit Dasar", "kemarin", time(9), time(11), None, None, None]]
    previewed = imp.preview(db, staff, "schedule", workbook(tmp_path / "j.xlsx", SCHEDULE_HEADERS, rows))
    assert previewed.rows[0].status is RowStatus.ERROR and previewed.rows[0].name == "Menjahit Dasar"
    key = previewed.header_key
    assert training_import.remembered_mapping(db, staff, "schedule", key) is None
    training_import.remember_mapping(db, staff, "schedule", key, {"program": 0, "day": 1})
    assert training_import.remembered_mapping(db, staff, "schedule", key) == {"program": 0, "day": 1}
    assert training_import.remembered_mapping(db, staff, "attendance", key) is None
