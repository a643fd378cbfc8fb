"""platform_core/heap.py: a serving process freezes what exists once the app is built and collects young objects
less often; garbage made afterwards is still collected."""

import gc
import weakref

import pytest

from platform_core.heap import YOUNG_THRESHOLD, settle
from tests.new_process import output_of


@pytest.fixture
def restored_collector():
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


class Node:
    def __init__(self):
        self.me = self  # a reference cycle: only the cyclic collector frees it


def test_settle_freezes_the_heap_and_raises_the_young_threshold(restored_collector):
    gc.disable()  # as wsgi.py leaves it while it imports and builds the app
    settle()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 1000  # the test process's modules, at least
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD


def test_garbage_made_after_settling_is_still_collected(restored_collector):
    settle()
    node = Node()
    gone = weakref.ref(node)
    del node
    gc.collect()
    assert gone() is None


def test_the_entry_point_builds_the_app_with_the_collector_paused_then_collects(tmp_path):
    """wsgi.py, in a process of its own: no full collection ran while the app was built and settled, and the
    collector runs again afterwards. (A young collection may run before wsgi.py's first line.)"""
    probe = (
        "import gc; full = []\n"
        "gc.callbacks.append(lambda phase, info: full.append(phase) if info['generation'] == 2 else None)\n"
        "import wsgi; print(full.count('start'), gc.isenabled(), gc.get_freeze_count() > 1000)"
    )
    assert output_of(probe, tmp_path).split() == ["0", "True", "True"]
