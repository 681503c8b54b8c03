"""Hak akses: the access-request files for one person, a PDF and a workbook with the same sections.

The data comes from ``services.person_data.gather`` (PERSON_EXPORT; note bodies only through the
confidentiality gate and only for users who may read them). Both files are audited: the PDF as a
print, the workbook as an export, and the request itself as an ``access_request`` row.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

from kesos_desktop.domain.dto import Actor
from kesos_desktop.excel.writer import Column, ColumnKind, ExportInfo, Sheet, write_workbook
from kesos_desktop.i18n import _, format_date
from kesos_desktop.reports.style import (
    DocumentMeta,
    Styles,
    build_pdf,
    data_table,
    key_values,
    para,
)
from kesos_desktop.services import facility, outputs, person_data
from kesos_desktop.services.person_data import PersonData

WIDE = 6  # sections with more columns print as one block per row


def _text(value: object) -> str:
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return format_date(value)
    return "" if value is None else str(value)


def person_pdf(data: PersonData, meta: DocumentMeta) -> bytes:
    def body(styles: Styles, width: float) -> list:
        story: list = []
        if not data.notes_included:
            story.append(para(_("Counseling note bodies, observations and assessment narratives are "
                                "not included: the user who produced this file may not read them."),
                              styles.small if hasattr(styles, "small") else styles.cell))
        for number, section in enumerate(data.sections, start=1):
            story.append(para(f"{number}. {section.title}", styles.heading))
            if not section.rows:
                story.append(para(_("(nothing recorded)"), styles.cell))
                continue
            if section.key == "identity":
                story.append(key_values([(str(k), _text(v)) for k, v in section.rows], styles, width))
            elif len(section.headers) > WIDE:
                for row in section.rows:
                    pairs = [(h, _text(v)) for h, v in zip(section.headers, row, strict=False)
                             if _text(v) != ""]
                    story.append(key_values(pairs, styles, width))
                    story.append(para(" ", styles.cell))
            else:
                share = width / len(section.headers)
                story.append(data_table(list(section.headers),
                                        [[_text(v) for v in row] for row in section.rows],
                                        styles, [share] * len(section.headers)))
        return story

    return build_pdf(meta, body)


def _sheets(data: PersonData) -> list[Sheet]:
    sheets = []
    for section in data.sections:
        columns = [Column(h, ColumnKind.TEXT, 22) for h in section.headers]
        sheets.append(Sheet(section.title[:31], columns,
                            [[_text(v) for v in row] for row in section.rows], len(section.rows)))
    return sheets


def file_stem(data: PersonData) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", data.reg_no).strip("_") or str(data.resident_id)
    return f"akses-data-{safe}-{data.gathered_at:%Y%m%d}"


def write_access_request(db, actor: Actor, resident_id: int, folder: str | Path) -> tuple[Path, Path]:
    """Write the PDF and the workbook into ``folder``; returns both paths."""
    data = person_data.gather(db, actor, resident_id)
    profile = facility.get_profile(db, actor)
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    stem = file_stem(data)
    meta = DocumentMeta(
        title=_("Personal data held (access request)"),
        subtitle=_("{name} · {reg_no}").format(name=data.name, reg_no=data.reg_no),
        facility=profile, printed_by=actor.full_name, with_signature=True,
    )
    pdf_path = target / f"{stem}.pdf"
    pdf_path.write_bytes(person_pdf(data, meta))
    outputs.record_print(db, actor, "access_request", resident_id,
                         {"notes_included": data.notes_included})
    info = ExportInfo(_("Personal data held (access request)"), profile.name,
                      f"{actor.full_name} ({actor.username})",
                      filters=[(_("Person"), f"{data.name} ({data.reg_no})")])
    xlsx_path = write_workbook(target / f"{stem}.xlsx", _sheets(data), info)
    outputs.record_export(db, actor, "access_request",
                          {"resident_id": resident_id, "sheets": len(data.sections),
                           "notes_included": data.notes_included})
    return pdf_path, xlsx_path


def write_access_report(db, actor: Actor, resident_id: int, path: str | Path,
                        date_from: date | None = None, date_to: date | None = None) -> Path:
    """Breach support: who read, printed or exported this person's data in a period, as xlsx."""
    rows = person_data.access_report(db, actor, resident_id, date_from, date_to)
    profile = facility.get_profile(db, actor)
    columns = [Column(_("When"), ColumnKind.DATETIME, 18), Column(_("User"), ColumnKind.TEXT, 18),
               Column(_("Action"), ColumnKind.TEXT, 16), Column(_("What"), ColumnKind.TEXT, 20),
               Column(_("Record"), ColumnKind.ID, 12)]
    info = ExportInfo(_("Accesses to one person's data"), profile.name,
                      f"{actor.full_name} ({actor.username})",
                      filters=[(_("Resident id"), str(resident_id)),
                               (_("From"), _text(date_from)), (_("Until"), _text(date_to))])
    sheet = Sheet(_("Accesses"), columns,
                  [[r.at, r.username, r.action, r.entity, r.entity_id] for r in rows], len(rows))
    target = write_workbook(path, [sheet], info)
    outputs.record_export(db, actor, "access_report", {"resident_id": resident_id, "rows": len(rows)})
    return target
