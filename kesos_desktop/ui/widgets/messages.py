"""Messages to the user: plain-language errors and confirmations, patchable in tests."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from kesos_desktop.domain.errors import ConflictError, KesosError
from kesos_desktop.i18n import _

log = logging.getLogger(__name__)


def error_text(error: BaseException) -> str:
    """What to tell staff about ``error``: our own messages as they are, anything else generic."""
    if isinstance(error, KesosError):
        return str(error)
    log.error("unexpected error", exc_info=error)
    return _("Something unexpected went wrong: {error}. Nothing was saved. Details are in the log.").format(
        error=type(error).__name__
    )


class Messages:
    """Every modal message goes through here so tests can replace the answers."""

    @staticmethod
    def error(parent: QWidget | None, text: str, title: str | None = None) -> None:
        QMessageBox.critical(parent, title or _("Error"), text)

    @staticmethod
    def info(parent: QWidget | None, text: str, title: str | None = None) -> None:
        QMessageBox.information(parent, title or _("Information"), text)

    @staticmethod
    def confirm(parent: QWidget | None, text: str, title: str | None = None) -> bool:
        answer = QMessageBox.question(
            parent,
            title or _("Confirm"),
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes


def show_error(parent: QWidget | None, error: BaseException) -> None:
    title = _("Changed by someone else") if isinstance(error, ConflictError) else None
    Messages.error(parent, error_text(error), title)
