"""The resident file's tabs: identity and family, stays, timeline, documents."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.resident_dto import AttachmentRow, ResidentFile, StayDTO, TimelineEvent
from kesos_desktop.i18n import _, format_date, format_number
from kesos_desktop.ui.models.dto_table import Column, DtoTableModel
from kesos_desktop.ui.widgets.table_view import DataTable


def value_label(text: str | None) -> QLabel:
    label = QLabel(text or "—")
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def facts_form(pairs: list[tuple[str, str | None]]) -> QFormLayout:
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
    for label, value in pairs:
        caption = QLabel(label)
        caption.setStyleSheet("color: #5f6b66;")
        form.addRow(caption, value_label(value))
    return form


def default_widths(table: DataTable, widths: tuple[int, ...]) -> None:
    """Column widths for a table the user has not arranged yet (theirs are restored)."""
    if table._settings().value(f"tables/{table.objectName()}") is None:
        for column, width in enumerate(widths):
            table.setColumnWidth(column, width)


def clear_layout(layout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()
        elif item.layout() is not None:
            clear_layout(item.layout())


class IdentityTab(QWidget):
    edit_identity = Signal()
    add_contact = Signal()
    edit_contact = Signal(object)
    remove_contact = Signal(object)

    def __init__(self, can_edit: bool, parent=None):
        super().__init__(parent)
        self.facts = QGridLayout()
        self.family_model = DtoTableModel([
            Column(_("Name"), lambda c: c.name),
            Column(_("Relationship"), lambda c: c.relationship),
            Column(_("Phone"), lambda c: c.phone),
            Column(_("Address"), lambda c: c.address),
            Column(_("Main contact"), lambda c: _("Yes") if c.is_primary else ""),
        ])
        self.family = DataTable("family_table_file")
        self.family.set_source_model(self.family_model)
        default_widths(self.family, (200, 120, 140, 360))
        self.family.activated_row.connect(lambda row: self.edit_contact.emit(self.family_model.row_at(row)))
        self.edit_button = QPushButton(_("Edit identity"))
        self.edit_button.setObjectName("edit_identity")
        self.add_button = QPushButton(_("Add family member"))
        self.change_button = QPushButton(_("Edit"))
        self.remove_button = QPushButton(_("Remove"))
        self.edit_button.clicked.connect(self.edit_identity)
        self.add_button.clicked.connect(self.add_contact)
        self.change_button.clicked.connect(lambda: self._selected(self.edit_contact))
        self.remove_button.clicked.connect(lambda: self._selected(self.remove_contact))
        for button in (self.edit_button, self.add_button, self.change_button, self.remove_button):
            if not can_edit:
                button.hide()
        family_box = QGroupBox(_("Family members"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.add_button, self.change_button, self.remove_button):
            buttons.addWidget(button)
        family_layout = QVBoxLayout(family_box)
        family_layout.addWidget(self.family)
        family_layout.addLayout(buttons)
        top = QHBoxLayout()
        top.addLayout(self.facts, 1)
        edit = QVBoxLayout()
        edit.addWidget(self.edit_button)
        edit.addStretch(1)
        top.addLayout(edit)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(family_box, 1)

    def _selected(self, signal) -> None:
        row = self.family.selected_source_row()
        if row is not None:
            signal.emit(self.family_model.row_at(row))

    def show_file(self, file: ResidentFile) -> None:
        r = file.resident
        clear_layout(self.facts)
        if r.birth_date:
            born = f"{r.birth_place + ', ' if r.birth_place else ''}{format_date(r.birth_date)}"
        elif r.birth_year_estimated:
            born = _("about {year} (estimated)").format(year=r.birth_year_estimated)
        else:
            born = r.birth_place
        address = ", ".join(p for p in (r.address, r.village, r.district, r.city, r.province) if p)
        left = facts_form([
            (_("Name"), r.name), (_("Alias / nickname"), r.alias),
            (_("NIK"), r.nik or (_("identity unknown") if r.identity_unknown else None)),
            (_("KK number"), r.kk), (_("Born"), born), (_("Sex"), r.sex.label),
        ])
        right = facts_form([
            (_("Religion"), r.religion.label), (_("Marital status"), r.marital_status.label),
            (_("Education"), r.education.label),
            (_("PPKS categories"), ", ".join(c.label for c in r.categories)),
            (_("Address"), address), (_("Phone"), r.phone),
        ])
        self.facts.addLayout(left, 0, 0)
        self.facts.addLayout(right, 0, 1)
        self.family_model.set_rows(list(file.family))


class StaysTab(QWidget):
    """Every stay; the selected one's referral, stage history and room history."""

    correct_stay = Signal(object)  # correct the selected stay's intake details
    reassign_stay = Signal(object)  # another case manager for the selected (current) stay

    def __init__(self, can_edit: bool = False, parent=None, can_reassign: bool = False):
        super().__init__(parent)
        self.stays_model = DtoTableModel([
            Column(_("Admitted"), lambda s: s.admitted_on),
            Column(_("Left"), lambda s: s.terminated_on),
            Column(_("Stage"), lambda s: s.stage.label),
            Column(_("Room"), lambda s: s.room_name),
            Column(_("Case manager"), lambda s: s.case_manager),
            Column(_("Referred by"), lambda s: s.referral_source.label),
            Column(_("Reason for leaving"),
                   lambda s: s.termination_reason.label if s.termination_reason else ""),
        ])
        self.stays = DataTable("stays_table")
        self.stays.set_source_model(self.stays_model, sortable_in_proxy=False)
        self.stays.setMaximumHeight(130)
        default_widths(self.stays, (90, 90, 170, 150, 170, 160))
        self.stages_model = DtoTableModel([
            Column(_("Date"), lambda c: c.changed_on),
            Column(_("From stage"), lambda c: c.from_stage.label if c.from_stage else ""),
            Column(_("To stage"), lambda c: c.to_stage.label),
            Column(_("Note"), lambda c: c.note),
            Column(_("By"), lambda c: c.by),
        ])
        self.rooms_model = DtoTableModel([
            Column(_("Room"), lambda r: r.room_name),
            Column(_("Moved in"), lambda r: r.from_date),
            Column(_("Moved out"), lambda r: r.until_date),
            Column(_("Note"), lambda r: (r.note or "") + (" " + _("(over capacity)") if r.over_capacity_override else "")),
        ])
        stage_table = DataTable("stage_history_table")
        stage_table.set_source_model(self.stages_model, sortable_in_proxy=False)
        default_widths(stage_table, (85, 130, 130, 150))
        room_table = DataTable("room_history_table")
        room_table.set_source_model(self.rooms_model, sortable_in_proxy=False)
        default_widths(room_table, (140, 85, 85))
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        stage_box, room_box, detail_box = (QGroupBox(_("Stage history")), QGroupBox(_("Rooms")),
                                           QGroupBox(_("Referral and condition")))
        for box, widget in ((stage_box, stage_table), (room_box, room_table), (detail_box, self.details)):
            QVBoxLayout(box).addWidget(widget)
        self.correct_button = QPushButton(_("Correct intake details..."))
        self.correct_button.setObjectName("correct_stay")
        self.correct_button.setVisible(can_edit)
        self.correct_button.clicked.connect(self._correct_selected)
        self.reassign_button = QPushButton(_("Change case manager..."))
        self.reassign_button.setObjectName("reassign_stay")
        self.reassign_button.setVisible(can_reassign)
        self.reassign_button.clicked.connect(self._reassign_selected)
        stay_buttons = QHBoxLayout()
        stay_buttons.addStretch(1)
        stay_buttons.addWidget(self.reassign_button)
        stay_buttons.addWidget(self.correct_button)
        detail_box.layout().addLayout(stay_buttons)
        lower = QSplitter()
        lower.addWidget(stage_box)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(room_box)
        right.addWidget(detail_box)
        lower.addWidget(right)
        lower.setSizes([560, 420])
        layout = QVBoxLayout(self)
        layout.addWidget(self.stays)
        layout.addWidget(lower, 1)
        self.stays.selectionModel().selectionChanged.connect(lambda *_a: self._show_selected())

    def show_file(self, file: ResidentFile) -> None:
        self.stays_model.set_rows(list(file.stays))
        if file.stays:
            self.stays.selectRow(0)
        self._show_selected()

    def _correct_selected(self) -> None:
        row = self.stays.selected_source_row()
        if row is not None:
            self.correct_stay.emit(self.stays_model.row_at(row))

    def _reassign_selected(self) -> None:
        row = self.stays.selected_source_row()
        if row is not None:
            self.reassign_stay.emit(self.stays_model.row_at(row))

    def _show_selected(self) -> None:
        row = self.stays.selected_source_row()
        stay: StayDTO | None = self.stays_model.row_at(row) if row is not None else None
        self.reassign_button.setEnabled(stay is not None and stay.is_open)  # a case in hand
        self.stages_model.set_rows(list(reversed(stay.stage_history)) if stay else [])
        self.rooms_model.set_rows(list(reversed(stay.room_history)) if stay else [])
        if stay is None:
            self.details.setText("")
            return
        lines = [
            _("Approach: {approach}").format(approach=stay.approach.label),
            _("Referral letter: {letter}").format(letter=" · ".join(p for p in (
                stay.referral_letter_no or "", format_date(stay.referral_letter_date)) if p) or "—"),
        ]
        for label, text in ((_("Condition on arrival"), stay.initial_condition),
                            (_("Health"), stay.health_notes), (_("Disability"), stay.disability_notes),
                            (_("Referral notes"), stay.referral_notes),
                            (_("Notes on leaving"), stay.termination_notes)):
            if text:
                lines.append(f"{label}: {text}")
        if stay.consents:
            c = stay.consents[-1]
            lines.append(_("Consent: {name} ({relation}), {date}").format(
                name=c.given_by_name, relation=c.relation.label, date=format_date(c.given_on)))
        self.details.setText("\n".join(lines))


