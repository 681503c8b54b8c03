"""Benchmark figures for ``make bench``: record one figure in one line.

    from tests.bench.harness import median_ms, record

    record("residents search 'adi' (100k)", median_ms(lambda: search("adi")), "ms",
           baseline="raw sqlite3 FTS5 query", baseline_value=median_ms(raw_query))

Times are in ms, memory in MB. Every figure ends up in the table printed at the end of the run
and in ``bench-results.json`` at the repository root (see tests/bench/conftest.py), with
``ratio = value / baseline_value`` when there is a baseline.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    unit: str
    baseline: str | None = None
    baseline_value: float | None = None

    @property
    def ratio(self) -> float | None:
        if self.baseline_value in (None, 0):
            return None
        return self.value / self.baseline_value

    def as_json(self) -> dict:
        data = asdict(self)
        data["ratio"] = None if self.ratio is None else round(self.ratio, 3)
        return data


RESULTS: list[Figure] = []


def record(name: str, value: float, unit: str = "ms", baseline: str | None = None,
           baseline_value: float | None = None) -> Figure:
    """Keep one figure for the end-of-run table and bench-results.json; returns it."""
    figure = Figure(name, round(float(value), 3), unit, baseline,
                    None if baseline_value is None else round(float(baseline_value), 3))
    RESULTS.append(figure)
    ratio = f"  (x{figure.ratio:.2f} of {baseline})" if figure.ratio is not None else ""
    print(f"\n[bench] {name}: {figure.value:g} {unit}{ratio}", flush=True)
    return figure


# ------------------------------------------------------------------------- measuring


def timed_ms(fn: Callable[[], object]) -> tuple[float, object]:
    """(milliseconds, result) of one call."""
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def median_ms(fn: Callable[[], object], runs: int = 5, warmup: int = 1) -> float:
    """Median wall time of ``runs`` calls after ``warmup`` untimed ones."""
    for _ in range(warmup):
        fn()
    return statistics.median(timed_ms(fn)[0] for _ in range(runs))


def rss_mb() -> float:
    """Resident memory of this process now."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident memory of this process (or of its finished children), Linux units."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024


def process_times(command: Sequence[str], env: dict[str, str] | None = None,
                  cwd: str | Path | None = None, timeout: float = 300) -> tuple[float, float]:
    """(wall ms, CPU ms) of a whole subprocess, from spawn to exit; fails loudly if it fails.

    The CPU time (user + system of the child and its children) hardly changes when other
    programs load the machine, so it is a steadier companion to the wall time.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    elapsed = (time.perf_counter() - start) * 1000
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise AssertionError(
            f"{' '.join(command)} exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
        )
    cpu = (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000
    return elapsed, cpu


def process_ms(command: Sequence[str], env: dict[str, str] | None = None, cwd: str | Path | None = None,
               timeout: float = 300) -> float:
    """Wall time of a whole subprocess, from spawn to exit."""
    return process_times(command, env, cwd, timeout)[0]


def python() -> str:
    return sys.executable


# --------------------------------------------------------------------------- output


def table(figures: Sequence[Figure] | None = None) -> str:
    figures = RESULTS if figures is None else figures
    if not figures:
        return "no benchmark figures recorded"
    rows = [("benchmark", "value", "unit", "baseline", "ratio")]
    for f in figures:
        baseline = "" if f.baseline is None else f"{f.baseline} = {f.baseline_value:g}"
        rows.append((f.name, f"{f.value:g}", f.unit, baseline, "" if f.ratio is None else f"{f.ratio:.2f}"))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def write_json(path: Path, figures: Sequence[Figure] | None = None) -> None:
    figures = RESULTS if figures is None else figures
    path.write_text(json.dumps([f.as_json() for f in figures], indent=2, ensure_ascii=False) + "\n",
                    encoding="utf-8")
