"""Daftar hadir: the sheet of one training session (names printed, a column to sign) and the
monthly attendance recap of a program (H/I/S/A counts and percentages, landscape)."""

from __future__ import annotations

from datetime import date

from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.errors import ValidationError
from kesos_desktop.i18n import _, format_date
from kesos_desktop.reports.monthly import month_name
from kesos_desktop.reports.style import DocumentMeta, build_pdf, data_table, key_values, para
from kesos_desktop.services import facility, outputs, training_attendance, training_programs

CODES = ("H", "I", "S", "A")


def _time(value) -> str:
    return value.strftime("%H.%M") if value else ""


def _signature(number: int, styles) -> Paragraph:
    """The classic zig-zag: odd numbers sign on the left, even ones on the right."""
    style = ParagraphStyle("sign", parent=styles.cell, alignment=TA_LEFT if number % 2 else TA_RIGHT)
    return Paragraph(f"{number}. " + "." * 22, style)


def session_sheet_pdf(roll, program, meta: DocumentMeta, blank_rows: int = 3) -> bytes:
    s = roll.session

    def body(styles, width):
        story = [key_values([
            (_("Program"), s.program_name),
            (_("Day and date"), format_date(s.day)),
            (_("Time"), f"{_time(s.start_time)} – {_time(s.end_time)}"),
            (_("Place"), s.place or "-"),
            (_("Instructor"), s.instructor or "-"),
            (_("Topic"), s.topic or "-"),
        ], styles, width, key_share=0.25), Spacer(1, 4 * mm)]
        rows = []
        for number, entry in enumerate(roll.entries, start=1):
            mark = entry.code or ""
            rows.append([number, entry.name, entry.reg_no, mark, _signature(number, styles)])
        for extra in range(len(roll.entries) + 1, len(roll.entries) + 1 + blank_rows):
            rows.append([extra, "", "", "", _signature(extra, styles)])
        table = data_table(
            ["No", _("Name"), _("Reg. no."), _("Mark"), _("Signature")], rows, styles,
            [10 * mm, width - 10 * mm - 38 * mm - 14 * mm - 50 * mm, 38 * mm, 14 * mm, 50 * mm],
            align_right={0})
        table.setStyle([("TOPPADDING", (0, 1), (-1, -1), 5), ("BOTTOMPADDING", (0, 1), (-1, -1), 5)])
        story.append(table)
        story.append(Spacer(1, 2 * mm))
        story.append(para(_("Marks: H = present, I = excused, S = sick, A = absent without leave."),
                          styles.small))
        if not roll.entries:
            story.append(para(_("Nobody is enrolled for this session yet."), styles.body))
        return story

    return build_pdf(meta, body)


def build_session_sheet(db, actor: Actor, session_id: int, today: date | None = None) -> bytes:
    roll = training_attendance.get_roll(db, actor, session_id, today=today)
    program = training_programs.get_program(db, actor, roll.session.program_id)
    profile = facility.get_profile(db, actor)
    meta = DocumentMeta(
        title=_("Attendance sheet"),
        subtitle=_("{program} · {day}").format(program=program.name, day=format_date(roll.session.day)),
        facility=profile, printed_by=actor.full_name, signed_on=roll.session.day,
        signature_position=_("Instructor"),
    )
    meta = _with_instructor(meta, program.instructor)
    pdf = session_sheet_pdf(roll, program, meta)
    outputs.record_print(db, actor, "attendance_sheet", session_id)
    return pdf


def _with_instructor(meta: DocumentMeta, instructor: str) -> DocumentMeta:
    """The sheet is signed by the instructor, not by the head of facility."""
    from dataclasses import replace

    profile = replace(meta.facility, head_name=instructor or "", head_nip="")
    return replace(meta, facility=profile)


# ------------------------------------------------------------------------------ monthly recap


def recap_rows(matrix, year: int, month: int) -> tuple[list, list]:
    """Rows (name, reg no, H, I, S, A, sessions marked, percentage) for sessions held in the
    month. The percentage counts the codes the facility's rule counts as present (H, and I when
    excused absence counts) over the marked sessions of the month."""
    in_month = [i for i, s in enumerate(matrix.sessions)
                if s.day.year == year and s.day.month == month and not s.cancelled]
    rows = []
    for row in matrix.rows:
        codes = [row.codes[i] for i in in_month if row.codes[i]]
        if not codes:
            continue
        counts = {c: codes.count(c) for c in CODES}
        counted = sum(1 for c in codes if c in matrix.counted_codes)
        rows.append([row.name, row.reg_no, *(counts[c] for c in CODES), len(codes),
                     round(100 * counted / len(codes), 1)])
    return [matrix.sessions[i] for i in in_month], rows


def recap_pdf(matrix, sessions, rows, meta: DocumentMeta) -> bytes:
    def body(styles, width):
        held = [s for s in sessions if s.held]
        story = [para(_("Sessions in the month: {n} (held: {held}); minimum attendance {pct}%.").format(
            n=len(sessions), held=len(held), pct=matrix.min_attendance_pct), styles.body), Spacer(1, 3 * mm)]
        if not rows:
            story.append(para(_("No attendance was recorded for this program in this month."), styles.body))
            return story
        table_rows = []
        for number, (name, reg_no, h, i, s, a, marked, pct) in enumerate(rows, start=1):
            table_rows.append([number, name, reg_no, h, i, s, a, marked,
                               f"{pct:g}%" + ("" if pct >= matrix.min_attendance_pct else " *")])
        fixed = 10 * mm + 40 * mm + 4 * 16 * mm + 24 * mm + 26 * mm
        story.append(data_table(
            ["No", _("Name"), _("Reg. no."), "H", "I", "S", "A", _("Marked"), _("Attendance")], table_rows,
            styles, [10 * mm, width - fixed, 40 * mm, 16 * mm, 16 * mm, 16 * mm, 16 * mm, 24 * mm, 26 * mm],
            align_right={0, 3, 4, 5, 6, 7, 8}))
        story.append(Spacer(1, 2 * mm))
        story.append(para(_("H = present, I = excused, S = sick, A = absent without leave. "
                            "* below the minimum attendance."), styles.small))
        return story

    return build_pdf(meta, body)


def build_monthly_recap(db, actor: Actor, program_id: int, year: int, month: int,
                        today: date | None = None) -> bytes:
    if not 1 <= month <= 12:
        raise ValidationError(_("Choose a month between 1 and 12."))
    matrix = training_attendance.attendance_matrix(db, actor, program_id, today=today)
    sessions, rows = recap_rows(matrix, year, month)
    profile = facility.get_profile(db, actor)
    meta = DocumentMeta(
        title=_("Monthly attendance recap"),
        subtitle=_("{program} · {month}").format(program=matrix.program_name, month=month_name(year, month)),
        facility=profile, printed_by=actor.full_name, landscape=True,
    )
    pdf = recap_pdf(matrix, sessions, rows, meta)
    outputs.record_print(db, actor, "attendance_recap", program_id, {"month": f"{year}-{month:02d}"})
    return pdf
