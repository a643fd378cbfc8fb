"""Sending a claimed batch at a cost paid per batch, not per message (issue 11).

1. Prepare, in one transaction: the claimed rows with their notifications, read by one Core statement into
   plain values (`ClaimedDelivery`: as ORM objects they cost a sixth of a batch's CPU in bookkeeping), marked
   `sending` (one UPDATE statement for all of them: a crash from here on is detectable by the sweeper, which
   sees the batch's heartbeat go, delivery/heartbeat.py, and sends the rest again within seconds); the
   recipients' follower records; the pinned template versions (kept per process by (tenant, template id,
   version): a version never changes); the screens' answers for every route of every row. Then the access
   token, read once.
2. Send in waves, with no transaction open during a call: each recipient's next message side by side, up to
   `DELIVERY_CALLS_IN_FLIGHT` calls in flight on one event loop (zalo/async_calls.py: the same synchronous
   sending code in greenlets, aiohttp underneath; docs/architecture.md, performance notes), so a citizen's
   messages keep their order. An auth error stops that recipient's queue; the token is refreshed once for the
   batch (zalo/tokens.py, under its lock) and the stopped queues are sent again.
3. Record each wave, in one transaction: its outcomes in one executemany UPDATE by primary key, and receipts
   that arrived before the send applied from one query.
The statements grow with the waves (the most messages one citizen has in the batch), not with the number of
rows (tests/delivery/test_batch.py counts them).
"""

import logging
import uuid
from collections import Counter, OrderedDict
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass
from functools import cache

from flask import current_app
from sqlalchemy import and_, bindparam, select, update

from platform_core.db.session import SCOPED_BY_CALLER, objects_kept_across_commits
from platform_core.db.tenant_context import TenantRef, current_tenant_id, require_tenant, tenant_context
from platform_core.db.types import utcnow
from platform_core.delivery import heartbeat, routing, sender, zalo_rate
from platform_core.delivery.constants import PENDING, SENDING, SENT
from platform_core.delivery.models import Delivery, Notification
from platform_core.delivery.receipts import apply_receipt
from platform_core.delivery.renderers import renderer_for
from platform_core.extensions import db
from platform_core.tenancy.service import tenant_refs_by_id
from platform_core.zalo.client_registry import zalo_client
from platform_core.zalo.errors import RATE_LIMITED_CODE, ZaloError
from platform_core.zalo.models import MessageReceipt
from platform_core.zalo.tokens import ZaloNotConnected, current_access_token, refresh_access_token

log = logging.getLogger(__name__)
TEMPLATE_CACHE_SIZE = 4096
_templates: OrderedDict = OrderedDict()  # (tenant id, template id, version) -> template, this process


class ClaimedNotification:
    """A claimed row's notification as plain values: the columns of `notification`, by name."""


class ClaimedDelivery:
    """A claimed row as plain values: the columns of `delivery` by name, and its `notification`. The send
    changes them in memory and `_record` writes them in bulk; the session never holds them, so nothing is
    flushed one by one, expired by a commit, or paid for in the ORM's bookkeeping per row."""

    notification: ClaimedNotification


@dataclass
class _Batch:
    """One claimed batch within a send: its tenant, its rows with their prepared messages (none left to send when
    the OA is not connected), and the access token read for it once (None when every row is simulated)."""

    tenant: TenantRef
    rows: list[ClaimedDelivery]
    items: list[tuple]
    token: str | None = None


def deliver(claim_token: str) -> dict:
    """Send every row still claimed by `claim_token` (the tenant in context). Idempotent: a row no longer
    pending with this token (sent, or returned by the sweeper and claimed again) is skipped."""
    return _deliver([(require_tenant(), claim_token)], isolated=False)


