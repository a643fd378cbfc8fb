"""The tenants page: every tenant with its status, Zalo connection and today's numbers; invitations."""

from datetime import datetime, time, timedelta

from sqlalchemy import select

from platform_core.clock import VIETNAM
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.onboarding.models import Invitation
from platform_core.operator import service
from platform_core.tenancy.service import find_by_slug
from platform_core.zalo.models import ZaloConnection
from tests.conftest import as_tenant
from tests.operator.conftest import add_delivery, platform_events


def test_tenants_show_status_zalo_and_todays_numbers(operator_client, tenant_a, tenant_b):
    yesterday = utcnow() - timedelta(days=1, hours=1)
    # Today is the province's day: run just after midnight in Vietnam (17:00 UTC), 20 minutes ago was yesterday.
    earlier_today = max(utcnow() - timedelta(minutes=20), datetime.combine(utcnow().astimezone(VIETNAM).date(), time(),
                                                                           tzinfo=VIETNAM))
    with as_tenant(tenant_a):
        db.session.add(ZaloConnection(status="connected"))
        add_delivery("sent", sent_at=utcnow())
        add_delivery("sent", sent_at=utcnow())
        add_delivery("sent", created_at=yesterday, sent_at=yesterday, updated_at=yesterday)  # not today
        add_delivery("failed")
        add_delivery("pending", created_at=earlier_today)
        add_delivery("pending", created_at=yesterday)  # still queued: counts in the queue, not in today's
    rows = {row.slug: row for row in service.tenants_overview(actor=None)}
    a, b = rows["bac-ninh"], rows["da-nang"]
    assert (a.sent_today, a.failed_today, a.pending_today, a.queue_depth) == (2, 1, 1, 2)
    assert abs(a.oldest_pending_at - yesterday) < timedelta(seconds=1)
    assert a.zalo_status == "connected" and b.zalo_status == "not_connected"
    assert (b.sent_today, b.queue_depth, b.oldest_pending_at) == (0, 0, None)

    page = operator_client.get("/operator/").get_data(as_text=True)
    assert "Bắc Ninh" in page and "Đà Nẵng" in page
    assert "Connected" in page and "Not connected" in page and "Live" in page
    assert "1 day" in page  # the oldest waiting delivery's age


def test_viewing_the_tenants_is_an_audited_cross_tenant_read(operator_client, operator):
    operator_client.get("/operator/")
    # The operator's reads only: a `flask delivery pump` process started by another test of this worker notes
    # its own cross-tenant read in the same database.
    events = [event for event in platform_events("cross_tenant_access") if event.actor_id == operator.id]
    assert [event.details["reason"] for event in events] == ["operator console: tenants overview"]


def test_provinces_not_on_board_are_listed_with_an_invite_form(operator_client, provinces):
    page = operator_client.get("/operator/").get_data(as_text=True)
    assert len(provinces) == 34
    invite_forms = page.count('action="/operator/provinces/')
    assert invite_forms == 32  # every province but the two tenants of the test run
    assert 'action="/operator/provinces/ha-noi/invite"' in page
    assert 'action="/operator/provinces/bac-ninh/invite"' not in page


def test_inviting_a_province_creates_the_tenant_and_shows_the_link_once(operator_client, operator, provinces):
    response = operator_client.post("/operator/provinces/ha-noi/invite", data={
        "ha-noi-contact_name": "Lê Văn Chính", "ha-noi-email": "Chinh.LV@HaNoi.gov.vn",
    })
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    tenant = find_by_slug("ha-noi")
    assert tenant.status == "invited"
    with as_tenant(tenant):
        invitation = db.session.scalar(select(Invitation))
    assert invitation.email == "chinh.lv@hanoi.gov.vn" and invitation.invited_by_id == operator.id
    assert "Hà Nội is invited." in page
    link = page.split("data-invitation-link>")[1].split("<")[0]
    assert link.startswith("http") and "/ha-noi/setup/join/" in link
    assert link not in operator_client.get("/operator/").get_data(as_text=True)  # shown once
    assert [event.details["slug"] for event in platform_events("tenant_created")] == ["ha-noi"]


