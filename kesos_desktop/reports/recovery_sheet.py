"""The recovery sheet of an encrypted database: the passphrase on paper, to lock away.

Without the passphrase nobody (not even the vendor) can open the database or its backups, so
the sheet says what it unlocks, shows the passphrase large in monospaced groups of four (easy
to read back and type), and says where to keep it.
"""

from __future__ import annotations

import re
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from kesos_desktop.domain.dto import FacilityProfileDTO
from kesos_desktop.i18n import _, format_datetime
from kesos_desktop.reports.style import (
    ACCENT,
    FONT_BOLD,
    DocumentMeta,
    Styles,
    build_pdf,
    escape,
    key_values,
    para,
)

GROUP = 4
GROUPS_PER_LINE = 5
SPACE_MARK = "·"  # shows a space inside the passphrase


def is_grouped(passphrase: str) -> bool:
    """A generated passphrase (``ABCD-EFGH-...``) is already in groups: shown as it is."""
    return bool(re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4})+", passphrase))


def passphrase_lines(passphrase: str) -> list[str]:
    """The passphrase in groups of four, five groups to a line; a space shown as a middle dot.

    A generated one keeps its hyphens, three groups to a line (the hyphen ends the line)."""
    if is_grouped(passphrase):
        groups = passphrase.split("-")
        lines = ["-".join(groups[i:i + 3]) for i in range(0, len(groups), 3)]
        return [line + "-" for line in lines[:-1]] + lines[-1:]
    shown = passphrase.replace(" ", SPACE_MARK)
    groups = [shown[i:i + GROUP] for i in range(0, len(shown), GROUP)]
    return ["   ".join(groups[i:i + GROUPS_PER_LINE]) for i in range(0, len(groups), GROUPS_PER_LINE)]


def _mono_font(passphrase: str) -> str:
    """Courier when it can draw every character (Latin-1), else the house font."""
    try:
        passphrase.encode("latin-1")
    except UnicodeEncodeError:
        return FONT_BOLD
    return "Courier-Bold"


def _passphrase_box(passphrase: str, width: float) -> Table:
    style = ParagraphStyle("passphrase", fontName=_mono_font(passphrase), fontSize=20, leading=28,
                           alignment=TA_CENTER)
    rows = [[Paragraph(escape(line).replace(" ", "&nbsp;"), style)] for line in passphrase_lines(passphrase)]
    table = Table(rows, colWidths=[width])
    table.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 1.5, ACCENT),
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#F4F8F6")),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
    ]))
    return table


def recovery_sheet_pdf(facility: FacilityProfileDTO, database_file: str, passphrase: str,
                       printed_by: str = "", printed_at: datetime | None = None) -> bytes:
    meta = DocumentMeta(
        title=_("Database recovery sheet"),
        subtitle=_("Confidential: keep locked away"),
        facility=facility, printed_by=printed_by or "-", with_signature=False,
        **({"printed_at": printed_at} if printed_at else {}),
    )

    def body(styles: Styles, width: float) -> list:
        story = [para(_(
            "The database of this facility is encrypted. It and every backup of it can only be "
            "opened with the passphrase below. If the passphrase is lost, the data cannot be "
            "recovered by anyone, including the software's makers."), styles.body), Spacer(1, 3 * mm)]
        story.append(key_values([
            (_("Facility"), facility.name or "-"),
            (_("Database file"), database_file or "-"),
            (_("Date"), format_datetime(meta.printed_at)),
        ], styles, width, key_share=0.25))
        story.append(para(_("Passphrase"), styles.heading))
        story.append(_passphrase_box(passphrase, width))
        story.append(Spacer(1, 2 * mm))
        note = _("Type it as one line, with the hyphens; every character counts.") \
            if is_grouped(passphrase) else _(
                "Type it without the gaps between the groups of four; every other character "
                "counts, including hyphens and capital letters. {mark} marks a space."
            ).format(mark=SPACE_MARK)
        story.append(para(note, styles.small))
        story.append(para(_("Where to keep this sheet"), styles.heading))
        for line in (
            _("In a locked cabinet or safe, away from the computer, known to the head of the "
              "facility and one deputy."),
            _("Never taped to the computer, kept in the same bag as a backup disk, photographed, "
              "or sent by e-mail or chat."),
            _("When the passphrase is changed, print a new sheet and shred this one; keep the old "
              "sheet only while backups made under the old passphrase are kept."),
        ):
            story.append(para("• " + line, styles.body))
        return story

    return build_pdf(meta, body)


