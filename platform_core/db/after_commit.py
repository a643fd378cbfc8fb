"""Work that must wait until the caller's transaction ends: queueing a job that reads the rows just written (a
worker could otherwise look for them before they exist, or act on rows rolled back), or undoing outside the
database what a transaction did that then rolled back (a file written for a row that never came to be).

    after_commit(db.session, lambda: email_notice.enqueue(notice_id, tenant_id=tenant_id))
    after_rollback(db.session, lambda: path.unlink(missing_ok=True))

`after_commit` callbacks run once, in order, when the session's outermost transaction commits, and are dropped
when it rolls back; `after_rollback` callbacks the other way round. A savepoint (`begin_nested`) neither runs
nor drops them. They run outside the transaction and must not use the session; give them plain values, not ORM
objects.
"""

from sqlalchemy import event

from platform_core.db.session import TenantSession

_KEY = "motcua_after_commit"
_ROLLBACK_KEY = "motcua_after_rollback"


def after_commit(session, callback) -> None:
    """`session`: the app's session (`db.session`, a TenantSession or its scoped proxy)."""
    session.info.setdefault(_KEY, []).append(callback)


def after_rollback(session, callback) -> None:
    """`callback` runs if the outermost transaction ends without committing (rolled back, or closed)."""
    session.info.setdefault(_ROLLBACK_KEY, []).append(callback)


@event.listens_for(TenantSession, "after_commit")
def _run(session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the work is not committed yet
        return
    session.info.pop(_ROLLBACK_KEY, None)
    for callback in session.info.pop(_KEY, []):
        callback()


@event.listens_for(TenantSession, "after_transaction_end")
def _on_rollback(session, transaction) -> None:
    """The outermost transaction ended without `after_commit` having taken the callbacks: it rolled back."""
    if transaction.parent is None and not transaction.nested:
        session.info.pop(_KEY, None)
        for callback in session.info.pop(_ROLLBACK_KEY, []):
            callback()
