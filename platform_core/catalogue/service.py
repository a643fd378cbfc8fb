"""Reading a tenant's catalogue. Scoping to the tenant is done by the session, not here."""

from sqlalchemy import select

from platform_core.catalogue.models import Procedure
from platform_core.extensions import db


def list_procedures(field: str | None = None, q: str | None = None, enabled: bool | None = None):
    statement = select(Procedure).order_by(Procedure.code)
    if field:
        statement = statement.where(Procedure.field == field)
    if q:
        statement = statement.where(Procedure.name.ilike(f"%{q}%") | Procedure.code.ilike(f"%{q}%"))
    if enabled is not None:
        statement = statement.where(Procedure.enabled.is_(enabled))
    return db.session.scalars(statement).all()


def get_procedure(code: str) -> Procedure | None:
    return db.session.scalar(select(Procedure).where(Procedure.code == code))
