"""Admin > Retensi data: the retention period and the former residents past it, with
"Anonimkan" (UU PDP). Anonymising asks for the registration number again and says plainly that
it cannot be undone; the service checks everything again (admin only, no open stay, past the
retention period) and writes the audit row."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _, format_date
from kesos_desktop.services import retention
from kesos_desktop.ui.models.dto_table import Column, DtoTableModel
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.messages import show_error
from kesos_desktop.ui.widgets.table_view import DataTable


class AnonymizeDialog(QDialog):
    """Names the person, says it cannot be undone, and wants the registration number retyped."""

    def __init__(self, row: retention.FormerResident, parent: QWidget | None = None):
        super().__init__(parent)
        self.row = row
        self.setWindowTitle(_("Anonymise {name}").format(name=row.name))
        text = QLabel(_(
            "<b>{name}</b> ({reg_no}), last left on {date}.<br><br>Anonymising removes the name, "
            "NIK, KK, address, phone, photo and documents, family contacts and every note and free "
            "text about this person. The counts in the reports stay. <b>This cannot be undone.</b>"
            "<br><br>Type the registration number <b>{reg_no}</b> to confirm:"
        ).format(name=row.name, reg_no=row.reg_no, date=format_date(row.last_terminated_on)))
        text.setWordWrap(True)
        self.confirm = QLineEdit()
        self.confirm.setObjectName("confirm_reg_no")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok = self.buttons.addButton(_("Anonimkan"), QDialogButtonBox.ButtonRole.DestructiveRole)
        self.ok.setEnabled(False)
        self.confirm.textChanged.connect(
            lambda t: self.ok.setEnabled(t.strip().lower() == row.reg_no.strip().lower()))
        self.ok.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.confirm)
        layout.addWidget(self.buttons)
        self.resize(480, 260)

    @classmethod
    def ask(cls, row: retention.FormerResident, parent: QWidget | None = None) -> str | None:
        dialog = cls(row, parent)
        return dialog.confirm.text().strip() if dialog.exec() == QDialog.DialogCode.Accepted else None


class RetentionTab(QWidget):
    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.years = QSpinBox()
        self.years.setObjectName("retention_years")
        self.years.setRange(1, 100)
        self.years.setSuffix(_(" years"))
        self.save_years = QPushButton(_("Save"))
        self.save_years.clicked.connect(self._save_years)
        self.save_years.setEnabled(ctx.can(Action.SETTINGS_EDIT))
        self.model = DtoTableModel([
            Column(_("Reg. no."), lambda r: r.reg_no),
            Column(_("Name"), lambda r: r.name),
            Column(_("Stays"), lambda r: r.stays),
            Column(_("Last left on"), lambda r: r.last_terminated_on),
            Column(_("Retention ended"), lambda r: r.retention_until),
        ])
        self.table = DataTable("retention_list")
        self.table.setModel(self.model)
        self.anonymize_button = QPushButton(_("Anonimkan..."))
        self.anonymize_button.setObjectName("anonymize")
        self.anonymize_button.clicked.connect(self.anonymize)
        self.summary = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Keep the data of former residents for")))
        top.addWidget(self.years)
        top.addWidget(QLabel(_("after their last termination.")))
        top.addWidget(self.save_years)
        top.addStretch(1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(self.anonymize_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(QLabel(_("Former residents past the retention period:")))
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.rows: list = []

    def refresh(self) -> None:
        def load(db, actor):
            return retention.retention_years(db, actor), retention.past_retention(db, actor)

        run_in_background(load, self.ctx.db, self.ctx.actor).owned_by(self) \
            .on_success(self._show).on_failure(lambda e: show_error(self, e)).start()

    def _show(self, loaded) -> None:
        years, rows = loaded
        self.years.setValue(years)
        self.rows = list(rows)
        self.model.set_rows(self.rows)
        self.summary.setText(_("{n} former residents past the retention period.").format(n=len(rows)))
        self.anonymize_button.setEnabled(bool(rows))

    def _save_years(self) -> None:
        try:
            self.ctx.announce(retention.set_retention_years(self.ctx.db, self.ctx.actor, self.years.value()))
        except Exception as error:  # noqa: BLE001 - shown to the user
            show_error(self, error)
            return
        self.refresh()

    def selected(self):
        index = self.table.currentIndex()
        if not index.isValid():
            return self.rows[0] if len(self.rows) == 1 else None
        source = index.model().mapToSource(index) if hasattr(index.model(), "mapToSource") else index
        return self.rows[source.row()]

    def anonymize(self) -> None:
        row = self.selected()
        if row is None:
            return
        typed = AnonymizeDialog.ask(row, self)
        if typed is None:
            return
        try:
            _result, changes = retention.anonymize(self.ctx.db, self.ctx.actor, row.resident_id, typed)
        except Exception as error:  # noqa: BLE001 - shown to the user
            show_error(self, error)
            return
        self.ctx.announce(changes)
        self.ctx.say(_("{reg_no} was anonymised.").format(reg_no=row.reg_no))
        self.refresh()
