"""Writing real spreadsheets: streamed (write-only), formula-safe, atomic.

Every workbook has a bold frozen header with an autofilter, sensible column widths, dates as real
Excel dates shown dd/mm/yyyy, identity numbers as text, and an "Info" sheet saying what it is.
The file appears under its name only when complete: a cancelled or failed export leaves nothing.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError

from kesos_desktop.i18n import _

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
MAX_CELL_TEXT = 32_767  # Excel's limit: a longer cell makes Excel "repair" the whole file
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="0B6E4F")


class ColumnKind(Enum):
    TEXT = "text"  # user text: forced to text when it looks like a formula
    ID = "id"  # NIK, KK, phone, registration numbers: always text
    DATE = "date"
    DATETIME = "datetime"
    NUMBER = "number"


@dataclass(frozen=True)
class Column:
    header: str
    kind: ColumnKind = ColumnKind.TEXT
    width: float = 16


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[object]]
    total: int | None = None  # for progress


@dataclass
class ExportInfo:
    title: str
    facility: str
    exported_by: str
    exported_at: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))
    filters: list[tuple[str, str]] = field(default_factory=list)


class ExportCancelled(Exception):
    pass


def yield_gil() -> None:
    """Let another thread run now. Exports and imports run in a background thread; pure-Python
    work hands the GIL over only when another thread has waited 5 ms (sys.getswitchinterval);
    an explicit pause every few tens of milliseconds of work gives the GUI thread its turn
    sooner (tests/bench/gui_stall.py measures it). Not much more often: each pause is a
    thread switch, and at every 20 rows they cost a sixth of an export's time."""
    time.sleep(0)


