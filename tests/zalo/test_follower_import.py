"""Importing an OA's existing followers over HTTP from the Zalo sandbox's follower list (docs/zalo-oa.md §4):
pages of 50, Zalo's 10,001 ceiling said on the console, Zalo refusing, Redis down, an abandoned import, the
console page and its progress, tenant isolation."""

import json
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from redis.exceptions import ConnectionError as RedisConnectionError
from sqlalchemy import func, select

from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.jobs.decorators import open_queue
from platform_core.jobs.queues import QUEUE_MAINTENANCE
from platform_core.zalo import follower_import, jobs
from platform_core.zalo.client import next_page_offset
from platform_core.zalo.constants import IMPORT_DONE, IMPORT_FAILED, IMPORT_QUEUED, IMPORT_RUNNING
from platform_core.zalo.models import Follower, FollowerImport
from tests.conftest import as_tenant
from tests.console.support import admin_a, admin_b, text_of  # noqa: F401 - fixtures
from tests.zalo.conftest import connect_to_sandbox

PAGE = "/bac-ninh/admin/zalo/followers"


def getlist_queries(sandbox) -> list[dict]:
    return [json.loads(parse_qs(entry["query"])["data"][0]) for entry in sandbox.requests(path_contains="/getlist")]


def imported(tenant, trigger="console") -> FollowerImport:
    """Start an import in `tenant` and run it here (the job's body), as a worker would."""
    with as_tenant(tenant):
        started = jobs.start_follower_import(trigger)
        assert jobs.import_followers(str(started.id)) == IMPORT_DONE
        return follower_import.find(started.id)


def followers_of(tenant) -> dict[str, Follower]:
    with as_tenant(tenant):
        return {follower.zalo_user_id: follower for follower in db.session.scalars(select(Follower))}


def test_120_followers_are_imported_in_pages_of_50(sandbox, tenant_a):
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    listed = sandbox.add_users(seeded.app_id, 120, is_follower=True)
    sandbox.add_user(seeded.app_id, user_id="7000000000000000001", is_follower=False)
    sandbox.clear_requests()

    done = imported(tenant_a)

    assert [(q["offset"], q["count"]) for q in getlist_queries(sandbox)] == [(0, 50), (50, 50), (100, 50)]
    assert all(q["is_follower"] is True for q in getlist_queries(sandbox))
    assert (done.state, done.seen, done.new, done.total, done.capped) == (IMPORT_DONE, 120, 120, 120, False)
    known = followers_of(tenant_a)
    assert sorted(known) == sorted(listed)
    assert all(f.is_follower and f.imported_at is not None and f.followed_at is None for f in known.values())


def test_a_follower_already_known_is_marked_following_not_counted_new(sandbox, tenant_a):
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    old, fresh = sandbox.add_users(seeded.app_id, 2, is_follower=True)
    followed = utcnow() - timedelta(days=30)
    with as_tenant(tenant_a):
        db.session.add(Follower(zalo_user_id=old, is_follower=False, followed_at=followed))
        db.session.flush()

    done = imported(tenant_a)

    assert (done.seen, done.new) == (2, 1)
    known = followers_of(tenant_a)
    assert known[old].is_follower and known[old].followed_at == followed and known[old].imported_at is None
    assert known[fresh].imported_at is not None


def test_pages_stop_at_zalos_offset_ceiling_and_the_last_one_overlaps():
    assert next_page_offset(0, 50, 120) == 50
    assert next_page_offset(100, 20, 120) is None
    assert next_page_offset(9900, 50, 20_000) == 9950
    assert next_page_offset(9950, 50, 20_000) == 9951  # overlaps 49 rather than skipping the 10,001st
    assert next_page_offset(9951, 50, 20_000) is None  # Zalo refuses any offset above 9,951
    assert next_page_offset(50, 0, 120) is None


