"""Property test: random creates, reads, updates and deletes as random tenants never touch another tenant.

Hypothesis drives a state machine against the real session (and, on PostgreSQL, through RLS too); the model
is a dict of the codes each tenant should see.
"""

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import delete, select, update

from platform_core.catalogue.models import Procedure
from platform_core.extensions import db
from tests import factories
from tests.conftest import TENANT_A_SLUG, TENANT_B_SLUG, as_tenant

SLUGS = st.sampled_from([TENANT_A_SLUG, TENANT_B_SLUG])
CODES = st.sampled_from(["1.000001", "1.000002", "1.000003", "2.000004"])


class TenantScopingMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.savepoint = db.session.begin_nested()
        self.tenants = {slug: factories.tenant_by_slug(slug) for slug in (TENANT_A_SLUG, TENANT_B_SLUG)}
        self.expected = {slug: set(self._codes(slug)) for slug in self.tenants}

    def _codes(self, slug: str) -> list[str]:
        with as_tenant(self.tenants[slug]):
            return db.session.scalars(select(Procedure.code)).all()

    @rule(slug=SLUGS, code=CODES)
    def create(self, slug, code):
        if code in self.expected[slug]:
            return
        with as_tenant(self.tenants[slug]):
            factories.create_procedure(code, f"{slug} {code}")
        self.expected[slug].add(code)

    @rule(slug=SLUGS, code=CODES)
    def bulk_delete(self, slug, code):
        with as_tenant(self.tenants[slug]):
            db.session.execute(delete(Procedure).where(Procedure.code == code))
        self.expected[slug].discard(code)

    @rule(slug=SLUGS)
    def bulk_rename(self, slug):
        with as_tenant(self.tenants[slug]):
            db.session.execute(update(Procedure).values(agency=f"agency of {slug}"))

    @rule(slug=SLUGS, code=CODES)
    def get_by_code_of_other_tenant(self, slug, code):
        other = next(s for s in self.tenants if s != slug)
        with as_tenant(self.tenants[other]):
            row = db.session.scalar(select(Procedure).where(Procedure.code == code))
            key = (row.tenant_id, row.id) if row else None
        if key:
            db.session.expunge_all()
            with as_tenant(self.tenants[slug]):
                assert db.session.get(Procedure, key) is None

    @invariant()
    def each_tenant_sees_exactly_its_rows(self):
        for slug, tenant in self.tenants.items():
            with as_tenant(tenant):
                rows = db.session.execute(select(Procedure.code, Procedure.agency, Procedure.tenant_id)).all()
            assert {r.code for r in rows} == self.expected[slug]
            assert all(r.tenant_id == tenant.id for r in rows)
            other = next(s for s in self.tenants if s != slug)
            assert not any(r.agency == f"agency of {other}" for r in rows)

    def teardown(self):
        self.savepoint.rollback()
        db.session.expunge_all()


TenantScopingMachine.TestCase.settings = settings(max_examples=25, stateful_step_count=15, deadline=None)
test_tenant_scoping_state_machine = TenantScopingMachine.TestCase
