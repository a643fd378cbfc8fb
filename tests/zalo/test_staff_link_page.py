"""The member's "Your Zalo account" page (/<slug>/admin/zalo/link) and its JSON status for the polling script."""

import pytest

from platform_core.zalo.staff_link import open_code
from tests import factories
from tests.auth.support import add_membership, isolated_client, sign_in
from tests.conftest import as_tenant
from tests.zalo.conftest import connect_to_sandbox
from tests.zalo.staff_link_support import write_to_oa

PAGE, STATUS = "/bac-ninh/admin/zalo/link", "/bac-ninh/admin/zalo/link/status"


def signed_in(app, email, tenant, role):
    factories.create_user(email, tenant=tenant, role=role)
    client = isolated_client(app)
    assert sign_in(client, email).status_code == 302
    client.get("/?lang=en")
    return client


@pytest.fixture
def officer(app, tenant_a):
    return signed_in(app, "officer-link@bac-ninh.vn", tenant_a, "officer")


def test_an_officer_gets_a_code_with_instructions_and_the_status_says_waiting(officer):
    page = officer.get(PAGE).get_data(as_text=True)
    status = officer.get(STATUS).get_json()
    assert status["linked"] is False and status["code"].startswith("MC-")
    assert status["code"] in page and "Send it this message" in page
    assert f'data-poll-state="{status["state"]}"' in page and "js/poll.js" in page
    officer.get(PAGE)
    assert officer.get(STATUS).get_json()["code"] == status["code"]  # the same code until it is used


def test_once_written_from_zalo_the_status_changes_and_the_page_says_linked(officer, client, sandbox, tenant_a):
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    phone = sandbox.add_user(seeded.app_id, display_name="Cán bộ", last_interaction="now")
    officer.get(PAGE)
    waiting = officer.get(STATUS).get_json()
    write_to_oa(client, tenant_a, seeded, phone["user_id"], waiting["code"])
    linked = officer.get(STATUS).get_json()
    assert linked["linked"] and linked["zalo_user_id"] == phone["user_id"] and linked["state"] != waiting["state"]
    page = officer.get(PAGE).get_data(as_text=True)
    assert "Your Zalo account is linked" in page and "Link another Zalo account" in page
    assert officer.post(PAGE).status_code == 302
    assert officer.get(STATUS).get_json()["code"] not in (None, waiting["code"])


def test_other_provinces_members_get_404_and_anonymous_visitors_sign_in_first(app, client, tenant_b):
    other = signed_in(app, "admin-link@da-nang.vn", tenant_b, "admin")
    assert other.get(PAGE).status_code == 404
    assert other.get(STATUS).status_code == 404
    assert other.post(PAGE).status_code == 404
    assert client.get(PAGE).status_code == 302


def test_codes_are_kept_per_province(app, tenant_a, tenant_b):
    """One person in two provinces: a code asked for in one is not the other's."""
    user = factories.create_user("both@motcua.vn", tenant=tenant_a, role="officer")
    add_membership(user, tenant_b, "officer")
    client = isolated_client(app)
    sign_in(client, "both@motcua.vn")
    client.get(PAGE)
    assert client.get(STATUS).get_json()["code"]
    assert client.get("/da-nang/admin/zalo/link/status").get_json()["code"] is None
    with as_tenant(tenant_b):
        assert open_code(user) is None
