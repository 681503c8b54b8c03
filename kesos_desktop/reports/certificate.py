"""Sertifikat pelatihan: a landscape certificate with a framed border, the agency lines, the
certificate number, the person's name, the program and its hours, and the head's signature.

It does not use the letterhead/footer of the other documents (a certificate is handed to the
person, not filed): it draws its own frame; the print is still audited.
"""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    HRFlowable,
    KeepInFrame,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from kesos_desktop.domain.dto import Actor
from kesos_desktop.i18n import _, format_date
from kesos_desktop.reports.style import (
    ACCENT,
    FONT,
    FONT_BOLD,
    FONT_ITALIC,
    _logo,
    escape,
    register_fonts,
)
from kesos_desktop.services import outputs, training_completion

GOLD = colors.HexColor("#B8923A")


def _frame_border(canvas, doc) -> None:
    width, height = doc.pagesize
    canvas.saveState()
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(3)
    canvas.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(1)
    canvas.rect(13 * mm, 13 * mm, width - 26 * mm, height - 26 * mm)
    canvas.setLineWidth(0.4)
    canvas.rect(14.5 * mm, 14.5 * mm, width - 29 * mm, height - 29 * mm)
    # corner ornaments
    for x, y in ((13, 13), (width / mm - 13, 13), (13, height / mm - 13), (width / mm - 13, height / mm - 13)):
        canvas.setFillColor(GOLD)
        canvas.circle(x * mm, y * mm, 2.2 * mm, stroke=0, fill=1)
    canvas.restoreState()


def _style(name, size, font=FONT, color=colors.black, leading=None, space_after=0):
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.25,
                          alignment=TA_CENTER, textColor=color, spaceAfter=space_after)


def certificate_pdf(data, printed_by: str = "") -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    pagesize = landscape(A4)
    doc = SimpleDocTemplate(buffer, pagesize=pagesize, leftMargin=24 * mm, rightMargin=24 * mm,
                            topMargin=20 * mm, bottomMargin=18 * mm,
                            title=_("Training certificate"), author=data.facility_name,
                            creator="Kesos Desktop", subject=data.certificate_no)
    width = doc.width
    head = []
    for text in (data.agency_line1, data.agency_line2):
        if text:
            head.append(Paragraph(escape(text), _style("agency", 11, FONT_BOLD)))
    if data.facility_name:
        head.append(Paragraph(escape(data.facility_name), _style("facility", 12.5, FONT_BOLD, ACCENT)))
    logo = _logo(data.logo_path)
    story: list = []
    if logo is not None:
        story.append(Table([[logo, head, ""]], colWidths=[26 * mm, width - 52 * mm, 26 * mm],
                           style=[("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    else:
        story.extend(head)
    story += [
        Spacer(1, 10 * mm),
        Paragraph(escape(_("CERTIFICATE").upper()), _style("title", 34, FONT_BOLD, ACCENT, leading=40)),
        Paragraph(escape(_("No. {number}").format(number=data.certificate_no)), _style("no", 10.5)),
        Spacer(1, 6 * mm),
        Paragraph(escape(_("is awarded to")), _style("to", 11, FONT_ITALIC)),
        Spacer(1, 2 * mm),
        Paragraph(escape(data.resident_name), _style("name", 24, FONT_BOLD, leading=30)),
        HRFlowable(width="45%", thickness=0.8, color=GOLD, spaceBefore=1 * mm, spaceAfter=2 * mm),
    ]
    born = ", ".join(p for p in (data.birth_place, format_date(data.birth_date) if data.birth_date else "") if p)
    if born:
        story.append(Paragraph(escape(_("born in {place_date}").format(place_date=born)), _style("born", 10)))
    hours = f"{data.hours_attended:g}"
    story += [
        Spacer(1, 6 * mm),
        Paragraph(escape(_("for having completed the life-skills training")), _style("for", 11)),
        Paragraph(escape(data.program_name), _style("program", 15, FONT_BOLD, ACCENT, leading=19)),
        Table([[Paragraph(escape(_("held from {start} to {end}, {hours} hours of training attended "
                           "(program of {target} hours), with the instructor {instructor}.").format(
            start=format_date(data.program_start), end=format_date(data.program_end), hours=hours,
            target=data.target_hours, instructor=data.instructor or "-")), _style("detail", 10.5, leading=14))]],
              colWidths=[width * 0.72]),
        Spacer(1, 10 * mm),
    ]
    place_date = ", ".join(p for p in (data.city, format_date(data.completed_on)) if p)
    name = data.head_name or "(" + "." * 40 + ")"
    nip = _("NIP. {nip}").format(nip=data.head_nip) if data.head_nip else _("NIP. ") + "." * 30
    sign = [
        [Paragraph(escape(place_date), _style("s1", 10))],
        [Paragraph(escape(data.head_title or _("Head of facility")), _style("s2", 10))],
        [Spacer(1, 18 * mm)],
        [Paragraph(f"<u><b>{escape(name)}</b></u>", _style("s3", 10))],
        [Paragraph(escape(nip), _style("s4", 10))],
    ]
    block = Table(sign, colWidths=[85 * mm])
    block.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    photo_box = Table([[Paragraph(escape(_("Photo 3x4")), _style("ph", 8, color=colors.grey))]],
                      colWidths=[30 * mm], rowHeights=[40 * mm])
    photo_box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.5, colors.grey),
                                   ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story.append(Table([[photo_box, "", block]], colWidths=[60 * mm, width - 145 * mm, 85 * mm],
                       style=[("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("ALIGN", (0, 0), (0, 0), "CENTER")]))
    # one page, always: shrink the content rather than spill onto a second sheet
    frame_height = doc.height
    fitted = KeepInFrame(width, frame_height, story, mode="shrink")
    doc.build([fitted], onFirstPage=_frame_border, onLaterPages=_frame_border)
    return buffer.getvalue()


def build_certificate(db, actor: Actor, enrollment_id: int) -> bytes:
    data = training_completion.certificate_data(db, actor, enrollment_id)
    pdf = certificate_pdf(data, actor.full_name)
    outputs.record_print(db, actor, "certificate", enrollment_id, {"certificate_no": data.certificate_no})
    return pdf

