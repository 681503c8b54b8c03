"""How long the GUI thread stalls while work runs through ``ui/tasks.run_in_background``.

A 10 ms QTimer ticks on the GUI thread (an offscreen QApplication) while the work runs in the
pool with a progress dialog and the garbage collector runs on the GUI thread, as in the app
(``ui/gc_guard.py``); the figure is the longest time between two ticks (or between the start and the first tick, or the last tick and the end). Goal <= 100 ms:
above that a person sees the window freeze. GIL-heavy work in the worker shows up here.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TICK_MS = 10
GOAL_MS = 100


@dataclass(frozen=True)
class StallRun:
    result: Any
    elapsed_ms: float  # wall time from start to the result on the GUI thread
    cpu_ms: float  # CPU time of the whole process (every thread) meanwhile
    max_gap_ms: float  # longest time the GUI thread did not get to run the timer
    ticks: int
    max_gap_at_ms: float = 0.0  # when that gap ended, from the start
    gaps_over_50ms: int = 0


def run_with_timer(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> StallRun:
    """Run ``fn(*args, progress=..., **kwargs)`` in the background; the GUI thread's stalls."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    from kesos_desktop.ui import gc_guard
    from kesos_desktop.ui.tasks import run_in_background

    app = QApplication.instance()
    assert app is not None, "use pytest-qt's qapp fixture: it creates and tears down the QApplication"
    parent = QWidget()  # owns the progress dialog, as a page does
    loop = QEventLoop()
    outcome: dict[str, Any] = {}
    last = [0.0]
    gaps = [0.0]
    ticks = [0]
    worst = {"at": 0.0, "over_50": 0}

    def tick() -> None:
        now = time.perf_counter()
        gap = now - last[0]
        if gap > gaps[0]:
            gaps[0], worst["at"] = gap, now
        worst["over_50"] += gap > 0.05
        last[0] = now
        ticks[0] += 1

    def finish(key: str, value: Any) -> None:
        outcome[key] = value
        loop.quit()

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    task = (run_in_background(fn, *args, **kwargs).with_progress(parent, "benchmark")
            .on_success(lambda result: finish("result", result))
            .on_failure(lambda error: finish("error", error)))
    was_enabled = gc.isenabled()
    gc.collect()  # the app's collector has been at work since start-up: only the task's garbage counts
    collector = gc_guard.GuiThreadCollector(parent)  # as in the app: collections on this thread
    cpu = time.process_time()
    started = last[0] = time.perf_counter()
    timer.start()
    task.start()
    loop.exec()
    ended = time.perf_counter()
    timer.stop()
    if ended - last[0] > gaps[0]:
        gaps[0], worst["at"] = ended - last[0], ended
    cpu_ms = (time.process_time() - cpu) * 1000
    collector.stop()
    if not was_enabled:
        gc.disable()
    parent.deleteLater()
    app.processEvents()
    if "error" in outcome:
        raise outcome["error"]
    return StallRun(outcome["result"], (ended - started) * 1000, cpu_ms, gaps[0] * 1000, ticks[0],
                    (worst["at"] - started) * 1000, worst["over_50"])


