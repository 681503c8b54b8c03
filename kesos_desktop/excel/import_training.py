"""Importing a training schedule or attendance register: parse -> check -> preview -> commit.

The same steps as the residents import (``excel/import_residents.py``): header found below title
rows, columns mapped from Indonesian or English names, every problem named with its place as the
user sees it in Excel ("Baris 14, kolom C (Jam Mulai): ..."), rows sorted into new / update /
duplicate / error, all or nothing unless the valid rows only are asked for (the rejected ones
then go to an error workbook with a reason column). The database side - which program, which
session, which participant, conflicts, the transaction - is ``services/training_import.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from kesos_desktop.domain.dto import Actor
from kesos_desktop.excel import values as v
from kesos_desktop.excel.import_residents import (
    REASON_HEADER,
    ImportOutcome,
    Problem,
    RowStatus,
    header_key,
)
from kesos_desktop.excel.reader import MAX_ROWS, Table, column_letter, read_table
from kesos_desktop.excel.training_cells import parse_code, parse_time
from kesos_desktop.excel.values import CellError
from kesos_desktop.excel.writer import Column, ColumnKind, ExportInfo, Sheet, write_workbook
from kesos_desktop.i18n import N_, _
from kesos_desktop.services import training_import as service
from kesos_desktop.services.training_import import MarkLine, SessionLine, Verdict

KINDS = ("schedule", "attendance")
_PROGRAM = ["Program", "Nama Program", "Program Pelatihan", "Pelatihan", "Nama Pelatihan",
            "Kegiatan", "Training program"]
_DAY = ["Tanggal", "Tgl", "Tgl.", "Hari/Tanggal", "Hari, Tanggal", "Tanggal Sesi", "Date", "Day"]
_START = ["Jam Mulai", "Mulai", "Waktu Mulai", "Jam", "Pukul", "Start", "Start time"]
ALIASES: dict[str, dict[str, list[str]]] = {
    "schedule": {
        "program": _PROGRAM, "day": _DAY, "start": _START,
        "end": ["Jam Selesai", "Selesai", "Waktu Selesai", "Sampai", "End", "End time"],
        "topic": ["Topik", "Materi", "Topik/Materi", "Pokok Bahasan", "Topic", "Subject"],
        "instructor": ["Instruktur", "Pelatih", "Pengajar", "Narasumber", "Instructor", "Trainer"],
        "place": ["Tempat", "Lokasi", "Ruang", "Ruangan", "Place", "Location", "Room"],
    },
    "attendance": {
        "program": _PROGRAM, "day": _DAY, "start": _START,
        "reg_no": ["No Registrasi", "Nomor Registrasi", "No Reg", "No Induk", "Nomor Induk",
                   "Registration number", "Reg no"],
        "name": ["Nama", "Nama PM", "Nama Peserta", "Nama Penerima Manfaat", "Peserta", "Name",
                 "Participant"],
        "code": ["Kehadiran", "Status Kehadiran", "Status", "Absensi", "Presensi", "Hadir",
                 "Attendance"],
        "note": ["Keterangan", "Catatan", "Ket", "Note", "Notes"],
    },
}
FIELD_LABELS: dict[str, dict[str, str]] = {
    "schedule": {"program": N_("Training program"), "day": N_("Date"), "start": N_("Start time"),
                 "end": N_("End time"), "topic": N_("Topic"), "instructor": N_("Instructor"),
                 "place": N_("Place")},
    "attendance": {"program": N_("Training program"), "day": N_("Date"),
                   "start": N_("Start time"), "reg_no": N_("Registration number"),
                   "name": N_("Name"), "code": N_("Attendance"), "note": N_("Note")},
}
REQUIRED = {"schedule": ("program", "day", "start", "end"), "attendance": ("program", "day", "code")}


@dataclass
class TrainingRowPlan:
    row: int
    values: list[object]  # the original cells
    status: RowStatus
    problems: list[Problem] = field(default_factory=list)
    line: SessionLine | MarkLine | None = None
    verdict: Verdict | None = None
    raw_label: str = ""  # the program cell as written, for rows that could not be read

    @property
    def name(self) -> str:
        """What the row is about, for the preview: program, day and time or topic or participant."""
        line = self.line
        if line is None:
            return self.raw_label
        label = self.verdict.label if self.verdict else ""
        if isinstance(line, SessionLine):
            parts = [label or line.program, f"{line.day:%d/%m/%Y} {line.start:%H:%M}-{line.end:%H:%M}",
                     line.topic]
        else:
            who = label if self.verdict and self.verdict.enrollment_id else ""
            parts = [line.program, f"{line.day:%d/%m/%Y}", who or line.name or line.reg_no, line.code]
        return " · ".join(p for p in parts if p)


@dataclass
class TrainingPreview:
    kind: str
    path: Path
    table: Table
    rows: list[TrainingRowPlan]

    def count(self, status: RowStatus) -> int:
        return sum(1 for r in self.rows if r.status is status)

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.rows for p in r.problems]

    @property
    def header_key(self) -> str:
        return header_key(self.table.headers)


def read_register(kind: str, path: str | Path, mapping: dict[str, int] | None = None,
                  max_rows: int = MAX_ROWS) -> Table:
    """The file's table; ``mapping`` (field -> column index) replaces the automatic one."""
    table = read_table(path, ALIASES[kind], max_rows=max_rows)
    if mapping is not None:
        table.mapping = {k: i for k, i in mapping.items() if k in ALIASES[kind] and i is not None}
        mapped = set(table.mapping.values())
        table.unmapped_headers = [h for i, h in enumerate(table.headers) if h and i not in mapped]
    return table


