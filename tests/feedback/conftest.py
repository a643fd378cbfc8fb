"""Feedback in tenants A and B, created through the service, and the people who handle them."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from platform_core.delivery.models import Delivery, Notification
from platform_core.extensions import db
from platform_core.feedback import service
from platform_core.feedback.constants import CHANNEL_WEB, CHANNEL_ZALO
from platform_core.zalo.models import Follower
from tests import factories
from tests.auth.support import add_membership
from tests.conftest import as_tenant
from tests.console.support import admin_a, admin_b, csrf_on, officer_a, signed_in_member  # noqa: F401 - fixtures
from tests.zalo.conftest import connected_a, connected_b, sandbox  # noqa: F401 - fixtures

# Monday 2 November 2026, 09:00 in Vietnam.
MONDAY = datetime(2026, 11, 2, 2, tzinfo=UTC)
CONTENT = "Bộ phận một cửa xã hẹn trả kết quả trễ 5 ngày mà không có thư xin lỗi."
CITIZEN = "8000042"


def vn_day(moment: datetime):
    return (moment + timedelta(hours=7)).date()


def add_follower(tenant, zalo_user_id=CITIZEN, phone="+84912345678", **fields) -> Follower:
    with as_tenant(tenant):
        follower = Follower(zalo_user_id=zalo_user_id, phone_e164=phone, display_name="Nguyễn Văn An",
                            last_interaction_at=datetime.now(UTC), **fields)
        db.session.add(follower)
        db.session.flush()
        return follower


def zalo_feedback(tenant, content=CONTENT, zalo_user_id=CITIZEN, now=MONDAY):
    with as_tenant(tenant):
        feedback = service.submit(CHANNEL_ZALO, content, zalo_user_id=zalo_user_id, name="Nguyễn Văn An", now=now)
        db.session.flush()  # inside the tenant's context
        return feedback


def web_feedback(tenant, content=CONTENT, phone="0987654321", now=MONDAY):
    with as_tenant(tenant):
        feedback = service.submit(CHANNEL_WEB, content, name="Trần Thị Bình", phone=phone, now=now)
        db.session.flush()
        return feedback


def messages_to(tenant, zalo_user_id=CITIZEN) -> list[dict]:
    """The composed messages in the outbox for `zalo_user_id`, oldest first (their stored context)."""
    with as_tenant(tenant):
        return list(db.session.scalars(
            select(Notification.context).join(Delivery, Delivery.notification_id == Notification.id)
            .where(Delivery.recipient_zalo_user_id == zalo_user_id).order_by(Notification.created_at)))


@pytest.fixture
def officer(tenant_a):
    user = factories.create_user("can-bo@bacninh.gov.vn", full_name="Lê Văn Cán")
    add_membership(user, tenant_a, "officer")
    return user


def reloaded(tenant, feedback):
    """`feedback` as the database has it now (read in its tenant: PostgreSQL's row-level security)."""
    with as_tenant(tenant):
        db.session.refresh(feedback)
        return feedback
