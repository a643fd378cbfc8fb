"""A running stack (tests/pipeline/stack.py) set up for policy news: a live province whose OA has thousands of
sandbox followers, known to our database too, with sending limits that let a test finish in a minute."""

from dataclasses import dataclass

from platform_core.broadcasts import progress
from platform_core.broadcasts.constants import SENT
from platform_core.db.tenant_context import require_tenant
from platform_core.db.types import utcnow
from platform_core.delivery.constants import CLASS_BULK
from platform_core.delivery.policy import set_limits
from platform_core.extensions import db
from tests import factories
from tests.pipeline.stack import Province, Stack, add_province

BIG_CAP = 1_000_000
# A real 40x16 blue PNG: the browser shows it in the preview.
BANNER_PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000028000000100802000000ebb5aafa0000001f49444154789c63"
                           "60c8f83f3068d4e2518b472d1eb578d4e2518b472d862100fcc181ae97f836b00000000049454e44ae426082")
DAYTIME_IN_VIETNAM = "2026-11-28T10:00:00"  # the sandbox's clock: promotions are accepted


@dataclass
class NewsDesk:
    province: Province
    author_email: str
    approver_email: str


def news_stack(stack: Stack, sandbox, slug: str = "bac-ninh", name: str = "Bắc Ninh") -> NewsDesk:
    """Promotions accepted at any hour on both sides (the sandbox's clock is set to daytime, our planner's
    hours widened), Zalo's daily cap raised in the sandbox and in the province's bulk policy, two admins."""
    sandbox.set_clock(DAYTIME_IN_VIETNAM, running=True)
    sandbox.settings(promotion_daily_cap=BIG_CAP)
    stack.env["PROMOTION_HOURS"] = "0-24"
    stack.app.config["PROMOTION_HOURS"] = "0-24"
    province = add_province(stack, sandbox, slug, name)
    with stack.app.app_context(), stack.in_tenant(slug):
        set_limits(CLASS_BULK, per_minute=60_000, burst=200, daily_cap=BIG_CAP)
        tenant = factories.tenant_by_slug(slug)
        factories.create_user(f"author@{slug}.vn", full_name="Trần Thị Lan", tenant=tenant, role="admin")
        factories.create_user(f"approver@{slug}.vn", full_name="Lê Văn Hùng", tenant=tenant, role="admin")
        db.session.commit()
        db.session.remove()
    return NewsDesk(province, f"author@{slug}.vn", f"approver@{slug}.vn")


def add_followers(stack: Stack, sandbox, desk: NewsDesk, count: int) -> list[str]:
    """`count` followers in the sandbox's OA and in our zalo_follower table (as the follow webhooks would), who
    agreed to receive policy news."""
    user_ids = sandbox.add_users(desk.province.app_id, count, is_follower=True)
    with stack.app.app_context(), stack.in_tenant(desk.province.slug):
        factories.add_news_followers(require_tenant().id, user_ids, followed_at=utcnow())
        db.session.commit()
        db.session.remove()
    return user_ids


def read_progress(stack: Stack, slug: str, broadcast_id):
    """(status, Progress) as the broadcast's page shows them (settling the status once everything is done)."""
    from platform_core.broadcasts import service

    with stack.app.app_context(), stack.in_tenant(slug):
        broadcast = service.get(str(broadcast_id))
        current = progress.progress(broadcast, utcnow())
        if progress.settle(broadcast, current, utcnow()):
            db.session.commit()
        status = broadcast.status
        db.session.remove()
    return status, current


def finished(stack: Stack, slug: str, broadcast_id):
    """(status, progress) once the broadcast is SENT, else None (for wait_for)."""
    status, current = read_progress(stack, slug, broadcast_id)
    return (status, current) if status == SENT else None
