"""Browser tests: a real Chromium (Debian's, never a downloaded one) against the app served from a thread.

The server runs its own app instance on its own SQLite file, with committed data: the suite's per-test
rolled-back session cannot be shared with another thread.
"""

import threading
from pathlib import Path

import pyotp
import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect
from werkzeug.serving import make_server

from platform_core import create_app
from platform_core.config import REPO_ROOT
from platform_core.extensions import db
from tests import factories
from tests.auth.support import add_membership
from tests.conftest import as_tenant, make_test_config
from tests.migrated_sqlite import migrated_sqlite
from tests.pipeline.stack import running_stack

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ARTIFACTS = REPO_ROOT / "test-artifacts" / "e2e"
ADMIN_EMAIL = "quan-tri@bacninh.gov.vn"
OFFICER_EMAIL = "can-bo@bacninh.gov.vn"
with (REPO_ROOT / "platform_core/translations/vi/LC_MESSAGES/messages.po").open("rb") as _po:
    _VIETNAMESE = read_po(_po, locale="vi")


# The elements that reach past the right edge, to say which one makes a page scroll sideways.
TOO_WIDE = """width => [...document.querySelectorAll("body *")]
  .filter(element => element.getBoundingClientRect().right > width)
  .slice(0, 5)
  .map(element => {
    const right = Math.round(element.getBoundingClientRect().right);
    return `${element.tagName.toLowerCase()}.${element.className} ${right}px`;
  })"""


def assert_fits(page, width: int, what: str = "the page") -> None:
    """No sideways scrolling at `width`, measured on the finished page: after a click's navigation the new
    document can be measured before its stylesheet applies (a 390 px page measured 414 px wide without app.css
    on a busy machine), so wait for its load first. A failure names the elements that stick out."""
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= width, (
        f"{what} scrolls sideways at {width}px", page.evaluate(TOO_WIDE, width))


def fill_in(field, value: str) -> None:
    """Types `value` into `field` once its page has loaded, and checks the field holds it. Playwright clears a
    field by selecting its text and pressing Delete; a key pressed while a page that has just arrived is still
    loading can be lost on a busy machine (a cleared search box was once submitted with its old words, in CI).
    Waiting for the load first and reading the value back makes that visible at the field, not pages later."""
    field.page.wait_for_load_state("load")
    field.fill(value)
    expect(field).to_have_value(value)


def vi(msgid: str) -> str:
    """What the Vietnamese page says for `msgid`: the test follows the catalogue, not a copy of its words."""
    return _VIETNAMESE.get(msgid).string


def open_menu(page) -> None:
    """On a phone the section menu and the account links are folded behind the menu button (static/js/menu.js):
    open it, as a person does before choosing a section. On a wide screen there is nothing to open."""
    button = page.locator("[data-menu-toggle]")
    if button.is_visible() and button.get_attribute("aria-expanded") != "true":
        button.click()


@pytest.fixture(autouse=True)
def db_session():
    """Replaces the suite's rolled-back session: these tests talk to their own server and database."""
    yield None


@pytest.fixture(scope="module")
def site(tmp_path_factory, redis_url) -> dict:
    """The app on 127.0.0.1:<free port>: two provinces, an administrator of both (with TOTP), an officer."""
    folder = tmp_path_factory.mktemp("e2e")
    database = migrated_sqlite(folder / "e2e.sqlite3")
    config = make_test_config({"owner": database, "runtime": database, "dialect": "sqlite"}, redis_url,
                              folder / "instance")
    app = create_app(config | {"WTF_CSRF_ENABLED": True})
    with app.app_context():
        secret = _seed()
        db.engine.dispose()  # the server thread opens its own connections
    server = make_server("127.0.0.1", 0, app, threaded=True)  # the Zalo sandbox posts webhooks meanwhile
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_port}", "admin_email": ADMIN_EMAIL, "totp_secret": secret,
           "officer_email": OFFICER_EMAIL, "app": app}
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


def _seed() -> str:
    bac_ninh = factories.create_tenant("bac-ninh", "Bắc Ninh", code="24")
    da_nang = factories.create_tenant("da-nang", "Đà Nẵng", code="48")
    with as_tenant(bac_ninh):
        factories.create_procedure("1.001193", "Đăng ký khai sinh", agency="UBND xã Bắc Ninh",
                                   processing_time_value=1, processing_time_unit="working_day", fee_vnd=0)
    admin = factories.create_user(ADMIN_EMAIL, full_name="Trần Thị Lan", tenant=bac_ninh, role="admin")
    factories.create_user(OFFICER_EMAIL, full_name="Lê Văn Tâm", tenant=bac_ninh, role="officer")
    add_membership(admin, da_nang, "admin")
    admin.totp_secret = pyotp.random_base32()
    db.session.commit()
    secret = admin.totp_secret
    db.session.remove()
    return secret


@pytest.fixture
def stack(tmp_path, redis_url, zalo_sandbox):
    """A whole Motcua of the test's own (web, and the RQ worker and pump it starts: tests/pipeline/stack.py), for
    a journey whose messages must leave through the delivery pipeline; forms check CSRF, as in production."""
    with running_stack(tmp_path, redis_url, zalo_sandbox) as stack:
        stack.app.config["WTF_CSRF_ENABLED"] = True
        yield stack


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: apt-get install chromium (Playwright's own download is not used)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone-sized screen
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS
