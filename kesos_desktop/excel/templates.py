"""Blank registers to fill in and import: Indonesian headers, a "Petunjuk" sheet, dropdowns for
every fixed list, and NIK/KK/phone columns formatted as text so Excel cannot round them."""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kesos_desktop.domain.enums import Approach, PpksCategory, ReferralSource, Religion, Sex
from kesos_desktop.i18n import _

TEMPLATE_ROWS = 1000
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="0B6E4F")


def _columns():
    """(header, width, kind, choices) of the residents template, in import order."""
    text = None
    return [
        (_("Name"), 28, text, None), (_("Alias"), 16, text, None), ("NIK", 20, "@", None),
        (_("KK number"), 20, "@", None), (_("Sex"), 14, text, [m.label for m in Sex]),
        (_("Place of birth"), 16, text, None), (_("Date of birth"), 14, "date", None),
        (_("Estimated age"), 10, text, None), (_("Religion"), 16, text, [m.label for m in Religion]),
        (_("Address"), 32, text, None), (_("Village"), 16, text, None), (_("District"), 16, text, None),
        (_("Regency/city"), 16, text, None), (_("Province"), 16, text, None),
        (_("Phone"), 16, "@", None), (_("PPKS category"), 30, text, [m.label for m in PpksCategory]),
        (_("Admission date"), 14, "date", None),
        (_("Referral source"), 24, text, [m.label for m in ReferralSource]),
        (_("Approach"), 14, text, [m.label for m in Approach]),
    ]


def _instructions() -> list[str]:
    return [
        _("How to fill in this register"),
        "",
        _("1. One row per person, starting at row 2 of the sheet \"Data\". Do not change the headers."),
        _("2. Required: Name, Sex, PPKS category, and the date of birth (or an estimated age when "
          "it is unknown)."),
        _("3. NIK and KK number: 16 digits. The columns are formatted as Text; keep them so. A NIK "
          "typed into a Number cell loses its last digit and is rejected on import."),
        _("4. Dates as 17/05/1980 or 17 Mei 1980."),
        _("5. Sex, religion, PPKS category, referral source and approach: choose from the list in "
          "the cell. Several PPKS categories: separate them with ;"),
        _("6. When a person is staying now, fill in the admission date, the referral source and "
          "the approach: the import opens the stay and gives a registration number."),
        _("7. Import with Impor on the Penerima Manfaat page. Every problem is shown with its row "
          "and column; nothing is saved until every row is right (or you choose to import the "
          "correct rows only)."),
    ]


def write_residents_template(path: str | os.PathLike[str]) -> Path:
    return _write_template(path, _columns(), _instructions(), lenient=(_("PPKS category"),))


_FORMATS = {"@": "@", "date": "DD/MM/YYYY", "time": "HH:MM"}


