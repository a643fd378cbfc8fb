"""Followers imported from Zalo's list count where followers count: the reports' follower series (known since
the import, `coalesce(followed_at, imported_at)`), the broadcast audience (those who agreed to policy news)
and the follower count Zalo's daily promotion cap depends on."""

from datetime import timedelta

from sqlalchemy import select

from platform_core.broadcasts import audience
from platform_core.citizens import consent
from platform_core.citizens.constants import METHOD_ZALO_BUTTON, PURPOSE_NEWS
from platform_core.clock import VIETNAM
from platform_core.dashboard import reports
from platform_core.dashboard.period import Period
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.zalo.models import Follower
from tests.conftest import as_tenant
from tests.dashboard.conftest import english  # noqa: F401 - fixture
from tests.zalo.conftest import connect_to_sandbox
from tests.zalo.test_follower_import import imported


def test_imported_followers_count_in_the_follower_report_from_the_day_of_the_import(
        sandbox, tenant_a, english):  # noqa: F811
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    listed = sandbox.add_users(seeded.app_id, 120, is_follower=True)
    ten_days_ago = utcnow() - timedelta(days=10)
    with as_tenant(tenant_a):  # one citizen we saw follow, before the OA's followers were imported
        db.session.add(Follower(zalo_user_id=listed[0], is_follower=True, followed_at=ten_days_ago))
        db.session.flush()

    imported(tenant_a)

    today = utcnow().astimezone(VIETNAM).date()
    with as_tenant(tenant_a):
        table = reports.followers(Period(today - timedelta(days=14), today + timedelta(days=1)), tenant_a.id)
        later = reports.followers(Period(today + timedelta(days=1), today + timedelta(days=2)), tenant_a.id)
    by_day = {row[0]: row for row in table.rows}
    assert by_day[ten_days_ago.astimezone(VIETNAM).date().isoformat()][1:3] == [1, 1]
    assert by_day[today.isoformat()][1:3] == [120, 119]  # the 119 new ones are known since today
    assert later.rows[0][1] == 120


def test_imported_followers_join_the_broadcast_audience_once_they_agree_to_policy_news(sandbox, tenant_a):
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    listed = sandbox.add_users(seeded.app_id, 120, is_follower=True)

    imported(tenant_a)

    with as_tenant(tenant_a):
        assert audience.follower_count() == 120
        assert audience.estimate({"kind": "all"}) == 0  # no silent consent (docs/domain.md §6)
        for user_id in listed[:30]:
            consent.grant(PURPOSE_NEWS, method=METHOD_ZALO_BUTTON, zalo_user_id=user_id)
        assert audience.estimate({"kind": "all"}) == 30
        last, size = audience.chunk_end({"kind": "all"}, None, 200)
        in_chunk = audience.in_range({"kind": "all"}, None, last)
        planned = db.session.scalars(select(Follower.zalo_user_id).where(*in_chunk)).all()
    assert size == 30
    assert sorted(planned) == sorted(listed[:30])