def _place(kind: str, table: Table, name: str) -> tuple[str, str]:
    label = _(FIELD_LABELS[kind].get(name, name))
    index = table.mapping.get(name)
    if index is None:
        return "", label
    header = table.headers[index] if index < len(table.headers) else ""
    return column_letter(index), header or label


def _cells(kind: str, table: Table, row: int, cells: list[object]) -> tuple[dict, list[Problem]]:
    parsers: dict[str, Callable[[object], object]] = {
        "day": v.parse_date, "start": parse_time, "end": parse_time, "code": parse_code}
    parsed: dict[str, object] = {}
    problems: list[Problem] = []
    for name, index in table.mapping.items():
        raw = cells[index] if index < len(cells) else None
        column, header = _place(kind, table, name)
        if raw is None and f"{column_letter(index)}{row}" in table.formulas_without_value:
            problems.append(Problem(row, column, name, header, _(
                "The cell holds a formula whose result was never saved. Open the file in Excel, "
                "let it calculate, save, and import again.")))
            continue
        try:
            parsed[name] = parsers.get(name, lambda x: v.parse_text(x, 200))(raw)
        except CellError as error:
            problems.append(Problem(row, column, name, header, str(error)))
    failed = {p.field for p in problems}
    for name in REQUIRED[kind]:
        if parsed.get(name) is None and name not in failed:
            column, header = _place(kind, table, name)
            problems.append(Problem(row, column, name, header, _("This cell must be filled in.")))
    if kind == "attendance" and not parsed.get("reg_no") and not parsed.get("name") \
            and not {"reg_no", "name"} & failed:
        column, header = _place(kind, table, "reg_no")
        problems.append(Problem(row, column, "reg_no", header,
                                _("Fill in the registration number (or the name).")))
    return parsed, problems


def _line(kind: str, row: int, parsed: dict) -> SessionLine | MarkLine:
    text = {k: parsed.get(k) or "" for k in ("program", "topic", "place", "instructor", "reg_no",
                                             "name", "note")}
    if kind == "schedule":
        return SessionLine(row, text["program"], parsed["day"], parsed["start"], parsed["end"],
                           text["topic"], text["place"], text["instructor"])
    return MarkLine(row, text["program"], parsed["day"], parsed["code"], text["reg_no"],
                    text["name"], parsed.get("start"), text["note"])


_STATUS = {service.NEW: RowStatus.NEW, service.UPDATE: RowStatus.UPDATE,
           service.SAME: RowStatus.DUPLICATE, service.DUPLICATE: RowStatus.DUPLICATE,
           service.ERROR: RowStatus.ERROR}


def preview(db, actor: Actor, kind: str, path: str | Path, mapping: dict[str, int] | None = None,
            today: date | None = None, max_rows: int = MAX_ROWS,
            progress: Callable[[int, int], None] | None = None,
            cancelled: Callable[[], bool] | None = None) -> TrainingPreview:
    """Every row with its status and problems; nothing is written. FileRefused when unreadable."""
    path = Path(path)
    table = read_register(kind, path, mapping, max_rows)
    plans: list[TrainingRowPlan] = []
    total = len(table.rows)
    for n, (row, cells) in enumerate(table.rows, start=1):
        parsed, problems = _cells(kind, table, row, cells)
        line = None if problems else _line(kind, row, parsed)
        plans.append(TrainingRowPlan(row, cells, RowStatus.ERROR if problems else RowStatus.NEW,
                                     problems, line, raw_label=str(parsed.get("program") or "")))
        if n % 500 == 0:
            if cancelled and cancelled():
                raise service.ImportCancelled()
            if progress:
                progress(n, total)
    checked = [p for p in plans if p.line is not None]
    if checked:
        lines = [p.line for p in checked]
        verdicts = (service.check_schedule(db, actor, lines) if kind == "schedule"
                    else service.check_attendance(db, actor, lines, today))
        for plan, verdict in zip(checked, verdicts, strict=True):
            plan.verdict, plan.status = verdict, _STATUS[verdict.status]
            for name, message in verdict.problems:
                column, header = _place(kind, table, name)
                plan.problems.append(Problem(plan.row, column, name, header, message))
    if progress:
        progress(total, total)
    return TrainingPreview(kind, path, table, plans)


