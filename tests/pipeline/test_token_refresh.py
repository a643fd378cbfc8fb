"""Token refresh across processes on the embedded default (SQLite with BEGIN IMMEDIATE, the bundled Redis).

Four `flask zalo send-test` at once after the access token expired: exactly one refresh, four messages.
Before the fix every process held SQLite's write lock (a read in BEGIN IMMEDIATE) while it waited for the
Redis refresh lock, and the lock holder's own write then waited for theirs: all four failed with
"database is locked" and nothing recorded why, so the consoles still said "connected".
"""

import subprocess
from datetime import timedelta

from sqlalchemy import select

from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.zalo.connection import get_connection, shown_status
from platform_core.zalo.constants import STATUS_REFRESH_FAILING, STATUS_TOKEN_EXPIRED
from platform_core.zalo.models import ZaloConnection
from tests.pipeline.stack import FLASK, REPO_ROOT, add_province

SENDERS = 4


def expire_access_token(stack, zalo_sandbox, province) -> None:
    """Zalo no longer takes the token, and our row says it has expired (each sender must refresh first)."""
    zalo_sandbox.revoke(province.app_id, kind="access")
    with stack.app.app_context(), stack.in_tenant(province.slug):
        db.session.scalar(select(ZaloConnection)).access_expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        db.session.remove()


def send_tests_at_once(stack, province, user_id: str, count: int) -> list[subprocess.CompletedProcess]:
    processes = [
        subprocess.Popen(  # noqa: S603
            [FLASK, "--app", "wsgi", "zalo", "send-test", province.slug, "--user-id", user_id, "--text", f"Thử {n}"],
            cwd=REPO_ROOT, env=stack.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in range(count)
    ]
    results = []
    for process in processes:
        out, err = process.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(process.args, process.returncode, out, err))
    return results


def test_concurrent_senders_after_expiry_refresh_exactly_once(stack, zalo_sandbox):
    province = add_province(stack, zalo_sandbox, "bac-ninh", "Bắc Ninh")
    citizen = zalo_sandbox.add_user(province.app_id, display_name="Nguyễn Văn An", last_interaction="now")
    expire_access_token(stack, zalo_sandbox, province)

    results = send_tests_at_once(stack, province, citizen["user_id"], SENDERS)

    assert [r.returncode for r in results] == [0] * SENDERS, [r.stderr[-800:] for r in results]
    assert len(zalo_sandbox.requests(path_contains="/v4/oa/access_token")) == 1
    assert sorted(m["body"]["message"]["text"] for m in zalo_sandbox.messages(user_id=citizen["user_id"])) == [
        f"Thử {n}" for n in range(SENDERS)]


def test_a_refresh_that_fails_is_recorded_and_shown(stack, zalo_sandbox):
    province = add_province(stack, zalo_sandbox, "bac-ninh", "Bắc Ninh")
    citizen = zalo_sandbox.add_user(province.app_id, display_name="Nguyễn Văn An", last_interaction="now")
    expire_access_token(stack, zalo_sandbox, province)
    zalo_sandbox.inject_fault(path="/v4/oa/access_token", http_status=502, body="<html>bad gateway</html>", times=10)

    results = send_tests_at_once(stack, province, citizen["user_id"], 2)

    assert all(r.returncode != 0 for r in results)
    with stack.app.app_context(), stack.in_tenant(province.slug):
        connection = get_connection()
        assert connection.last_error.startswith("refresh failed")
        assert shown_status(connection) in (STATUS_TOKEN_EXPIRED, STATUS_REFRESH_FAILING)
        db.session.remove()
