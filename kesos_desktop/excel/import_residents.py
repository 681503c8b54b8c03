"""Importing a residents register: parse -> validate -> preview -> commit.

Reads the template and real registers alike (header below title rows, Indonesian or English
column names), checks every row with the same rules as the intake wizard, names every problem
with its place as the user sees it in Excel ("Baris 14, kolom G (Tanggal Lahir): ..."), sorts
the rows into new / update / duplicate / error, and writes the file through
``services.resident_import`` in one transaction. Rejected rows can be saved to an error workbook
(the original columns + "Alasan"), ready to fix and import again.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from pathlib import Path

from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.enums import (
    Approach,
    Education,
    LabeledEnum,
    MaritalStatus,
    PpksCategory,
    ReferralSource,
    Religion,
)
from kesos_desktop.domain.resident_dto import AdmissionRequest, ResidentInput
from kesos_desktop.domain.resident_validation import (
    normalize_resident,
    validate_identity,
    validate_referral,
)
from kesos_desktop.excel import values as v
from kesos_desktop.excel.reader import MAX_ROWS, Table, column_letter, file_stamp, read_table
from kesos_desktop.excel.values import CellError, normalize_header
from kesos_desktop.excel.writer import (
    Column,
    ColumnKind,
    ExportInfo,
    Sheet,
    write_workbook,
    yield_gil,
)
from kesos_desktop.i18n import N_, _, load_catalog
from kesos_desktop.services import resident_import
from kesos_desktop.services.resident_import import Candidate, ImportCounts

# field -> header names understood (compared without case, spaces and punctuation)
ALIASES: dict[str, list[str]] = {
    "reg_no": ["No Registrasi", "Nomor Registrasi", "No Reg", "No Induk", "Nomor Induk", "Registration number"],
    "name": ["Nama", "Nama Lengkap", "Nama PM", "Nama Penerima Manfaat", "Name", "Full name"],
    "alias": ["Alias", "Nama Panggilan", "Panggilan", "Nickname"],
    "nik": ["NIK", "No KTP", "Nomor KTP", "No NIK", "Nomor Induk Kependudukan", "ID number"],
    "kk": ["No KK", "Nomor KK", "KK", "No Kartu Keluarga", "Nomor Kartu Keluarga", "Family card number", "KK number"],
    "sex": ["Jenis Kelamin", "JK", "L/P", "L P", "Kelamin", "Jenis Kelamin (L/P)", "Sex", "Gender"],
    "birth_place": ["Tempat Lahir", "Place of birth", "Birth place"],
    "birth_date": ["Tanggal Lahir", "Tgl Lahir", "Tgl. Lahir", "Date of birth", "Birth date", "DOB"],
    "estimated_age": ["Perkiraan Umur", "Perkiraan Usia", "Usia", "Umur", "Estimated age", "Age"],
    "religion": ["Agama", "Religion"],
    "marital_status": ["Status Perkawinan", "Status Kawin", "Marital status"],
    "education": ["Pendidikan", "Pendidikan Terakhir", "Education"],
    "address": ["Alamat", "Alamat Lengkap", "Address"],
    "village": ["Desa/Kelurahan", "Desa", "Kelurahan", "Village"],
    "district": ["Kecamatan", "District"],
    "city": ["Kabupaten/Kota", "Kabupaten", "Kota", "Kab/Kota", "City", "Regency", "Regency/city"],
    "province": ["Provinsi", "Province"],
    "phone": ["No HP", "No. HP", "Nomor HP", "Telepon", "No Telepon", "No Telp", "HP", "Phone"],
    "categories": ["Kategori PPKS", "PPKS", "Kategori", "Jenis PPKS", "PPKS category", "Category"],
    "admitted_on": ["Tanggal Masuk", "Tgl Masuk", "Tgl. Masuk", "Admission date", "Admitted on"],
    "referral_source": ["Asal Rujukan", "Rujukan", "Sumber Rujukan", "Referral source"],
    "approach": ["Pendekatan", "Approach"],
    "referral_letter_no": ["No Surat Rujukan", "Nomor Surat Rujukan", "Referral letter"],
    "notes": ["Keterangan", "Catatan", "Notes"],
}
FIELD_LABELS = {
    "reg_no": N_("Registration number"), "name": N_("Name"), "alias": N_("Alias"), "nik": "NIK",
    "kk": N_("KK number"), "sex": N_("Sex"), "birth_place": N_("Place of birth"),
    "birth_date": N_("Date of birth"), "estimated_age": N_("Estimated age"),
    "religion": N_("Religion"), "marital_status": N_("Marital status"),
    "education": N_("Education"), "address": N_("Address"), "village": N_("Village"),
    "district": N_("District"), "city": N_("Regency/city"), "province": N_("Province"),
    "phone": N_("Phone"), "categories": N_("PPKS category"), "admitted_on": N_("Admission date"),
    "referral_source": N_("Referral source"), "approach": N_("Approach"),
    "referral_letter_no": N_("Referral letter number"), "notes": N_("Notes"),
}
REASON_HEADER = "Alasan"


class RowStatus(StrEnum):
    NEW = "new"
    UPDATE = "update"  # the same NIK is registered: update that person (or skip)
    DUPLICATE = "duplicate"  # same name and birth date registered, or a repeat within the file
    ERROR = "error"


class OnDuplicate(StrEnum):
    SKIP = "skip"
    UPDATE = "update"


@dataclass(frozen=True)
class Problem:
    row: int
    column: str  # Excel letter, "" when the file has no column for the field
    field: str
    header: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Row {row}, column {column} ({header}): {message}").format(
                row=self.row, column=self.column, header=self.header, message=self.message)
        return _("Row {row} ({header}): {message}").format(row=self.row, header=self.header,
                                                          message=self.message)

    def as_json(self) -> dict:
        return {"row": self.row, "column": self.column, "field": self.field, "message": str(self)}


@dataclass
class RowPlan:
    row: int
    values: list[object]  # the original cells
    status: RowStatus
    problems: list[Problem] = field(default_factory=list)
    candidate: Candidate | None = None
    match: resident_import.Match | None = None
    duplicate_of_row: int | None = None  # earlier row of the same file
    choice: OnDuplicate | None = None  # per-row choice for update/duplicate rows

    @property
    def name(self) -> str:
        return self.candidate.person.name if self.candidate else ""


@dataclass
class ImportPreview:
    path: Path
    table: Table
    rows: list[RowPlan]

    def count(self, status: RowStatus) -> int:
        return sum(1 for r in self.rows if r.status is status)

    @property
    def problems(self) -> list[Problem]:
        return [p for r in self.rows for p in r.problems]

    @property
    def header_key(self) -> str:
        return header_key(self.table.headers)


@dataclass
class ImportOutcome:
    counts: ImportCounts | None  # None: nothing written
    rejected: list[RowPlan]
    problems: list[Problem]
    errors_path: Path | None = None


def header_key(headers: list[str]) -> str:
    """What identifies a header set, to remember its mapping."""
    return "|".join(normalize_header(h) for h in headers)


# ------------------------------------------------------------------------ enumerations

_ENUM_CACHE: dict[type, dict[str, LabeledEnum]] = {}


@functools.cache
def _indonesian():
    return load_catalog("id")  # read once, not once per enumeration


def _enum_lookup(enum_cls: type[LabeledEnum]) -> dict[str, LabeledEnum]:
    if enum_cls not in _ENUM_CACHE:
        indonesian = _indonesian()
        lookup: dict[str, LabeledEnum] = {}
        for member in enum_cls:
            for text in (member.value, member._label, indonesian.gettext(member._label),
                         member.name.replace("_", " ")):
                lookup.setdefault(normalize_header(text), member)
                inner = re.search(r"\(([^)]+)\)", text)  # "Street child (ABH)" -> "abh"
                if inner:
                    lookup.setdefault(normalize_header(inner.group(1)), member)
        _ENUM_CACHE[enum_cls] = lookup
    return _ENUM_CACHE[enum_cls]


_EXTRA = {
    Religion: {"kristen protestan": Religion.PROTESTANT, "protestan": Religion.PROTESTANT,
               "katholik": Religion.CATHOLIC, "budha": Religion.BUDDHIST,
               "khonghucu": Religion.CONFUCIAN, "kong hu cu": Religion.CONFUCIAN,
               "tidak diketahui": Religion.UNKNOWN},
}


def _remembered(parse):
    """``parse(value, ...)`` remembered per cell text: a register repeats a few dozen values
    ("Islam", "Gelandangan") thousands of times. Failures are not kept (their message is
    translated when raised)."""
    @functools.wraps(parse)
    def wrapper(value, *args):
        if type(value) is not str:
            return parse(value, *args)
        return cached(value, *args)

    cached = functools.lru_cache(maxsize=4096)(parse)
    return wrapper


@_remembered
def parse_enum(value: object, enum_cls: type[LabeledEnum]):
    text = v.parse_text(value)
    if text is None:
        return None
    key = normalize_header(text)
    member = _EXTRA.get(enum_cls, {}).get(key) or _enum_lookup(enum_cls).get(key)
    if member is None:
        choices = ", ".join(m.label for m in enum_cls)
        raise CellError(_("{value!r} is not in the list; choose one of: {choices}.").format(
            value=text, choices=choices))
    return member


@_remembered
def parse_categories(value: object) -> tuple[PpksCategory, ...]:
    text = v.parse_text(value)
    if text is None:
        return ()
    whole = normalize_header(text)
    if whole in _enum_lookup(PpksCategory):
        return (_enum_lookup(PpksCategory)[whole],)
    separators = r"[;\n]+" if ";" in text else r"[,/\n]+"
    return tuple(dict.fromkeys(parse_enum(part, PpksCategory)
                               for part in re.split(separators, text) if part.strip()))


# ------------------------------------------------------------------------ parsing a row

_PARSERS: dict[str, Callable[[object], object]] = {
    "name": lambda x: v.parse_text(x), "alias": lambda x: v.parse_text(x),
    "nik": v.parse_nik, "kk": v.parse_kk, "sex": v.parse_sex,
    "birth_place": lambda x: v.parse_text(x), "birth_date": v.parse_date,
    "estimated_age": lambda x: v.parse_int(x, 0, 120),
    "religion": lambda x: parse_enum(x, Religion),
    "marital_status": lambda x: parse_enum(x, MaritalStatus),
    "education": lambda x: parse_enum(x, Education),
    "address": lambda x: v.parse_text(x), "village": lambda x: v.parse_text(x),
    "district": lambda x: v.parse_text(x), "city": lambda x: v.parse_text(x),
    "province": lambda x: v.parse_text(x), "phone": v.parse_phone,
    "categories": parse_categories, "admitted_on": v.parse_date,
    "referral_source": lambda x: parse_enum(x, ReferralSource),
    "approach": lambda x: parse_enum(x, Approach),
    "referral_letter_no": lambda x: v.parse_text(x), "notes": lambda x: v.parse_text(x),
    "reg_no": lambda x: v.parse_text(x),
}
_DEFAULTS = {"religion": Religion.UNKNOWN, "marital_status": MaritalStatus.UNKNOWN,
             "education": Education.UNKNOWN, "categories": ()}
_PERSON_FIELDS = set(ResidentInput.__dataclass_fields__)


def _parse_row(table: Table, row: int, cells: list[object], today: date) -> RowPlan:
    problems: list[Problem] = []
    parsed: dict[str, object] = {}

    def place(name: str) -> tuple[str, str]:
        index = table.mapping.get(name)
        if index is None:
            return "", _(FIELD_LABELS.get(name, name))
        header = table.headers[index] if index < len(table.headers) else ""
        return column_letter(index), header or _(FIELD_LABELS.get(name, name))

    def problem(name: str, message: str) -> None:
        column, header = place(name)
        problems.append(Problem(row, column, name, header, message))

    for name, index in table.mapping.items():
        raw = cells[index] if index < len(cells) else None
        if raw is None and f"{column_letter(index)}{row}" in table.formulas_without_value:
            problem(name, _("The cell holds a formula whose result was never saved. Open the "
                            "file in Excel, let it calculate, save, and import again."))
            continue
        try:
            parsed[name] = _PARSERS[name](raw)
        except CellError as error:
            problem(name, str(error))
    person = normalize_resident(ResidentInput(**{
        key: (parsed.get(key) if parsed.get(key) is not None else _DEFAULTS.get(key))
        for key in _PERSON_FIELDS if key in parsed or key in _DEFAULTS
    } | {"name": parsed.get("name") or "", "sex": parsed.get("sex"),
         "identity_unknown": not parsed.get("nik") and parsed.get("birth_date") is None
         and parsed.get("estimated_age") is not None}))
    admitted_on = parsed.get("admitted_on")
    stay = None
    failed = {p.field for p in problems}
    for key, message in validate_identity(person, today, admitted_on).items():
        if key not in failed and not (key in ("nik", "birth_date", "estimated_age") and
                                      {"nik", "birth_date", "estimated_age"} & failed):
            problem(key, message)
    if admitted_on is not None:
        stay = AdmissionRequest(admitted_on=admitted_on,
                                referral_source=parsed.get("referral_source"),
                                approach=parsed.get("approach"),
                                referral_letter_no=parsed.get("referral_letter_no"))
        for key, message in validate_referral(stay, today, person.birth_date).items():
            if key not in failed:
                problem(key, message)
    status = RowStatus.ERROR if problems else RowStatus.NEW
    candidate = None if problems else Candidate(row, person, stay)
    return RowPlan(row, cells, status, problems, candidate)


def with_mapping(table: Table, mapping: dict[str, int]) -> Table:
    """A copy of ``table`` read with ``mapping`` (field -> column index) instead of its own."""
    chosen = {k: i for k, i in mapping.items() if k in _PARSERS and i is not None}
    mapped = set(chosen.values())
    return replace(table, mapping=chosen,
                   unmapped_headers=[h for i, h in enumerate(table.headers) if h and i not in mapped])


def read_register(path: str | Path, mapping: dict[str, int] | None = None,
                  max_rows: int = MAX_ROWS) -> Table:
    """The file's table; ``mapping`` (field -> column index) replaces the automatic one."""
    table = read_table(path, ALIASES, max_rows=max_rows)
    return with_mapping(table, mapping) if mapping is not None else table


def preview(db, actor: Actor, path: str | Path, mapping: dict[str, int] | None = None,
            today: date | None = None, max_rows: int = MAX_ROWS,
            progress: Callable[[int, int], None] | None = None,
            cancelled: Callable[[], bool] | None = None, table: Table | None = None) -> ImportPreview:
    """Every row with its status and problems; nothing is written. FileRefused when unreadable.

    ``table``: the file as ``read_register`` read it already (the wizard reads it to show the
    columns); used unless the file changed on disk since, so a file is read once."""
    today = today or date.today()
    path = Path(path)
    if table is None or table.stamp is None or table.stamp != file_stamp(path):
        table = read_register(path, mapping, max_rows)
    elif mapping is not None:
        table = with_mapping(table, mapping)
    plans: list[RowPlan] = []
    total = len(table.rows)
    for n, (row, cells) in enumerate(table.rows, start=1):
        plans.append(_parse_row(table, row, cells, today))
        if n % 40 == 0:
            yield_gil()  # the GUI thread's turn (see writer.yield_gil)
        if n % 500 == 0:
            if cancelled and cancelled():
                raise resident_import.ImportCancelled()
            if progress:
                progress(n, total)
    if "name" not in table.mapping:
        for plan in plans:
            plan.problems.append(Problem(plan.row, "", "name", _("Name"),
                                         _("The file has no name column (Nama).")))
            plan.status, plan.candidate = RowStatus.ERROR, None
    _mark_duplicates(db, actor, plans, today)
    return ImportPreview(path, table, plans)