def test_an_oa_with_more_followers_than_the_list_serves_is_imported_to_the_limit_and_the_console_says_so(
        sandbox, tenant_a, admin_a):  # noqa: F811
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    sandbox.add_users(seeded.app_id, 10_003, is_follower=True)
    sandbox.clear_requests()

    done = imported(tenant_a)

    offsets = [q["offset"] for q in getlist_queries(sandbox)]
    assert offsets[-3:] == [9900, 9950, 9951] and len(offsets) == 201
    assert (done.seen, done.new, done.total, done.capped) == (10_001, 10_001, 10_003, True)
    assert len(followers_of(tenant_a)) == 10_001
    page = text_of(admin_a.client.get(PAGE + "?lang=en"))
    assert "This OA has 10003 followers, more than" in page
    assert "the first 10001 were imported" in page


def test_zalo_refusing_ends_the_import_failed_with_its_reason_in_plain_words(
        sandbox, tenant_a, admin_a):  # noqa: F811
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    sandbox.add_users(seeded.app_id, 120, is_follower=True)
    sandbox.inject_fault(path="/getlist", error=-223)
    with as_tenant(tenant_a):
        started = jobs.start_follower_import("console")
        jobs.import_followers(str(started.id))
        failed = follower_import.find(started.id)
    assert (failed.state, failed.error, failed.seen) == (IMPORT_FAILED, "zalo:-223", 0)
    page = text_of(admin_a.client.get(PAGE + "?lang=vi"))
    assert "Zalo từ chối liệt kê người quan tâm" in page


def test_zalo_not_answering_fails_the_import_as_unreachable_keeping_the_pages_before(
        sandbox, tenant_a, admin_a, monkeypatch):  # noqa: F811
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    sandbox.add_users(seeded.app_id, 120, is_follower=True)
    record = follower_import._record_followers

    def record_then_break_zalo(user_ids):  # Zalo's gateway fails once the first page is in
        sandbox.inject_fault(path="/getlist", http_status=502, body="<html>Bad Gateway</html>")
        return record(user_ids)

    monkeypatch.setattr(follower_import, "_record_followers", record_then_break_zalo)
    with as_tenant(tenant_a):
        started = jobs.start_follower_import("console")
        jobs.import_followers(str(started.id))
        failed = follower_import.find(started.id)
        assert (failed.state, failed.error, failed.seen, failed.new) == (IMPORT_FAILED, "zalo_unreachable", 50, 50)
        assert db.session.scalar(select(func.count()).select_from(Follower)) == 50
    assert "The import runs again tonight" in text_of(admin_a.client.get(PAGE + "?lang=en"))


def test_redis_down_marks_the_import_failed_not_queued_and_the_console_shows_it(
        sandbox, tenant_a, admin_a, monkeypatch):  # noqa: F811
    connect_to_sandbox(tenant_a, sandbox)

    def redis_down(*args, **kwargs):
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(jobs.import_followers, "enqueue", redis_down)
    response = admin_a.client.post(PAGE + "?lang=en")
    assert response.status_code == 302
    with as_tenant(tenant_a):
        latest = follower_import.latest()
    assert (latest.state, latest.error, latest.trigger) == (IMPORT_FAILED, "not_queued", "console")
    page = text_of(admin_a.client.get(PAGE + "?lang=en"))
    assert "could not be handed to a worker" in page


