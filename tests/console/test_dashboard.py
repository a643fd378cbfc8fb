"""The console's dashboard (`/<slug>/admin/`): today's numbers, Zalo, trial and setup, go-live."""

from datetime import timedelta

from platform_core.console import service
from platform_core.db.types import utcnow
from platform_core.delivery.models import Delivery
from platform_core.extensions import db
from platform_core.onboarding import wizard
from platform_core.onboarding.constants import STEP_KEYS
from platform_core.onboarding.models import GoLiveRequest
from tests import factories
from tests.auth.support import isolated_client, sign_in
from tests.conftest import CANARY, as_tenant
from tests.console.support import text_of

URL = "/bac-ninh/admin/"


def test_today_counts_events_and_messages_by_channel(tenant_a):
    now = utcnow()
    with as_tenant(tenant_a):
        for n in range(4):
            factories.create_dossier(f"H15-0{n}")
        sent, delivered, failed, waiting = db.session.scalars(db.select(Delivery)).all()
        sent.channel, sent.state, sent.sent_at = "transaction", "sent", now
        delivered.channel, delivered.state, delivered.sent_at, delivered.delivered_at = "zns", "delivered", now, now
        failed.channel, failed.state, failed.error_code = "transaction", "failed", -213
        waiting.created_at = now - timedelta(days=3)  # still waiting: counted whatever its age
        db.session.flush()
        today = service.today_numbers(now)
    by_channel = {row.channel: row for row in today.channels}
    assert today.events_received == 4
    assert (by_channel["transaction"].sent, by_channel["transaction"].failed) == (1, 1)
    assert (by_channel["zns"].sent, by_channel["zns"].delivered) == (1, 1)
    assert by_channel[None].pending == 1
    assert (today.total.sent, today.total.delivered, today.total.failed, today.total.pending) == (2, 1, 1, 1)


def test_yesterdays_messages_are_not_todays(tenant_a):
    now = utcnow()
    with as_tenant(tenant_a):
        factories.create_dossier("H15-OLD")
        delivery = db.session.scalar(db.select(Delivery))
        delivery.state, delivery.channel = "sent", "cs"
        delivery.sent_at = delivery.updated_at = now - timedelta(days=2)
        db.session.flush()
        assert service.today_numbers(now).total.sent == 0


def test_officer_sees_the_numbers_and_the_zalo_status(officer_a, tenant_a):
    with as_tenant(tenant_a):
        factories.create_dossier()
    html = text_of(officer_a.client.get(URL))
    assert "Tổng quan" in html and "Chưa kết nối" in html
    assert "Continue setup" not in html and "/bac-ninh/setup/" not in html


def test_a_province_in_trial_sees_its_setup_progress_and_a_continue_link(admin_a, tenant_a):
    tenant_a.status = "trial"
    with as_tenant(tenant_a):
        wizard.mark_done(STEP_KEYS[0])
        db.session.flush()
    html = text_of(admin_a.client.get(URL))
    assert 'href="/bac-ninh/setup/"' in html
    assert f'max="{len(STEP_KEYS)}" value="1"' in html


def test_a_finished_wizard_has_no_continue_link(admin_a, tenant_a):
    tenant_a.status = "trial"
    with as_tenant(tenant_a):
        for step in STEP_KEYS:
            wizard.mark_done(step)
        db.session.add(GoLiveRequest(status="pending", checklist={}))
        db.session.flush()
    html = text_of(admin_a.client.get(URL))
    assert 'href="/bac-ninh/setup/"' not in html
    assert "Đang chờ duyệt" in html  # the go-live request's status


def test_the_rejection_reason_of_a_go_live_request_is_shown(admin_a, tenant_a):
    tenant_a.status = "trial"
    with as_tenant(tenant_a):
        db.session.add(GoLiveRequest(status="rejected", checklist={}, reason="Chưa có mẫu tin ZNS được duyệt"))
        db.session.flush()
    assert "Chưa có mẫu tin ZNS được duyệt" in text_of(admin_a.client.get(URL))


def test_numbers_are_the_provinces_own(admin_a, tenant_a, tenant_b):
    with as_tenant(tenant_b):
        factories.create_dossier(f"{CANARY}-1")
        factories.create_dossier(f"{CANARY}-2")
    with as_tenant(tenant_a):
        assert service.today_numbers().events_received == 0
    html = text_of(admin_a.client.get(URL))
    assert CANARY not in html


def test_other_provinces_admins_and_strangers_get_404_or_sign_in(app, admin_b, tenant_a):
    assert admin_b.client.get(URL).status_code == 404
    factories.create_user("nobody@motcua.test")
    client = isolated_client(app)
    assert client.get(URL).status_code == 302  # to the sign-in page
    sign_in(client, "nobody@motcua.test")
    assert client.get(URL).status_code == 404
