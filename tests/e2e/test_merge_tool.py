"""The operator's merge tool in a real browser: choose the provinces, read the dry run table by table, confirm,
follow the progress until it is done (the job run by a real RQ worker, in-process), and the merged province's
address then leads to its successor; a rename shows at once on the citizen's page."""

import re
import threading

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from platform_core import create_app
from platform_core.extensions import db
from platform_core.jobs.connection import get_redis
from platform_core.jobs.queues import QUEUE_MAINTENANCE
from platform_core.jobs.worker import build_worker
from tests import factories
from tests.conftest import as_tenant, make_test_config
from tests.dossiers.support import record
from tests.e2e.conftest import vi
from tests.migrated_sqlite import migrated_sqlite

pytestmark = pytest.mark.browser
OPERATOR = "van-hanh@motcua.vn"


@pytest.fixture(scope="module")
def merge_site(tmp_path_factory, redis_url) -> dict:
    """Its own server and database: the merge closes a province the other browser tests use."""
    folder = tmp_path_factory.mktemp("e2e-merge")
    database = migrated_sqlite(folder / "merge.sqlite3")
    config = make_test_config({"owner": database, "runtime": database, "dialect": "sqlite"}, redis_url,
                              folder / "instance")
    app = create_app(config | {"WTF_CSRF_ENABLED": True})
    with app.app_context():
        for slug, name, code, prefix in (("bac-ninh", "Bắc Ninh", "24", "H24"), ("bac-giang", "Bắc Giang", "27",
                                                                                  "H27")):
            with as_tenant(factories.create_tenant(slug, name, code=code)):
                factories.create_procedure("1.004222", "Đăng ký thường trú")
                for number in range(1, 4):
                    code_text = f"{prefix}-260715-{number:04d}"
                    factories.create_dossier(code_text)
                    record(code_text, 4, "2026-07-16T09:00:00+07:00")
        factories.create_user(OPERATOR, full_name="Phạm Minh Quân", operator=True)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-merge-server", daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}", "app": app}
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


def run_worker(app) -> None:
    """What `flask worker` does with the job the confirmation enqueued, until the queue is empty."""
    with app.app_context():
        redis = get_redis()
    build_worker(app, [QUEUE_MAINTENANCE], redis, simple=True).work(burst=True)


def test_dry_run_then_merge_then_rename(merge_site, page, screenshots):
    url = merge_site["url"]
    page.goto(f"{url}/login")
    page.get_by_label("Email").fill(OPERATOR)
    page.get_by_label(vi("Password")).fill("mot-cua-test-password")
    page.get_by_role("button", name=vi("Sign in")).click()
    page.goto(f"{url}/operator/merges/")
    expect(page.get_by_role("heading", level=1)).to_have_text(vi("Mergers and renames"))

    page.get_by_label(vi("Province that is merged (it closes)")).select_option("bac-giang")
    page.get_by_label(vi("Province it is merged into (it continues)")).select_option("bac-ninh")
    page.locator("#legal_ref").fill("202/2025/QH15")
    page.get_by_role("button", name=vi("Dry run")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("tỉnh Bắc Giang")
    dossiers = page.locator('tr[data-table="dossier"]')
    expect(dossiers.locator(f'td[data-label="{vi("Rows moving")}"]')).to_have_text("3")
    expect(dossiers.locator(f'td[data-label="{vi("Already in the target")}"]')).to_have_text("3")
    expect(page.locator('tr[data-table="zalo_follower"]')).to_contain_text(vi("stays with the merged province"))
    page.screenshot(path=screenshots / "merge-01-dry-run-vi.png", full_page=True)

    page.get_by_role("button", name=vi("Confirm and merge")).click()
    expect(page).to_have_url(re.compile(r"/operator/merges/[0-9a-f-]+$"))
    expect(page.get_by_text(vi("The merge has started."))).to_be_visible()
    run_worker(merge_site["app"])
    expect(page.locator("#merge-percent")).to_have_text("100%", timeout=15_000)  # the page refreshes itself
    expect(page.locator("#merge-status")).to_have_text(vi("Done"))
    expect(page.locator("#merge-copied")).not_to_have_text("0")
    page.screenshot(path=screenshots / "merge-02-done-vi.png", full_page=True)

    page.goto(f"{url}/bac-giang/")
    expect(page).to_have_url(f"{url}/bac-ninh/")

    page.goto(f"{url}/operator/merges/")
    page.get_by_label(vi("Province"), exact=True).select_option("bac-ninh")
    page.get_by_label(vi("Kind")).select_option("thanh_pho")
    page.locator("#rename-legal_ref").fill("39/2026/QH16")
    page.get_by_role("button", name=vi("Save the name")).click()
    expect(page.get_by_role("status")).to_contain_text("thành phố Bắc Ninh")
    page.goto(f"{url}/bac-ninh/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Thành phố Bắc Ninh")