def _mark_duplicates(db, actor: Actor, plans: list[RowPlan], today: date) -> None:
    seen_nik: dict[str, int] = {}
    seen_name: dict[tuple, int] = {}
    valid = [p for p in plans if p.candidate is not None]
    for plan in valid:
        nik, second = resident_import.person_keys(plan.candidate.person, today)
        earlier = (seen_nik.get(nik) if nik else None) or (
            seen_name.get(second) if second is not None else None)
        if earlier is not None:
            plan.status, plan.duplicate_of_row = RowStatus.DUPLICATE, earlier
            continue
        if nik:
            seen_nik[nik] = plan.row
        if second is not None:
            seen_name[second] = plan.row
    fresh = [p for p in valid if p.status is RowStatus.NEW]
    matches = resident_import.find_existing(db, actor, [p.candidate.person for p in fresh], today)
    for plan, match in zip(fresh, matches, strict=True):
        if match is not None:
            plan.match = match
            plan.status = RowStatus.UPDATE if match.by_nik else RowStatus.DUPLICATE


def describe(plan: RowPlan) -> str:
    """One line on a row for the preview table and the reason column."""
    if plan.problems:
        return "; ".join(str(p) for p in plan.problems)
    if plan.duplicate_of_row is not None:
        return _("The same person as row {row} of this file.").format(row=plan.duplicate_of_row)
    if plan.match is not None:
        if plan.match.by_nik:
            return _("Already registered with this NIK: {name} ({reg_no}).").format(
                name=plan.match.name, reg_no=plan.match.reg_no)
        return _("Probably already registered (same name and birth date): {name} ({reg_no}).").format(
            name=plan.match.name, reg_no=plan.match.reg_no)
    return ""


