"""Apps kept across restarts: what `make run` creates for a province onboarded while it runs (docs/sandbox.md,
"Apps that survive a restart").

The demo provinces survive a restart because their apps are a seed file (seeds/demo.json) loaded at every
start, and `make run` mints fresh tokens for them once the sandbox answers. A kept app takes the same road:
`POST /_fake/apps` with `"keep": true` writes the app, its OA and the citizens it was created with to the keep
file (`--keep FILE`), in the seed format, and the next start loads that file after `--seed`. Tokens, messages
and citizens added later are not kept, as for the demo seed.
"""

import json
import os
from pathlib import Path

from platform_core.sandbox.seeds import load_seed
from platform_core.sandbox.state import App, SandboxState, as_dict


def load(state: SandboxState, path: Path, public_base_url: str = "") -> None:
    """Keep apps in `path` from now on, and load the ones it holds (none when it does not exist yet)."""
    state.keep_path = Path(path)
    if state.keep_path.exists():
        load_seed(state, json.loads(state.keep_path.read_text(encoding="utf-8")), public_base_url)


def keep(state: SandboxState, app: App) -> bool:
    """Write `app` to the keep file, replacing an app kept before for the same province (one OA each);
    False when this sandbox keeps nothing (started without --keep)."""
    if state.keep_path is None:
        return False
    with state.lock:
        kept = _read(state.keep_path)
        kept["apps"] = [entry for entry in kept["apps"]
                        if entry.get("app_id") != app.app_id and not (app.slug and entry.get("slug") == app.slug)]
        kept["apps"].append({**as_dict(app), "oa": as_dict(state.oas[app.oa_id]),
                             "users": [as_dict(user) for user in state.users_of(app.oa_id)]})
        _write(state.keep_path, kept)
    return True


def _read(path: Path) -> dict:
    if not path.exists():
        return {"apps": []}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {**data, "apps": list(data.get("apps", []))}


def _write(path: Path, data: dict) -> None:
    """Atomically: a sandbox stopped while writing leaves the previous file, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, path)
