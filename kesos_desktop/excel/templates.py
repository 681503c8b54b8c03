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
    target = Path(path)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    lists = workbook.create_sheet(_("Lists"))
    columns = _columns()
    list_column = 0
    for index, (header, width, kind, choices) in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=header)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        sheet.column_dimensions[letter].width = width
        if kind is not None:
            number_format = "DD/MM/YYYY" if kind == "date" else "@"
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = number_format
        if choices:
            list_column += 1
            list_letter = get_column_letter(list_column)
            lists.cell(row=1, column=list_column, value=header).font = Font(bold=True)
            for n, choice in enumerate(choices, start=2):
                lists.cell(row=n, column=list_column, value=choice)
            source = f"'{lists.title}'!${list_letter}$2:${list_letter}${len(choices) + 1}"
            validation = DataValidation(type="list", formula1=source, allow_blank=True,
                                        showErrorMessage=header != _("PPKS category"))
            validation.error = _("Choose a value from the list.")
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}1"
    guide = workbook.create_sheet("Petunjuk", 1)
    guide.column_dimensions["A"].width = 110
    for n, line in enumerate(_instructions(), start=1):
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


TEMPLATES = {"residents": write_residents_template}
