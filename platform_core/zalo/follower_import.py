"""Importing an OA's existing followers, who followed before the province connected it (no `follow` webhook
ever reached us for them), through Zalo's follower list `user/getlist` (docs/zalo-oa.md §4).

The list serves at most 50 user ids a page and refuses offsets above 9,951, so at most 10,001 followers can be
listed (`client.next_page_offset`: the last page overlaps the one before rather than skipping anyone). An OA
with more followers than that is imported up to the limit and the import says so (`capped`). A follower
first known this way gets `imported_at`; one we already knew is only marked following.

`begin` records a queued import (or returns the one already under way), the job (`zalo/jobs.py`) runs `run`,
which commits after every page so that the console shows the progress. An import whose worker died is left
running; `give_up_abandoned` marks it interrupted after an hour without progress.
"""

import uuid
from datetime import timedelta

from sqlalchemy import select

from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.zalo.client import MAX_LISTABLE_FOLLOWERS, next_page_offset
from platform_core.zalo.client_registry import zalo_client
from platform_core.zalo.constants import IMPORT_ACTIVE, IMPORT_DONE, IMPORT_FAILED, IMPORT_QUEUED, IMPORT_RUNNING
from platform_core.zalo.errors import ZaloError
from platform_core.zalo.models import Follower, FollowerImport
from platform_core.zalo.tokens import ZaloNotConnected, with_access_token

ABANDONED_AFTER = timedelta(hours=1)

ERROR_INTERRUPTED = "interrupted"
ERROR_NOT_QUEUED = "not_queued"
ERROR_NOT_CONNECTED = "not_connected"
ERROR_UNREACHABLE = "zalo_unreachable"  # no usable answer (timeout, 5xx, not JSON); a refusal is zalo:<code>


def latest() -> FollowerImport | None:
    return db.session.scalars(select(FollowerImport).order_by(FollowerImport.created_at.desc())).first()


def find(import_id: uuid.UUID) -> FollowerImport | None:
    return db.session.scalar(select(FollowerImport).where(FollowerImport.id == import_id))


def begin(trigger: str, actor=None) -> tuple[FollowerImport, bool]:
    """A new queued import, or the one already under way: (import, created). Flushed, not committed."""
    give_up_abandoned()
    under_way = db.session.scalars(select(FollowerImport).where(FollowerImport.state.in_(IMPORT_ACTIVE))).first()
    if under_way is not None:
        return under_way, False
    started = FollowerImport(trigger=trigger, started_by_id=getattr(actor, "id", None))
    db.session.add(started)
    db.session.flush()
    return started, True


def fail(follower_import: FollowerImport, error: str) -> None:
    follower_import.state, follower_import.error = IMPORT_FAILED, error
    follower_import.finished_at = utcnow()


def give_up_abandoned() -> int:
    """Imports with no progress for an hour (their worker died, or their job was lost) are interrupted."""
    stale = db.session.scalars(select(FollowerImport).where(
        FollowerImport.state.in_(IMPORT_ACTIVE), FollowerImport.updated_at < utcnow() - ABANDONED_AFTER)).all()
    for follower_import in stale:
        fail(follower_import, ERROR_INTERRUPTED)
    return len(stale)


def run(import_id: uuid.UUID) -> FollowerImport | None:
    """List every follower Zalo serves, page by page, committing each page. A Zalo refusal ends the import
    as failed with its code; what was imported before it stays."""
    follower_import = find(import_id)
    if follower_import is None or follower_import.state != IMPORT_QUEUED:
        return follower_import  # already run, or given up
    follower_import.state, follower_import.started_at = IMPORT_RUNNING, utcnow()
    db.session.commit()
    try:
        _import_pages(follower_import)
    except ZaloNotConnected:
        fail(follower_import, ERROR_NOT_CONNECTED)
    except ZaloError as error:
        fail(follower_import, ERROR_UNREACHABLE if error.code is None else f"zalo:{error.code}")
    db.session.commit()
    return follower_import


def _import_pages(follower_import: FollowerImport) -> None:
    client = zalo_client()
    offset: int | None = 0
    while offset is not None:
        page = with_access_token(client, lambda token, at=offset: client.followers(token, at))
        reached = offset + len(page.user_ids)
        follower_import.new += _record_followers(page.user_ids)
        follower_import.seen = max(follower_import.seen, reached)
        follower_import.total, follower_import.offset_reached = page.total, offset
        db.session.commit()
        offset = next_page_offset(offset, len(page.user_ids), page.total)
    follower_import.capped = (follower_import.total or 0) > MAX_LISTABLE_FOLLOWERS
    follower_import.state, follower_import.finished_at = IMPORT_DONE, utcnow()


def _record_followers(user_ids: tuple[str, ...]) -> int:
    """Mark the page's followers as following; add the ones we did not know. Returns how many were new."""
    now = utcnow()
    known = {follower.zalo_user_id: follower for follower in db.session.scalars(
        select(Follower).where(Follower.zalo_user_id.in_(user_ids)))}
    for follower in known.values():
        follower.is_follower = True
        if follower.followed_at is None and follower.imported_at is None:
            follower.imported_at = now
    new_ids = sorted(set(user_ids) - set(known))
    db.session.add_all(Follower(zalo_user_id=user_id, is_follower=True, imported_at=now) for user_id in new_ids)
    return len(new_ids)
