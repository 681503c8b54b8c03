"""Python's cyclic garbage collector runs only on the GUI thread.

Automatic collection starts in whichever thread happens to allocate when a threshold is crossed:
a background task could then free a cycle holding Qt widgets, and destroying a widget outside
the GUI thread crashes Qt (a segfault in the test suite, "Garbage-collecting" inside a worker).
So automatic collection is switched off and the GUI thread collects by itself, generation by
generation, whenever the counts say Python would have.
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QObject, QTimer

CHECK_INTERVAL_MS = 500


FULL_COLLECTION_GAP_S = 60.0  # a full collection of a big heap stalls the window 150-200 ms
_last_full = [float("-inf")]


def collect_if_due() -> int:
    """Collect the oldest generation whose threshold is crossed; must run on the GUI thread.

    Python itself runs a full collection only when many long-lived objects are new; that count
    is not exposed, so full collections are spaced by time instead."""
    thresholds = gc.get_threshold()
    counts = gc.get_count()
    if thresholds[2] and counts[2] > thresholds[2]:
        now = time.monotonic()
        if now - _last_full[0] >= FULL_COLLECTION_GAP_S:
            _last_full[0] = now
            return gc.collect(2)
    for generation in (1, 0):
        if thresholds[generation] and counts[generation] > thresholds[generation]:
            return gc.collect(generation)
    return 0


class GuiThreadCollector(QObject):
    """Switches automatic collection off and collects from a timer on the GUI thread."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(collect_if_due)
        self._timer.start(CHECK_INTERVAL_MS)

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()


def install(app: QObject) -> GuiThreadCollector:
    """Called once with the QApplication; the collector lives as long as the application."""
    return GuiThreadCollector(app)
