"""Fixtures for invitations and setup steps 1-2: a province in the registry, invited, and the person holding
its link (in a test client)."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from platform_core.extensions import db
from platform_core.onboarding.invitations import invite_province
from platform_core.onboarding.models import Invitation
from platform_core.tenancy.models import Province, Tenant
from tests.conftest import as_tenant
from tests.mail.smtp_server import smtp_inbox  # noqa: F401 - fixture

SLUG = "ha-noi"
CONTACT_EMAIL = "lan.nguyen@hanoi.gov.vn"
CONTACT_NAME = "Nguyễn Thị Lan"
GOOD_PASSWORD = "sen hồ gươm mùa thu"  # noqa: S105 - a test password
AGENCIES = [
    {"name": "Trung tâm Phục vụ hành chính công thành phố Hà Nội", "level": "tinh", "one_stop_centre": True},
    {"name": "Công an thành phố Hà Nội", "level": "tinh"},
    {"name": "UBND cấp xã, thành phố Hà Nội", "level": "xa"},
]


@dataclass
class Invited:
    tenant: Tenant
    invitation: Invitation
    link: str

    @property
    def path(self) -> str:
        return urlsplit(self.link).path

    @property
    def token(self) -> str:
        return self.path.rsplit("/", 1)[1]


def add_province(slug: str = SLUG, name: str = "Hà Nội", code: str = "01", profile: dict | None = None) -> Province:
    province = Province(
        slug=slug, code=code, name=name, unit_type="thanh_pho", predecessors=[{"name": name, "old_code": code}],
        profile={"oa_name": f"Trung tâm PVHCC {name}", "contact_email": "pvhcc@hanoi.example",
                 "contact_phone": "+842438253536", "agencies": AGENCIES} if profile is None else profile,
        source_checksum="test",
    )
    db.session.add(province)
    db.session.flush()
    return province


@pytest.fixture
def province() -> Province:
    return add_province()


@pytest.fixture
def invited(province) -> Invited:
    tenant, invitation, link = invite_province(SLUG, CONTACT_EMAIL, CONTACT_NAME)
    return Invited(tenant, invitation, link)


def fresh(invited: Invited) -> Invitation:
    """The invitation as the database now has it."""
    with as_tenant(invited.tenant):
        return db.session.scalar(select(Invitation).where(Invitation.id == invited.invitation.id)
                                 .execution_options(populate_existing=True))


def refreshed(tenant: Tenant) -> Tenant:
    return db.session.scalar(select(Tenant).where(Tenant.id == tenant.id).execution_options(populate_existing=True))


@pytest.fixture
def holder(client, invited):
    """A client that opened the setup link (the invitation is in its session)."""
    response = client.get(invited.path)
    assert response.status_code == 302 and response.headers["Location"] == f"/{SLUG}/setup/profile"
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


def input_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'<input[^>]*value="([^"]*)"[^>]*name="{name}"', html)
    return match.group(1) if match else None
