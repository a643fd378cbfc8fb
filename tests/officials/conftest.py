"""Officials of tenant A (and one of B) with profiles and linked Zalo accounts, and an API key of each tenant."""

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from platform_core.auth.models import User
from platform_core.bot.commands import CitizenMessage
from platform_core.delivery.models import Delivery, Notification
from platform_core.extensions import db
from platform_core.officials.bot import answer_acknowledgement
from platform_core.officials.models import OfficialProfile
from platform_core.zalo.models import Follower
from tests import factories
from tests.conftest import CANARY, as_tenant
from tests.console.support import admin_a, admin_b, csrf_on, officer_a  # noqa: F401 - shared fixtures
from tests.delivery.trial_support import link_follower
from tests.dossiers.support import bearer


@dataclass
class Official:
    user: User
    profile: OfficialProfile
    zalo_user_id: str | None


def make_official(tenant, email: str, ref: str, zalo_user_id: str | None = None, position: str = "van_thu",
                  name: str = "Lê Văn Cán") -> Official:
    user = factories.create_user(email, full_name=name, tenant=tenant)
    with as_tenant(tenant):
        profile = OfficialProfile(user_id=user.id, external_ref=ref, agency="Văn phòng UBND tỉnh", position=position)
        db.session.add(profile)
        db.session.flush()
    if zalo_user_id:
        link_follower(tenant, zalo_user_id, user)
    return Official(user, profile, zalo_user_id)


@pytest.fixture
def official_a(tenant_a):
    return make_official(tenant_a, "can-bo@bacninh.gov.vn", "CB-001", "zalo-can-bo-1")


@pytest.fixture
def unlinked_official_a(tenant_a):
    return make_official(tenant_a, "chua-lien-ket@bacninh.gov.vn", "CB-002", name="Phạm Thị Chưa")


@pytest.fixture
def official_b(tenant_b):
    return make_official(tenant_b, "can-bo@danang.gov.vn", "CB-001", "zalo-b-1", name=f"Cán bộ {CANARY}")


@pytest.fixture
def key_a(tenant_a):
    return bearer(tenant_a)


@pytest.fixture
def key_b(tenant_b):
    return bearer(tenant_b)


def sent_messages(tenant) -> list[tuple[str, dict]]:
    """(recipient, composed context) of every official message in the outbox, oldest first."""
    with as_tenant(tenant):
        rows = db.session.execute(select(Delivery.recipient_zalo_user_id, Notification.context).join(
            Notification, (Notification.id == Delivery.notification_id)
            & (Notification.tenant_id == Delivery.tenant_id)).order_by(Notification.created_at)).all()
    return [(recipient, context) for recipient, context in rows]


def ack(tenant, follower_zalo_id: str, text: str) -> str | None:
    """What the bot answers when this follower of `tenant` writes `text` (the "Đã nhận" button's reply)."""
    with as_tenant(tenant):
        follower = db.session.scalar(select(Follower).where(Follower.zalo_user_id == follower_zalo_id))
        return answer_acknowledgement(CitizenMessage(None, {}, follower, text))