def test_inviting_an_invited_province_again_replaces_its_link(operator_client, provinces):
    for name in ("First", "Second"):
        operator_client.post("/operator/provinces/ha-noi/invite", data={
            "ha-noi-contact_name": name, "ha-noi-email": "chinh@hanoi.gov.vn"})
    with as_tenant(find_by_slug("ha-noi")):
        invitations = db.session.scalars(select(Invitation).order_by(Invitation.created_at)).all()
    assert [(i.contact_name, i.revoked_at is None) for i in invitations] == [("First", False), ("Second", True)]


def test_a_province_already_on_board_is_refused(operator_client, provinces, tenant_a):
    response = operator_client.post("/operator/provinces/bac-ninh/invite", data={
        "bac-ninh-contact_name": "X", "bac-ninh-email": "x@bacninh.gov.vn"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Bắc Ninh is already on board; it cannot be invited again." in page
    assert platform_events("invitation_created") == []
    with as_tenant(tenant_a):
        assert db.session.scalars(select(Invitation)).all() == []


def test_a_bad_email_or_a_missing_name_is_shown_in_the_form(operator_client, provinces):
    response = operator_client.post("/operator/provinces/ha-noi/invite", data={
        "ha-noi-contact_name": "", "ha-noi-email": "not-an-address"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Enter the person's name." in page
    assert "Enter an e-mail address like name@example.gov.vn." in page
    assert 'id="ha-noi-email-error"' in page and "<details open>" in page
    assert find_by_slug("ha-noi") is None


def test_an_unknown_province_is_404(operator_client, provinces):
    response = operator_client.post("/operator/provinces/atlantis/invite", data={
        "atlantis-contact_name": "X", "atlantis-email": "x@example.vn"})
    assert response.status_code == 404


def test_provinces_are_in_vietnamese_alphabetical_order(operator_client, provinces):
    page = operator_client.get("/operator/").get_data(as_text=True)
    assert page.index("Cà Mau") < page.index("Cao Bằng") < page.index("Hà Nội") < page.index("Huế")


def test_a_connection_whose_token_expired_is_not_shown_as_connected(operator_client, tenant_a, tenant_b):
    with as_tenant(tenant_a):
        db.session.add(ZaloConnection(status="connected", oa_name="OA Bắc Ninh",
                                      access_expires_at=utcnow() - timedelta(minutes=1),
                                      last_error="refresh failed: LockError", last_error_at=utcnow()))
        db.session.flush()
    with as_tenant(tenant_b):
        db.session.add(ZaloConnection(status="connected", access_expires_at=utcnow() + timedelta(hours=20)))
        db.session.flush()
    rows = {row.slug: row for row in service.tenants_overview(actor=None)}
    assert rows["bac-ninh"].zalo_status == "token_expired" and rows["da-nang"].zalo_status == "connected"
    assert [row.tenant_slug for row in service.reconnect_needed(actor=None)] == ["bac-ninh"]
    page = operator_client.get("/operator/zalo").get_data(as_text=True)
    assert "OA Bắc Ninh" in page and "Access token expired: messages cannot be sent" in page


def test_provinces_needing_attention_come_first_and_can_be_searched(operator_client, tenant_a, tenant_b):
    with as_tenant(tenant_a):
        db.session.add(ZaloConnection(status="connected"))
        db.session.flush()
    # Đà Nẵng (live) has no Zalo connection: it needs attention and comes before Bắc Ninh, which is fine.
    page = operator_client.get("/operator/?lang=vi").get_data(as_text=True)
    rows = page[page.index("<tbody>"):page.index("</tbody>")]
    assert rows.index("Đà Nẵng") < rows.index("Bắc Ninh")
    assert "Zalo không gửi được tin" in page and "Các tỉnh, thành phố cần chú ý được xếp lên đầu." in page
    found = operator_client.get("/operator/?lang=vi&q=da nang").get_data(as_text=True)
    table = found[found.index("<tbody>"):found.index("</tbody>")]
    assert "Đà Nẵng" in table and "Bắc Ninh" not in table
    nothing = operator_client.get("/operator/?lang=vi&q=hà giang").get_data(as_text=True)
    assert "Không có tỉnh, thành phố nào khớp với “hà giang”." in nothing
