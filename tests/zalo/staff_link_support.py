"""A citizen (or team member) writing to a province's sandbox OA: the signed `user_send_text` webhook Zalo
would post (or any other event body), received by the app and processed as the worker would."""

import json
import uuid

from sqlalchemy import select

from platform_core.extensions import db
from platform_core.zalo import jobs
from platform_core.zalo.models import ZaloEvent
from platform_core.zalo.webhooks import expected_signature
from tests.conftest import as_tenant
from tests.zalo.conftest import now_ms


def write_to_oa(client, tenant, seeded, user_id: str, text: str) -> ZaloEvent:
    """`seeded` is the sandbox app (tests.zalo.conftest.connect_to_sandbox) the tenant is connected to."""
    body = {"app_id": seeded.app_id, "sender": {"id": user_id}, "recipient": {"id": seeded.oa_id},
            "event_name": "user_send_text", "message": {"text": text, "msg_id": uuid.uuid4().hex},
            "timestamp": now_ms()}
    return post_event(client, tenant, seeded, body)


def post_event(client, tenant, seeded, body: dict, headers: dict | None = None) -> ZaloEvent:
    """POST `body` signed with the sandbox app's OA secret to the tenant's webhook, then process the stored
    event as the worker would."""
    raw = json.dumps(body, ensure_ascii=False).encode()
    mac = expected_signature(seeded.app_id, raw, body["timestamp"], seeded.oa_secret_key)
    response = client.post(f"/zalo/webhook/{tenant.slug}", data=raw, headers={
        "X-ZEvent-Signature": f"mac={mac}", "Content-Type": "application/json", **(headers or {})})
    assert response.status_code == 200, response.get_json()
    with as_tenant(tenant):
        event = db.session.scalars(select(ZaloEvent).order_by(ZaloEvent.received_at.desc())).first()
        jobs.process_event(str(event.id))
        db.session.refresh(event)
        return event
