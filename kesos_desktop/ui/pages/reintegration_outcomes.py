"""Reintegrasi > Hasil: outcomes over a chosen period (the same figures as the monthly report)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.enums import AftercareOutcome, FollowUpCondition, TerminationReason
from kesos_desktop.i18n import _, format_date, format_number
from kesos_desktop.services import reintegration_stats
from kesos_desktop.services.aftercare import add_months
from kesos_desktop.services.reintegration_stats import OutcomeStats
from kesos_desktop.ui.models.dto_table import Column, DtoTableModel
from kesos_desktop.ui.pages.reintegration_widgets import MUTED, date_field, to_date, to_qdate
from kesos_desktop.ui.register_exports import export_button, start_export
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.messages import show_error
from kesos_desktop.ui.widgets.stat_card import StatCard
from kesos_desktop.ui.widgets.table_view import DataTable

THIS_MONTH, LAST_MONTH, THIS_YEAR, LAST_12, CUSTOM = range(5)


def period(choice: int, today: date) -> tuple[date, date] | None:
    first = today.replace(day=1)
    if choice == THIS_MONTH:
        return first, today
    if choice == LAST_MONTH:
        end = first - timedelta(days=1)
        return end.replace(day=1), end
    if choice == THIS_YEAR:
        return today.replace(month=1, day=1), today
    if choice == LAST_12:
        return add_months(today, -12) + timedelta(days=1), today
    return None


def _table(name: str, first: str, columns: list[tuple[str, callable]]) -> tuple[DataTable, DtoTableModel]:
    model = DtoTableModel([Column(first, lambda r: r[0])]
                          + [Column(title, value) for title, value in columns])
    table = DataTable(name)
    table.setSortingEnabled(False)
    table.set_source_model(model, sortable_in_proxy=False)
    header = table.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column in range(1, len(columns) + 1):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return table, model


class OutcomesTab(QWidget):
    loaded = Signal(object)  # OutcomeStats

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.choice = QComboBox()
        self.choice.setObjectName("period_choice")
        for label in (_("This month"), _("Last month"), _("This year"), _("Last 12 months"),
                      _("Chosen dates")):
            self.choice.addItem(label)
        self.start = date_field()
        self.end = date_field()
        self.start.setObjectName("period_start")
        self.end.setObjectName("period_end")
        self.show_button = QPushButton(_("Show"))
        self.show_button.clicked.connect(self.refresh)
        self.choice.currentIndexChanged.connect(self._choice_changed)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Period")))
        top.addWidget(self.choice)
        top.addWidget(self.start)
        top.addWidget(QLabel("–"))
        top.addWidget(self.end)
        top.addWidget(self.show_button)
        top.addStretch(1)
        self.export_button = export_button(ctx, "outcomes_export",
                                           _("Export the figures of this period to Excel"))
        self.export_button.clicked.connect(self.export)
        top.addWidget(self.export_button)

        self.cards = {
            "terminations": StatCard(_("Terminations")),
            "aftercare": StatCard(_("Moved on to aftercare")),
            "done": StatCard(_("Follow-ups done")),
            "missed": StatCard(_("Follow-ups missed")),
            "closed": StatCard(_("Aftercare closed")),
        }
        cards = QHBoxLayout()
        for card in self.cards.values():
            card.setCursor(self.cursor())
            card.setMinimumWidth(150)
            cards.addWidget(card)

        self.reason_table, self.reason_model = _table(
            "outcome_reasons", _("Reason"), [(_("People"), lambda r: r[1])])
        self.condition_table, self.condition_model = _table(
            "outcome_conditions", _("Condition"),
            [(_("Contacts"), lambda r: r[1]), (_("People*"), lambda r: r[2])])
        self.closed_table, self.closed_model = _table(
            "outcome_closed", _("Outcome"), [(_("People"), lambda r: r[1])])
        grid = QGridLayout()
        for column, (title, table) in enumerate((
            (_("Terminations by reason"), self.reason_table),
            (_("Condition at follow-up"), self.condition_table),
            (_("Aftercare closed, by outcome"), self.closed_table),
        )):
            box = QGroupBox(title)
            inner = QVBoxLayout(box)
            inner.addWidget(table)
            inner.addStretch(1)
            grid.addWidget(box, 0, column)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {MUTED};")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(top)
        layout.addLayout(cards)
        layout.addLayout(grid)
        layout.addWidget(self.note)
        layout.addStretch(1)
        self._choice_changed(THIS_MONTH)

    def _choice_changed(self, choice: int) -> None:
        custom = choice == CUSTOM
        self.start.setEnabled(custom)
        self.end.setEnabled(custom)
        self.show_button.setVisible(custom)
        chosen = period(choice, date.today())
        if chosen:
            self.start.setDate(to_qdate(chosen[0]))
            self.end.setDate(to_qdate(chosen[1]))
            self.refresh()

    def refresh(self) -> None:
        start, end = to_date(self.start.date()), to_date(self.end.date())
        run_in_background(
            reintegration_stats.outcomes, self.ctx.db, self.ctx.actor, start, end
        ).owned_by(self).on_success(self.show_stats).on_failure(
            lambda error: show_error(self, error)).start()

    def export(self) -> None:
        from kesos_desktop.excel.export_reintegration import export_outcomes

        db, actor = self.ctx.db, self.ctx.actor
        start, end = to_date(self.start.date()), to_date(self.end.date())
        self.export_task = start_export(
            self.ctx, self, _("Exporting the reintegration outcomes…"),
            f"hasil-reintegrasi-{start:%Y-%m-%d}-{end:%Y-%m-%d}.xlsx",
            lambda path, **kw: export_outcomes(db, actor, path, start, end, **kw))

    def show_stats(self, stats: OutcomeStats) -> None:
        n = format_number
        self.cards["terminations"].set_value(n(stats.terminations))
        self.cards["aftercare"].set_value(n(stats.into_aftercare))
        self.cards["done"].set_value(
            n(stats.follow_ups_done), _("{n} people").format(n=n(stats.people_followed)))
        self.cards["missed"].set_value(n(stats.follow_ups_missed))
        self.cards["closed"].set_value(n(stats.aftercare_closed))
        self.reason_model.set_rows(
            [(reason.label, stats.by_reason[reason]) for reason in TerminationReason])
        self.condition_model.set_rows([
            (condition.label, stats.by_condition[condition], stats.latest_condition[condition])
            for condition in FollowUpCondition
        ])
        self.closed_model.set_rows(
            [(outcome.label, stats.closed_by_outcome[outcome]) for outcome in AftercareOutcome])
        for table in (self.reason_table, self.condition_table, self.closed_table):
            rows = table.model().rowCount()
            table.setFixedHeight(table.horizontalHeader().height() + 26 * rows + 4)
        self.note.setText(_(
            "{start} to {end}. Contacts: follow-ups done in the period. People*: each person "
            "counted once, by the condition at their latest contact. Missed: due in the period, "
            "not done by its end, aftercare still running."
        ).format(start=format_date(stats.start), end=format_date(stats.end)))
        self.loaded.emit(stats)
