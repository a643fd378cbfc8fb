"""Setup step 3 publishes what each province's Zalo app gives to verify the platform's one domain (docs/zalo-oa.md
§5): the HTML file at the domain's root under its own name, the meta tag in the home page's head."""

import io

import pytest
from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.extensions import db
from platform_core.zalo.models import ZaloSiteVerification
from tests.auth.support import isolated_client
from tests.conftest import as_tenant
from tests.onboarding.wizard_support import setting_up, signed_in

URL, OTHER_URL = "/bac-ninh/setup/zalo", "/da-nang/setup/zalo"
FILE_NAME = "zalo_verifierGkRa5O6GTXL3ukCJdz5WJa_upMgZZXipCp0u.html"
FILE_BODY = ('<html><head><meta name="zalo-platform-site-verification" '
             'content="GkRa5O6GTXL3ukCJdz5WJa_upMgZZXipCp0u" /></head><body>zalo verification</body></html>')
META = '<meta name="zalo-platform-site-verification" content="R8wl0B7-UWD4xFaQXvvoBaEqn0wlnH5MDZ8" />'


@pytest.fixture
def admin(app, tenant_a):
    setting_up(tenant_a)
    return signed_in(app, "verify-domain@bac-ninh.vn", tenant_a)[0]


@pytest.fixture
def other_admin(app, tenant_b):
    setting_up(tenant_b)
    return signed_in(app, "verify-domain@da-nang.vn", tenant_b)[0]


def upload(client, url=URL, name=FILE_NAME, body=FILE_BODY, meta=""):
    data = {"verify-meta_tag": meta, "verify-submit": "y"}
    if name is not None:
        data["verify-file"] = (io.BytesIO(body.encode() if isinstance(body, str) else body), name)
    return client.post(url, data=data, content_type="multipart/form-data")


def test_the_step_says_why_and_how_to_verify_the_platforms_domain(admin):
    page = admin.get(URL).get_data(as_text=True)
    section = page.split('id="domain-verification-heading"')[1]
    assert "Verify the domain 127.0.0.1 for your Zalo app" in section
    assert "Xác thực domain" in section and "Tải tệp HTML lên trang web của bạn" in section
    assert "http://127.0.0.1:5000/zalo/oauth/callback" in page  # the callback URL to paste, with the webhook's


def test_the_file_zalo_gave_is_served_at_the_domain_root_as_it_is(app, admin, tenant_a):
    response = upload(admin)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"{URL}#domain-verification")
    served = isolated_client(app).get(f"/{FILE_NAME}")  # Zalo fetches it anonymously
    assert served.status_code == 200 and served.get_data(as_text=True) == FILE_BODY
    assert served.mimetype == "text/html"
    assert served.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    page = admin.get(URL).get_data(as_text=True)
    assert f"http://127.0.0.1:5000/{FILE_NAME}" in page
    with as_tenant(tenant_a):
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "zalo_site_verification_published"))
    assert event.details["file_name"] == FILE_NAME


def test_each_province_serves_its_own_file_and_a_new_file_replaces_the_old(app, admin, other_admin):
    theirs = "zalo_verifierDaNang00000000000000000000000.html"
    assert upload(other_admin, OTHER_URL, name=theirs, body="da-nang").status_code == 302
    assert upload(admin).status_code == 302
    anonymous = isolated_client(app)
    assert anonymous.get(f"/{FILE_NAME}").get_data(as_text=True) == FILE_BODY
    assert anonymous.get(f"/{theirs}").get_data(as_text=True) == "da-nang"
    newer = "zalo_verifierBacNinhNew0000000000000000000.html"
    assert upload(admin, name=newer, body="newer").status_code == 302
    assert anonymous.get(f"/{FILE_NAME}").status_code == 404
    assert anonymous.get(f"/{newer}").get_data(as_text=True) == "newer"


def test_another_provinces_file_name_is_refused_and_theirs_is_kept(app, admin, other_admin):
    assert upload(other_admin, OTHER_URL).status_code == 302
    response = upload(admin, body="mine")
    assert response.status_code == 422
    assert "Another province already published this file" in response.get_data(as_text=True)
    assert isolated_client(app).get(f"/{FILE_NAME}").get_data(as_text=True) == FILE_BODY


@pytest.mark.parametrize(("name", "body", "problem"), [
    ("verification.html", FILE_BODY, "exactly as Zalo named it"),
    ("zalo_verifierABC.html", FILE_BODY, "exactly as Zalo named it"),  # too short to be Zalo's code
    ("zalo_verifier../../etc0000000.html", FILE_BODY, "exactly as Zalo named it"),
    (FILE_NAME, b"\xff\xfe\x00\x01", "not the HTML file Zalo gives"),
    (FILE_NAME, "x" * 5000, "too large"),
])
def test_a_file_that_is_not_zalos_is_refused(admin, tenant_a, name, body, problem):
    response = upload(admin, name=name, body=body)
    assert response.status_code == 422 and problem in response.get_data(as_text=True)
    with as_tenant(tenant_a):
        assert db.session.scalar(select(ZaloSiteVerification)) is None


@pytest.mark.parametrize("pasted", [META, "R8wl0B7-UWD4xFaQXvvoBaEqn0wlnH5MDZ8"])
def test_the_meta_tag_is_put_in_the_home_pages_head(app, admin, pasted):
    assert upload(admin, name=None, meta=pasted).status_code == 302
    home = isolated_client(app).get("/").get_data(as_text=True)
    head = home.split("</head>")[0]
    assert '<meta name="zalo-platform-site-verification" content="R8wl0B7-UWD4xFaQXvvoBaEqn0wlnH5MDZ8">' in head


def test_every_provinces_meta_tag_is_on_the_home_page(app, admin, other_admin):
    assert upload(admin, name=None, meta=META).status_code == 302
    assert upload(other_admin, OTHER_URL, name=None, meta="DaNangMetaContent0000000000").status_code == 302
    head = isolated_client(app).get("/").get_data(as_text=True).split("</head>")[0]
    assert head.count('name="zalo-platform-site-verification"') == 2 and "DaNangMetaContent0000000000" in head


@pytest.mark.parametrize("pasted", ['<meta name="description" content="R8wl0B7-UWD4xFaQXvvoBaEqn0wlnH5MDZ8">',
                                    '"><script>alert(1)</script>', "short"])
def test_something_else_than_zalos_meta_tag_is_refused(admin, pasted):
    response = upload(admin, name=None, meta=pasted)
    assert response.status_code == 422 and "Paste the meta tag Zalo gives" in response.get_data(as_text=True)


def test_nothing_to_publish_says_what_is_needed(admin):
    response = upload(admin, name=None)
    assert response.status_code == 422 and "Upload Zalo's HTML file or paste its meta tag." in \
        response.get_data(as_text=True)


def test_an_unknown_file_is_not_found(app):
    assert isolated_client(app).get("/zalo_verifierNothingPublishedHere000000.html").status_code == 404


def test_officers_and_other_provinces_admins_cannot_publish(app, tenant_a, tenant_b):
    setting_up(tenant_a)
    officer, _ = signed_in(app, "verify-officer@bac-ninh.vn", tenant_a, role="officer")
    other, _ = signed_in(app, "verify-admin@da-nang.vn", tenant_b)
    for client in (officer, other):
        assert upload(client).status_code == 404
    assert isolated_client(app).get(f"/{FILE_NAME}").status_code == 404
