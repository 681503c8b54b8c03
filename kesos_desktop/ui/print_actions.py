"""Cetak: the document entry points other screens call (one line each): build in the background
with progress, then the preview with Save and Print. Permission checks happen in the services."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.domain.permissions import Action
from kesos_desktop.i18n import _
from kesos_desktop.ui.dialogs.pdf_preview import print_document, safe_file_name


class CaseFileOptions(QDialog):
    """Counselors choose whether the note bodies are printed (off by default)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Print case file"))
        layout = QVBoxLayout(self)
        self.include_notes = QCheckBox(_("Include counseling notes and assessment narratives"), self)
        layout.addWidget(self.include_notes)
        warning = QLabel(_("Confidential: every note printed is recorded in the audit log. "
                           "Keep the printed file locked away."), self)
        warning.setWordWrap(True)
        layout.addWidget(warning)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None) -> bool | None:
        """True/False: include notes or not; None: cancelled (patchable in tests)."""
        dialog = cls(parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.include_notes.isChecked()


def month_edit(parent: QWidget | None) -> QDateEdit:
    """A month picker that names the months in the UI language ("Oktober 2026")."""
    from PySide6.QtCore import QLocale

    from kesos_desktop.i18n import current_language

    edit = QDateEdit(parent)
    if current_language() == "id":
        edit.setLocale(QLocale(QLocale.Language.Indonesian, QLocale.Country.Indonesia))
    edit.setDisplayFormat("MMMM yyyy")
    edit.setCalendarPopup(True)
    edit.setMaximumWidth(220)
    return edit


class MonthPicker(QDialog):
    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        form = QFormLayout(self)
        self.month = month_edit(self)
        self.month.setDate(QDate.currentDate())
        form.addRow(_("Month"), self.month)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, title: str) -> tuple[int, int] | None:
        dialog = cls(title, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        value = dialog.month.date()
        return value.year(), value.month()


def print_case_file(parent: QWidget, ctx, resident_id: int, label: str = "") -> None:
    from kesos_desktop.reports.case_file import build_case_file

    include_notes = False
    if ctx.can(Action.NOTE_READ):
        answer = CaseFileOptions.ask(parent)
        if answer is None:
            return
        include_notes = answer
    print_document(parent, _("Case file"), build_case_file, ctx.db, ctx.actor, resident_id,
                   include_notes=include_notes,
                   suggested_name=f"berkas-{safe_file_name(label or str(resident_id))}.pdf")


def print_attendance_sheet(parent: QWidget, ctx, session_id: int, day: date | None = None) -> None:
    from kesos_desktop.reports.attendance_sheet import build_session_sheet

    print_document(parent, _("Attendance sheet"), build_session_sheet, ctx.db, ctx.actor, session_id,
                   suggested_name=f"daftar-hadir-{day.isoformat() if day else session_id}.pdf")


def print_attendance_recap(parent: QWidget, ctx, program_id: int, program_name: str = "") -> None:
    from kesos_desktop.reports.attendance_sheet import build_monthly_recap

    month = MonthPicker.ask(parent, _("Monthly attendance recap"))
    if month is None:
        return
    year, number = month
    print_document(parent, _("Monthly attendance recap"), build_monthly_recap, ctx.db, ctx.actor,
                   program_id, year, number,
                   suggested_name=f"rekap-hadir-{safe_file_name(program_name)}-{year}-{number:02d}.pdf")


def print_certificate(parent: QWidget, ctx, enrollment_id: int, label: str = "") -> None:
    from kesos_desktop.reports.certificate import build_certificate

    print_document(parent, _("Training certificate"), build_certificate, ctx.db, ctx.actor, enrollment_id,
                   suggested_name=f"sertifikat-{safe_file_name(label or str(enrollment_id))}.pdf")


def print_handover(parent: QWidget, ctx, admission_id: int, label: str = "") -> None:
    from kesos_desktop.reports.handover import build_handover

    print_document(parent, _("Handover record"), build_handover, ctx.db, ctx.actor, admission_id,
                   suggested_name=f"berita-acara-{safe_file_name(label or str(admission_id))}.pdf")


def program_print_button(view) -> QWidget:
    """The "Print" button of a training program's detail view (``ProgramDetailView``): attendance
    sheet of the selected session, monthly recap, certificate of the selected participant."""
    from PySide6.QtWidgets import QMenu, QPushButton

    from kesos_desktop.ui.widgets.messages import Messages

    button = QPushButton(_("Print"), view)
    button.setObjectName("program_print")
    menu = QMenu(button)

    def sheet() -> None:
        session = view.schedule.selected()
        if session is None:
            Messages.info(view, _("Select a session in the Schedule tab first."))
            return
        print_attendance_sheet(view, view.ctx, session.id, session.day)

    def recap() -> None:
        if view.program is not None:
            print_attendance_recap(view, view.ctx, view.program.id, view.program.name)

    def certificate() -> None:
        row = view.participants.selected()
        if row is None or not getattr(row, "certificate_no", ""):
            Messages.info(view, _("Select a participant who completed the program (Participants tab) first."))
            return
        print_certificate(view, view.ctx, row.id, row.certificate_no)

    menu.addAction(_("Attendance sheet of the selected session…"), sheet)
    menu.addAction(_("Monthly attendance recap…"), recap)
    menu.addAction(_("Certificate of the selected participant…"), certificate)
    button.setMenu(menu)
    button.setEnabled(view.ctx.can(Action.REPORT_PRINT))
    return button
