"""Access tokens against the sandbox: reactive and proactive refresh, single use, failures, isolation."""

import threading

import pytest
from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.db.tenant_context import TenantRef, tenant_context
from platform_core.extensions import db
from platform_core.zalo import jobs, service
from platform_core.zalo.client_registry import zalo_client
from platform_core.zalo.connection import get_connection
from platform_core.zalo.errors import OAuthError
from platform_core.zalo.tokens import ZaloNotConnected, refresh_access_token, with_access_token
from tests.conftest import as_tenant
from tests.zalo.conftest import connect_to_sandbox


def refresh_calls(sandbox) -> list:
    return [r for r in sandbox.requests(path_contains="/v4/oa/access_token")]


def test_auth_error_refreshes_once_and_retries(sandbox, tenant_a):
    seeded, tokens = connect_to_sandbox(tenant_a, sandbox)
    citizen = sandbox.add_user(seeded.app_id, display_name="Nguyễn Văn An", last_interaction="now")
    sandbox.inject_fault(path="/message/cs", error=-216)
    with as_tenant(tenant_a):
        result = service.send_test_message(citizen["user_id"], "Xin chào")
        stored = get_connection()
    assert result.message_id
    assert len(refresh_calls(sandbox)) == 1
    assert stored.access_token != tokens["access_token"] and stored.refresh_token != tokens["refresh_token"]


def test_eight_workers_hitting_a_dead_token_refresh_exactly_once(app, sandbox, tenant_a, committed_data):
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    db.session.commit()
    citizen = sandbox.add_user(seeded.app_id, display_name="Lê Thị Bình", last_interaction="now")
    sandbox.revoke(seeded.app_id, kind="access")
    ref = TenantRef(tenant_a.id, tenant_a.slug)
    barrier, results, errors = threading.Barrier(8), [], []

    def worker():
        with app.app_context(), tenant_context(ref):
            try:
                client = zalo_client()
                barrier.wait(timeout=10)
                results.append(with_access_token(client, lambda t: client.send_text(t, citizen["user_id"], "hi")))
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == [] and len(results) == 8
    assert len(refresh_calls(sandbox)) == 1


def test_refresh_refused_with_http_200_leaves_tokens_untouched(sandbox, tenant_a):
    seeded, tokens = connect_to_sandbox(tenant_a, sandbox)
    sandbox.inject_fault(path="/v4/oa/access_token", error=-14014, http_status=200)
    with as_tenant(tenant_a), pytest.raises(OAuthError):
        refresh_access_token(zalo_client(), stale_token=tokens["access_token"])
    with as_tenant(tenant_a):
        connection = get_connection()
        db.session.refresh(connection)
    assert connection.access_token == tokens["access_token"]
    assert connection.refresh_token == tokens["refresh_token"]
    assert connection.auth_failures == 1 and connection.status == "connected"


@pytest.mark.parametrize("answer", [{"body": ""}, {"body": {"access_token": "half-a-pair", "expires_in": "90000"}}])
def test_an_empty_answer_or_one_without_a_refresh_token_is_a_refusal_and_keeps_the_pair(sandbox, tenant_a, answer):
    seeded, tokens = connect_to_sandbox(tenant_a, sandbox)
    sandbox.inject_fault(path="/v4/oa/access_token", **answer)
    with as_tenant(tenant_a), pytest.raises(OAuthError):
        refresh_access_token(zalo_client(), stale_token=tokens["access_token"])
    with as_tenant(tenant_a):
        connection = get_connection()
        db.session.refresh(connection)
    assert (connection.access_token, connection.refresh_token) == (tokens["access_token"], tokens["refresh_token"])
    assert connection.auth_failures == 1 and connection.last_error.startswith("refresh failed")


def test_repeated_refusals_pause_the_tenant_and_tell_admins_once(sandbox, tenant_a):
    _, tokens = connect_to_sandbox(tenant_a, sandbox)
    sandbox.inject_fault(path="/v4/oa/access_token", error=-14014, times=5)
    with as_tenant(tenant_a):
        for _ in range(3):
            with pytest.raises(OAuthError):
                refresh_access_token(zalo_client(), stale_token=tokens["access_token"])
        with pytest.raises(ZaloNotConnected):
            refresh_access_token(zalo_client(), stale_token=tokens["access_token"])
        status = get_connection().status
        notices = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "zalo_reconnect_needed")).all()
        with pytest.raises(ZaloNotConnected):
            service.send_test_message("anyone", "x")
    assert status == "reconnect_needed"
    assert len(notices) == 1


def test_network_failure_during_refresh_is_not_an_auth_failure(sandbox, tenant_a):
    _, tokens = connect_to_sandbox(tenant_a, sandbox)
    sandbox.inject_fault(path="/v4/oa/access_token", http_status=503, body="<html>down</html>")
    with as_tenant(tenant_a):
        with pytest.raises(Exception):  # noqa: B017,PT011 - the transport error type is the client's
            refresh_access_token(zalo_client(), stale_token=tokens["access_token"])
        connection = get_connection()
        db.session.refresh(connection)
    assert connection.auth_failures == 0 and connection.refresh_token == tokens["refresh_token"]


def test_proactive_refresh_touches_only_tenants_that_are_due(sandbox, tenant_a, tenant_b, committed_data):
    connect_to_sandbox(tenant_a, sandbox)
    _, b_tokens = connect_to_sandbox(tenant_b, sandbox)
    with as_tenant(tenant_a):
        from datetime import timedelta

        from platform_core.db.types import utcnow

        get_connection().access_expires_at = utcnow() + timedelta(minutes=30)
        db.session.flush()
    db.session.commit()
    assert jobs.refresh_expiring_tokens() == 1
    refreshes = refresh_calls(sandbox)
    assert len(refreshes) == 1
    with as_tenant(tenant_b):
        assert get_connection().access_token == b_tokens["access_token"]
