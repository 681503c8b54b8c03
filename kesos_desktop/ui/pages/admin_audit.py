"""Admin > Log Audit: who did what and when, filtered and paged in SQL off the GUI thread; a
check of the hash chain (is any entry edited, deleted or reordered?) and an Excel export."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.i18n import _, format_number
from kesos_desktop.services import audit_log
from kesos_desktop.ui.models.dto_table import Column, DtoTableModel
from kesos_desktop.ui.pages.admin_audit_breach import OUTPUTS, PersonAccessDialog
from kesos_desktop.ui.pages.admin_backup import progress_fn
from kesos_desktop.ui.tasks import Progress, run_in_background
from kesos_desktop.ui.widgets.form import date_edit
from kesos_desktop.ui.widgets.messages import Messages, show_error
from kesos_desktop.ui.widgets.table_view import DataTable

PAGE_SIZE = 200
OK_STYLE = "color: #0b6e4f; font-weight: 600;"
BAD_STYLE = "color: #b3261e; font-weight: 600;"


def _verify(db, actor, progress: Progress | None = None):
    return audit_log.verify(db, actor, progress_fn(progress))


def _export(db, actor, path, filters, progress: Progress | None = None):
    return audit_log.export_xlsx(db, actor, path, filters, progress_fn(progress))


class AuditTableModel(DtoTableModel):
    """The audit rows; the details column's tooltip shows them whole, one item a line (the
    cell itself is cut to the column's width)."""

    DETAILS = 6

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid() and index.column() == self.DETAILS \
                and 0 <= index.row() < len(self.rows):
            return self.rows[index.row()].details_text.replace("; ", "\n") or None
        return super().data(index, role)


def _to_date(edit) -> date:
    value = edit.date()
    return date(value.year(), value.month(), value.day())


