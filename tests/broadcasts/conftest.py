"""Broadcast fixtures: followers written straight into zalo_follower (thousands at once), two admins of
province A (an author and an approver), and a broadcast ready to plan."""

from datetime import UTC, datetime

import pytest

from platform_core.broadcasts import service
from platform_core.db.tenant_context import require_tenant
from platform_core.extensions import db
from tests import factories
from tests.conftest import as_tenant
from tests.console.support import admin_a, admin_b, csrf_on, officer_a, signed_in_member  # noqa: F401

DAYTIME = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam


def add_followers(count: int, prefix: str = "u", **fields) -> list[str]:
    """`count` followers of the tenant in context (bulk insert); returns their Zalo user ids, in id order."""
    return add_follower_ids([f"{prefix}{number:06d}" for number in range(count)], **fields)


def add_follower_ids(user_ids: list[str], consent: bool = True, **fields) -> list[str]:
    """Followers who (unless `consent=False`) agreed to receive policy news."""
    return factories.add_news_followers(require_tenant().id, user_ids, consent, **fields)


def news(author, **fields) -> service.Draft:
    values = {"title": "Lịch tiếp công dân tháng 12", "body": "Trung tâm PVHCC tiếp công dân cả thứ Bảy.",
              "article_url": "https://bacninh.gov.vn/tin/lich-tiep-cong-dan", "audience": {"kind": "all"}} | fields
    return service.create(service.Draft(**values), author)


@pytest.fixture
def approver_a(app, tenant_a):
    return signed_in_member(app, tenant_a, "admin", email="second-admin-bac-ninh@motcua.test")


@pytest.fixture
def in_a(tenant_a):
    with as_tenant(tenant_a) as ref:
        yield ref


@pytest.fixture
def sending(in_a, admin_a, approver_a):  # noqa: F811 - pytest fixtures
    """Make an approved broadcast start sending: `sending(draft)` -> the broadcast, status SENDING."""
    def start(broadcast=None, now=DAYTIME):
        broadcast = broadcast or news(admin_a.user)
        service.submit(broadcast, admin_a.user)
        service.approve(broadcast, approver_a.user, now)
        service.send_now(broadcast, approver_a.user, now)
        db.session.commit()
        return broadcast
    return start
