"""Sending a piece of policy news as one article broadcast (docs/zalo-oa.md §2.1): create the OA article through
Zalo's article API, then one `/v2.0/oa/message` call with the province's target reaches every follower it
matches, outside the per-follower promotion cap. There are no deliveries to plan: Zalo answers one message id.

Zalo's answers decide the outcome:
- accepted: the broadcast is SENT, with Zalo's article and message ids on it;
- refused for good (the OA may not broadcast: -223/-224/-235, or another configuration or permanent refusal):
  REFUSED, with the code the page explains;
- anything worth retrying (-214 article still processing, transport, token refresh): the reason is kept on the
  broadcast and the next tick (jobs.broadcasts_tick) tries again; the article, once created, is reused.
"""

from platform_core.audit.service import record_event
from platform_core.broadcasts.constants import REFUSED, SENT
from platform_core.broadcasts.models import Broadcast
from platform_core.db.tenant_context import require_tenant
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.tenancy.models import Tenant
from platform_core.zalo.articles import MAX_AUTHOR, MAX_DESCRIPTION, Article, BroadcastTarget
from platform_core.zalo.errors import Outcome, ZaloApiError
from platform_core.zalo.tokens import with_access_token

NOT_ALLOWED_CODES = (-223, -224, -235)  # what Zalo answers an OA that may not broadcast (docs/zalo-oa.md §2.1)
FINAL_OUTCOMES = (Outcome.CONFIGURATION, Outcome.PERMANENT)
READ_MORE = "Xem chi tiết: "


def target_of(broadcast: Broadcast) -> BroadcastTarget:
    chosen = broadcast.article_target or {}
    return BroadcastTarget(ages=tuple(chosen.get("ages") or ()), gender=int(chosen.get("gender") or 0),
                           regions=tuple(chosen.get("regions") or ()), cities=tuple(chosen.get("cities") or ()))


def article_of(broadcast: Broadcast) -> Article:
    """The article Zalo publishes: the news' title and text (paragraphs split on blank lines), the province as
    author, the text's start as description, and the link to the full article as a last paragraph."""
    paragraphs = [part.strip() for part in broadcast.body.split("\n\n") if part.strip()]
    if broadcast.article_url:
        paragraphs.append(READ_MORE + broadcast.article_url)
    return Article(title=broadcast.title, author=db.session.get(Tenant, require_tenant().id).place_name[:MAX_AUTHOR],
                   description=broadcast.body.strip()[:MAX_DESCRIPTION], cover_url=broadcast.cover_url or "",
                   paragraphs=tuple(paragraphs))


def send(broadcast: Broadcast, client) -> bool:
    """Create the article (once) and broadcast it; returns whether Zalo accepted it. Refusals that will not
    change by retrying settle the broadcast as REFUSED; other errors propagate for the caller to retry."""
    article, target = article_of(broadcast), target_of(broadcast)
    try:
        if not broadcast.zalo_article_id:
            broadcast.zalo_article_id = with_access_token(
                client, lambda token: client.verify_article(token, client.create_article(token, article)))
            db.session.commit()
        article_id = broadcast.zalo_article_id
        result = with_access_token(client, lambda token: client.broadcast_article(token, article_id, target))
    except ZaloApiError as error:
        if error.outcome not in FINAL_OUTCOMES:
            raise
        _settle(broadcast, REFUSED, error_code=error.code, error=str(error)[:500])
        record_event("broadcast_article_refused", target=broadcast, details={"zalo_error": error.code})
        db.session.commit()
        return False
    _settle(broadcast, SENT, message_id=result.message_id)
    record_event("broadcast_article_sent", target=broadcast,
                 details={"zalo_article_id": article_id, "zalo_message_id": result.message_id})
    db.session.commit()
    return True


def _settle(broadcast: Broadcast, status: str, message_id=None, error_code=None, error=None) -> None:
    now = utcnow()
    broadcast.status, broadcast.finished_at, broadcast.planning_done_at = status, now, now
    broadcast.zalo_message_id, broadcast.zalo_error_code, broadcast.planning_error = message_id, error_code, error


def is_not_allowed(broadcast: Broadcast) -> bool:
    """Zalo refused because this OA may not broadcast articles (the page says what to do)."""
    return broadcast.zalo_error_code in NOT_ALLOWED_CODES
