"""Entry point for gunicorn (`gunicorn wsgi:app`) and `flask --app wsgi`."""

from platform_core import create_app

app = create_app()