def safe_text(text: str) -> str:
    """Text a cell can hold: control characters (a pasted vertical tab) dropped, cut at Excel's
    limit with a visible mark. openpyxl refuses such text with an error that quotes the whole
    cell - a counseling note in the log - and the export would fail."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > MAX_CELL_TEXT:
        mark = " " + _("(cut: too long for one Excel cell)")
        text = text[:MAX_CELL_TEXT - len(mark)] + mark
    return text


def _set_text(cell: WriteOnlyCell, text: str) -> None:
    if len(text) > MAX_CELL_TEXT:
        text = safe_text(text)
    try:
        cell.value = text  # checks the characters; may guess a formula or an error code...
    except IllegalCharacterError:
        cell.value = safe_text(text)
    cell.data_type = "s"  # ...but user text is always text: never a formula, never a number


def _plain(value: object) -> object:
    if isinstance(value, Enum):
        return getattr(value, "label", value.value)
    return value


class _CellMaker:
    """Builds write-only cells for the Info sheet; plain values go through untouched."""

    def __init__(self, sheet):
        self.sheet = sheet

    def __call__(self, value: object, kind: ColumnKind) -> object:
        value = _plain(value)
        if value is None:
            return None
        if kind is ColumnKind.DATE and isinstance(value, date):
            cell = WriteOnlyCell(self.sheet, value)
            cell.number_format = DATE_FORMAT
            return cell
        if kind is ColumnKind.DATETIME and isinstance(value, datetime):
            cell = WriteOnlyCell(self.sheet, value)
            cell.number_format = DATETIME_FORMAT
            return cell
        if kind is ColumnKind.NUMBER and isinstance(value, int | float):
            return value
        text = safe_text(value if isinstance(value, str) else str(value))
        if kind is ColumnKind.ID or text.startswith(DANGEROUS_PREFIXES):
            cell = WriteOnlyCell(self.sheet, text)
            cell.data_type = "s"  # never a formula, never a number
            if kind is ColumnKind.ID:
                cell.number_format = "@"
            return cell
        return text


_STYLED_FORMATS = {ColumnKind.DATE: DATE_FORMAT, ColumnKind.DATETIME: DATETIME_FORMAT, ColumnKind.ID: "@"}


class _RowCells:
    """Turns a row of values into the sheet's cells, the same rules as ``_CellMaker``.

    Installed as the write-only sheet's ``_values_to_row``: openpyxl writes each cell before
    asking for the next, so one plain and one styled cell per column are refilled for every
    row. A new styled cell per date or NIK (and openpyxl's fresh cell after each) cost as much
    as writing the XML; this way the style is looked up once per column, not per cell.
    """

    def __init__(self, sheet, columns: Sequence[Column]):
        self.sheet = sheet
        self.kinds = [c.kind for c in columns]
        self.plain: list[WriteOnlyCell] = []
        self.styled: list[WriteOnlyCell | None] = []
        for index, kind in enumerate(self.kinds, start=1):
            plain = WriteOnlyCell(sheet)
            plain.column = index
            self.plain.append(plain)
            styled = None
            if kind in _STYLED_FORMATS:
                styled = WriteOnlyCell(sheet)
                styled.column = index
                styled.number_format = _STYLED_FORMATS[kind]
            self.styled.append(styled)
        self.labels: dict[Enum, object] = {}  # one translation lookup per member per export

    def _label(self, value: Enum) -> object:
        label = self.labels.get(value)
        if label is None:
            label = self.labels[value] = _plain(value)
        return label

    def __call__(self, values: Sequence[object], row_index: int):
        kinds, plain, styled, labels = self.kinds, self.plain, self.styled, self.labels
        identity = ColumnKind.ID
        for index, value in enumerate(values):
            if value is None:
                continue
            if index >= len(plain):  # a row longer than the columns: plain text, formula-safe
                self._add_column()
            if type(value) is not str and isinstance(value, Enum):
                value = labels.get(value) or self._label(value)
            if type(value) is str:  # most cells: the fast path
                cell = styled[index] if kinds[index] is identity else plain[index]
                _set_text(cell, value)
            else:
                cell = self._fill(index, kinds[index], value)
            cell.row = row_index
            yield cell

    def _add_column(self) -> None:
        cell = WriteOnlyCell(self.sheet)
        cell.column = len(self.plain) + 1
        self.plain.append(cell)
        self.styled.append(None)
        self.kinds.append(ColumnKind.TEXT)

    def _fill(self, index: int, kind: ColumnKind, value: object) -> WriteOnlyCell:
        if kind is ColumnKind.DATE and isinstance(value, date) or (
                kind is ColumnKind.DATETIME and isinstance(value, datetime)):
            cell = self.styled[index]
            cell.value = value
            return cell
        if kind is ColumnKind.NUMBER and isinstance(value, int | float):
            cell = self.plain[index]
            cell.value = value
            return cell
        cell = self.styled[index] if kind is ColumnKind.ID else self.plain[index]
        _set_text(cell, str(value))
        return cell


def _header(sheet, columns: Sequence[Column]) -> list[WriteOnlyCell]:
    cells = []
    for column in columns:
        cell = WriteOnlyCell(sheet, column.header)
        cell.data_type = "s"
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        cells.append(cell)
    return cells


def _info_sheet(workbook: Workbook, info: ExportInfo) -> None:
    sheet = workbook.create_sheet("Info")
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 70
    bold = Font(bold=True)
    make = _CellMaker(sheet)
    lines = [
        (_("Content"), info.title),
        (_("Facility"), info.facility),
        (_("Exported by"), info.exported_by),
        (_("Exported at"), info.exported_at),
        *[(label, value) for label, value in info.filters],
    ]
    for label, value in lines:
        key = WriteOnlyCell(sheet, label)
        key.font = bold
        kind = ColumnKind.DATETIME if isinstance(value, datetime) else ColumnKind.TEXT
        sheet.append([key, make(value, kind)])


def write_workbook(
    path: str | os.PathLike[str],
    sheets: Sequence[Sheet],
    info: ExportInfo,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> Path:
    """Write ``sheets`` and an Info sheet to ``path`` atomically; returns the path.

    ``cancelled`` is polled every 500 rows; when it returns True the partial file is removed
    and ExportCancelled is raised.
    """
    target = Path(path)
    partial = target.with_name(f".{target.name}.partial")
    workbook = Workbook(write_only=True)
    grand_total = sum(s.total or 0 for s in sheets)
    done = 0
    try:
        for spec in sheets:
            sheet = workbook.create_sheet(spec.title[:31])
            for index, column in enumerate(spec.columns, start=1):
                sheet.column_dimensions[get_column_letter(index)].width = column.width
            sheet.freeze_panes = "A2"
            sheet.append(_header(sheet, spec.columns))
            sheet._values_to_row = _RowCells(sheet, spec.columns)  # see _RowCells
            count = 0
            for row in spec.rows:
                sheet.append(row if isinstance(row, list | tuple) else list(row))
                count += 1
                if count % 100 == 0:
                    yield_gil()
                if count % 500 == 0:
                    if cancelled and cancelled():
                        raise ExportCancelled()
                    if progress:
                        progress(done + count, grand_total, spec.title)
            done += count
            last = get_column_letter(max(1, len(spec.columns)))
            sheet.auto_filter.ref = f"A1:{last}{count + 1}"
        _info_sheet(workbook, info)
        if cancelled and cancelled():
            raise ExportCancelled()
        workbook.save(partial)
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(partial, target)
    except BaseException:
        _abandon(workbook)
        partial.unlink(missing_ok=True)
        raise
    if progress:
        progress(grand_total, grand_total, "")
    return target


def _abandon(workbook: Workbook) -> None:
    """Close the streamed sheets' temporary files of a workbook that will not be saved."""
    for sheet in workbook.worksheets:
        try:
            if not sheet.closed:
                sheet.close()
        except Exception:  # noqa: BLE001 - best effort on a failure path
            pass
