"""Entry point for gunicorn (`gunicorn wsgi:app`) and `flask --app wsgi` (the workers and the pump among them)."""

from platform_core import create_app
from platform_core.heap import settle

app = create_app()
settle()  # the built app's objects out of the garbage collector's way (platform_core/heap.py)
