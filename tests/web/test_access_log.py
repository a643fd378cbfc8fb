"""The access log holds no personal data (issue 12 item 10): the app served by gunicorn with the settings
every command uses (platform_core/web/gunicorn_config.py, as `make run` and the image start it), asked for a
citizen by phone and a dossier by name (an empty database: no such province, which the log records
all the same), logs the paths and statuses but neither the phone nor the name, from
the query string or the Referer."""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from platform_core.jobs.embedded_redis import free_port
from tests.conftest import TEST_ENCRYPTION_KEY
from tests.migrated_sqlite import migrated_sqlite

REPO_ROOT = Path(__file__).resolve().parents[2]
PHONE, NAME = "0912345678", "Nguyễn Thị Thu"
CITIZEN_LOOKUP = "/bac-ninh/admin/citizens/citizen"
DOSSIER_SEARCH = "/bac-ninh/admin/dossiers/"
GUNICORN_ARGV = [sys.executable, "-m", "gunicorn", "wsgi:app", "--workers", "1", "--access-logfile", "-",
                 "--config", "python:platform_core.web.gunicorn_config", "--no-control-socket"]


@pytest.fixture
def served(tmp_path, redis_url):
    """(base URL, access log path): gunicorn serving the app on a free loopback port."""
    port, log = free_port(), tmp_path / "access.log"
    env = os.environ | {"DATABASE_URL": migrated_sqlite(tmp_path / "db.sqlite3"), "REDIS_URL": redis_url,
                        "SECRET_KEY": "test-secret-key", "ENCRYPTION_KEYS": TEST_ENCRYPTION_KEY,
                        "MOTCUA_INSTANCE_PATH": str(tmp_path / "instance")}
    with open(log, "wb") as output:
        process = subprocess.Popen([*GUNICORN_ARGV, "--bind", f"127.0.0.1:{port}"], cwd=REPO_ROOT, env=env,  # noqa: S603
                                   stdout=output, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        yield base, log
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_up(base: str, process, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn exited"
        try:
            httpx.get(f"{base}/healthz", timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail("gunicorn did not answer within 30 s")


def _access_lines(log: Path, expected: int, timeout: float = 10) -> list[str]:
    """The log's lines of requests other than /healthz once it holds `expected` of them (gunicorn writes them
    after answering; a /healthz that timed out while the server started is logged too, so they are not counted)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lines = [line for line in log.read_text(encoding="utf-8").splitlines()
                 if '"GET ' in line and '"GET /healthz ' not in line]
        if len(lines) >= expected:
            return lines
        time.sleep(0.05)
    pytest.fail(f"the access log has fewer than {expected} requests: {log.read_text(encoding='utf-8')}")


def test_lookups_by_phone_and_name_leave_neither_in_the_access_log(served):
    base, log = served
    lookup = f"{base}{CITIZEN_LOOKUP}?{urlencode({'phone': PHONE})}"
    search = f"{base}{DOSSIER_SEARCH}?{urlencode({'q': NAME})}"
    with httpx.Client(follow_redirects=False, timeout=10) as client:
        statuses = [client.get(lookup).status_code, client.get(search, headers={"Referer": lookup}).status_code]

    lines = _access_lines(log, expected=2)  # the two lookups
    text = "\n".join(lines)
    assert f'"GET {CITIZEN_LOOKUP} HTTP/1.1" {statuses[0]}' in text
    assert f'"GET {DOSSIER_SEARCH} HTTP/1.1" {statuses[1]}' in text
    for personal in (PHONE, NAME, urlencode({"q": NAME}), "phone="):
        assert personal not in text
