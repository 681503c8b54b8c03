"""Pratinjau: a generated PDF shown before it is saved or printed.

``PdfPreviewDialog.show_pdf(parent, title, pdf_bytes, suggested_name)`` opens the preview;
``print_document(parent, ctx, title, build, *args, suggested_name=...)`` builds a document in the
background (progress dialog, the GUI never waits) and then opens the preview.

The pages are shown with QtPdf (``QPdfDocument`` + ``QPdfView``) and printed by rendering each
page with ``QPdfDocument.render`` onto a ``QPrinter``. Some PySide6 wheels ship without QtPdf
(6.12 on Linux has no ``PySide6.QtPdf``): then the dialog still saves, and offers to open the
file in the system's PDF viewer (which can print it), instead of showing the pages itself.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kesos_desktop.i18n import _
from kesos_desktop.ui.tasks import run_in_background
from kesos_desktop.ui.widgets.messages import Messages, show_error

log = logging.getLogger(__name__)

try:  # QtPdf is an optional part of some PySide6 builds
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPdfWidgets import QPdfView
except ImportError:  # pragma: no cover - depends on the wheel
    QPdfDocument = None  # type: ignore[assignment,misc]
    QPdfView = None  # type: ignore[assignment,misc]


def has_qtpdf() -> bool:
    return QPdfDocument is not None


class PdfPreviewDialog(QDialog):
    def __init__(self, title: str, pdf: bytes, suggested_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Preview: {title}").format(title=title))
        self.pdf = pdf
        self.suggested_name = suggested_name
        self.saved_to: Path | None = None
        layout = QVBoxLayout(self)
        self.document = None
        if has_qtpdf():
            self._buffer = QBuffer(self)
            self._buffer.setData(QByteArray(pdf))
            self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
            self.document = QPdfDocument(self)
            self.document.load(self._buffer)
            view = QPdfView(self)
            view.setPageMode(QPdfView.PageMode.MultiPage)
            view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
            view.setDocument(self.document)
            layout.addWidget(view, 1)
        else:
            note = QLabel(_("The document is ready ({size} KB). This installation cannot show PDF pages "
                            "itself: save it, or open it in your PDF viewer to read and print it.").format(
                size=max(1, len(pdf) // 1024)))
            note.setWordWrap(True)
            layout.addWidget(note, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.save_button = QPushButton(_("Save…"), self)
        self.print_button = QPushButton(_("Print…"))  # parented only when added (QtPdf present)
        self.open_button = QPushButton(_("Open in PDF viewer"), self)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        if has_qtpdf():
            buttons.addButton(self.print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.save_button.clicked.connect(self.save)
        self.print_button.clicked.connect(self.print_pdf)
        self.open_button.clicked.connect(self.open_external)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        QShortcut(QKeySequence.StandardKey.Print, self, activated=self.print_pdf)
        self.resize(820, 900)

    # ------------------------------------------------------------------ actions

    @staticmethod
    def ask_save_path(parent: QWidget, suggested_name: str) -> str:
        """Patchable in tests."""
        path, _filter = QFileDialog.getSaveFileName(parent, _("Save PDF"), suggested_name,
                                                    _("PDF documents (*.pdf)"))
        return path

    def save(self) -> Path | None:
        path = self.ask_save_path(self, self.suggested_name)
        if not path:
            return None
        target = Path(path)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        try:
            partial = target.with_name(target.name + ".partial")
            partial.write_bytes(self.pdf)
            partial.replace(target)
        except OSError as error:
            Messages.error(self, _("The file could not be saved: {error}").format(error=error.strerror or error))
            return None
        self.saved_to = target
        return target

    @staticmethod
    def ask_printer(parent: QWidget):
        """A configured QPrinter, or None when cancelled (patchable in tests)."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, parent)
        return printer if dialog.exec() == QDialog.DialogCode.Accepted else None

    def print_pdf(self) -> int:
        """Render every page onto the printer; returns the pages printed."""
        if self.document is None:
            self.open_external()
            return 0
        printer = self.ask_printer(self)
        if printer is None:
            return 0
        return render_to_printer(self.document, printer)

    def open_external(self) -> Path:
        """Hand a copy to the system's PDF viewer. The copy goes to this process's private
        folder (readable by this user only, removed at exit), never to the shared temp folder:
        a case file or the recovery sheet with its passphrase must not outlive the session."""
        from kesos_desktop.services import file_store

        handle = tempfile.NamedTemporaryFile(prefix="kesos-", suffix=".pdf", delete=False,
                                             dir=file_store.private_root())
        with handle:
            handle.write(self.pdf)
        QDesktopServices.openUrl(QUrl.fromLocalFile(handle.name))
        return Path(handle.name)

    # ------------------------------------------------------------------ entry point

    @classmethod
    def show_pdf(cls, parent: QWidget | None, title: str, pdf_bytes: bytes, suggested_name: str) -> None:
        dialog = cls(title, pdf_bytes, suggested_name, parent)
        dialog.exec()


def render_to_printer(document, printer) -> int:
    from PySide6.QtGui import QPainter

    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        target = printer.pageLayout().paintRectPixels(printer.resolution())
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            size = document.pagePointSize(page)
            scale = min(target.width() / max(1.0, size.width()), target.height() / max(1.0, size.height()))
            image = document.render(page, (size * scale).toSize())
            painter.drawImage(0, 0, image)
        return document.pageCount()
    finally:
        painter.end()


def print_document(parent: QWidget, title: str, build: Callable[..., bytes], *args,
                   suggested_name: str = "dokumen.pdf", **kwargs) -> None:
    """Build a PDF in the background (with progress), then show the preview."""

    def work(*a, progress=None, **kw) -> bytes:
        if progress is not None:
            progress.report(0, 0, _("Preparing {title}…").format(title=title))
        pdf = build(*a, **kw)
        if progress is not None:
            progress.check()
        return pdf

    (run_in_background(work, *args, **kwargs)
     .with_progress(parent, _("Preparing {title}…").format(title=title))
     .on_success(lambda pdf: PdfPreviewDialog.show_pdf(parent, title, pdf, suggested_name))
     .on_failure(lambda error: show_error(parent, error))
     .start())


def safe_file_name(text: str) -> str:
    """A file name from a title or number: letters, digits, dashes."""
    cleaned = "".join(c if c.isalnum() else "-" for c in text).strip("-")
    while "--" in cleaned:
        cleaned = cleaned.replace("--", "-")
    return (cleaned or "dokumen")[:80]
