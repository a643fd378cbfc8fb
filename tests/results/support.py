"""Helpers of the results tests: a small PDF, a dossier whose result is ready, the stored result."""

from io import BytesIO

from sqlalchemy import select

from platform_core.extensions import db
from platform_core.results.models import DossierResult
from tests import factories
from tests.conftest import as_tenant
from tests.dossiers.support import record

CODE = "H15.50.05.13-260715-0001"
PHONE = "0912345678"  # the applicant's phone: its last 4 digits are 5678
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def ready_dossier(tenant, code: str = CODE, zalo_user_id: str | None = "8000077", status: str = "result_ready"):
    """A dossier of `tenant` taken to `status` through the service, as the API does."""
    with as_tenant(tenant):
        applicant = {"name": "Nguyễn Văn An", "phone": PHONE, "zalo_user_id": zalo_user_id}
        factories.create_dossier(code, applicant=applicant)
        record(code, "processing", "2026-07-15T09:00:00+07:00")
        if status in ("result_ready", "returned"):
            record(code, "result_ready", "2026-07-20T15:00:00+07:00")
        if status == "returned":
            record(code, "returned", "2026-07-21T09:00:00+07:00")
        db.session.flush()


def upload(client, headers, code: str = CODE, content: bytes = PDF, name: str = "giay-chung-nhan.pdf", **form):
    return client.put(f"/api/v1/dossiers/{code}/result", headers=headers,
                      data={"file": (BytesIO(content), name), **form},
                      content_type="multipart/form-data")


def results_of(tenant) -> list[DossierResult]:
    with as_tenant(tenant):
        return list(db.session.scalars(select(DossierResult).order_by(DossierResult.created_at)
                                       .execution_options(populate_existing=True)))
