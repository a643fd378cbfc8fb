"""The message a citizen gets when they follow the province's OA (zalo/events.py tells its `on_followed`
listeners, platform_core/wiring.py registers `send_welcome`)."""

from flask_babel import force_locale, gettext

from platform_core.db import batch_facts
from platform_core.db.tenant_context import require_tenant
from platform_core.delivery.outbox import remember_keys, send_reply
from platform_core.extensions import db
from platform_core.tenancy.models import Tenant
from platform_core.zalo.connection import get_connection

WELCOME = "bot.welcome"  # batch facts: tenant id -> the welcome text
FOLLOW_EVENT = "follow"


def welcome_text() -> str:
    """For the tenant in context, in Vietnamese (citizens' messages always are); once per batch of events."""
    tenant_id = require_tenant().id
    return batch_facts.recall_or(WELCOME, tenant_id, lambda: _welcome_text(tenant_id))


def _welcome_text(tenant_id) -> str:
    tenant = db.session.get(Tenant, tenant_id)
    connection = get_connection()
    with force_locale("vi"):
        return gettext(
            "Welcome to %(name)s on Zalo. Send us your dossier code to see where it stands; "
            "we will also message you here when it changes. Write \"tin chính sách\" to receive the province's "
            "policy news, \"phản ánh\" followed by your message to send feedback, or \"dừng\" to stop all "
            "messages.",
            name=(connection and connection.oa_name) or tenant.place_name,
        )


def send_welcome(event) -> None:
    """Through the outbox, in the follow event's transaction: metered, recorded, retried by the pipeline like
    any message."""
    send_reply(event.zalo_user_id, welcome_text(), idempotency_key=_key(event), reason="welcome after following the OA")


def remember_batch(events) -> None:
    """A batch loader (zalo/events.py `on_batch`): whether the batch's follows were welcomed already, at once."""
    remember_keys({_key(event) for event in events if event.event_name == FOLLOW_EVENT})


def _key(event) -> str:
    return f"welcome:{event.event_key}"
