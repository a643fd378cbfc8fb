"""A fake Zalo (oauth.zaloapp.com, openapi.zalo.me, business.openapi.zalo.me) for development and tests.

A separate server with in-memory state: it never imports the product's app, models or database.
Run it with `python -m platform_core.sandbox`; see docs/sandbox.md.
"""
