"""Search inside the notes: social workers only, and only the notes each may read.

The search runs when asked (Enter or the button), not on every keystroke: every note shown in
the results counts as read and is written to the audit log (the search words are not)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from kesos_desktop.i18n import _, format_number
from kesos_desktop.services import counseling_notes
from kesos_desktop.services.counseling_dto import NoteHit
from kesos_desktop.ui.models.dto_table import Column, DtoTableModel
from kesos_desktop.ui.pages.counseling_lists import MUTED, set_widths
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.messages import show_error
from kesos_desktop.ui.widgets.table_view import DataTable


class NoteSearchTab(QWidget):
    open_row = Signal(object)  # SessionRow

    def __init__(self, ctx, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.query = QLineEdit()
        self.query.setObjectName("note_search")
        self.query.setClearButtonEnabled(True)
        self.query.setPlaceholderText(_("Words to find in the notes, agreed actions and topics"))
        self.button = QPushButton(_("Search"))
        self.button.setObjectName("note_search_button")
        top = QHBoxLayout()
        top.addWidget(self.query, 1)
        top.addWidget(self.button)
        notice = QLabel(_("Only the notes you may read are searched. Every note shown in the "
                          "results is recorded in the audit log as read; the search words are not."))
        notice.setWordWrap(True)
        notice.setStyleSheet(f"color: {MUTED};")
        self.model = DtoTableModel([
            Column(_("Date"), lambda h: h.session.held_on),
            Column(_("Type"), lambda h: h.session.session_type.label),
            Column(_("Residents"), lambda h: h.session.participant_names),
            Column(_("Counselor"), lambda h: h.session.counselor_name),
            Column(_("Found in"), lambda h: h.snippet),
        ])
        self.table = DataTable("counseling_note_search")
        self.table.set_source_model(self.model)
        set_widths(self.table, [86, 140, 180, 140, 560])
        self.count = QLabel()
        self.count.setObjectName("note_search_count")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(notice)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self.query.returnPressed.connect(self.search)
        self.button.clicked.connect(self.search)
        self.table.activated_row.connect(lambda row: self.open_row.emit(self.model.row_at(row).session))

    def refresh(self) -> None:
        """Nothing to reload on its own: a search runs only when asked."""

    def search(self) -> None:
        words = self.query.text().strip()
        if not words:
            return
        self.count.setText(_("Searching…"))
        run_in_background(counseling_notes.search_notes, self.ctx.db, self.ctx.actor, words).owned_by(
            self).on_success(self.show_hits).on_failure(self._failed).start()

    def _failed(self, error: BaseException) -> None:
        self.count.setText("")
        show_error(self, error)

    def show_hits(self, hits: list[NoteHit]) -> None:
        self.model.set_rows(hits)
        if hits:
            self.count.setText(_("{n} notes contain these words.").format(n=format_number(len(hits))))
        else:
            self.count.setText(_("No note you may read contains these words."))
