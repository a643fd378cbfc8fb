"""A province's public page: who it is and the procedures it offers."""

from flask import g, render_template
from sqlalchemy import select

from platform_core.catalogue.models import Procedure
from platform_core.extensions import db
from platform_core.tenancy.resolution import tenant_blueprint

province_bp = tenant_blueprint("province", __name__)


@province_bp.get("/")
def home():
    procedures = db.session.scalars(
        select(Procedure).where(Procedure.enabled.is_(True)).order_by(Procedure.field, Procedure.name)
    ).all()
    return render_template("tenancy/home.html", tenant=g.tenant, procedures=procedures)
