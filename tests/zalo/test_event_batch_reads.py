"""A batch of webhook events reads what its events need once for all of them (zalo/jobs.py `process_events`,
db/batch_facts.py): its reads do not grow with the batch, and a citizen's events in one batch still see what
their earlier events wrote (per-citizen order), exactly as when each event read for itself."""

import json

from sqlalchemy import select

from platform_core.citizens import consent
from platform_core.citizens.constants import CONFIRMATION_KIND, METHOD_ZALO_CHAT
from platform_core.citizens.requests import stop
from platform_core.citizens.screen import STOPPED
from platform_core.db.tenant_context import TenantRef, tenant_context
from platform_core.delivery.constants import PENDING
from platform_core.delivery.models import Delivery, Notification
from platform_core.extensions import db
from platform_core.zalo import intake, jobs
from platform_core.zalo.models import ZaloEvent
from platform_core.zalo.webhooks import identify
from tests.conftest import as_tenant
from tests.sql_statements import recorded_statements
from tests.zalo.conftest import now_ms, user_text


def claimed_batch(tenant, token: str, messages: list[tuple[str, str]]) -> None:
    """Store `messages` ((citizen, text), in order) as events claimed with `token`, as the intake would."""
    with as_tenant(tenant):
        for n, (user_id, text) in enumerate(messages):
            body = user_text(text=text, user_id=user_id, msg_id=f"{token}-{n}", timestamp=now_ms(n / 1000))
            db.session.add(ZaloEvent(event_key=identify(body).key, event_name="user_send_text",
                                     raw_body=json.dumps(body, ensure_ascii=False), zalo_user_id=user_id,
                                     lane=intake.lane_of(user_id), claim_token=token))
        db.session.commit()


def statements_of(tenant, token: str) -> list[str]:
    ref = TenantRef(tenant.id, tenant.slug)
    db.session.expunge_all()  # as in a worker: nothing of the test's stays loaded (the tenant row, say)
    with recorded_statements(db.engine) as seen, tenant_context(ref):
        result = jobs.process_events(token)
    assert result["failed"] == 0
    return seen


def reads(statements: list[str]) -> list[str]:
    return [statement for statement in statements if statement.lstrip().upper().startswith(("SELECT", "WITH"))]


def answers_to(tenant, user_id: str) -> list[tuple[str, str, str | None]]:
    """(event kind, delivery state, refusal) of every message written to `user_id`, oldest first."""
    with as_tenant(tenant):
        rows = db.session.execute(
            select(Notification.event_kind, Delivery.state, Delivery.error_message)
            .join(Delivery, Delivery.notification_id == Notification.id)
            .where(Delivery.recipient_zalo_user_id == user_id)
            .order_by(Notification.created_at, Notification.id)).all()
    return [tuple(row) for row in rows]


def test_a_batch_reads_the_same_whatever_its_size(app, connected_a, tenant_a):
    claimed_batch(tenant_a, "small", [(f"81{n:05d}", "xin chào") for n in range(1, 4)])
    claimed_batch(tenant_a, "large", [(f"82{n:05d}", "xin chào") for n in range(30)])
    small, large = statements_of(tenant_a, "small"), statements_of(tenant_a, "large")
    assert len(reads(large)) <= len(reads(small)), (
        f"{len(reads(small))} reads for 3 events, {len(reads(large))} for 30:\n" + "\n".join(reads(large)))
    assert len(answers_to(tenant_a, "8200029")) == 1  # every event was answered
    with as_tenant(tenant_a):
        assert db.session.scalar(select(Notification).where(Notification.idempotency_key.like("bot:%"))
                                 .limit(1)) is not None


def test_a_stop_earlier_in_the_batch_refuses_the_citizens_later_answer(app, connected_a, tenant_a):
    claimed_batch(tenant_a, "stop", [("8300001", "dừng"), ("8300002", "xin chào"), ("8300001", "xin chào")])
    statements_of(tenant_a, "stop")
    [confirmation, answer] = answers_to(tenant_a, "8300001")
    assert confirmation == (CONFIRMATION_KIND, PENDING, None)
    assert answer == ("bot_reply", "failed", STOPPED)
    assert answers_to(tenant_a, "8300002") == [("bot_reply", PENDING, None)]


def test_a_grant_in_an_event_lets_its_own_answer_through(app, connected_a, tenant_a):
    """The citizen had stopped everything; agreeing again in the batch reopens their messages at once."""
    with as_tenant(tenant_a):
        stop(method=METHOD_ZALO_CHAT, zalo_user_id="8400001")
        db.session.commit()
    claimed_batch(tenant_a, "grant", [("8400001", "đồng ý nhận thông báo hồ sơ")])
    statements_of(tenant_a, "grant")
    [_, answer] = answers_to(tenant_a, "8400001")
    assert answer == ("bot_reply", PENDING, None)
    with as_tenant(tenant_a):
        assert not consent.withdrawn("8400001")


def test_a_short_answer_replies_to_the_question_asked_earlier_in_the_same_batch(app, connected_a, tenant_a):
    """"có" answers the consent question the citizen's previous message brought, not what was sent before."""
    claimed_batch(tenant_a, "yes", [("8500001", "tin chính sách"), ("8500001", "có")])
    statements_of(tenant_a, "yes")
    assert [kind for kind, _, _ in answers_to(tenant_a, "8500001")] == ["consent_question", "bot_reply"]
    with as_tenant(tenant_a):
        assert consent.may_send("8500001", None, consent.PURPOSE_NEWS)