def commit(db, actor: Actor, plan: ImportPreview, on_duplicate: OnDuplicate = OnDuplicate.SKIP,
           skip_invalid: bool = False, errors_out: str | Path | None = None,
           progress: Callable[[int, int], None] | None = None,
           cancelled: Callable[[], bool] | None = None, today: date | None = None) -> ImportOutcome:
    """Write the previewed file: all or nothing.

    While a row has an error nothing is written, unless ``skip_invalid``: then the valid rows
    are written and the rejected ones saved to ``errors_out`` (when given). Rows matching a
    registered person are skipped or update that person (``on_duplicate``, or the row's own
    ``choice``); a repeat within the file is always skipped.
    """
    rejected = [r for r in plan.rows if r.status is RowStatus.ERROR]
    problems = [p for r in rejected for p in r.problems]
    errors_path = None
    if rejected and errors_out is not None:
        errors_path = write_error_workbook(db, actor, plan, rejected, errors_out)
    if rejected and not skip_invalid:
        return ImportOutcome(None, rejected, problems, errors_path)
    new: list[Candidate] = []
    updates: list[tuple[int, Candidate]] = []
    skipped = 0
    for row in plan.rows:
        if row.status is RowStatus.NEW:
            new.append(row.candidate)
        elif row.status in (RowStatus.UPDATE, RowStatus.DUPLICATE) and row.match is not None and (
                (row.choice or on_duplicate) is OnDuplicate.UPDATE):
            updates.append((row.match.resident_id, row.candidate))
        elif row.status is not RowStatus.ERROR:
            skipped += 1
    counts = resident_import.write_rows(db, actor, new, updates, skipped, plan.path.name,
                                        progress, cancelled, today)
    return ImportOutcome(counts, rejected, problems, errors_path)