def describe(plan: TrainingRowPlan) -> str:
    """One line on a row for the preview table and the reason column."""
    if plan.problems:
        return "; ".join(str(p) for p in plan.problems)
    verdict = plan.verdict
    if verdict is None:
        return ""
    if verdict.duplicate_of_row is not None:
        return _("The same as row {row} of this file.").format(row=verdict.duplicate_of_row)
    if verdict.status == service.SAME:
        return _("Already recorded, unchanged.")
    if verdict.status == service.UPDATE:
        return (_("In the schedule already; the end time, place or topic will be updated.")
                if isinstance(plan.line, SessionLine)
                else _("Already recorded; the mark or note will be changed."))
    return ""


def commit(db, actor: Actor, plan: TrainingPreview, skip_invalid: bool = False,
           errors_out: str | Path | None = None, progress: Callable[[int, int], None] | None = None,
           cancelled: Callable[[], bool] | None = None, today: date | None = None) -> ImportOutcome:
    """Write the previewed file in one transaction: nothing while a row has an error, unless
    ``skip_invalid`` (the rejected rows then go to ``errors_out`` when given)."""
    rejected = [r for r in plan.rows if r.status is RowStatus.ERROR]
    problems = [p for r in rejected for p in r.problems]
    errors_path = None
    if rejected and errors_out is not None:
        errors_path = write_error_workbook(db, actor, plan, rejected, errors_out)
    if rejected and not skip_invalid:
        return ImportOutcome(None, rejected, problems, errors_path)
    valid = [r for r in plan.rows if r.status is not RowStatus.ERROR]
    lines = [r.line for r in valid]
    expected = [r.verdict.status for r in valid]
    if plan.kind == "schedule":
        counts = service.write_schedule(db, actor, lines, expected, plan.path.name, progress, cancelled)
    else:
        counts = service.write_attendance(db, actor, lines, expected, plan.path.name, progress,
                                          cancelled, today)
    return ImportOutcome(counts, rejected, problems, errors_path)


def write_error_workbook(db, actor: Actor, plan: TrainingPreview, rejected: list[TrainingRowPlan],
                         path: str | Path) -> Path:
    """The rejected rows with their original columns and a reason column, ready to fix."""
    headers = plan.table.headers
    width = max([len(headers), *(len(r.values) for r in rejected)])
    kinds = [ColumnKind.TEXT] * width
    for name, index in plan.table.mapping.items():
        if name == "reg_no":
            kinds[index] = ColumnKind.ID
        elif name == "day":
            kinds[index] = ColumnKind.DATE
    columns = [Column(headers[i] if i < len(headers) and headers[i] else column_letter(i), kinds[i])
               for i in range(width)] + [Column(REASON_HEADER, width=80)]
    rows = [[*(r.values + [None] * (width - len(r.values))), describe(r)] for r in rejected]
    try:
        from kesos_desktop.services import facility

        facility_name = facility.get_profile(db, actor).name
    except Exception:  # noqa: BLE001 - the Info sheet is a courtesy
        facility_name = ""
    info = ExportInfo(_("Rejected rows of {file}").format(file=plan.path.name), facility_name,
                      f"{actor.full_name} ({actor.username})")
    return write_workbook(path, [Sheet(_("Rejected rows"), columns, rows, len(rows))], info)


def import_file(db, actor: Actor, kind: str, path: str | Path, *, dry_run: bool = False,
                skip_invalid: bool = False, errors_out: str | Path | None = None,
                mapping: dict[str, int] | None = None,
                progress: Callable[[int, int], None] | None = None,
                cancelled: Callable[[], bool] | None = None,
                today: date | None = None) -> tuple[TrainingPreview, ImportOutcome]:
    """Preview and commit in one call (the command line, scheduled jobs)."""
    previewed = preview(db, actor, kind, path, mapping, today, cancelled=cancelled)
    if dry_run:
        rejected = [r for r in previewed.rows if r.status is RowStatus.ERROR]
        errors_path = (write_error_workbook(db, actor, previewed, rejected, errors_out)
                       if rejected and errors_out else None)
        return previewed, ImportOutcome(None, rejected, [p for r in rejected for p in r.problems],
                                        errors_path)
    return previewed, commit(db, actor, previewed, skip_invalid, errors_out, progress, cancelled,
                             today)
