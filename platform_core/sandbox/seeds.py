"""Seeding: one function per record kind, used by the control API, the seed file and the test fixture.

A seed file (seeds/demo.json) holds {"apps":[{slug, app_id, app_secret, oa_secret_key, permissions?,
"oa":{oa_id, name, oa_type, ...}, "users":[{user_id, display_name, phone, ...}]}], "templates":[...],
"settings":{...}}. `webhook_url` defaults to <public base url>/zalo/webhook/<slug>, the product's route.
"""

import dataclasses
import json
import secrets
from pathlib import Path

from platform_core.sandbox.clock import parse_when
from platform_core.sandbox.state import OA, App, SandboxState, Settings, Template, User, new_id

SEEDS_DIR = Path(__file__).parent / "seeds"


def _known(cls, data: dict) -> dict:
    names = {f.name for f in dataclasses.fields(cls)}
    return {key: value for key, value in data.items() if key in names}


def seed_app(state: SandboxState, data: dict, public_base_url: str = "") -> App:
    """An app and its OA; missing ids and secrets are generated. Returns the app (credentials included)."""
    slug = data.get("slug", "")
    oa_data = dict(data.get("oa") or {})
    oa_id = str(data.get("oa_id") or oa_data.get("oa_id") or new_id(18))
    oa_data.setdefault("name", data.get("oa_name") or f"OA {slug or oa_id}")
    state.add_oa(**_known(OA, {**oa_data, "oa_id": oa_id}))
    webhook_url = data.get("webhook_url")
    if webhook_url is None and slug and public_base_url:
        webhook_url = f"{public_base_url.rstrip('/')}/zalo/webhook/{slug}"
    fields = {**_known(App, data), "oa_id": oa_id, "webhook_url": webhook_url or ""}
    fields["app_id"] = str(data.get("app_id") or new_id(19))
    fields.setdefault("app_secret", secrets.token_urlsafe(15))
    fields.setdefault("oa_secret_key", secrets.token_urlsafe(15))
    app = state.add_app(**fields)
    for user in data.get("users", []):
        seed_user(state, {**user, "oa_id": oa_id})
    return app


def seed_user(state: SandboxState, data: dict) -> User:
    """A citizen of one OA. `oa_id` or `app_id` names the OA; `last_interaction` may be ms, ISO or
    'now' / a negative number of seconds relative to the sandbox clock."""
    data = dict(data)
    if not data.get("oa_id") and data.get("app_id") in state.apps:
        data["oa_id"] = state.apps[data["app_id"]].oa_id
    if data.get("oa_id") not in state.oas:
        raise ValueError("unknown oa_id / app_id")
    data.setdefault("user_id", new_id(19))
    data.setdefault("display_name", "Người dùng Zalo")
    if "last_interaction" in data:
        data["last_interaction_ms"] = _relative_time(state, data["last_interaction"])
    return state.add_user(**_known(User, data))


def seed_users(state: SandboxState, data: dict) -> list[str]:
    """`count` citizens of one OA sharing the other fields (a broadcast's audience); returns their user ids.
    Display names are numbered; user ids are generated unless `user_ids` lists them."""
    data = dict(data)
    count = int(data.pop("count"))
    user_ids = list(data.pop("user_ids", None) or [new_id(19) for _ in range(count)])
    name = data.pop("display_name", "Người dùng Zalo")
    return [seed_user(state, {**data, "user_id": user_id, "display_name": f"{name} {number + 1}"}).user_id
            for number, user_id in enumerate(user_ids[:count])]


def _relative_time(state: SandboxState, value):
    if value is None:
        return None
    if value == "now":
        return state.clock.now_ms()
    if isinstance(value, int | float) and value <= 0:
        return state.clock.now_ms() + int(value * 1000)
    return parse_when(value)


def seed_template(state: SandboxState, data: dict) -> Template:
    data = dict(data)
    data.setdefault("template_id", str(secrets.randbelow(900000) + 100000))
    data.setdefault("template_name", f"Mẫu {data['template_id']}")
    if "listParams" in data:
        data["list_params"] = data.pop("listParams")
    if "templateTag" in data:
        data["template_tag"] = data.pop("templateTag")
    if "listButtons" in data:
        data["buttons"] = data.pop("listButtons")
    data["template_id"] = str(data["template_id"])
    return state.add_template(**_known(Template, data))


def apply_settings(state: SandboxState, data: dict) -> Settings:
    unknown = set(data) - {f.name for f in dataclasses.fields(Settings)}
    if unknown:
        raise ValueError(f"unknown settings: {sorted(unknown)}")
    with state.lock:
        for key, value in data.items():
            setattr(state.settings, key, value)
    return state.settings


def load_seed(state: SandboxState, data: dict, public_base_url: str = "") -> None:
    apply_settings(state, data.get("settings", {}))
    for app in data.get("apps", []):
        seed_app(state, app, public_base_url)
    for template in data.get("templates", []):
        seed_template(state, template)


def load_seed_file(state: SandboxState, path: str | Path, public_base_url: str = "") -> None:
    path = Path(path)
    if not path.exists() and (SEEDS_DIR / f"{path}.json").exists():
        path = SEEDS_DIR / f"{path}.json"  # `--seed demo`
    load_seed(state, json.loads(path.read_text(encoding="utf-8")), public_base_url)
