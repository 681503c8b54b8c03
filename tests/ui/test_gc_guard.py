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
