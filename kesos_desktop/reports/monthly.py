"""Laporan bulanan: the month's figures for the Dinas Sosial, with a chart."""

from __future__ import annotations

from datetime import date

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer

from kesos_desktop.domain.dto import Actor
from kesos_desktop.domain.enums import Sex
from kesos_desktop.i18n import _, current_language, format_date
from kesos_desktop.reports.style import FONT, DocumentMeta, build_pdf, data_table, key_values, para
from kesos_desktop.services import facility, outputs
from kesos_desktop.services.monthly_stats import MonthlyStats, monthly_stats


def month_name(year: int, month: int) -> str:
    from babel.dates import format_date as babel_format

    return babel_format(date(year, month, 1), "MMMM y", locale=current_language())


def _category_rows(table) -> list[list[object]]:
    rows = []
    for number, (category, by_sex) in enumerate(table.items(), start=1):
        rows.append([number, category.label, by_sex[Sex.MALE], by_sex[Sex.FEMALE],
                     by_sex[Sex.MALE] + by_sex[Sex.FEMALE]])
    return rows


def _chart(stats: MonthlyStats, width: float) -> Drawing:
    """Residents present at the end of the month, by age group and sex."""
    labels = [_(label) for label in stats.age_groups_at_end]
    men = [v[Sex.MALE] for v in stats.age_groups_at_end.values()]
    women = [v[Sex.FEMALE] for v in stats.age_groups_at_end.values()]
    height = 62 * mm
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 45 * mm, 12 * mm
    chart.width, chart.height = width - 60 * mm, height - 22 * mm
    chart.data = [men, women]
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7.5
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    top = max([1, *men, *women])
    chart.valueAxis.valueStep = max(1, -(-top // 5))
    chart.valueAxis.valueMax = top + chart.valueAxis.valueStep
    chart.bars[0].fillColor = colors.HexColor("#0B6E4F")
    chart.bars[1].fillColor = colors.HexColor("#E0A030")
    drawing.add(chart)
    drawing.add(String(45 * mm, 2 * mm, "■ " + Sex.MALE.label, fontName=FONT, fontSize=7.5,
                       fillColor=colors.HexColor("#0B6E4F")))
    drawing.add(String(75 * mm, 2 * mm, "■ " + Sex.FEMALE.label, fontName=FONT, fontSize=7.5,
                       fillColor=colors.HexColor("#E0A030")))
    return drawing


def monthly_report_pdf(stats: MonthlyStats, meta: DocumentMeta) -> bytes:
    def body(styles, width):
        story = [para(_("Period: {start} to {end}").format(
            start=format_date(stats.start), end=format_date(stats.end)), styles.center), Spacer(1, 3 * mm)]
        if stats.is_empty:
            story.append(para(_("There were no residents, admissions, terminations or services in this month."),
                              styles.body))
        story += [
            para(_("A. Residents"), styles.heading),
            key_values([
                (_("Residents at the start of the month"), stats.residents_at_start),
                (_("Admissions this month"), stats.admissions),
                (_("Terminations this month"), stats.terminations),
                (_("Residents at the end of the month"), stats.residents_at_end),
            ], styles, width, key_share=0.6),
        ]
        cat_widths = [10 * mm, width - 10 * mm - 3 * 26 * mm, 26 * mm, 26 * mm, 26 * mm]
        header = ["No", _("PPKS category"), _("Male"), _("Female"), _("Total")]
        for title, table in ((_("B. Admissions by PPKS category and sex"), stats.admissions_by_category),
                             (_("C. Terminations by PPKS category and sex"), stats.terminations_by_category)):
            story.append(para(title, styles.heading))
            if table:
                story.append(data_table(header, _category_rows(table), styles, cat_widths, align_right={0, 2, 3, 4}))
            else:
                story.append(para(_("None this month."), styles.body))
        story.append(para(_("D. Residents at the end of the month by age group"), styles.heading))
        age_rows = [[_(label), v[Sex.MALE], v[Sex.FEMALE], v[Sex.MALE] + v[Sex.FEMALE]]
                    for label, v in stats.age_groups_at_end.items()]
        story.append(KeepTogether([
            data_table([_("Age group"), _("Male"), _("Female"), _("Total")], age_rows, styles,
                       [width - 78 * mm, 26 * mm, 26 * mm, 26 * mm], align_right={1, 2, 3}),
            Spacer(1, 2 * mm), _chart(stats, width)]))
        story.append(para(_("E. Services delivered"), styles.heading))
        service_pairs = [
            (_("Training sessions held"), stats.training_sessions),
            (_("Training hours"), f"{stats.training_hours:g}"),
            (_("Attendances (present)"), stats.training_attendances),
        ] + [(_("Counseling sessions: {type}").format(type=t.label), n) for t, n in stats.counseling_by_type.items()]
        story.append(key_values(service_pairs, styles, width, key_share=0.6))
        story.append(para(_("F. Reintegration and aftercare"), styles.heading))
        pairs = [(reason.label, n) for reason, n in stats.terminations_by_reason.items()] or [
            (_("Terminations"), 0)]
        pairs += [(_("Follow-ups done"), stats.followups_done)]
        pairs += [(_("Condition at follow-up: {c}").format(c=c.label), n) for c, n in stats.followups_by_condition.items()]
        pairs += [(_("Follow-ups overdue at the end of the month"), stats.followups_overdue_at_end)]
        story.append(key_values(pairs, styles, width, key_share=0.6))
        return story

    return build_pdf(meta, body)


def build_monthly_report(db, actor: Actor, year: int, month: int, today=None) -> bytes:
    """The report as PDF bytes; checks permissions and records the print in the audit log."""
    stats = monthly_stats(db, actor, year, month, today=today)
    profile = facility.get_profile(db, actor)
    meta = DocumentMeta(
        title=_("Monthly report"), subtitle=_("{facility} · {month}").format(
            facility=profile.name, month=month_name(year, month)),
        facility=profile, printed_by=actor.full_name,
    )
    pdf = monthly_report_pdf(stats, meta)
    outputs.record_print(db, actor, "monthly_report", f"{year}-{month:02d}")
    return pdf