def deliver_wave(claims: list[tuple[uuid.UUID, str]]) -> dict:
    """Send several provinces' small batches, each `(tenant id, claim token)`, in the same waves: the pump packs a
    tick's quiet provinces' transactional notices into one job (delivery/pump.py), so that they wait out Zalo
    once together rather than each in a job of its own behind a broadcast's. Each batch is claimed, prepared and
    recorded in its own tenant context and sent with its own OA's token; one that fails to prepare (or names a
    tenant that is gone) is logged and left to the sweeper, and the others go on."""
    refs = tenant_refs_by_id({tenant_id for tenant_id, _ in claims})
    return _deliver([(refs[tenant_id], token) for tenant_id, token in claims if tenant_id in refs], isolated=True)


def _deliver(claims: list[tuple[TenantRef, str]], isolated: bool) -> dict:
    now = utcnow()
    # What the batch loaded (a first template version made for it, say) stays loaded through the prepare commit,
    # so that the sends read no attribute back from the database.
    with ExitStack() as stack:
        stack.enter_context(objects_kept_across_commits(db.session()))
        for _, claim_token in claims:
            stack.enter_context(heartbeat.beating(claim_token))
        opened = [_open_isolated(tenant, token, now) if isolated else _open(tenant, token, now)
                  for tenant, token in claims]
        batches = [batch for batch in opened if batch is not None]
        sent = [batch for batch in batches if batch.items]
        _send_all(sent, now)
        zalo_rate.observe({batch.tenant.id: _rate_seen(batch.items) for batch in sent})
        return dict(Counter(row.state for batch in batches for row in batch.rows))


def _open(tenant: TenantRef, claim_token: str, now) -> _Batch | None:
    """Claim the rows for sending, prepare them and read the token, in the batch's tenant; None when no row is
    left. Without a connected OA the rows are put back for later and recorded at once."""
    with _as(tenant):
        rows = _claim_for_sending(claim_token, now)
        if not rows:
            return None
        batch = _Batch(tenant, rows, _prepare(rows, now))
        try:
            batch.token = None if all(row.simulated for row in rows) else current_access_token(zalo_client())
        except ZaloNotConnected as error:
            for row in rows:
                sender._retry_at(row, now + sender.NOT_CONNECTED_RETRY, None, str(error))
            _record(rows)
            batch.items = []
        return batch


def _open_isolated(tenant: TenantRef, claim_token: str, now) -> _Batch | None:
    """`_open` for one batch of a wave: its failure is the sweeper's to mend (the claim expires, or the rows
    marked `sending` lose their heartbeat when the wave ends), not the other provinces'."""
    try:
        return _open(tenant, claim_token, now)
    except Exception:  # noqa: BLE001 - logged with its trace; the batch's rows come back through the sweeper
        log.exception("delivery wave: the batch %s of tenant %s could not be prepared", claim_token, tenant.slug)
        db.session.rollback()
        return None


def _as(tenant: TenantRef):
    """The batch's tenant context (nothing to change when it is already in force: a job of one batch)."""
    return nullcontext() if current_tenant_id() == tenant.id else tenant_context(tenant)


def _rate_seen(items: list[tuple]) -> tuple[int | None, bool]:
    """For delivery/zalo_rate.py: the smallest allowance a batch's answers stated, and whether one was -32."""
    stated = [prepared.rate_limit.limit for _, prepared in items
              if prepared.rate_limit is not None and prepared.rate_limit.limit]
    return min(stated, default=None), any(row.error_code == RATE_LIMITED_CODE for row, _ in items)


@cache
def _claim_statement():
    """The rows of a claim token still pending, with their notifications, locked (the sweeper cannot hand them
    back while we mark them `sending`): one Core statement, built once, scoped by hand. Returns it with the
    names of its delivery columns and of its notification columns, in the order of its rows' values."""
    deliveries, notifications = Delivery.__table__, Notification.__table__
    statement = (select(deliveries, *notifications.c)
                 .join(notifications, and_(notifications.c.tenant_id == deliveries.c.tenant_id,
                                           notifications.c.id == deliveries.c.notification_id))
                 .where(deliveries.c.tenant_id == bindparam("tenant_id"),
                        deliveries.c.claim_token == bindparam("claim_token"), deliveries.c.state == PENDING)
                 .order_by(deliveries.c.next_attempt_at, deliveries.c.id).with_for_update(of=deliveries)
                 .execution_options(**{SCOPED_BY_CALLER: True}))
    return statement, tuple(deliveries.c.keys()), tuple(notifications.c.keys())


