"""Opening spreadsheets from the outside world safely and finding the register inside.

Refused with a clear message (FileRefused): not a spreadsheet, a password-protected workbook, a
damaged or truncated file, a zip that expands to an enormous sheet, more rows than the cap.
Read with python-calamine (fast, ignores a lying <dimension> tag, reads .xlsx, .xls and .ods).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import ElementTree

from kesos_desktop.domain.errors import KesosError
from kesos_desktop.excel.values import normalize_header
from kesos_desktop.i18n import _

MAX_ROWS = 20_000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 150  # uncompressed / compressed; real sheets stay far below
MAX_LEGACY_FILE = 30 * 1024 * 1024
HEADER_SEARCH_ROWS = 30

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
}


class FileRefused(KesosError):
    """The file cannot be read at all (import exit code 2)."""


@dataclass
class Table:
    sheet_name: str
    header_row: int  # Excel row number (1-based) of the header
    headers: list[str]  # header text per column (0-based column index)
    rows: list[tuple[int, list[object]]]  # (Excel row number, values)
    mapping: dict[str, int] = field(default_factory=dict)  # field -> column index
    unmapped_headers: list[str] = field(default_factory=list)
    formulas_without_value: set[str] = field(default_factory=set)  # cell refs like "G14"
    stamp: tuple[int, int] | None = None  # the file's (size, mtime) when read: see file_stamp


def file_stamp(path: str | Path) -> tuple[int, int] | None:
    """What tells that a file changed on disk since it was read (None: it is gone)."""
    try:
        info = Path(path).stat()
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _refuse(message: str) -> FileRefused:
    return FileRefused(message)


def check_file(path: Path) -> str:
    """The kind of spreadsheet ('zip' or 'legacy'); FileRefused for anything else."""
    if not path.is_file():
        raise _refuse(_("The file {name} does not exist.").format(name=path.name))
    with path.open("rb") as fh:
        head = fh.read(8)
    if path.stat().st_size == 0:
        raise _refuse(_("The file {name} is empty.").format(name=path.name))
    if head.startswith(_ZIP_MAGIC):
        _check_zip(path)
        return "zip"
    if head == _OLE_MAGIC:
        size = path.stat().st_size
        with path.open("rb") as fh:
            data = fh.read(min(size, MAX_LEGACY_FILE + 1))
        if _ENCRYPTED_MARK in data:
            raise _refuse(
                _("The workbook {name} is protected with a password. Open it in Excel, remove the "
                  "password (File > Info > Protect Workbook), save, and import again.").format(name=path.name)
            )
        if size > MAX_LEGACY_FILE:
            raise _refuse(_("The old-format file {name} is too large; save it as .xlsx first.").format(name=path.name))
        return "legacy"
    raise _refuse(
        _("{name} is not an Excel workbook (.xlsx, .xls or .ods). If it is a CSV or another "
          "format, open it in Excel or LibreOffice and save it as .xlsx.").format(name=path.name)
    )


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(
            _("The file {name} is damaged or incomplete (perhaps a download or copy was cut off). "
              "Save it again from Excel.").format(name=path.name)
        ) from None
    total = sum(info.file_size for info in infos)
    packed = max(1, sum(info.compress_size for info in infos))
    if total > MAX_UNCOMPRESSED or (total > 20 * 1024 * 1024 and total / packed > MAX_RATIO):
        raise _refuse(
            _("The file {name} expands to {mb} MB of data, far more than a register needs; it was "
              "not opened.").format(name=path.name, mb=total // (1024 * 1024))
        )


def _sheet_xml_path(archive: zipfile.ZipFile, sheet_name: str) -> str | None:
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return None
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.findall("rel:Relationship", _NS)}
    for sheet in workbook.iterfind("m:sheets/m:sheet", _NS):
        if sheet.get("name") == sheet_name:
            target = targets.get(sheet.get(f"{{{_NS['r']}}}id"), "")
            return target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    return None


_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def _has_formula(archive: zipfile.ZipFile, member: str) -> bool:
    """Whether the sheet's XML holds any <f> element: a byte scan, far cheaper than parsing."""
    tail = b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-64:]
    return False


