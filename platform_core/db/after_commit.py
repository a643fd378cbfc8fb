"""Work that must wait until the caller's transaction is committed: queueing a job that reads the rows just
written (a worker could otherwise look for them before they exist, or act on rows rolled back).

    after_commit(db.session, lambda: email_notice.enqueue(notice_id, tenant_id=tenant_id))

The callbacks run once, in order, when the session's outermost transaction commits, and are dropped when it
rolls back; a savepoint (`begin_nested`) neither runs nor drops them. They run outside the transaction and
must not use the session; give them plain values, not ORM objects.
"""

from sqlalchemy import event

from platform_core.db.session import TenantSession

_KEY = "motcua_after_commit"


def after_commit(session, callback) -> None:
    """`session`: the app's session (`db.session`, a TenantSession or its scoped proxy)."""
    session.info.setdefault(_KEY, []).append(callback)


@event.listens_for(TenantSession, "after_commit")
def _run(session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the work is not committed yet
        return
    for callback in session.info.pop(_KEY, []):
        callback()


@event.listens_for(TenantSession, "after_transaction_end")
def _drop_on_rollback(session, transaction) -> None:
    """The outermost transaction ended without `after_commit` having taken the callbacks: it rolled back."""
    if transaction.parent is None and not transaction.nested:
        session.info.pop(_KEY, None)
