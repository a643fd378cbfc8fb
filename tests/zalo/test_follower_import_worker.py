"""End to end: an admin connects the OA through Zalo's permission page (the sandbox's), the import job queued
when the connection commits runs in a real RQ worker process against real Redis, and lists the OA's 120
existing followers from the sandbox in pages of 50."""

import json
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy import func, select

from platform_core.extensions import db
from platform_core.zalo import follower_import
from platform_core.zalo.constants import IMPORT_DONE, IMPORT_QUEUED
from platform_core.zalo.models import Follower
from tests import factories
from tests.auth.support import add_membership, isolated_client, sign_in
from tests.conftest import as_tenant
from tests.jobs.test_worker import run_worker_until_queues_are_empty


def test_connecting_the_oa_imports_its_120_followers_in_a_worker(app, app_config, sandbox, tenant_a,
                                                                   committed_data, monkeypatch):
    seeded = sandbox.add_app("bac-ninh", oa_name="Trung tâm PVHCC tỉnh Bắc Ninh")
    listed = sandbox.add_users(seeded.app_id, 120, is_follower=True)
    sandbox.add_user(seeded.app_id, is_follower=False)  # wrote once, never followed: not listed
    user = factories.create_user("followers-admin@bac-ninh.vn")
    add_membership(user, tenant_a, "admin")
    db.session.commit()
    admin = isolated_client(app)
    assert sign_in(admin, "followers-admin@bac-ninh.vn").status_code == 302
    admin.post("/bac-ninh/admin/zalo/", data={"app_id": seeded.app_id, "app_secret": seeded.app_secret,
                                              "oa_id": seeded.oa_id, "oa_secret_key": seeded.oa_secret_key})
    consent = httpx.get(admin.post("/bac-ninh/admin/zalo/connect").headers["Location"], follow_redirects=False)
    callback = urlsplit(consent.headers["Location"])
    assert admin.get(f"{callback.path}?{callback.query}").status_code == 302
    with as_tenant(tenant_a):
        queued = follower_import.latest()
        assert (queued.state, queued.trigger, queued.started_by_id) == (IMPORT_QUEUED, "connect", user.id)
        db.session.commit()

    for name in ("ZALO_OAUTH_URL", "ZALO_OPENAPI_URL", "ZALO_BUSINESS_URL"):
        monkeypatch.setenv(name, app.config[name])
    sandbox.clear_requests()
    run_worker_until_queues_are_empty(app_config, timeout=120)

    pages = [json.loads(parse_qs(entry["query"])["data"][0]) for entry in sandbox.requests(path_contains="getlist")]
    assert [page["offset"] for page in pages] == [0, 50, 100]
    with as_tenant(tenant_a):
        done = follower_import.find(queued.id)
        assert (done.state, done.seen, done.new, done.total) == (IMPORT_DONE, 120, 120, 120)
        known = set(db.session.scalars(select(Follower.zalo_user_id).where(Follower.imported_at.is_not(None))))
        assert known == set(listed)
        db.session.commit()
    status = admin.get("/bac-ninh/admin/zalo/followers/status").get_json()
    assert (status["state"], status["percent"], status["new"]) == (IMPORT_DONE, 100, 120)
    with as_tenant(tenant_a):
        assert db.session.scalar(select(func.count()).select_from(Follower)) == 120
        db.session.commit()
