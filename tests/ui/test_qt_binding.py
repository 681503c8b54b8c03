"""The Qt binding must not leak or drop references: PySide6 6.12.0 on Python 3.11 dropped one
reference to True on every Signal.emit() from Python, and after a few hundred progress reports
the process aborted ("bool_dealloc"). pyproject.toml keeps that version out; this guards it."""

from __future__ import annotations

import sys

from PySide6.QtCore import QEventLoop, QObject, Signal


class _Emitter(QObject):
    progressed = Signal(int, int, str)
    finished = Signal(object)


def test_emitting_signals_keeps_the_reference_counts_of_true_and_none(qapp):
    emitter = _Emitter()
    received = []
    emitter.progressed.connect(lambda done, total, text: received.append(done))
    emitter.finished.connect(received.append)
    true_before, none_before = sys.getrefcount(True), sys.getrefcount(None)
    for n in range(300):
        emitter.progressed.emit(n, 300, "baris")
        emitter.finished.emit(n)
    assert len(received) == 600
    assert abs(sys.getrefcount(True) - true_before) <= 5  # the fault lost 600 here
    assert abs(sys.getrefcount(None) - none_before) < 50  # other objects come and go; no drift


def test_processing_events_with_a_timeout_keeps_true(qapp):
    before = sys.getrefcount(True)
    for _ in range(300):
        qapp.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 1)
    assert abs(sys.getrefcount(True) - before) <= 5  # the fault lost 300 here