def formulas_without_cached_value(path: Path, sheet_name: str) -> set[str]:
    """Cells holding a formula whose result was never calculated and saved (reads as empty)."""
    found: set[str] = set()
    try:
        with zipfile.ZipFile(path) as archive:
            member = _sheet_xml_path(archive, sheet_name)
            if member is None or member not in archive.namelist():
                return found
            if not _has_formula(archive, member):
                return found
            with archive.open(member) as stream:
                cell_tag, f_tag, v_tag = (f"{{{_NS['m']}}}{t}" for t in ("c", "f", "v"))
                for _event, element in ElementTree.iterparse(stream, events=("end",)):
                    if element.tag == cell_tag:
                        if element.find(f_tag) is not None:
                            value = element.find(v_tag)
                            if value is None or not (value.text or "").strip():
                                found.add(element.get("r", "?"))
                        element.clear()
    except (zipfile.BadZipFile, ElementTree.ParseError, OSError):
        return found
    return found


def _rows(sheet, max_rows: int) -> Iterable[tuple[int, list[object]]]:
    first_row = sheet.start[0] if sheet.start else 0
    for offset, values in enumerate(sheet.iter_rows()):
        if offset > max_rows + HEADER_SEARCH_ROWS:
            raise _refuse(
                _("The sheet has more than {n} rows; split it into smaller files.").format(n=max_rows)
            )
        yield first_row + offset + 1, [None if v == "" else v for v in values]


def find_header(
    rows: list[tuple[int, list[object]]], aliases: dict[str, list[str]]
) -> tuple[int, dict[str, int]]:
    """The index (in ``rows``) of the header row and the field -> column mapping it gives."""
    lookup = {normalize_header(a): name for name, names in aliases.items() for a in [name, *names]}
    best_index, best_mapping = -1, {}
    for index, (_row_number, values) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping: dict[str, int] = {}
        for column, value in enumerate(values):
            name = lookup.get(normalize_header(value)) if isinstance(value, str) else None
            if name and name not in mapping:
                mapping[name] = column
        if len(mapping) > len(best_mapping):
            best_index, best_mapping = index, mapping
    if len(best_mapping) < 2:
        raise _refuse(
            _("No header row was found in the first {n} rows (expected column names such as "
              "Nama, NIK, Jenis Kelamin, Tanggal Lahir).").format(n=HEADER_SEARCH_ROWS)
        )
    return best_index, best_mapping


def read_table(
    path: str | Path,
    aliases: dict[str, list[str]],
    max_rows: int = MAX_ROWS,
    sheet_name: str | None = None,
) -> Table:
    """The register in ``path``: its header, the mapping to our fields, the non-empty rows."""
    from python_calamine import CalamineWorkbook

    path = Path(path)
    stamp = file_stamp(path)
    kind = check_file(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        name = sheet_name or workbook.sheet_names[0]
        sheet = workbook.get_sheet_by_name(name)
        all_rows = list(_rows(sheet, max_rows))
    except FileRefused:
        raise
    except Exception as error:  # calamine raises its own types for damaged content
        raise _refuse(
            _("The file {name} could not be read ({error}). Save it again from Excel.").format(
                name=path.name, error=str(error)[:120]
            )
        ) from error
    header_index, mapping = find_header(all_rows, aliases)
    header_row, header_values = all_rows[header_index]
    headers = ["" if v is None else str(v).strip() for v in header_values]
    data = [(n, values) for n, values in all_rows[header_index + 1:] if any(
        v is not None and str(v).strip() for v in values)]
    if len(data) > max_rows:
        raise _refuse(_("The sheet has more than {n} rows; split it into smaller files.").format(n=max_rows))
    mapped_columns = set(mapping.values())
    unmapped = [h for i, h in enumerate(headers) if h and i not in mapped_columns]
    table = Table(name, header_row, headers, data, mapping, unmapped, stamp=stamp)
    if kind == "zip":
        table.formulas_without_value = formulas_without_cached_value(path, name)
    return table
