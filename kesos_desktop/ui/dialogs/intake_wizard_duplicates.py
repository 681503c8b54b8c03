"""Before registering someone new: people already known who may be the same person."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.resident_dto import DuplicateCandidate
from kesos_desktop.i18n import _


class DuplicateChoice(Enum):
    CANCEL = "cancel"  # go back and look again
    DIFFERENT = "different"  # none of them: register a new person
    READMIT = "readmit"  # a new stay for the chosen person
    OPEN = "open"  # open the chosen person's file


@dataclass(frozen=True)
class DuplicateAnswer:
    choice: DuplicateChoice
    candidate: DuplicateCandidate | None = None


def _born(c: DuplicateCandidate) -> str:
    if c.birth_date:
        return c.birth_date.strftime("%d/%m/%Y")
    if c.birth_year_estimated:
        return _("about {year}").format(year=c.birth_year_estimated)
    return ""


def _last_stay(c: DuplicateCandidate) -> str:
    if c.last_admitted_on is None:
        return ""
    if c.has_open_stay:
        return _("staying now (since {date})").format(date=c.last_admitted_on.strftime("%d/%m/%Y"))
    left = c.last_terminated_on.strftime("%d/%m/%Y") if c.last_terminated_on else "?"
    reason = c.last_termination_reason.label if c.last_termination_reason else ""
    return _("left {date}: {reason}").format(date=left, reason=reason)


class DuplicatesDialog(QDialog):
    def __init__(self, candidates: list[DuplicateCandidate], parent: QWidget | None = None):
        super().__init__(parent)
        self.candidates = candidates
        self.answer = DuplicateAnswer(DuplicateChoice.CANCEL)
        self.setWindowTitle(_("Possibly already registered"))
        intro = QLabel(_("These people are already in the register and may be the person you "
                         "are entering. If it is one of them, open their file or start a new stay "
                         "for them instead of registering them twice."))
        intro.setWordWrap(True)
        self.table = QTableWidget(len(candidates), 6)
        self.table.setObjectName("duplicates_table")
        self.table.setHorizontalHeaderLabels([_("Reg. no."), _("Name"), _("Born"), _("NIK"),
                                              _("Why"), _("Last stay")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        for row, c in enumerate(candidates):
            name = f"{c.name} ({c.alias})" if c.alias else c.name
            for column, text in enumerate((c.reg_no, name, _born(c), c.nik_masked,
                                           ", ".join(c.reasons), _last_stay(c))):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.selectRow(0)
        self.table.itemSelectionChanged.connect(self._selection_changed)

        self.readmit_button = QPushButton(_("New stay for this person"))
        self.readmit_button.setObjectName("readmit")
        self.open_button = QPushButton(_("Open their file"))
        self.different_button = QPushButton(_("Someone else: register as new"))
        self.different_button.setObjectName("different")
        back = QPushButton(_("Back"))
        self.readmit_button.clicked.connect(lambda: self._answer(DuplicateChoice.READMIT))
        self.open_button.clicked.connect(lambda: self._answer(DuplicateChoice.OPEN))
        self.different_button.clicked.connect(lambda: self._answer(DuplicateChoice.DIFFERENT))
        back.clicked.connect(self.reject)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #8a5300;")
        buttons = QHBoxLayout()
        buttons.addWidget(self.readmit_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.different_button)
        buttons.addWidget(back)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        self.resize(860, 320)
        self._selection_changed()

    def selected(self) -> DuplicateCandidate | None:
        rows = self.table.selectionModel().selectedRows()
        return self.candidates[rows[0].row()] if rows else None

    def _selection_changed(self) -> None:
        chosen = self.selected()
        staying = bool(chosen and chosen.has_open_stay)
        self.readmit_button.setEnabled(chosen is not None and not staying)
        self.open_button.setEnabled(chosen is not None)
        self.note.setText(_("This person is staying here now: open their file instead.")
                          if staying else "")

    def _answer(self, choice: DuplicateChoice) -> None:
        self.answer = DuplicateAnswer(choice, self.selected())
        self.accept()

    @classmethod
    def ask(cls, candidates: list[DuplicateCandidate], parent: QWidget | None = None) -> DuplicateAnswer:
        dialog = cls(candidates, parent)
        dialog.exec()
        return dialog.answer
