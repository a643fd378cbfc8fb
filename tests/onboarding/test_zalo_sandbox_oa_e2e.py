"""A province onboarded while `make run` runs, over HTTP with real processes (tests/pipeline/stack.py): one click
in setup step 3 connects it to a new OA in the Zalo sandbox; the admin writes their code from their phone in the
sandbox's phone view, and the test message reaches that phone. The sandbox is then restarted from its keep
file, `make run`'s start connects the province again (scripts/run_dev.py), and a test message still reaches
the same phone: the connection survives the restart."""

import html
import importlib.util
import re
from contextlib import contextmanager

import httpx
from sqlalchemy import select

from platform_core.extensions import db
from platform_core.jobs.embedded_redis import free_port
from platform_core.sandbox import keeping
from platform_core.sandbox.server import SandboxServer
from platform_core.zalo.models import Follower, FollowerImport
from tests import factories
from tests.pipeline.fixtures import db_session  # noqa: F401 - fixture
from tests.pipeline.stack import REPO_ROOT, Province, TenantRef, running_stack
from tests.zalo_sandbox_fixtures import ZaloSandbox

SLUG = "ha-noi"
STEP3, PAGE, STATUS = f"/{SLUG}/setup/zalo", f"/{SLUG}/setup/test-message", f"/{SLUG}/setup/test-message/status"
TIMEOUT = 60


def run_dev():
    """scripts/run_dev.py as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("run_dev", REPO_ROOT / "scripts" / "run_dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def sandbox_process(port: int, keep_file):
    """The sandbox as `make run` starts it (`--keep`), on a fixed port so that a restart keeps its address."""
    server = SandboxServer(port=port)
    keeping.load(server.state, keep_file)
    server.start()
    handle = ZaloSandbox(server)
    handle.settings(receipt_delay_ms=50)
    try:
        yield handle
    finally:
        handle.http.close()
        server.stop()


def an_onboarding_province_with_its_admin(stack) -> None:
    """A province that accepted its invitation (no OA yet) and its first admin."""
    with stack.app.app_context():
        tenant = factories.create_tenant(SLUG, "Hà Nội")
        tenant.status = "onboarding"
        factories.create_user("lan@ha-noi.vn", full_name="Nguyễn Thị Lan", tenant=tenant, role="admin")
        stack.provinces[SLUG] = Province(SLUG, TenantRef(tenant.id, tenant.slug), api_key="", oa_id="", app_id="")
        db.session.commit()
        db.session.remove()


def the_admins_phone(sandbox) -> tuple[str, str]:
    (app,) = [app for app in sandbox.state.apps.values() if app.slug == SLUG]
    (user,) = sandbox.state.users_of(app.oa_id)
    return app.oa_id, user.user_id


def test_one_click_connects_a_new_province_to_a_sandbox_oa_that_survives_a_restart(tmp_path, redis_url):
    port, keep_file = free_port(), tmp_path / "kept-apps.json"
    with sandbox_process(port, keep_file) as sandbox, running_stack(tmp_path, redis_url, sandbox) as stack:
        stack.app.config["ZALO_SANDBOX_URL"] = sandbox.base_url  # as make run's environment sets it
        an_onboarding_province_with_its_admin(stack)
        stack.start_workers(1)
        stack.start_pump()
        with httpx.Client(base_url=stack.url, timeout=10, follow_redirects=True) as web:
            assert web.post("/login", data={"email": "lan@ha-noi.vn",
                                            "password": factories.DEFAULT_PASSWORD}).status_code == 200
            web.get("/?lang=en")
            connected = web.post(STEP3, data={"sandbox-submit": "y"})  # the click; Zalo's page and back
            assert connected.url.path == STEP3 and "Connected to the Zalo OA “Hà Nội”" in connected.text
            oa_id, phone = the_admins_phone(sandbox)

            page = web.get(PAGE).text
            assert f"{sandbox.base_url}/#oa-{oa_id}" in page  # the way to the phone view
            code = re.search(r"MC-\d{6}", page).group(0)
            write_from_the_phone(sandbox, oa_id, phone, code)
            sandbox.wait_for(lambda: web.get(STATUS).json()["linked"], timeout=TIMEOUT)
            send_test_message_and_see_it_on_the_phone(web, sandbox, oa_id, phone)

        # The OA's follower (the admin) was imported on connecting. That import must have ended before the
        # restart's connect: an import under way is not started twice (zalo/follower_import.begin).
        sandbox.wait_for(lambda: imports_done(stack) == 1, timeout=TIMEOUT)
        with stack.reading(SLUG) as session:
            assert session.scalar(select(Follower.zalo_user_id)) == phone
        kept = keep_file.read_text(encoding="utf-8")

        sandbox.server.stop()  # the restart: a new sandbox process, which knows only what it kept
        with sandbox_process(port, keep_file) as restarted:
            assert the_admins_phone(restarted) == (oa_id, phone) and keep_file.read_text(encoding="utf-8") == kept
            assert run_dev().connect_sandbox_provinces(restarted.base_url, stack.env) == [SLUG]
            with httpx.Client(base_url=stack.url, timeout=10, follow_redirects=True) as web:
                assert web.post("/login", data={"email": "lan@ha-noi.vn",
                                                "password": factories.DEFAULT_PASSWORD}).status_code == 200
                send_test_message_and_see_it_on_the_phone(web, restarted, oa_id, phone)
            restarted.wait_for(lambda: imports_done(stack) == 2, timeout=TIMEOUT)  # on each connect


def write_from_the_phone(sandbox, oa_id: str, phone: str, text: str) -> None:
    """The phone view's form, as the admin would use it."""
    sent = sandbox.http.post(f"/phone/{oa_id}/{phone}/send", data={"text": text})
    assert sent.status_code in (200, 302)


def send_test_message_and_see_it_on_the_phone(web, sandbox, oa_id: str, phone: str) -> None:
    assert web.post(PAGE).status_code == 200
    sent = sandbox.wait_for(lambda: [m for m in sandbox.messages(oa_id=oa_id, user_id=phone)
                                     if m["kind"] == "cs" and "Motcua" in m["body"]["message"]["text"]],
                            timeout=TIMEOUT)
    assert sent[-1]["body"]["message"]["text"] in html.unescape(sandbox.http.get(f"/phone/{oa_id}/{phone}").text)
    sandbox.wait_for(lambda: web.get(STATUS).json()["done"], timeout=TIMEOUT)


def imports_done(stack) -> int:
    with stack.reading(SLUG) as session:
        return len(session.scalars(select(FollowerImport).where(FollowerImport.state == "done")).all())
