"""Berita acara serah terima: at termination, the facility (first party) hands the person over
to whoever receives them (second party), before witnesses; signature columns for everyone."""

from __future__ import annotations

from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from kesos_desktop.domain.dto import Actor
from kesos_desktop.i18n import _, current_language, format_date
from kesos_desktop.reports.style import DocumentMeta, Styles, build_pdf, escape, key_values, para
from kesos_desktop.services import outputs, termination

DOTS = "." * 40


def weekday(day: date) -> str:
    from babel.dates import format_date as babel_format

    return babel_format(day, "EEEE", locale=current_language())


def _born(data) -> str:
    when = format_date(data.birth_date) if data.birth_date else (
        _("about {year} (estimated)").format(year=data.birth_year_estimated) if data.birth_year_estimated else "")
    return ", ".join(p for p in (data.birth_place, when) if p) or "-"


def _signature_cell(styles: Styles, role: str, name: str | None, extra: str = "") -> list:
    shown = name or "(" + DOTS + ")"
    cell = [para(role, styles.center), Spacer(1, 15 * mm),
            Paragraph(f"<u><b>{escape(shown)}</b></u>", styles.center)]
    if extra:
        cell.append(para(extra, styles.center))
    return cell


def handover_pdf(data, meta: DocumentMeta) -> bytes:
    profile = data.facility

    def body(styles: Styles, width: float) -> list:
        day = data.terminated_on
        story = [Spacer(1, 2 * mm), para(_(
            "On this day, {weekday} {date}, at {place}, the undersigned:").format(
            weekday=weekday(day), date=format_date(day), place=profile.name), styles.body), Spacer(1, 2 * mm)]
        story.append(para(_("1. FIRST PARTY (handing over)"), styles.heading))
        story.append(key_values([
            (_("Name"), profile.head_name or DOTS),
            (_("Position"), ", ".join(p for p in (profile.head_title or _("Head of facility"), profile.name)
                                      if p)),
        ], styles, width, key_share=0.28))
        story.append(para(_("2. SECOND PARTY (receiving)"), styles.heading))
        story.append(key_values([
            (_("Name"), data.received_by or DOTS),
            (_("Relationship to the person"), data.relationship or DOTS),
            (_("ID number (NIK)"), data.id_number or DOTS),
            (_("Address / destination"), data.destination or DOTS),
        ], styles, width, key_share=0.28))
        story.append(Spacer(1, 3 * mm))
        story.append(para(_(
            "The FIRST PARTY hands over to the SECOND PARTY, and the SECOND PARTY receives, the "
            "following beneficiary of the facility:"), styles.body))
        story.append(Spacer(1, 1.5 * mm))
        story.append(key_values([
            (_("Name"), data.name + (f" ({data.alias})" if data.alias else "")),
            (_("Registration number"), data.reg_no),
            (_("NIK"), data.nik or _("none / unknown")),
            (_("Sex"), data.sex.label),
            (_("Place and date of birth"), _born(data)),
            (_("Address"), data.address or "-"),
            (_("PPKS category"), ", ".join(c.label for c in data.categories) or "-"),
            (_("In the facility"), _("from {start} to {end}").format(
                start=format_date(data.admitted_on), end=format_date(data.terminated_on))),
            (_("Reason for termination"), data.reason.label),
            (_("Case manager"), data.case_manager or "-"),
        ], styles, width, key_share=0.28))
        if data.notes:
            story.append(Spacer(1, 1.5 * mm))
            story.append(para(_("Notes: {notes}").format(notes=data.notes), styles.body))
        story.append(Spacer(1, 3 * mm))
        story.append(para(_(
            "From the moment of this handover, the SECOND PARTY takes over the care of the person. "
            "This record is made in two copies, each with the same force, and signed by both parties "
            "and the witnesses."), styles.body))
        place_date = ", ".join(p for p in (profile.city, format_date(day)) if p)
        half = width / 2
        parties = Table([
            ["", para(place_date, styles.center)],
            [_signature_cell(styles, _("SECOND PARTY (receiving)"), data.received_by,
                             data.relationship or ""),
             _signature_cell(styles, _("FIRST PARTY (handing over)"), profile.head_name,
                             _("NIP. {nip}").format(nip=profile.head_nip) if profile.head_nip
                             else _("NIP. ") + "." * 30)],
        ], colWidths=[half, half])
        witnesses = Table([
            [para(_("Witnesses:"), styles.body), "", ""],
            *[[para(f"{n}. {name or DOTS}", styles.body), "", para(f"{n}. " + "." * 30, styles.body)]
              for n, name in ((1, data.witness), (2, data.witness2))],
        ], colWidths=[half - 10 * mm, 20 * mm, half - 10 * mm])
        witnesses.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                                       ("TOPPADDING", (0, 1), (-1, -1), 7 * mm)]))
        parties.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 2)]))
        story.append(KeepTogether([Spacer(1, 4 * mm), parties]))
        story.append(KeepTogether([Spacer(1, 2 * mm), witnesses]))
        return story

    return build_pdf(meta, body)


def build_handover(db, actor: Actor, admission_id: int) -> bytes:
    data = termination.handover_data(db, actor, admission_id)
    meta = DocumentMeta(
        title=_("Handover record"), subtitle=_("No. {number}").format(number="." * 30),
        facility=data.facility, printed_by=actor.full_name, signed_on=data.terminated_on,
        with_signature=False,
    )
    pdf = handover_pdf(data, meta)
    outputs.record_print(db, actor, "handover", admission_id)
    return pdf
