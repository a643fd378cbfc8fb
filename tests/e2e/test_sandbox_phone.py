"""A citizen writes to the province's OA in the sandbox's phone view; the signed webhook reaches the product."""

import pytest
from sqlalchemy import select

from platform_core.db.tenant_context import TenantRef, tenant_context
from platform_core.extensions import db
from platform_core.tenancy.models import Tenant
from platform_core.zalo.connection import get_or_create_connection, save_credentials, store_token_pair
from platform_core.zalo.models import ZaloEvent

pytestmark = pytest.mark.browser


def connect_site_tenant(app, seeded, tokens) -> TenantRef:
    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "bac-ninh"))
        ref = TenantRef(tenant.id, tenant.slug)
        with tenant_context(ref):
            connection = get_or_create_connection()
            save_credentials(connection, app_id=seeded.app_id, app_secret=seeded.app_secret, oa_id=seeded.oa_id,
                             oa_secret_key=seeded.oa_secret_key)
            store_token_pair(connection, tokens["access_token"], tokens["refresh_token"], 90_000)
            db.session.commit()
        db.session.remove()
        return ref


def events_for(app, tenant: TenantRef, user_id) -> list[tuple[str, str]]:
    with app.app_context(), tenant_context(tenant):
        rows = db.session.scalars(select(ZaloEvent).where(ZaloEvent.zalo_user_id == user_id)).all()
        found = [(row.event_name, row.raw_body) for row in rows]
        db.session.remove()
        return found


def test_citizen_message_from_the_phone_view_reaches_the_product(site, zalo_sandbox, page, screenshots):
    seeded = zalo_sandbox.add_app("bac-ninh", webhook_url=f"{site['url']}/zalo/webhook/bac-ninh",
                                  oa_name="Trung tâm PVHCC tỉnh Bắc Ninh")
    tenant = connect_site_tenant(site["app"], seeded, zalo_sandbox.mint_tokens(seeded.app_id))
    citizen = zalo_sandbox.add_user(seeded.app_id, display_name="Nguyễn Thị Hoa", phone="0912345678")

    page.goto(f"{zalo_sandbox.base_url}/phone/{seeded.oa_id}/{citizen['user_id']}")
    page.get_by_label("Tin nhắn").fill("Tra cứu hồ sơ 000.00.24.H04-251128-0001")
    page.get_by_role("button", name="Gửi").click()
    page.get_by_text("000.00.24.H04-251128-0001").first.wait_for()
    page.screenshot(path=str(screenshots / "sandbox-phone-citizen-writes.png"), full_page=True)

    received = zalo_sandbox.wait_for(lambda: events_for(site["app"], tenant, citizen["user_id"]), timeout=10)
    [(event_name, raw_body)] = received
    assert event_name == "user_send_text" and "000.00.24.H04-251128-0001" in raw_body
    [delivery] = [d for d in zalo_sandbox.deliveries() if d.get("event_name") == "user_send_text"]
    assert delivery["status"] == 200
