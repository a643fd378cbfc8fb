"""The processes that serve (gunicorn's workers, `flask worker`, the delivery pump) settle their heap once the app
is built, so that Python's cyclic garbage collector stops walking it again and again.

Why: the collector walks every tracked object of the generations it collects. Once the app is built a process
holds a few hundred thousand long-lived objects (modules, the app, SQLAlchemy's mappers and statement caches),
and the ORM work of a delivery batch allocates enough to set off a full collection every few batches.
`bench/delivery_batch.py` found 42 % of a worker's CPU in the collector, most of it in three full collections
(docs/architecture.md, performance notes). `gc.freeze()` moves what exists now into a permanent generation the
collector skips, and a larger first threshold makes the young collections rarer; garbage made later is collected
as before.

wsgi.py pauses the collector before its imports: collecting while the modules and the app are built only walks
objects that will all survive, and cost `flask worker` about a sixth of its start (0.2-0.3 of 1.5 s of CPU), which
every worker and pump pays at each start. `settle()` then freezes without collecting first: a collection there
walked the whole heap (270,000 objects, 0.13 s) to free about 700, which now stay in the frozen generation.
"""

import gc

YOUNG_THRESHOLD = 20_000  # allocations between young collections (CPython's default: 700)


def settle() -> None:
    """Freeze what exists, make young collections rarer, and collect from now on."""
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
    gc.enable()
