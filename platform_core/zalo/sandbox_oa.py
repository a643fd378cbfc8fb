"""Development only: an OA in the Zalo sandbox for a province set up while `make run` runs (docs/sandbox.md,
"Apps that survive a restart").

`make run` sets ZALO_SANDBOX_URL, the sandbox's own address; without it, or in production, `enabled()` is False
and nothing here is offered. `provide_app` asks the sandbox's control API for the province's app: the one it
already has for the slug (a demo province, or one kept from an earlier click), else a new government OA with
the administrator as its one follower, created with `keep` so that it survives a restart of the sandbox. The
caller stores the app's credentials and connects through the OAuth flow, exactly as for a real OA (the
sandbox's permission page grants at once).
"""

import httpx
from flask import current_app

TIMEOUT_SECONDS = 10


class SandboxUnreachable(Exception):
    """The sandbox did not answer, or refused the request."""


def enabled() -> bool:
    config = current_app.config
    return bool(config.get("ZALO_SANDBOX_URL")) and not config["PRODUCTION"]


def base_url() -> str:
    return current_app.config["ZALO_SANDBOX_URL"].rstrip("/")


def phone_view_url(oa_id: str) -> str:
    """The sandbox's phone view, at the OA's citizens (the administrator's phone among them)."""
    return f"{base_url()}/#oa-{oa_id}"


def provide_app(slug: str, oa_name: str, admin_name: str) -> dict:
    """The sandbox app of province `slug`: {app_id, app_secret, oa_id, oa_secret_key, ...}."""
    if not enabled():
        raise RuntimeError("the Zalo sandbox is not enabled (ZALO_SANDBOX_URL, never in production)")
    try:
        with httpx.Client(base_url=base_url(), timeout=TIMEOUT_SECONDS) as http:
            existing = next((app for app in _json(http.get("/_fake/apps")) if app.get("slug") == slug), None)
            return existing or _json(http.post("/_fake/apps", json=_new_app(slug, oa_name, admin_name)))
    except httpx.HTTPError as error:
        raise SandboxUnreachable(str(error)) from error


def _new_app(slug: str, oa_name: str, admin_name: str) -> dict:
    return {
        "slug": slug, "keep": True, "public_base_url": current_app.config["PUBLIC_BASE_URL"],
        "oa": {"name": oa_name, "oa_type": 4, "is_verified": True},  # a government agency's OA
        "users": [{"display_name": admin_name, "is_follower": True, "last_interaction": "now"}],
    }


def _json(response: httpx.Response):
    response.raise_for_status()
    return response.json()
