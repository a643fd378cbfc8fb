"""Entry point for gunicorn (`gunicorn wsgi:app`) and `flask --app wsgi` (the workers and the pump among them)."""

import gc

gc.disable()  # until settle(): the imports and the app's build make objects that live as long as the process

from platform_core import create_app  # noqa: E402 - after the collector is paused
from platform_core.heap import settle  # noqa: E402

app = create_app()
settle()  # the built app's objects out of the garbage collector's way (platform_core/heap.py)
