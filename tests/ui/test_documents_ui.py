"""Printing from the app: the Laporan page (PDF preview, Excel export with progress), the preview
dialog (Save, Print), and the entry points in the resident file, training program and aftercare."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import QDate

from kesos_desktop.settings import WorkstationSettings
from kesos_desktop.ui import print_actions
from kesos_desktop.ui.app_context import AppContext
from kesos_desktop.ui.dialogs import pdf_preview
from kesos_desktop.ui.dialogs.pdf_preview import PdfPreviewDialog
from kesos_desktop.ui.pages.registry import page_spec, visible_pages
from kesos_desktop.ui.pages.reports import ReportsPage
from tests.reports.world import world  # noqa: F401 - the small facility of the document tests


def _capture(monkeypatch) -> list:
    shown = []
    monkeypatch.setattr(PdfPreviewDialog, "show_pdf",
                        classmethod(lambda cls, parent, title, pdf, name: shown.append((title, pdf, name))))
    return shown


def _text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def test_reports_page_is_registered_before_admin(admin):
    keys = [spec.key for spec in visible_pages(admin)]
    assert keys.index("reports") == keys.index("admin") - 1
    assert page_spec("reports").title == "Reports"


def test_monthly_pdf_preview_and_excel_export(qtbot, db, admin, tmp_path, monkeypatch):
    shown = _capture(monkeypatch)
    page = ReportsPage(AppContext(db, admin, WorkstationSettings()))
    qtbot.addWidget(page)
    page.month.setDate(QDate(2026, 10, 1))
    page.preview_monthly()
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    title, pdf, name = shown[0]
    assert name == "laporan-bulanan-2026-10.pdf" and "Oktober 2026" in _text(pdf)
    target = tmp_path / "statistik.xlsx"
    monkeypatch.setattr(ReportsPage, "ask_export_path", staticmethod(lambda parent, suggested: str(target)))
    page.export_monthly()
    qtbot.waitUntil(lambda: page.last_export is not None, timeout=20000)
    assert target.exists() and load_workbook(target, read_only=True).sheetnames


def test_preview_dialog_saves_and_prints(qtbot, tmp_path, monkeypatch):
    from kesos_desktop.domain.dto import FacilityProfileDTO
    from kesos_desktop.reports.style import DocumentMeta, build_pdf, para

    pdf = build_pdf(DocumentMeta("Uji", FacilityProfileDTO(name="Panti Fiktif"), "admin"),
                    lambda styles, width: [para("Isi", styles.body)])
    dialog = PdfPreviewDialog("Uji", pdf, "uji.pdf")
    qtbot.addWidget(dialog)
    monkeypatch.setattr(PdfPreviewDialog, "ask_save_path", staticmethod(lambda parent, name: str(tmp_path / "hasil")))
    assert dialog.save() == tmp_path / "hasil.pdf"
    assert (tmp_path / "hasil.pdf").read_bytes() == pdf
    monkeypatch.setattr(PdfPreviewDialog, "ask_save_path", staticmethod(lambda parent, name: ""))
    assert dialog.save() is None  # cancelled
    if pdf_preview.has_qtpdf():
        from PySide6.QtPrintSupport import QPrinter

        printer = QPrinter()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / "cetak.pdf"))
        monkeypatch.setattr(PdfPreviewDialog, "ask_printer", staticmethod(lambda parent: printer))
        assert dialog.print_pdf() == 1
    else:
        opened = []
        monkeypatch.setattr(pdf_preview.QDesktopServices, "openUrl", lambda url: opened.append(url))
        dialog.print_pdf()  # no QtPdf: the system viewer prints
        assert opened and opened[0].toLocalFile().endswith(".pdf")


def test_entry_points(qtbot, db, staff, counselor, world, monkeypatch):  # noqa: F811
    shown = _capture(monkeypatch)
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    staff_ctx = AppContext(db, staff, WorkstationSettings())
    print_actions.print_case_file(parent, staff_ctx, world.resident, world.reg_no)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=20000)
    assert "BERKAS PENERIMA MANFAAT" in _text(shown[0][1]) and "KANARI" not in _text(shown[0][1])
    # a counselor is asked whether to include the notes
    monkeypatch.setattr(print_actions.CaseFileOptions, "ask", classmethod(lambda cls, parent: True))
    print_actions.print_case_file(parent, AppContext(db, counselor, WorkstationSettings()), world.resident)
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=20000)
    assert "KANARI isi catatan" in _text(shown[1][1])
    print_actions.print_attendance_sheet(parent, staff_ctx, world.training_session)
    print_actions.print_certificate(parent, staff_ctx, world.enrollments["Ani"], world.certificate_no)
    print_actions.print_handover(parent, staff_ctx, world.left_stay, "x")
    monkeypatch.setattr(print_actions.MonthPicker, "ask", classmethod(lambda cls, parent, title: (2026, 11)))
    print_actions.print_attendance_recap(parent, staff_ctx, world.program, "Menjahit Dasar")
    qtbot.waitUntil(lambda: len(shown) == 6, timeout=30000)
    titles = sorted(t for t, _pdf, _name in shown[2:])
    assert titles == sorted(["Daftar Hadir", "Sertifikat Pelatihan", "Berita Acara Serah Terima",
                             "Rekapitulasi Kehadiran Bulanan"])


def test_resident_file_has_a_print_button(qtbot, db, staff, world, monkeypatch):  # noqa: F811
    from kesos_desktop.ui.dialogs.resident_file import ResidentFileDialog

    calls = []
    monkeypatch.setattr(print_actions, "print_case_file", lambda *args: calls.append(args))
    dialog = ResidentFileDialog(AppContext(db, staff, WorkstationSettings()), world.resident)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.file is not None, timeout=20000)  # loaded before the database goes
    dialog.print_button.click()
    assert calls and calls[0][2] == world.resident


def test_cancelled_export_says_so_and_writes_nothing(qtbot, db, admin, tmp_path, monkeypatch):
    from kesos_desktop.excel import exports
    from kesos_desktop.excel.writer import ExportCancelled

    def cancelled_export(db, actor, year, month, path, progress=None, cancelled=None, today=None):
        raise ExportCancelled()

    monkeypatch.setattr(exports, "export_monthly", cancelled_export)
    ctx = AppContext(db, admin, WorkstationSettings())
    messages = []
    ctx.status_message.connect(messages.append)
    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    target = tmp_path / "batal.xlsx"
    monkeypatch.setattr(ReportsPage, "ask_export_path", staticmethod(lambda parent, suggested: str(target)))
    page.export_monthly()
    qtbot.waitUntil(lambda: bool(messages), timeout=20000)
    assert "dibatalkan" in messages[0] and not target.exists() and page.last_export is None


def test_a_pdf_opened_in_another_program_lives_in_the_private_folder(qtbot, monkeypatch, tmp_path):
    """Never in the shared temp folder: a case file, or the recovery sheet with its passphrase,
    must not outlive the session."""
    import tempfile

    from kesos_desktop.domain.dto import FacilityProfileDTO
    from kesos_desktop.reports.style import DocumentMeta, build_pdf, para
    from kesos_desktop.services import file_store

    system_temp = tmp_path / "systemp"
    system_temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    file_store.clear_private_copies()
    opened = []
    monkeypatch.setattr(pdf_preview.QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    pdf = build_pdf(DocumentMeta("Uji", FacilityProfileDTO(name="Panti Fiktif"), "admin"),
                    lambda styles, width: [para("Frasa sandi fiktif", styles.body)])
    dialog = PdfPreviewDialog("Uji", pdf, "uji.pdf")
    qtbot.addWidget(dialog)
    copy = dialog.open_external()
    assert copy.read_bytes() == pdf and len(opened) == 1
    assert copy.is_relative_to(file_store.private_root())
    file_store.clear_private_copies()  # as at exit
    assert not copy.exists()