def _claimed(values, delivery_names: tuple, notification_names: tuple) -> ClaimedDelivery:
    delivery, notification = ClaimedDelivery(), ClaimedNotification()
    split = len(delivery_names)
    delivery.__dict__.update(zip(delivery_names, values[:split], strict=True))
    notification.__dict__.update(zip(notification_names, values[split:], strict=True))
    delivery.notification = notification
    return delivery


def _claim_for_sending(claim_token: str, now) -> list[ClaimedDelivery]:
    statement, *names = _claim_statement()
    found = db.session.execute(statement, {"tenant_id": require_tenant().id, "claim_token": claim_token})
    rows = [_claimed(values, *names) for values in found]
    if rows:
        db.session.execute(
            update(Delivery).where(Delivery.claim_token == claim_token, Delivery.state == PENDING)
            .values(state=SENDING, attempts=Delivery.attempts + 1, sending_started_at=now)
            .execution_options(synchronize_session=False)
        )
    return rows


def _prepare(rows: list[ClaimedDelivery], now) -> list[tuple]:
    followers = routing.followers_of(rows)
    templates = _pinned_templates(rows)
    for row in rows:  # what the claim's UPDATE wrote, without reading it back
        row.state, row.attempts, row.sending_started_at = SENDING, row.attempts + 1, now
    current: dict = {}  # the versions in use, asked once per kind for the batch's first attempts
    items = [(row, sender.prepare(row, now, followers, templates, current)) for row in rows]
    sender.screen(items)
    db.session.commit()  # a first template version, if one was created; no transaction open from here
    return items


def _pinned_templates(rows: list[ClaimedDelivery]) -> dict:
    """The pinned versions the rows need: from this process's cache, the rest in one query per renderer."""
    wanted: dict = {}
    for row in rows:
        if row.template_id is not None and not row.simulated:
            key = (row.tenant_id, row.template_id, row.template_version)
            renderer = renderer_for(row.notification)
            if renderer.load_templates is not None and key not in _templates:
                wanted.setdefault(renderer.load_templates, set()).add(key)
    for load, keys in wanted.items():
        for key, template in load(keys).items():
            _templates[key] = template
            db.session.expunge(template)  # kept detached: a version never changes
    while len(_templates) > TEMPLATE_CACHE_SIZE:
        _templates.popitem(last=False)
    return _templates


def _send_all(batches: list[_Batch], now) -> None:
    client = zalo_client()
    side_by_side = current_app.config["DELIVERY_CALLS_IN_FLIGHT"] > 1
    map_ = client.side_by_side if side_by_side else (lambda fn, items: list(map(fn, items)))
    queues = [(batch, queue) for batch in batches for queue in _by_recipient(batch.items)]
    stopped = _waves(queues, map_, client, now, refreshed=False)
    again = []
    for batch, queues in _by_batch(stopped):
        if _refreshed(batch, queues, client, now):
            again += [(batch, queue) for queue in queues]
    if again:
        _waves(again, map_, client, now, refreshed=True)


def _refreshed(batch: _Batch, queues: list[list[tuple]], client, now) -> bool:
    """Refresh the batch's token once, in its tenant under the tenant's lock (zalo/tokens.py); when that fails,
    the queues an auth error stopped are recorded as its outcome says."""
    with _as(batch.tenant):
        try:
            batch.token = refresh_access_token(client, stale_token=batch.token)
        except (ZaloNotConnected, ZaloError) as error:
            rows = [row for queue in queues for row, _ in queue]
            for row in rows:
                _refresh_failed(row, error, now)
            _record(rows)
            return False
    return True


