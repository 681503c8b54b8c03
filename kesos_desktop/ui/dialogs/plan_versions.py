"""Every version of a stay's intervention plan, newest first; any one readable as it was."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QTextBrowser,
    QVBoxLayout,
)

from kesos_desktop.domain.errors import KesosError
from kesos_desktop.i18n import _, format_date, format_datetime
from kesos_desktop.services import plans
from kesos_desktop.services.counseling_dto import PlanVersionRow, PlanView
from kesos_desktop.ui.widgets.messages import show_error

MUTED = "color:#5f6b66"


def plan_html(plan: PlanView) -> str:
    state = _("current version") if plan.is_current else _("earlier version, kept as it was")
    parts = [
        f"<h3>{escape(_('Intervention plan, version {n}').format(n=plan.plan_version))} "
        f"<span style='{MUTED}'>({escape(state)})</span></h3>",
        "<p>" + escape(_("Drawn up on {date} · responsible: {name} · review: {review}").format(
            date=format_date(plan.drawn_up_on), name=plan.responsible_name,
            review=format_date(plan.review_on) if plan.review_on else "-")) + "</p>",
    ]
    if plan.revision_reason:
        parts.append("<p>" + escape(_("Reason for this revision: {reason}").format(
            reason=plan.revision_reason)) + "</p>")
    parts.append(f"<h4>{escape(_('ATENSI services'))}</h4><ul>"
                 + "".join(f"<li>{escape(s.label)}</li>" for s in plan.services) + "</ul>")
    rows = "".join(
        f"<tr><td>{escape(g.domain.label)}</td><td>{escape(g.description)}</td>"
        f"<td>{escape(format_date(g.target_date, 'short') if g.target_date else '-')}</td>"
        f"<td>{escape(g.status.label)}</td><td>{escape(g.progress_notes or '')}</td></tr>"
        for g in plan.goals)
    headers = "".join(f"<th align='left'>{escape(h)}</th>" for h in (
        _("Domain"), _("Goal"), _("Target date"), _("Status"), _("Progress notes")))
    parts.append(f"<h4>{escape(_('Goals'))}</h4><table cellpadding='4' border='0'>"
                 f"<tr>{headers}</tr>{rows}</table>")
    parts.append(f"<p style='{MUTED}'>" + escape(_("Last changed {when}").format(
        when=format_datetime(plan.updated_at))) + "</p>")
    return "".join(parts)


class PlanVersionsDialog(QDialog):
    def __init__(self, ctx, versions: list[PlanVersionRow], parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("plan_versions")
        self.setWindowTitle(_("Versions of the intervention plan"))
        self.list = QListWidget()
        self.list.setObjectName("plan_version_list")
        self.list.setMaximumWidth(300)
        for version in versions:
            label = _("Version {n} · {date} · {done}/{total} goals achieved").format(
                n=version.plan_version, date=format_date(version.drawn_up_on, "short"),
                done=version.goals_achieved, total=version.goals)
            if version.is_current:
                label += " · " + _("current")
            item = QListWidgetItem(label)
            item.setData(256, version.id)
            self.list.addItem(item)
        self.text = QTextBrowser()
        self.text.setObjectName("plan_version_text")
        row = QHBoxLayout()
        row.addWidget(self.list)
        row.addWidget(self.text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(buttons)
        self.resize(1000, 560)
        self.list.currentItemChanged.connect(self._show)
        if versions:
            self.list.setCurrentRow(0)

    def _show(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        try:
            plan = plans.get_plan(self.ctx.db, self.ctx.actor, item.data(256))
        except KesosError as error:
            show_error(self, error)
            return
        self.text.setHtml(plan_html(plan))
