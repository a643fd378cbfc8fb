"""Policy news as one article broadcast (docs/zalo-oa.md §2.1): composed with Zalo's target, approved by a
second admin, sent by the planning job as one article and one /v2.0/oa/message call to the sandbox, audited,
and its page says which way it went and what Zalo answered; an OA that may not broadcast is explained."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.broadcasts import jobs, service
from platform_core.broadcasts.constants import REFUSED, SCHEDULED, SENDING, SENT
from platform_core.db.types import utcnow
from platform_core.extensions import db
from tests.broadcasts.conftest import news
from tests.broadcasts.test_views import FORM, URL, approver, author, compose, only_broadcast  # noqa: F401
from tests.conftest import as_tenant
from tests.console.support import text_of
from tests.zalo.conftest import connect_to_sandbox, sandbox  # noqa: F401 - the fixture

ARTICLE = {"channel": "article", "cover_url": "https://bacninh.gov.vn/anh/bia.jpg"}


def approve_and_send(author, approver, broadcast) -> None:  # noqa: F811
    assert author.client.post(f"{URL}/{broadcast.id}/submit").status_code == 302
    assert approver.client.post(f"{URL}/{broadcast.id}/approve").status_code == 302
    assert approver.client.post(f"{URL}/{broadcast.id}/send").status_code == 302


def run_job(tenant, broadcast) -> int:
    db.session.expire_all()  # the requests wrote through their own session; a worker starts afresh
    with as_tenant(tenant):
        return jobs.plan_broadcast(str(broadcast.id))


def test_an_article_broadcast_with_a_target_is_sent_in_one_call_and_reported(
        sandbox, author, approver, tenant_a):  # noqa: F811
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    women = sandbox.add_users(seeded.app_id, 4, gender=2, age_group=4, region=0)
    sandbox.add_users(seeded.app_id, 3, gender=1, age_group=4, region=0)
    broadcast = compose(author, tenant_a, **ARTICLE, ages=["4", "5"], gender="2", regions=["0"],
                        body="Đoạn một.\n\nĐoạn hai.")
    assert broadcast.article_target == {"ages": [4, 5], "gender": 2, "regions": [0], "cities": []}
    approve_and_send(author, approver, broadcast)
    assert only_broadcast(tenant_a).notification_id is None  # no deliveries to plan

    assert run_job(tenant_a, broadcast) == 1
    [created] = sandbox.requests(path_contains="/v2.0/article/create")
    article = json.loads(created["body"])
    assert article["title"] == FORM["title"] and article["cover"]["photo_url"] == ARTICLE["cover_url"]
    assert [p["content"] for p in article["body"]] == ["Đoạn một.", "Đoạn hai.", "Xem chi tiết: " + FORM["article_url"]]
    [sent] = sandbox.requests(path_contains="/v2.0/oa/message")
    assert json.loads(sent["body"])["recipient"] == {"target": {"ages": "4,5", "gender": "2", "locations": "0"}}
    assert {m["user_id"] for m in sandbox.messages(oa_id=seeded.oa_id) if m["kind"] == "article"} == set(women)

    done = only_broadcast(tenant_a)
    assert done.status == SENT and done.zalo_article_id and done.zalo_message_id
    page = text_of(author.client.get(f"{URL}/{done.id}"))
    assert "One article broadcast" in page and done.zalo_message_id in page
    assert "Ages 35-44, 45-54 · Women · The North" in page
    assert "Article broadcast" in text_of(author.client.get(f"{URL}/"))
    with as_tenant(tenant_a):
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"broadcast_approved", "broadcast_sent", "broadcast_article_sent"} <= actions


def test_an_oa_that_may_not_broadcast_is_refused_and_the_page_says_what_to_do(
        sandbox, author, approver, tenant_a):  # noqa: F811
    connect_to_sandbox(tenant_a, sandbox, oa={"broadcast_allowed": False})
    broadcast = compose(author, tenant_a, **ARTICLE)
    approve_and_send(author, approver, broadcast)
    assert run_job(tenant_a, broadcast) == 0
    refused = only_broadcast(tenant_a)
    assert refused.status == REFUSED and refused.zalo_error_code == -224
    page = text_of(author.client.get(f"{URL}/{refused.id}"))
    assert "Refused by Zalo" in page and "this Official Account may not broadcast articles" in page
    with as_tenant(tenant_a):
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "broadcast_article_refused"))


def test_a_retry_after_a_transient_failure_reuses_the_article(sandbox, author, approver, tenant_a):  # noqa: F811
    connect_to_sandbox(tenant_a, sandbox)
    broadcast = compose(author, tenant_a, **ARTICLE)
    approve_and_send(author, approver, broadcast)
    sandbox.inject_fault(path="/v2.0/oa/message", error=-214)
    assert run_job(tenant_a, broadcast) == 0
    waiting = only_broadcast(tenant_a)
    assert waiting.status == "sending" and "-214" in waiting.planning_error and waiting.zalo_article_id
    assert run_job(tenant_a, broadcast) == 1
    assert len(sandbox.requests(path_contains="/v2.0/article/create")) == 1
    assert only_broadcast(tenant_a).status == SENT


@pytest.mark.parametrize("fields, message", [
    ({"channel": "article", "cover_url": ""}, "An article needs a cover photo"),
    ({**ARTICLE, "cities": "9, Hà Nội"}, "Zalo province codes are numbers separated by commas."),
    ({"channel": "sms"}, "Not a valid choice"),
])
def test_bad_article_input_is_shown_on_the_form(author, tenant_a, fields, message):  # noqa: F811
    response = author.client.post(f"{URL}/new", data=FORM | fields, content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in text_of(response)
    assert only_broadcast(tenant_a) is None


def test_promotion_cards_stay_the_default_for_targeted_news(author, tenant_a):  # noqa: F811
    broadcast = compose(author, tenant_a, audience="communes", communes="Phường Suối Hoa")
    assert broadcast.channel == "promotion" and broadcast.article_target is None
    assert broadcast.audience == {"kind": "communes", "communes": ["Phường Suối Hoa"]}


def test_a_province_in_trial_cannot_broadcast_an_article_to_every_follower(author, tenant_a):  # noqa: F811
    tenant_a.status = "trial"
    db.session.flush()
    response = author.client.post(f"{URL}/new", data=FORM | ARTICLE, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "In trial, news reaches only your team and guest list" in text_of(response)
    assert only_broadcast(tenant_a) is None


def test_a_scheduled_article_broadcast_is_started_and_sent_by_the_tick(sandbox, tenant_a, admin_a, approver_a):  # noqa: F811
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    sandbox.add_users(seeded.app_id, 3)
    with as_tenant(tenant_a):
        broadcast = news(admin_a.user, channel="article", cover_url=ARTICLE["cover_url"], article_target={},
                         scheduled_at=utcnow() + timedelta(minutes=5))
        service.submit(broadcast, admin_a.user)
        service.approve(broadcast, approver_a.user, utcnow())
        db.session.commit()
        assert broadcast.status == SCHEDULED
        broadcast.scheduled_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        assert jobs.broadcasts_tick() == {"started": 1, "resumed": 1, "settled": 0}
        assert broadcast.status == SENDING and broadcast.notification_id is None
        assert jobs.plan_broadcast(str(broadcast.id)) == 1
        assert broadcast.status == SENT
    assert len([m for m in sandbox.messages(oa_id=seeded.oa_id) if m["kind"] == "article"]) == 3
