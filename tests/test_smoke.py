from platform_core.catalogue.models import Procedure
from sqlalchemy import select

from tests.conftest import as_tenant


def test_tenant_a_sees_its_own_procedures(tenant_a, db_session):
    with as_tenant(tenant_a):
        codes = db_session.scalars(select(Procedure.code).order_by(Procedure.code)).all()
    assert codes == ["1.001193", "1.004222"]