class AuditTab(QWidget):
    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.offset = 0
        self.total = 0
        self.model = AuditTableModel([
            Column(_("No."), lambda r: r.id),
            Column(_("Time"), lambda r: r.at.strftime("%d/%m/%Y %H:%M:%S")),
            Column(_("User"), lambda r: r.username),
            Column(_("Action"), lambda r: r.action_label,
                   color=lambda r: "#b3261e" if r.action in ("denied", "login_failed", "unlock_failed", "backup_failed") else None),
            Column(_("Entity"), lambda r: audit_log.entity_label(r.entity)),
            Column(_("Record"), lambda r: r.entity_id or ""),
            Column(_("Details"), lambda r: r.details_text),
        ])
        self.table = DataTable("audit_table")
        self.table.set_source_model(self.model)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)

        self.user = QComboBox()
        self.entity = QComboBox()
        self.action = QComboBox()
        for combo in (self.user, self.entity, self.action):
            combo.addItem(_("(all)"), None)
            combo.setMinimumContentsLength(10)
            # sized by that length, not by the longest entity name: the row fits 1366 pixels
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.action.setMinimumContentsLength(13)  # room for "(ekspor/cetak)"
        self.user.setMinimumContentsLength(8)  # ...within a 1366-pixel wide window
        self._add_outputs_choice()
        self.use_from = QCheckBox(_("From date"))
        self.date_from = date_edit(QDate.currentDate().addDays(-30))
        self.use_to = QCheckBox(_("To date"))
        self.date_to = date_edit()
        self.date_from.setEnabled(False)
        self.date_to.setEnabled(False)
        self.use_from.toggled.connect(self.date_from.setEnabled)
        self.use_to.toggled.connect(self.date_to.setEnabled)
        self.filter_button = QPushButton(_("Filter"))
        self.clear_button = QPushButton(_("Reset"))
        self.filter_button.clicked.connect(self.apply_filters)
        self.clear_button.clicked.connect(self.clear_filters)
        for combo in (self.user, self.entity, self.action):
            combo.activated.connect(lambda _i: self.apply_filters())
        filters = QHBoxLayout()
        for label, widget in ((_("User"), self.user), (_("Entity"), self.entity),
                              (_("Action"), self.action)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addStretch(1)
        period = QHBoxLayout()  # a row of its own: all on one row is wider than 1366 pixels
        for widget in (self.use_from, self.date_from, self.use_to, self.date_to,
                       self.filter_button, self.clear_button):
            period.addWidget(widget)
        period.addStretch(1)

        self.verify_button = QPushButton(_("Check integrity"))
        self.verify_button.setToolTip(_("Check that no entry was edited, deleted or reordered"))
        self.export_button = QPushButton(_("Export to Excel..."))
        self.person_button = QPushButton(_("Accesses to one person..."))
        self.person_button.setObjectName("person_accesses")
        self.person_button.setToolTip(_("Breach report: who read, printed or exported one "
                                        "person's data in a period"))
        self.person_button.clicked.connect(self.person_accesses)
        self.verify_button.clicked.connect(self.verify)
        self.export_button.clicked.connect(self.export)
        self.verdict = QLabel(_("Integrity not checked yet in this session."))
        self.verdict.setObjectName("audit_verdict")
        self.verdict.setWordWrap(True)
        tools = QHBoxLayout()
        tools.addWidget(self.verify_button)
        tools.addWidget(self.export_button)
        tools.addWidget(self.person_button)
        tools.addWidget(self.verdict, 1)

        self.prev_button = QPushButton(_("◀ Previous"))
        self.next_button = QPushButton(_("Next ▶"))
        self.prev_button.clicked.connect(lambda: self.load(max(0, self.offset - PAGE_SIZE)))
        self.next_button.clicked.connect(lambda: self.load(self.offset + PAGE_SIZE))
        self.count = QLabel()
        self.count.setObjectName("audit_count")
        pager = QHBoxLayout()
        pager.addWidget(self.count, 1)
        pager.addWidget(self.prev_button)
        pager.addWidget(self.next_button)

        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addLayout(filters)
        layout.addLayout(period)
        layout.addWidget(self.table, 1)
        layout.addLayout(pager)
        self._choices_loaded = False

    # ------------------------------------------------------------------ filters
    def _add_outputs_choice(self) -> None:
        """Breach support: one choice for every export, print, access request and backup."""
        self.action.addItem(_("(exports and prints)"), OUTPUTS)
        self.action.setItemData(self.action.count() - 1, _(
            "Every export, print, access request and backup: what left the system"),
            Qt.ItemDataRole.ToolTipRole)

    def filters(self) -> audit_log.AuditFilter:
        action = self.action.currentData()
        return audit_log.AuditFilter(
            username=self.user.currentData(),
            entity=self.entity.currentData(),
            action=None if action == OUTPUTS else action,
            actions=audit_log.OUTPUT_ACTIONS if action == OUTPUTS else (),
            date_from=_to_date(self.date_from) if self.use_from.isChecked() else None,
            date_to=_to_date(self.date_to) if self.use_to.isChecked() else None,
        )

    def apply_filters(self) -> None:
        self.load(0)

    def clear_filters(self) -> None:
        for combo in (self.user, self.entity, self.action):
            combo.setCurrentIndex(0)
        self.use_from.setChecked(False)
        self.use_to.setChecked(False)
        self.load(0)

    def _fill_choices(self, choices: audit_log.AuditChoices) -> None:
        self._choices_loaded = True
        for combo, values, label in (
            (self.user, choices.usernames, str),
            (self.entity, choices.entities, audit_log.entity_label),
            (self.action, choices.actions, audit_log.action_label),
        ):
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(_("(all)"), None)
            if combo is self.action:
                self._add_outputs_choice()
            for value in values:
                combo.addItem(label(value), value)
            index = combo.findData(current)
            combo.setCurrentIndex(max(index, 0))
            combo.blockSignals(False)

    # ------------------------------------------------------------------ loading
    def refresh(self) -> None:
        run_in_background(audit_log.filter_choices, self.ctx.db, self.ctx.actor).owned_by(
            self).on_success(self._fill_choices).start()
        self.load(self.offset)

    def load(self, offset: int) -> None:
        self.count.setText(_("Loading..."))
        run_in_background(
            audit_log.list_entries, self.ctx.db, self.ctx.actor, self.filters(), offset, PAGE_SIZE,
        ).owned_by(self).on_success(self._show_page).on_failure(self._failed).start()

    def _failed(self, error: BaseException) -> None:
        self.count.setText("")
        show_error(self, error)

    def _show_page(self, page: audit_log.AuditPage) -> None:
        self.offset, self.total = page.offset, page.total
        self.model.set_rows(page.rows)
        if page.total == 0:
            self.count.setText(_("No entries match these filters. Click Reset to see all."))
        else:
            self.count.setText(_("Showing {first}-{last} of {total} entries").format(
                first=format_number(page.offset + 1),
                last=format_number(page.offset + len(page.rows)),
                total=format_number(page.total)))
        self.prev_button.setEnabled(page.offset > 0)
        self.next_button.setEnabled(page.offset + len(page.rows) < page.total)

    def person_accesses(self) -> None:
        PersonAccessDialog(self.ctx, self).exec()

    # ------------------------------------------------------------------ verify
    def verify(self):
        self.verify_button.setEnabled(False)
        return (
            run_in_background(_verify, self.ctx.db, self.ctx.actor)
            .with_progress(self, _("Checking the audit log"))
            .on_success(self._verified)
            .on_failure(self._verify_failed)
            .on_cancel(lambda: self.verify_button.setEnabled(True))
            .start()
        )

    def _verified(self, result: audit_log.VerifyResult) -> None:
        self.verify_button.setEnabled(True)
        self.verdict.setText(result.message)
        self.verdict.setStyleSheet(OK_STYLE if result.ok else BAD_STYLE)
        if result.ok:
            self.ctx.say(result.message)
        else:
            details = "\n".join("• " + p.message for p in result.problems[:10])
            Messages.error(self, result.message + "\n\n" + details, _("Audit log tampered with"))
        self.refresh()

    def _verify_failed(self, error: BaseException) -> None:
        self.verify_button.setEnabled(True)
        show_error(self, error)

    # ------------------------------------------------------------------ export
    @classmethod
    def choose_path(cls, parent) -> str:
        path, _filter = QFileDialog.getSaveFileName(
            parent, _("Export the audit log"), f"log-audit-{date.today():%Y%m%d}.xlsx",
            _("Excel workbook (*.xlsx)"),
        )
        return path

    def export(self):
        path = self.choose_path(self)
        if not path:
            return None
        return (
            run_in_background(_export, self.ctx.db, self.ctx.actor, path, self.filters())
            .with_progress(self, _("Exporting the audit log"))
            .on_success(self._exported)
            .start()
        )

    def _exported(self, result: audit_log.ExportResult) -> None:
        self.ctx.say(_("{n} entries exported to {path}").format(
            n=format_number(result.rows), path=result.path))
        self.refresh()
