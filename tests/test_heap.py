"""platform_core/heap.py: a serving process freezes what exists once the app is built and collects young objects
less often; garbage made afterwards is still collected."""

import gc
import weakref

import pytest

from platform_core.heap import YOUNG_THRESHOLD, settle


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
    settle()
    assert gc.get_freeze_count() > 1000  # the test process's modules, at least
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD


def test_garbage_made_after_settling_is_still_collected(restored_collector):
    settle()
    node = Node()
    gone = weakref.ref(node)
    del node
    gc.collect()
    assert gone() is None
