"""Migration 0029 on a database of its own (SQLite, where it rebuilds the table, or PostgreSQL): a delivery loses
its own foreign key to tenant, which the one to its notification implies, and keeps its rows and indexes; the
downgrade puts the key back."""

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa

from platform_core import create_app
from platform_core.db.migrations import downgrade, upgrade
from platform_core.delivery.models import Delivery, Notification
from platform_core.extensions import db
from tests import factories
from tests.conftest import as_owner, make_test_config, one_worker_at_a_time

WHEN = datetime(2026, 12, 8, tzinfo=UTC)
NOTIFICATION, DELIVERY = Notification.__table__, Delivery.__table__  # their columns are those of 0028


def test_0029_drops_the_deliverys_own_key_to_tenant_and_keeps_its_rows(committed_data, own_database, tmp_path):
    app = create_app(make_test_config(own_database, "redis://127.0.0.1:1/0", tmp_path / "instance"))
    with app.app_context(), one_worker_at_a_time(own_database):
        upgrade(revision="0028")
        tenant_id = factories.create_tenant("mig-delivery", "mig-delivery").id
        db.session.commit()
        db.session.remove()
        notification_id, delivery_ids = uuid.uuid4(), sorted(uuid.uuid4() for _ in range(3))
        as_owner(own_database, [
            NOTIFICATION.insert().values(tenant_id=tenant_id, id=notification_id, event_kind="received",
                                         message_class="tx", idempotency_key="mig-0029", context={},
                                         simulated=False, created_at=WHEN),
            DELIVERY.insert().values([
                {"tenant_id": tenant_id, "id": delivery_id, "notification_id": notification_id,
                 "message_class": "tx", "state": "pending", "attempts": 0, "next_attempt_at": WHEN,
                 "simulated": False, "created_at": WHEN, "updated_at": WHEN} for delivery_id in delivery_ids]),
        ])
        before = shape(own_database)
        assert before["keys"] == {("notification", ("tenant_id", "notification_id")), ("tenant", ("tenant_id",))}

        upgrade()
        after = shape(own_database)
        assert after["keys"] == {("notification", ("tenant_id", "notification_id"))}
        assert after["indexes"] == before["indexes"] and len(after["indexes"]) == 6
        assert after["rows"] == before["rows"] == [(tenant_id, delivery_id, notification_id)
                                                   for delivery_id in delivery_ids]

        downgrade(revision="0028")
        assert shape(own_database) == before
        db.engine.dispose()


def shape(database: dict) -> dict:
    """The delivery table's foreign keys (referred table, columns), index names and rows."""
    engine = sa.create_engine(database["owner"])
    inspector = sa.inspect(engine)
    keys = {(key["referred_table"], tuple(key["constrained_columns"]))
            for key in inspector.get_foreign_keys("delivery")}
    indexes = sorted(index["name"] for index in inspector.get_indexes("delivery"))
    engine.dispose()
    rows = as_owner(database, [sa.select(DELIVERY.c.tenant_id, DELIVERY.c.id, DELIVERY.c.notification_id)
                               .order_by(DELIVERY.c.id)])[0]
    return {"keys": keys, "indexes": indexes, "rows": rows}
