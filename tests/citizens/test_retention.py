"""The nightly purge: per province, data older than its periods is erased or anonymised (chat bodies, inactive
contacts, finished deliveries' recipients), newer data and dossiers are left alone, one audit event counts it;
the platform job fans out to every province only in the night hour."""

import json
from datetime import timedelta

from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.citizens import jobs
from platform_core.citizens.retention import purge
from platform_core.db.types import utcnow
from platform_core.delivery.composed import ComposedMessage
from platform_core.delivery.models import Delivery, Notification
from platform_core.delivery.outbox import send_composed, send_reply
from platform_core.delivery.states import advance
from platform_core.dossiers.models import Dossier
from platform_core.extensions import db
from platform_core.jobs.decorators import open_queue
from platform_core.jobs.queues import QUEUE_MAINTENANCE
from platform_core.settings.service import save_setting
from platform_core.zalo.models import Follower, ZaloEvent
from tests import factories
from tests.bot.conftest import add_dossier
from tests.conftest import as_tenant


def old_and_new(tenant, days_old: int):
    """An old and a new chat event, a follower gone quiet and one still following, an old and a new delivery."""
    now = utcnow()
    then = now - timedelta(days=days_old)
    with as_tenant(tenant):
        for key, at in (("old", then), ("new", now)):
            db.session.add(ZaloEvent(event_key=f"e-{key}", event_name="user_send_text", zalo_user_id=f"80005{key}",
                                     raw_body=json.dumps({"text": f"chat {key}"}), received_at=at, processed_at=at))
        db.session.add(Follower(zalo_user_id="8000500", display_name="Gone quiet", phone_e164="+84912000500",
                                is_follower=False, last_interaction_at=then))
        db.session.add(Follower(zalo_user_id="8000501", display_name="Still following", is_follower=True,
                                last_interaction_at=then))
        for key, at in (("old", then), ("new", now)):
            notification = send_reply(f"80006{key}", "Xin chào", idempotency_key=f"r-{key}")
            db.session.flush()
            [delivery] = notification.deliveries
            notification.created_at = delivery.created_at = at
            advance(delivery, "sending")
            advance(delivery, "sent")
        db.session.flush()
    add_dossier(tenant, applicant_phone="+84912000500", applicant_zalo_user_id="8000500")


def test_the_purge_applies_the_default_periods_and_counts_what_it_did(tenant_a):
    old_and_new(tenant_a, days_old=800)
    with as_tenant(tenant_a):
        counts = purge()
        db.session.expire_all()  # the purge's bulk UPDATEs leave the rows old_and_new loaded as they were
        events = {e.event_key: e.raw_body for e in db.session.scalars(select(ZaloEvent))}
        followers = {f.zalo_user_id: f for f in db.session.scalars(select(Follower))}
        deliveries = {d.recipient_zalo_user_id for d in db.session.scalars(select(Delivery))}
        dossier = db.session.scalar(select(Dossier))
        [audit] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "retention_purged")).all()
    assert counts == {"chat_events": 1, "chat_replies": 1, "inactive_contacts": 1, "delivery_records": 1,
                      "result_files": 0, "registration_forms": 0}
    assert json.loads(events["e-old"]) == {"event_name": "user_send_text", "erased": True}
    assert "chat new" in events["e-new"]
    assert followers["8000500"].display_name is None and followers["8000500"].anonymised_at is not None
    assert followers["8000501"].display_name == "Still following"
    assert deliveries == {None, "80006new"}
    assert dossier.applicant_phone == "+84912000500"  # dossiers are never purged
    assert audit.details["counts"] == counts and audit.details["days"]["chat_events"] == 180
    with as_tenant(tenant_a):
        assert purge() == {"chat_events": 0, "chat_replies": 0, "inactive_contacts": 0,
                           "delivery_records": 0, "result_files": 0, "registration_forms": 0}  # nothing twice


def test_old_words_sent_in_the_chat_are_blanked_but_not_dossier_notices_broadcasts_or_waiting_messages(tenant_a):
    then = utcnow() - timedelta(days=200)
    with as_tenant(tenant_a):
        written = {
            "ack": send_composed(ComposedMessage("Đã nhận phản ánh của Trần Văn Bình", code="PA-1"),
                                 event_kind="feedback_received", idempotency_key="ack", zalo_user_id="8000701"),
            "news": send_composed(ComposedMessage("Lịch tiếp công dân", promotion=True), event_kind="policy_news",
                                  idempotency_key="news", zalo_user_id="8000701", message_class="bulk"),
            "waiting": send_reply("8000702", "Xin chào Lê Thị Cúc", idempotency_key="waiting"),
            # a dossier notice's values are a copy of the dossier record
            "notice": factories.create_delivery("transaction", "sent", then).notification,
        }
        written["notice"].context = {"ma_ho_so": "000.00.24.H04-251128-0701", "nguoi_nop": "Trần Văn Bình"}
        db.session.flush()
        for key, notification in written.items():
            notification.created_at = then
            if key in ("ack", "news"):
                for delivery in notification.deliveries:
                    advance(delivery, "sending")
                    advance(delivery, "sent")
        db.session.flush()
        assert purge()["chat_replies"] == 1
        contexts = {key: db.session.get(Notification, (tenant_a.id, n.id)).context for key, n in written.items()}
    assert contexts["ack"]["text"] == "" and contexts["ack"]["erased"] is True
    assert contexts["news"]["text"] == "Lịch tiếp công dân"
    assert contexts["waiting"]["text"] == "Xin chào Lê Thị Cúc"  # still to be sent
    assert contexts["notice"]["nguoi_nop"] == "Trần Văn Bình"


def test_each_province_has_its_own_periods(tenant_a, tenant_b):
    old_and_new(tenant_a, days_old=100)
    old_and_new(tenant_b, days_old=100)
    with as_tenant(tenant_a):
        save_setting("retention_days", {"chat_events": 90})
        assert purge()["chat_events"] == 1
    with as_tenant(tenant_b):
        assert purge()["chat_events"] == 0
        assert all("erased" not in e.raw_body for e in db.session.scalars(select(ZaloEvent)))


def test_the_nightly_job_fans_out_at_two_in_the_morning_in_vietnam_only():
    queue = open_queue(QUEUE_MAINTENANCE)
    queue.empty()
    assert jobs.purge_expired_data_everywhere("2026-11-28T10:00:00+00:00") == 0  # 17:00 in Vietnam
    assert queue.count == 0
    enqueued = jobs.purge_expired_data_everywhere("2026-11-28T19:30:00+00:00")  # 02:30 in Vietnam
    assert enqueued >= 2 and queue.count == enqueued  # bac-ninh and da-nang at least
    assert {job.func_name for job in queue.jobs} == {"platform_core.citizens.jobs.purge_expired_data"}
    assert all(job.meta["tenant_id"] for job in queue.jobs)
    queue.empty()
