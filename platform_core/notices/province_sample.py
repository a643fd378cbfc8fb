"""The province's own values for the sample dossier that template previews render: its name, its OA's name,
a procedure of its catalogue and the agency that handles it. The rest of the sample (rendering.SAMPLE_CONTEXT)
is the same everywhere; its province-specific values are Bắc Ninh's, which every province's previews showed."""

from sqlalchemy import select

from platform_core.catalogue.models import Procedure
from platform_core.catalogue.service import get_procedure
from platform_core.extensions import db
from platform_core.notices.rendering import SAMPLE_CONTEXT
from platform_core.settings.service import province_settings
from platform_core.tenancy.models import Tenant
from platform_core.zalo.connection import connected_oa_name


def province_values(tenant: Tenant) -> dict:
    values = {"ten_tinh": tenant.name, "dia_danh": tenant.place_name,
              "ten_oa": connected_oa_name() or tenant.place_name,  # as notices/context.py names it in real messages
              "co_quan": _an_agency() or tenant.name}
    procedure = get_procedure(SAMPLE_CONTEXT["ma_thu_tuc"]) or _first_procedure()
    if procedure is not None:
        values |= {"ten_thu_tuc": procedure.name, "ma_thu_tuc": procedure.code}
        values["co_quan"] = procedure.agency or values["co_quan"]
    return values


def _first_procedure() -> Procedure | None:
    return db.session.scalars(select(Procedure).where(Procedure.enabled.is_(True)).order_by(Procedure.code)).first()


def _an_agency() -> str | None:
    agencies = province_settings().agencies
    return agencies[0]["name"] if agencies else None
