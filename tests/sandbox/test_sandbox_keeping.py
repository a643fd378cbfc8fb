"""Apps created with keep=true survive a restart of the sandbox (keeping.py): the next start loads them from the
keep file with the same credentials and citizens, and fresh tokens work for them, as for the demo seed."""

from contextlib import contextmanager

import httpx

from platform_core.sandbox import keeping
from platform_core.sandbox.server import SandboxServer


@contextmanager
def sandbox_keeping(path, port: int = 0):
    """A sandbox started as `--keep path` would start it; stopped when the block ends."""
    server = SandboxServer(port=port)
    keeping.load(server.state, path, "http://127.0.0.1:5000")
    server.start()
    try:
        with httpx.Client(base_url=server.base_url, timeout=5) as http:
            yield http
    finally:
        server.stop()


def create(http, **body) -> dict:
    response = http.post("/_fake/apps", json=body)
    response.raise_for_status()
    return response.json()


def test_a_kept_app_comes_back_after_a_restart_with_its_credentials_and_citizens(tmp_path):
    path = tmp_path / "kept.json"
    with sandbox_keeping(path) as http:
        kept = create(http, slug="ha-noi", oa_name="Trung tâm PVHCC Hà Nội", keep=True,
                      public_base_url="http://127.0.0.1:5000",
                      users=[{"display_name": "Trần Thị Mai", "is_follower": True}])
        passing = create(http, slug="hue")
        assert kept["kept"] is True and passing["kept"] is False
    with sandbox_keeping(path) as http:
        apps = {app["slug"]: app for app in http.get("/_fake/apps").json()}
        assert set(apps) == {"ha-noi"}
        again = apps["ha-noi"]
        for credential in ("app_id", "app_secret", "oa_id", "oa_secret_key", "webhook_url"):
            assert again[credential] == kept[credential]
        assert again["webhook_url"] == "http://127.0.0.1:5000/zalo/webhook/ha-noi"
        citizens = http.get("/_fake/users", params={"oa_id": kept["oa_id"]}).json()
        assert [(c["display_name"], c["is_follower"]) for c in citizens] == [("Trần Thị Mai", True)]
        tokens = http.post(f"/_fake/apps/{kept['app_id']}/tokens").json()
        oa = http.get("/openapi/v2.0/oa/getoa", headers={"access_token": tokens["access_token"]}).json()
        assert (oa["data"]["oa_id"], oa["data"]["name"]) == (kept["oa_id"], "Trung tâm PVHCC Hà Nội")


def test_keeping_another_app_for_the_same_province_replaces_the_first(tmp_path):
    path = tmp_path / "kept.json"
    with sandbox_keeping(path) as http:
        create(http, slug="ha-noi", keep=True)
        second = create(http, slug="ha-noi", keep=True)
        create(http, slug="hue", keep=True)
    with sandbox_keeping(path) as http:
        apps = http.get("/_fake/apps").json()
        assert sorted(app["slug"] for app in apps) == ["ha-noi", "hue"]
        assert next(app for app in apps if app["slug"] == "ha-noi")["app_id"] == second["app_id"]


def test_a_sandbox_without_a_keep_file_keeps_nothing(zalo_sandbox):
    assert zalo_sandbox._call("POST", "/apps", json={"slug": "ha-noi", "keep": True})["kept"] is False
