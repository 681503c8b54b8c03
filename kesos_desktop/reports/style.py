"""The house style every document shares: A4, kop surat, title, "Halaman 1 dari 5",
footer with who printed it and when, signature block, and an embedded Unicode font."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from kesos_desktop import paths
from kesos_desktop.domain.dto import FacilityProfileDTO
from kesos_desktop.i18n import _, format_date, format_datetime

log = logging.getLogger(__name__)

FONT, FONT_BOLD, FONT_ITALIC = "KesosSans", "KesosSans-Bold", "KesosSans-Oblique"
ACCENT = colors.HexColor("#0B6E4F")
GRID = colors.HexColor("#9AA5A0")
HEADER_BG = colors.HexColor("#E3EFEA")
_fonts_ready = False


def register_fonts() -> None:
    global _fonts_ready
    if _fonts_ready:
        return
    folder = paths.fonts_dir()
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_ITALIC, str(folder / "DejaVuSans-Oblique.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD)
    _fonts_ready = True


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    center: ParagraphStyle


def make_styles() -> Styles:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=12.5, alignment=TA_LEFT)
    return Styles(
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#4A5550")),
        title=ParagraphStyle("title", parent=body, fontName=FONT_BOLD, fontSize=13, leading=17,
                             alignment=TA_CENTER, spaceAfter=2),
        subtitle=ParagraphStyle("subtitle", parent=body, alignment=TA_CENTER, spaceAfter=8),
        heading=ParagraphStyle("heading", parent=body, fontName=FONT_BOLD, fontSize=10.5, leading=14,
                               textColor=ACCENT, spaceBefore=8, spaceAfter=4),
        cell=ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        cell_bold=ParagraphStyle("cell_bold", parent=body, fontName=FONT_BOLD, fontSize=8.5, leading=10.5),
        center=ParagraphStyle("center", parent=body, alignment=TA_CENTER),
    )


@dataclass(frozen=True)
class DocumentMeta:
    title: str
    facility: FacilityProfileDTO
    printed_by: str
    subtitle: str = ""
    printed_at: datetime = field(default_factory=lambda: datetime.now().replace(microsecond=0))
    signed_on: date | None = None
    signature_position: str = ""  # default: the facility's head title
    with_signature: bool = True
    landscape: bool = False


def escape(text: object) -> str:
    """Text for a Paragraph: reportlab reads a small markup language, so escape it."""
    return (
        "" if text is None else str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    )


def para(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def letterhead(meta: DocumentMeta, styles: Styles, width: float) -> list[Flowable]:
    profile = meta.facility
    lines = []
    for text, size, bold in (
        (profile.agency_line1, 11, True), (profile.agency_line2, 11, True),
        (profile.name, 13, True),
        (", ".join(p for p in (profile.address, profile.city) if p), 8.5, False),
        (" · ".join(p for p in (profile.phone and _("Tel. {p}").format(p=profile.phone), profile.email) if p), 8.5, False),
    ):
        if text:
            style = ParagraphStyle("kop", parent=styles.center, fontName=FONT_BOLD if bold else FONT,
                                   fontSize=size, leading=size * 1.25)
            lines.append(para(text, style))
    logo = _logo(profile.logo_path)
    if logo is not None:
        block = Table([[logo, lines]], colWidths=[24 * mm, width - 24 * mm],
                      style=[("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
        head: list[Flowable] = [block]
    else:
        head = list(lines)
    head.append(Spacer(1, 2 * mm))
    head.append(HRFlowable(width="100%", thickness=2, color=colors.black, spaceAfter=0.6 * mm))
    head.append(HRFlowable(width="100%", thickness=0.6, color=colors.black, spaceAfter=4 * mm))
    return head


def _logo(path_text: str) -> Image | None:
    if not path_text:
        return None
    path = Path(path_text)
    if not path.is_absolute():
        path = paths.data_dir() / path
    if not path.is_file():
        log.warning("logo file %s is missing; letterhead printed without it", path)
        return None
    try:
        image = Image(str(path))
        ratio = image.imageHeight / max(1, image.imageWidth)
        image.drawWidth, image.drawHeight = 20 * mm, 20 * mm * ratio
        return image
    except Exception:  # noqa: BLE001 - a damaged logo must not stop the letter
        log.warning("logo file %s could not be read", path, exc_info=True)
        return None


def signature_block(meta: DocumentMeta, styles: Styles) -> Flowable:
    profile = meta.facility
    place_date = ", ".join(p for p in (profile.city, format_date(meta.signed_on or meta.printed_at.date())) if p)
    position = meta.signature_position or profile.head_title or _("Head of facility")
    name = profile.head_name or "(" + "." * 40 + ")"
    nip = _("NIP. {nip}").format(nip=profile.head_nip) if profile.head_nip else _("NIP. ") + "." * 30
    rows = [[para(place_date, styles.body)], [para(position, styles.body)], [Spacer(1, 18 * mm)],
            [Paragraph(f"<u><b>{escape(name)}</b></u>", styles.body)], [para(nip, styles.body)]]
    block = Table(rows, colWidths=[75 * mm], hAlign="RIGHT",
                  style=[("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0)])
    return KeepTogether([Spacer(1, 8 * mm), block])


def data_table(header: list[str], rows: list[list[object]], styles: Styles, widths: list[float],
               align_right: set[int] | None = None, repeat_header: bool = True) -> Table:
    """A bordered table whose cells wrap (long names and addresses are never clipped)."""
    align_right = align_right or set()
    body = [[Paragraph(f"<b>{escape(h)}</b>", styles.cell) for h in header]]
    for row in rows:
        cells = []
        for index, value in enumerate(row):
            if isinstance(value, Flowable):
                cells.append(value)
                continue
            style = ParagraphStyle("r", parent=styles.cell, alignment=2) if index in align_right else styles.cell
            cells.append(para(value, style))
        body.append(cells)
    table = Table(body, colWidths=widths, repeatRows=1 if repeat_header else 0)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#F6F8F7")]),
    ]))
    return table


def key_values(pairs: list[tuple[str, object]], styles: Styles, width: float,
               key_share: float = 0.3) -> Table:
    rows = [[para(k, styles.cell_bold), para(v, styles.cell)] for k, v in pairs]
    table = Table(rows, colWidths=[width * key_share, width * (1 - key_share)])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.25, GRID),
                               ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    return table


def _numbered_canvas_class(footer_left: str):
    """A canvas that knows the page count when it draws "Halaman i dari n"."""

    class NumberedCanvas(pdf_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict] = []

        def showPage(self):  # noqa: N802 - reportlab naming
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved_pages)
            for state in self._saved_pages:
                self.__dict__.update(state)
                self._draw_footer(total)
                super().showPage()
            super().save()

        def _draw_footer(self, total: int) -> None:
            width, _height = self._pagesize
            self.setFont(FONT, 7.5)
            self.setFillColor(colors.HexColor("#4A5550"))
            self.drawString(15 * mm, 10 * mm, footer_left)
            self.drawRightString(width - 15 * mm, 10 * mm,
                                 _("Page {page} of {total}").format(page=self._pageNumber, total=total))

    return NumberedCanvas


def build_pdf(meta: DocumentMeta, body: Callable[[Styles, float], list[Flowable]]) -> bytes:
    """The document: letterhead, title, ``body(styles, frame_width)``, signature; PDF bytes."""
    styles = make_styles()
    buffer = io.BytesIO()
    pagesize = landscape(A4) if meta.landscape else A4
    doc = SimpleDocTemplate(
        buffer, pagesize=pagesize, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=14 * mm,
        bottomMargin=18 * mm, title=meta.title, author=meta.facility.name,
        creator="Kesos Desktop", subject=meta.subtitle,
    )
    width = doc.width
    story: list[Flowable] = letterhead(meta, styles, width)
    story.append(para(meta.title.upper(), styles.title))
    if meta.subtitle:
        story.append(para(meta.subtitle, styles.subtitle))
    story.extend(body(styles, width))
    if meta.with_signature:
        story.append(signature_block(meta, styles))
    footer = _("Printed by {user} on {when} · {app}").format(
        user=meta.printed_by, when=format_datetime(meta.printed_at), app="Kesos Desktop")
    doc.build(story, canvasmaker=_numbered_canvas_class(footer))
    return buffer.getvalue()
