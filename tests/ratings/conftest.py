"""Returned dossiers and their rating invitations, made through the dossiers service as the API does."""

from datetime import datetime

import pytest
from sqlalchemy import select

from platform_core.catalogue.models import Procedure
from platform_core.extensions import db
from platform_core.ratings.models import RatingInvitation
from tests import factories
from tests.conftest import as_tenant
from tests.console.support import admin_a, admin_b, csrf_on, officer_a  # noqa: F401 - shared fixtures
from tests.dossiers.support import record
from tests.zalo.conftest import connected_a, sandbox  # noqa: F401 - fixtures

CITIZEN = "8000077"
RECEIVED = "2026-07-15T08:30:00+07:00"  # the factory's dossier; due 24/07 17:00


@pytest.fixture
def in_a(tenant_a):
    with as_tenant(tenant_a):
        yield tenant_a


def returned_dossier(code: str, result_at: str = "2026-07-20T15:00:00+07:00",
                     returned_at: str | None = "2026-07-21T09:00:00+07:00", zalo_user_id: str | None = CITIZEN,
                     procedure_code: str = "1.004222", **fields):
    """A dossier of the tenant in context taken to 9 (result ready) at `result_at`, then 10 at `returned_at`
    (None: left at 9)."""
    applicant = {"name": "Nguyễn Văn An", "phone": "0912345678", "zalo_user_id": zalo_user_id}
    dossier = factories.create_dossier(code, procedure_code=procedure_code, applicant=applicant, **fields)
    record(code, "processing", "2026-07-15T09:00:00+07:00")
    record(code, "result_ready", result_at)
    if returned_at:
        record(code, "returned", returned_at)
    return dossier


def invitation_of(dossier) -> RatingInvitation | None:
    return db.session.scalar(select(RatingInvitation).where(RatingInvitation.dossier_id == dossier.id))


def fully_online(code: str = "1.001193") -> Procedure:
    procedure = db.session.scalar(select(Procedure).where(Procedure.code == code))
    procedure.online_level = "toan_trinh"
    db.session.flush()
    return procedure


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)