def write_error_workbook(db, actor: Actor, plan: ImportPreview, rejected: list[RowPlan],
                         path: str | Path) -> Path:
    """The rejected rows with their original columns and a reason column, ready to fix."""
    headers = plan.table.headers
    width = max([len(headers), *(len(r.values) for r in rejected)])
    kinds = [ColumnKind.TEXT] * width
    for name, index in plan.table.mapping.items():
        if name in ("nik", "kk", "phone", "reg_no"):
            kinds[index] = ColumnKind.ID
        elif name in ("birth_date", "admitted_on"):
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


def import_file(db, actor: Actor, path: str | Path, *, dry_run: bool = False,
                skip_invalid: bool = False, on_duplicate: OnDuplicate = OnDuplicate.SKIP,
                errors_out: str | Path | None = None, mapping: dict[str, int] | None = None,
                progress: Callable[[int, int], None] | None = None,
                cancelled: Callable[[], bool] | None = None,
                today: date | None = None) -> tuple[ImportPreview, ImportOutcome]:
    """Preview and commit in one call (the command line, scheduled jobs)."""
    previewed = preview(db, actor, path, mapping, today, cancelled=cancelled)
    if dry_run:
        rejected = [r for r in previewed.rows if r.status is RowStatus.ERROR]
        errors_path = (write_error_workbook(db, actor, previewed, rejected, errors_out)
                       if rejected and errors_out else None)
        return previewed, ImportOutcome(None, rejected, [p for r in rejected for p in r.problems],
                                        errors_path)
    return previewed, commit(db, actor, previewed, on_duplicate, skip_invalid, errors_out,
                             progress, cancelled, today)


def with_choice(plan: RowPlan, choice: OnDuplicate | None) -> RowPlan:
    return replace(plan, choice=choice)