def _waves(queues: list[tuple[_Batch, list[tuple]]], map_, client, now, refreshed: bool) -> list[tuple]:
    """Send every recipient's next message side by side, record that wave, and go on with the next one: a
    citizen's messages keep their order, and a worker killed mid-batch leaves at most one wave sent but not
    recorded (sent again by the sweeper: at-least-once). The statements grow with the most messages one
    recipient has in the batch, not with the batch. Returns the (batch, queue) an auth error stopped (from the
    refused row on), to send again after one refresh of that batch's token."""
    def attempt(entry) -> bool:
        batch, (row, prepared) = entry
        try:
            sender.send_prepared(row, prepared, client, batch.token, now, refreshed)
        except sender.NeedsRefresh:
            return False
        return True

    stopped, active = [], queues
    while active and heartbeat.may_send():
        done = list(map_(attempt, [(batch, queue[0]) for batch, queue in active]))
        outcomes = list(zip(active, done, strict=True))
        _record_per_tenant([(batch, queue[0][0]) for (batch, queue), ok in outcomes if ok])
        stopped += [entry for entry, ok in outcomes if not ok]
        active = [(batch, queue[1:]) for (batch, queue), ok in outcomes if ok and len(queue) > 1]
    if active:  # fenced: the rest stays `sending` for the sweeper (delivery/heartbeat.py)
        log.warning("delivery batch: heartbeat lost; %d rows left for the sweeper",
                    sum(len(queue) for _, queue in active))
    return stopped


def _record_per_tenant(sent: list[tuple[_Batch, ClaimedDelivery]]) -> None:
    """Record a wave's rows, each tenant's in its own context and transaction."""
    for batch, rows in _by_batch(sent):
        with _as(batch.tenant):
            _record(rows)


def _by_batch(entries: list[tuple[_Batch, object]]) -> list[tuple[_Batch, list]]:
    """The entries' items (rows, or queues) grouped by their batch, in the order the batches first appear."""
    grouped: dict[int, tuple[_Batch, list]] = {}
    for batch, item in entries:
        grouped.setdefault(id(batch), (batch, []))[1].append(item)
    return list(grouped.values())


def _refresh_failed(row, error, now) -> None:
    if isinstance(error, ZaloNotConnected):
        sender._retry_at(row, now + sender.NOT_CONNECTED_RETRY, None, str(error))
    else:
        sender._handle_error(row, error, now)


def _by_recipient(items: list[tuple]) -> list[list[tuple]]:
    """The items, one list per recipient, each in the batch's order."""
    queues: dict[object, list] = {}
    for row, prepared in items:
        queues.setdefault(row.recipient_zalo_user_id or row.recipient_phone or row.id, []).append((row, prepared))
    return list(queues.values())


RECORDED = ("state", "attempts", "next_attempt_at", "claim_token", "channel", "channel_reason", "fallback_from",
            "template_id", "template_version", "sent_at", "provider_message_id", "error_code", "error_message")


@cache
def _record_statement():
    """One Core UPDATE by primary key for executemany, built once: the ORM's bulk UPDATE by primary key costs
    several times as much per row. Scoped by hand: every row's tenant id is in its WHERE."""
    table = Delivery.__table__
    return (update(table)
            .where(table.c.tenant_id == bindparam("key_tenant_id"), table.c.id == bindparam("key_id"))
            .values({name: bindparam(f"new_{name}") for name in (*RECORDED, "updated_at")})
            .execution_options(**{SCOPED_BY_CALLER: True}))


def _record(rows: list[ClaimedDelivery]) -> None:
    """Write these rows' outcomes in one executemany UPDATE by primary key, and apply receipts that arrived
    before their send was recorded, in one transaction."""
    if not rows:
        return
    now = utcnow()
    changes = [{"key_tenant_id": row.tenant_id, "key_id": row.id, "new_updated_at": now,
                **{f"new_{name}": getattr(row, name) for name in RECORDED}} for row in rows]
    db.session.execute(_record_statement(), changes)
    sent_ids = [row.provider_message_id for row in rows if row.state == SENT and row.provider_message_id]
    if sent_ids:
        for receipt in db.session.scalars(select(MessageReceipt).where(MessageReceipt.message_id.in_(sent_ids))):
            apply_receipt(receipt)
    db.session.commit()