def _write_template(path: str | os.PathLike[str], columns: list, instructions: list[str],
                    lenient: tuple[str, ...] = ()) -> Path:
    """A "Data" sheet with the headers, cell formats and dropdowns of ``columns``, a "Petunjuk"
    sheet with ``instructions`` and a sheet holding the lists; written atomically. A dropdown
    whose header is in ``lenient`` accepts other text too (several PPKS categories)."""
    target = Path(path)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    lists = workbook.create_sheet(_("Lists"))
    list_column = 0
    for index, (header, width, kind, choices) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=header)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        sheet.column_dimensions[letter].width = width
        if kind is not None:
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = _FORMATS[kind]
        if choices:
            list_column += 1
            list_letter = get_column_letter(list_column)
            lists.cell(row=1, column=list_column, value=header).font = Font(bold=True)
            for n, choice in enumerate(choices, start=2):
                lists.cell(row=n, column=list_column, value=choice)
            source = f"'{lists.title}'!${list_letter}$2:${list_letter}${len(choices) + 1}"
            validation = DataValidation(type="list", formula1=source, allow_blank=True,
                                        showErrorMessage=header not in lenient)
            validation.error = _("Choose a value from the list.")
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}1"
    guide = workbook.create_sheet("Petunjuk", 1)
    guide.column_dimensions["A"].width = 110
    for n, line in enumerate(instructions, start=1):
        cell = guide.cell(row=n, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if n == 1:
            cell.font = Font(bold=True, size=14)
    workbook.active = 0
    partial = target.with_name(f".{target.name}.partial")
    try:
        workbook.save(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _schedule_columns(programs: list[str] | None) -> list:
    return [
        (_("Training program"), 28, None, programs or None), (_("Date"), 13, "date", None),
        (_("Start time"), 10, "time", None), (_("End time"), 10, "time", None),
        (_("Topic"), 32, None, None), (_("Instructor"), 22, None, None), (_("Place"), 20, None, None),
    ]


def _attendance_columns(programs: list[str] | None) -> list:
    from kesos_desktop.excel.training_cells import code_choices

    return [
        (_("Training program"), 28, None, programs or None), (_("Date"), 13, "date", None),
        (_("Start time"), 10, "time", None), (_("Registration number"), 18, "@", None),
        (_("Name"), 28, None, None), (_("Attendance"), 18, None, code_choices()),
        (_("Note"), 30, None, None),
    ]


def _schedule_instructions() -> list[str]:
    return [
        _("How to fill in the training schedule"),
        "",
        _("1. One row per session, starting at row 2 of the sheet \"Data\". Do not change the headers."),
        _("2. Required: the training program (its name exactly as on the Training page), the date, "
          "the start time and the end time."),
        _("3. Dates as 17/05/2026 or 17 Mei 2026; times as 09:00."),
        _("4. Topic and place are optional; an empty place means the program's own place. The "
          "instructor is the program's: leave it empty or write the same name."),
        _("5. Sessions must fall within the program's dates, and must not clash with another "
          "session's instructor, place or participants, nor fall on a holiday."),
        _("6. Importing the same file again adds nothing twice: a session with the same program, "
          "date and start time is updated (end time, topic, place) or skipped."),
        _("7. Import with Excel > Import schedule on the Training page, or kesos import schedule. "
          "Nothing is saved until every row is right (or you choose to import the correct rows only)."),
    ]


def _attendance_instructions() -> list[str]:
    return [
        _("How to fill in the attendance register"),
        "",
        _("1. One row per participant per session, starting at row 2 of the sheet \"Data\"."),
        _("2. Required: the training program, the date of the session, the participant's "
          "registration number (or, when it is unknown, the name exactly as registered) and the "
          "attendance."),
        _("3. The start time is needed only when the program has two sessions on that day."),
        _("4. Attendance: choose from the list - Hadir (H), Izin (I), Sakit (S), Alpa (A); the "
          "letter alone is also understood."),
        _("5. The registration number column is formatted as Text; keep it so."),
        _("6. The session must already be in the schedule and must not be in the future or "
          "cancelled; the participant must be enrolled in the program on that day."),
        _("7. Importing the same file again records nothing twice: a mark already there is kept "
          "or changed to the file's."),
    ]


def write_schedule_template(path: str | os.PathLike[str], programs: list[str] | None = None) -> Path:
    """The training schedule to fill in; ``programs`` (names) become the program dropdown."""
    return _write_template(path, _schedule_columns(programs), _schedule_instructions(),
                           lenient=(_("Training program"),))


def write_attendance_template(path: str | os.PathLike[str], programs: list[str] | None = None) -> Path:
    """The attendance register to fill in; ``programs`` (names) become the program dropdown."""
    return _write_template(path, _attendance_columns(programs), _attendance_instructions(),
                           lenient=(_("Training program"),))


# what -> function(path, programs=None); the training ones put the programs in a dropdown
TEMPLATES = {"residents": lambda path, programs=None: write_residents_template(path),
             "schedule": write_schedule_template, "attendance": write_attendance_template}
