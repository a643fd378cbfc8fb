"""Two provinces with a citizen's worth of everything: dossiers with histories, notices, feedback, ratings,
consents, followers, webhook events. Some keys collide on purpose (a dossier code, a feedback code, a
procedure code both catalogues hold)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from platform_core.db.cross_tenant import cross_tenant
from platform_core.dossiers.models import Dossier, DossierEvent
from platform_core.extensions import db
from platform_core.mergers import service as merge_service
from platform_core.mergers.rules import tenant_tables
from tests import factories
from tests.conftest import as_tenant
from tests.dossiers.support import record

SHARED_DOSSIER_CODE = "H15.50.05.13-260715-0001"
SHARED_FEEDBACK_CODE = "PA-2607-0001"
RECEIVED = datetime(2026, 7, 15, 1, 30, tzinfo=UTC)


def seed_province(tenant, prefix: str, dossiers: int = 3) -> list[str]:
    """Dossiers (the first with the shared code) with two events each, and the rest; returns the codes."""
    codes = [SHARED_DOSSIER_CODE] + [f"{prefix}.50.05.13-260715-{n:04d}" for n in range(2, dossiers + 1)]
    with as_tenant(tenant):
        for number, code in enumerate(codes):
            dossier = factories.create_dossier(code, applicant={"name": f"Công dân {prefix} {number}",
                                                                "phone": f"09123450{number:02d}"})
            record(code, 4, "2026-07-16T09:00:00+07:00")
            record(code, 9, "2026-07-20T09:00:00+07:00")
            record(code, 10, "2026-07-21T09:00:00+07:00")
            factories.create_rating(dossier, 5 - number % 2, RECEIVED + timedelta(days=7))
        factories.create_feedback(SHARED_FEEDBACK_CODE, RECEIVED, content=f"Phản ánh {prefix}")
        factories.create_feedback(f"PA-{prefix}-0002", RECEIVED)
        for number in range(3):
            user_id = f"{prefix}-zalo-{number}"
            factories.create_follower(user_id, followed_at=RECEIVED)
            factories.create_zalo_event("user_send_text", user_id, RECEIVED)
        factories.add_news_followers(tenant.id, [f"{prefix}-news-{n}" for n in range(2)])
    db.session.flush()
    return codes


def row_counts(tenant) -> dict[str, int]:
    """Rows per tenant table, read as the tenant itself (each table's `tenant_id`)."""
    counts = {}
    with cross_tenant("test: rows per table"):
        for table in tenant_tables():
            counts[table.name] = db.session.execute(
                select(func.count()).select_from(table).where(table.c.tenant_id == tenant.id)
                .execution_options(tenant_scoped_by_caller=True)
            ).scalar_one()
    return counts


def histories(tenant, codes: list[str]) -> dict[str, list[tuple]]:
    """A citizen's view of each dossier: applicant and every event in order, by dossier id."""
    with as_tenant(tenant):
        found = {}
        for dossier in db.session.scalars(select(Dossier).where(Dossier.code.in_(codes))):
            events = db.session.scalars(select(DossierEvent).where(DossierEvent.dossier_id == dossier.id)
                                        .order_by(DossierEvent.seq))
            found[dossier.id] = [(dossier.applicant_name, dossier.applicant_phone)] + [
                (event.seq, event.kind, event.from_status, event.to_status, event.occurred_at)
                for event in events]
        return found


def run_to_the_end(merge, chunk_size=None, limit=10_000) -> int:
    """Advance the merge until it ends; returns the steps it took."""
    steps = 0
    while merge_service.advance(merge.id, chunk_size):
        steps += 1
        assert steps < limit, "the merge does not end"
    return steps


def merged(source, target) -> None:
    """`source` merged into `target`, from start to end (what the links-after-a-merge tests need first)."""
    merge = merge_service.start(source, target)
    db.session.commit()
    run_to_the_end(merge)