def test_the_console_button_queues_one_import_and_the_status_endpoint_reports_progress(
        sandbox, tenant_a, admin_a, monkeypatch):  # noqa: F811
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    sandbox.add_users(seeded.app_id, 60, is_follower=True)
    queued = []
    monkeypatch.setattr(jobs.import_followers, "enqueue", lambda *args, **kwargs: queued.append(args))
    assert admin_a.client.post(PAGE).status_code == 302
    assert admin_a.client.post(PAGE).status_code == 302  # a second click while queued starts nothing
    with as_tenant(tenant_a):
        count = db.session.scalar(select(func.count()).select_from(FollowerImport))
        latest = follower_import.latest()
    assert count == 1 and len(queued) == 1 and queued[0] == (str(latest.id),)
    status = admin_a.client.get(PAGE + "/status").get_json()
    assert status["state"] == IMPORT_QUEUED and status["percent"] == 0
    page = text_of(admin_a.client.get(PAGE))
    assert 'data-poll-url="/bac-ninh/admin/zalo/followers/status"' in page

    with as_tenant(tenant_a):
        jobs.import_followers(str(latest.id))
    status = admin_a.client.get(PAGE + "/status").get_json()
    assert (status["state"], status["seen"], status["new"], status["percent"]) == (IMPORT_DONE, 60, 60, 100)
    assert "data-poll-url" not in text_of(admin_a.client.get(PAGE))


def test_an_import_without_progress_for_an_hour_is_marked_interrupted(sandbox, tenant_a, admin_a):  # noqa: F811
    connect_to_sandbox(tenant_a, sandbox)
    with as_tenant(tenant_a):
        stuck = FollowerImport(trigger="nightly", state=IMPORT_RUNNING, seen=150, total=400)
        db.session.add(stuck)
        db.session.flush()
        stuck.updated_at = utcnow() - timedelta(minutes=61)
        db.session.flush()
    page = text_of(admin_a.client.get(PAGE + "?lang=en"))
    assert "stopped half way" in page
    with as_tenant(tenant_a):
        db.session.refresh(stuck)
        assert (stuck.state, stuck.error) == (IMPORT_FAILED, "interrupted")


def test_an_import_without_a_connection_fails_not_connected(tenant_a):
    with as_tenant(tenant_a):
        started, _ = follower_import.begin("console")
        follower_import.run(started.id)
        assert (started.state, started.error) == (IMPORT_FAILED, "not_connected")


def test_each_province_imports_its_own_oas_followers_and_sees_only_its_own_imports(
        sandbox, tenant_a, tenant_b, admin_a, admin_b):  # noqa: F811
    seeded_a, _ = connect_to_sandbox(tenant_a, sandbox)
    seeded_b, _ = connect_to_sandbox(tenant_b, sandbox)
    ids_a = sandbox.add_users(seeded_a.app_id, 3, is_follower=True)
    ids_b = sandbox.add_users(seeded_b.app_id, 5, is_follower=True)

    imported(tenant_a)

    assert sorted(followers_of(tenant_a)) == sorted(ids_a)
    assert followers_of(tenant_b) == {}
    assert admin_b.client.get("/da-nang/admin/zalo/followers/status").get_json() == {"state": "none"}
    imported(tenant_b)
    assert sorted(followers_of(tenant_b)) == sorted(ids_b)
    assert admin_a.client.get(PAGE + "/status").get_json()["seen"] == 3


@pytest.mark.parametrize("hour, expected", [(3, 1), (4, 0)])
def test_the_nightly_job_imports_every_connected_province_at_three(sandbox, tenant_a, tenant_b, hour, expected):
    connect_to_sandbox(tenant_a, sandbox)  # tenant B has no connection
    at = f"2026-12-07T{hour:02d}:00:00+07:00"
    assert jobs.import_followers_everywhere(at) == expected
    with as_tenant(tenant_a):
        started = db.session.scalars(select(FollowerImport)).all()
        assert [(i.trigger, i.state) for i in started] == [("nightly", IMPORT_QUEUED)] * expected
    ids = {str(i.id) for i in started}
    queued = [job for job in open_queue(QUEUE_MAINTENANCE).jobs if job.args and job.args[0] in ids]
    assert len(queued) == expected and all(job.meta["tenant_id"] == str(tenant_a.id) for job in queued)
    for job in queued:
        job.delete()
    with as_tenant(tenant_b):
        assert db.session.scalars(select(FollowerImport)).all() == []
