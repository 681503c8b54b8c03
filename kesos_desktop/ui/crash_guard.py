"""Errors that escape a slot reach the user as a message, not only as a line on a console.

PySide prints an exception raised inside a slot to stderr and carries on; staff never see the
console, so they would click again and wonder. The hook logs the traceback (kesos.log) and shows
the same plain message as every other error; the application keeps running.
"""

from __future__ import annotations

import logging
import sys
import threading
from types import TracebackType

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from kesos_desktop.ui.widgets.messages import Messages, error_text

log = logging.getLogger(__name__)
_showing = threading.Lock()  # one message at a time; an error inside the message box is only logged


def report(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, trace)
        return
    log.error("error outside any handler", exc_info=(kind, error, trace))
    app = QApplication.instance()
    if app is None or QThread.currentThread() is not app.thread():
        return  # a dialog may only be shown from the GUI thread
    if not _showing.acquire(blocking=False):
        return
    try:
        Messages.error(app.activeWindow(), error_text(error))
    finally:
        _showing.release()


def install() -> None:
    sys.excepthook = report
