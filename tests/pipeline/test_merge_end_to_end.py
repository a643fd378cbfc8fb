"""A province merged into another with real processes: the merged province's followers are told through its
own OA (the sandbox's phones receive it) before it closes, the job runs in a real RQ worker, and a merge run
killed mid-copy (SIGKILL) finishes when run again, with nothing lost and nothing twice."""

import subprocess

from sqlalchemy import func, select

from platform_core.db.cross_tenant import cross_tenant
from platform_core.db.sqlite import begin_read_only
from platform_core.db.tenant_context import TenantRef, tenant_context
from platform_core.db.types import utcnow
from platform_core.dossiers.models import Dossier
from platform_core.extensions import db
from platform_core.mergers import farewell, jobs, service
from platform_core.mergers.constants import DONE
from platform_core.mergers.models import TenantMerge
from platform_core.mergers.rules import tenant_tables
from platform_core.tenancy.models import Tenant
from tests import factories
from tests.dossiers.support import record
from tests.pipeline.stack import FLASK, REPO_ROOT, add_province


def tenant(slug: str) -> Tenant:
    return db.session.scalar(select(Tenant).where(Tenant.slug == slug))


def as_tenant(found: Tenant):
    return tenant_context(TenantRef(found.id, found.slug))


def all_rows() -> int:
    with cross_tenant("test: every tenant row"):
        return sum(db.session.execute(select(func.count()).select_from(table)
                                      .execution_options(tenant_scoped_by_caller=True)).scalar_one()
                   for table in tenant_tables())


def latest_merge(stack) -> TenantMerge | None:
    """Read without holding SQLite's write lock (the workers need it), then let the session go."""
    with stack.app.app_context():
        begin_read_only(db.session)
        try:
            merge = db.session.scalar(select(TenantMerge).order_by(TenantMerge.created_at.desc()))
            if merge is not None:
                db.session.expunge(merge)
            return merge
        finally:
            db.session.remove()


def unsent_farewells(stack) -> int:
    with stack.reading("da-nang"):
        return farewell.unsent(tenant("da-nang"))


def test_followers_are_told_through_the_old_oa_then_the_province_closes(stack, zalo_sandbox):
    add_province(stack, zalo_sandbox, "bac-ninh", "Bắc Ninh")
    old = add_province(stack, zalo_sandbox, "da-nang", "Đà Nẵng")
    zalo_sandbox.settings(echo_sends=False)
    citizens = zalo_sandbox.add_users(old.app_id, 3, is_follower=True, last_interaction="now")
    with stack.app.app_context():
        with stack.in_tenant("da-nang"):
            for user_id in citizens:
                factories.create_follower(user_id, followed_at=utcnow())
            factories.create_dossier("H48-260715-0001")
        db.session.commit()
        merge = service.start(tenant("da-nang"), tenant("bac-ninh"), legal_ref="202/2025/QH15")
        db.session.commit()
        jobs.run_merge.enqueue(str(merge.id))
        db.session.remove()
    stack.start_workers(1)
    stack.start_pump()

    told = zalo_sandbox.wait_for(lambda: [message for user_id in citizens
                                          for message in zalo_sandbox.messages(oa_id=old.oa_id, user_id=user_id)]
                                 if len(zalo_sandbox.messages(oa_id=old.oa_id)) >= 3 else None, timeout=30)
    assert {message["user_id"] for message in told} == set(citizens)
    assert all("đã hợp nhất vào tỉnh Bắc Ninh" in str(message["body"]) for message in told)

    zalo_sandbox.wait_for(lambda: unsent_farewells(stack) == 0, timeout=30)
    with stack.app.app_context():
        jobs.resume_merges.enqueue()  # what the scheduler's minute tick does
    done = zalo_sandbox.wait_for(lambda: (m := latest_merge(stack)) and m.status == DONE and m, timeout=30)
    assert done.progress["farewell"] == {"written": 3, "unsent": 0}
    with stack.app.app_context():
        merged, successor = tenant("da-nang"), tenant("bac-ninh")
        assert merged.status == "merged" and merged.successor_id == successor.id
        with stack.in_tenant("bac-ninh"):
            assert db.session.scalar(select(Dossier.code).where(Dossier.code == "H48-260715-0001"))


def test_a_merge_killed_mid_copy_finishes_when_run_again(stack, zalo_sandbox):
    with stack.app.app_context():
        for slug, name in (("bac-ninh", "Bắc Ninh"), ("da-nang", "Đà Nẵng")):
            with as_tenant(factories.create_tenant(slug, name)):
                factories.create_procedure("1.004222", "Đăng ký thường trú")
        with as_tenant(tenant("da-nang")):
            for number in range(60):
                code = f"H48-260715-{number:04d}"
                factories.create_dossier(code)
                record(code, 4, "2026-07-16T09:00:00+07:00")
        db.session.commit()
        before = all_rows()
        db.session.remove()

    command = [FLASK, "--app", "wsgi", "tenants", "merge", "da-nang", "bac-ninh", "--here", "--chunk-size", "1"]
    stack.start("merge", command[3:])
    zalo_sandbox.wait_for(lambda: (m := latest_merge(stack)) and service.totals(m)["copied"] >= 20, timeout=60)
    stack.crash("merge")
    killed = latest_merge(stack)
    assert killed.status == "running" and 0 < service.percent(killed) < 50

    resumed = subprocess.run(command, cwd=REPO_ROOT, env=stack.env, capture_output=True, text=True, timeout=300)  # noqa: S603
    assert resumed.returncode == 0, resumed.stderr
    assert "Done:" in resumed.stdout
    finished = latest_merge(stack)
    assert finished.status == DONE and finished.id == killed.id
    with stack.app.app_context():
        assert all_rows() == before + 2  # each province's history line; no row twice, none lost
        db.session.remove()