class TimelineTab(QWidget):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = DtoTableModel([
            Column(_("Date"), lambda e: e.on),
            Column(_("What"), lambda e: e.title),
            Column(_("Details"), lambda e: e.detail),
            Column(_("By"), lambda e: e.by),
        ])
        self.table = DataTable("timeline_table")
        self.table.set_source_model(self.model, sortable_in_proxy=False)
        default_widths(self.table, (90, 340, 420))
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)

    def show_events(self, events: list[TimelineEvent]) -> None:
        self.model.set_rows(events)


class DocumentsTab(QWidget):
    open_document = Signal(object)
    add_document = Signal()
    edit_document = Signal(object)  # correct its title or kind
    remove_document = Signal(object)

    def __init__(self, can_add: bool, parent=None):
        super().__init__(parent)
        self.model = DtoTableModel([
            Column(_("Kind"), lambda a: a.doc_type.label),
            Column(_("Title"), lambda a: a.title),
            Column(_("File"), lambda a: a.original_name),
            Column(_("Size"), lambda a: _("{kb} KB").format(kb=format_number(max(1, a.size_bytes // 1024)))),
            Column(_("Added"), lambda a: a.added_at),
            Column(_("By"), lambda a: a.added_by),
        ])
        self.table = DataTable("documents_table")
        self.table.set_source_model(self.model)
        default_widths(self.table, (190, 240, 220, 70, 130))
        self.table.activated_row.connect(lambda row: self.open_document.emit(self.model.row_at(row)))
        self.open_button = QPushButton(_("Open"))
        self.open_button.setObjectName("open_document")
        self.add_button = QPushButton(_("Add document..."))
        self.edit_button = QPushButton(_("Edit details..."))
        self.edit_button.setObjectName("edit_document")
        self.remove_button = QPushButton(_("Remove..."))
        self.remove_button.setObjectName("remove_document")
        self.remove_button.setToolTip(_("Remove the selected document from this file"))
        if not can_add:
            self.add_button.hide()
            self.edit_button.hide()
            self.remove_button.hide()
        self.edit_button.clicked.connect(self._edit_selected)
        self.remove_button.clicked.connect(self._remove_selected)
        self.open_button.clicked.connect(self._open_selected)
        self.add_button.clicked.connect(self.add_document)
        self.empty = QLabel(_("No documents yet. Scans added at intake or here are listed."))
        self.empty.setStyleSheet("color: #5f6b66;")
        buttons = QHBoxLayout()
        buttons.addWidget(self.empty)
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def _open_selected(self) -> None:
        row = self.table.selected_source_row()
        if row is not None:
            self.open_document.emit(self.model.row_at(row))

    def _edit_selected(self) -> None:
        row = self.table.selected_source_row()
        if row is not None:
            self.edit_document.emit(self.model.row_at(row))

    def _remove_selected(self) -> None:
        row = self.table.selected_source_row()
        if row is not None:
            self.remove_document.emit(self.model.row_at(row))

    def show_documents(self, rows: tuple[AttachmentRow, ...]) -> None:
        self.model.set_rows(list(rows))
        self.empty.setVisible(not rows)

