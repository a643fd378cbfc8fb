"""Helpers for the sandbox's Flask pages (the control API and the phone view): the state handle, the JSON body."""

from flask import current_app, request

from platform_core.sandbox.state import SandboxState

RAW_HEADERS_KEY = "zalo_sandbox.raw_headers"  # the header list as sent, in the WSGI environ (wsgi_bridge.py)


def state() -> SandboxState:
    return current_app.extensions["zalo_sandbox"]


def request_json() -> dict:
    """The JSON body, or {} when it is absent or not an object."""
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else {}
