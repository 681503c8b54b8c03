import gc

from kesos_desktop.ui import gc_guard


class _Node:
    def __init__(self):
        self.other = self  # a reference cycle: only the cyclic collector frees it


def test_collector_turns_automatic_collection_off_and_back_on(qapp):
    collector = gc_guard.GuiThreadCollector()
    try:
        assert not gc.isenabled()
    finally:
        collector.stop()
    assert gc.isenabled()
    gc.disable()  # the test session keeps automatic collection off (conftest)


def test_collect_if_due_frees_cycles_once_a_threshold_is_crossed():
    gc.collect()
    assert gc_guard.collect_if_due() == 0  # nothing pending: nothing collected
    for _ in range(gc.get_threshold()[0] + 10):
        _Node()
    assert gc_guard.collect_if_due() > 0


def test_full_collections_are_spaced_in_time(monkeypatch):
    full = []
    real_collect = gc.collect
    monkeypatch.setattr(gc, "collect", lambda generation=2: full.append(generation) or real_collect(0))
    monkeypatch.setattr(gc, "get_count", lambda: (0, 0, 11))  # generation 2 over its threshold
    monkeypatch.setattr(gc_guard, "_last_full", [float("-inf")])
    gc_guard.collect_if_due()
    gc_guard.collect_if_due()  # right after: no second full collection
    assert full == [2]
    gc_guard._last_full[0] -= gc_guard.FULL_COLLECTION_GAP_S
    gc_guard.collect_if_due()
    assert full == [2, 2]
