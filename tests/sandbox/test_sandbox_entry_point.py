"""`python -m platform_core.sandbox --seed demo`: the three demo provinces, and the URLs it prints."""

import socket
import subprocess
import sys
from contextlib import contextmanager

import httpx

from platform_core.sandbox.seeds import load_seed_file
from platform_core.sandbox.state import SandboxState


def test_demo_seed_has_three_government_oas_with_separate_namespaces():
    state = SandboxState()
    load_seed_file(state, "demo", "http://127.0.0.1:5000")
    names = {app.slug: state.oas[app.oa_id].name for app in state.apps.values()}
    assert names == {"bac-ninh": "Trung tâm PVHCC tỉnh Bắc Ninh", "da-nang": "Trung tâm PVHCC TP Đà Nẵng",
                     "an-giang": "Trung tâm PVHCC tỉnh An Giang"}
    apps = list(state.apps.values())
    for credential in ("app_id", "app_secret", "oa_secret_key", "oa_id"):
        assert len({getattr(a, credential) for a in apps}) == 3
    assert {a.webhook_url for a in apps} == {f"http://127.0.0.1:5000/zalo/webhook/{s}" for s in names}
    assert all(oa.oa_type == 4 for oa in state.oas.values())
    same_phone = [u for u in state.users.values() if u.phone == "84912345678"]
    assert len(same_phone) == 3 and len({u.user_id for u in same_phone}) == 3
    assert all(3 <= len(state.users_of(a.oa_id)) <= 4 for a in apps)
    assert any(t.status == "ENABLE" for t in state.templates.values())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def sandbox_process(*options: str):
    """`python -m platform_core.sandbox` on a free port: (its output, its base URL) until the block ends."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "platform_core.sandbox", "--port", str(port), *options],
                               stdout=subprocess.PIPE, text=True)
    try:
        yield process.stdout, f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_entry_point_prints_the_three_base_urls_and_serves_the_seed():
    with sandbox_process("--seed", "demo", "--public-base-url", "http://127.0.0.1:5000") as (output, base):
        lines = [output.readline().split() for _ in range(3)]
        assert lines == [["oauth", f"{base}/oauth"], ["openapi", f"{base}/openapi"], ["business", f"{base}/business"]]
        apps = httpx.get(f"{base}/_fake/apps", timeout=5).json()
        tokens = httpx.post(f"{base}/_fake/apps/{apps[0]['app_id']}/tokens", timeout=5).json()
        getoa = httpx.get(f"{base}/openapi/v2.0/oa/getoa", headers={"access_token": tokens["access_token"]}, timeout=5)
        assert getoa.json()["data"]["name"] == "Trung tâm PVHCC tỉnh Bắc Ninh"


def test_latency_option_is_the_latency_of_the_zalo_hosts():
    with sandbox_process("--latency-ms", "40") as (output, base):
        output.readline()  # bound and serving
        assert httpx.get(f"{base}/_fake/settings", timeout=5).json()["latency_ms"] == 40
