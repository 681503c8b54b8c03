"""Background work, in the style of Anki's QueryOp: the GUI thread never waits on slow work.

    run_in_background(services.x.load, db, actor).on_success(self.show).on_failure(
        self.show_error).start()

The worker function gets no Qt objects; its result comes back to the GUI thread by signal.
For long jobs, ``with_progress(parent, label)`` shows a progress dialog with a Cancel button;
the function then receives a ``progress`` keyword (a :class:`Progress`) to report and to check
``progress.cancelled``. Callbacks aimed at a widget that was deleted meanwhile are dropped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget
from shiboken6 import isValid

from kesos_desktop.i18n import _

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised by worker functions (via Progress.check) when the user pressed Cancel."""


class Progress:
    """Handed to a worker function: thread-safe progress reports and the cancel flag."""

    def __init__(self, emit: Callable[[int, int, str], None]):
        self._emit = emit
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def report(self, done: int, total: int, message: str = "") -> None:
        self._emit(done, total, message)


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    progressed = Signal(int, int, str)


class _Runnable(QRunnable):
    def __init__(self, task: BackgroundTask):
        super().__init__()
        self.task = task

    def run(self) -> None:
        task = self.task
        try:
            result = task.fn(*task.args, **task.kwargs)
        except BaseException as exc:  # noqa: BLE001 - every failure must reach the GUI
            if not isinstance(exc, Cancelled):
                log.exception("background task failed")
            task.signals.failed.emit(exc)
        else:
            task.signals.succeeded.emit(result)


_active: set[BackgroundTask] = set()  # keep tasks alive until they finish


class BackgroundTask:
    def __init__(self, fn: Callable[..., Any], *args: Any, **kwargs: Any):
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.signals = _Signals()
        self._on_success: Callable[[Any], None] | None = None
        self._on_failure: Callable[[BaseException], None] | None = None
        self._on_cancel: Callable[[], None] | None = None
        self._owner: QWidget | None = None
        self._dialog: QProgressDialog | None = None
        self.progress: Progress | None = None
        self.done = threading.Event()

    def on_success(self, callback: Callable[[Any], None]) -> BackgroundTask:
        self._on_success = callback
        return self

    def on_failure(self, callback: Callable[[BaseException], None]) -> BackgroundTask:
        self._on_failure = callback
        return self

    def on_cancel(self, callback: Callable[[], None]) -> BackgroundTask:
        self._on_cancel = callback
        return self

    def owned_by(self, widget: QWidget) -> BackgroundTask:
        """Drop the callbacks if ``widget`` is deleted before the work finishes."""
        self._owner = widget
        return self

    def with_progress(self, parent: QWidget, label: str) -> BackgroundTask:
        self.progress = Progress(self.signals.progressed.emit)
        self.kwargs["progress"] = self.progress
        dialog = QProgressDialog(label, _("Cancel"), 0, 0, parent)
        dialog.setWindowTitle(label)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(400)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.progress.cancel)
        self.signals.progressed.connect(self._show_progress)
        self._dialog = dialog
        self._owner = self._owner or parent
        return self

    def _show_progress(self, done: int, total: int, message: str) -> None:
        if self._dialog is not None and isValid(self._dialog):
            self._dialog.setMaximum(max(total, 0))
            self._dialog.setValue(min(done, total) if total else 0)
            if message:
                self._dialog.setLabelText(message)

    def _alive(self) -> bool:
        return self._owner is None or isValid(self._owner)

    def _finish(self) -> None:
        runnable, self._runnable = getattr(self, "_runnable", None), None
        if runnable is not None:
            runnable.task = None  # the worker is done with it: freed here, on the GUI thread
        if self._dialog is not None and isValid(self._dialog):
            self._dialog.close()
            self._dialog.deleteLater()
        _active.discard(self)
        self.done.set()

    def _succeeded(self, result: Any) -> None:
        self._finish()
        if self._on_success and self._alive():
            self._on_success(result)

    def _failed(self, error: BaseException) -> None:
        self._finish()
        if not self._alive():
            return
        if isinstance(error, Cancelled):
            if self._on_cancel:
                self._on_cancel()
            return
        if self._on_failure:
            self._on_failure(error)
        else:
            from kesos_desktop.ui.widgets.messages import show_error

            show_error(self._owner, error)

    def start(self) -> BackgroundTask:
        self.signals.succeeded.connect(self._succeeded, Qt.ConnectionType.QueuedConnection)
        self.signals.failed.connect(self._failed, Qt.ConnectionType.QueuedConnection)
        _active.add(self)
        # Kept (and deleted) from the GUI thread: a QRunnable that the pool auto-deletes in its
        # worker thread takes its Python wrapper down there, which crashed PySide now and then.
        self._runnable = _Runnable(self)
        self._runnable.setAutoDelete(False)
        QThreadPool.globalInstance().start(self._runnable)
        return self


def run_in_background(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> BackgroundTask:
    return BackgroundTask(fn, *args, **kwargs)
