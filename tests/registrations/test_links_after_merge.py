"""A registration form link sent before a province merge keeps working after it (docs/domain.md §5.3), as result
links do (tests/results/test_links_after_merge.py): the merged province's address redirects to its successor,
which reads the token signed for the merged province and takes the registration, when it takes registrations for
that procedure itself (its own choice: the merged province's settings stay in its archive); otherwise the link is
closed (410). A link already sent stays spent after the merge, and a token of a province that was not merged
into the successor answers 404."""

import pytest
from sqlalchemy import select

from platform_core.extensions import db
from platform_core.registrations import links, service
from platform_core.registrations.models import Registration
from tests import factories
from tests.conftest import as_tenant
from tests.mergers.seeding import merged

MARRIAGE = "9.000894"


@pytest.fixture
def opened(db_session, tenant_a, tenant_b):
    for tenant in (tenant_a, tenant_b):
        with as_tenant(tenant):
            factories.create_procedure(MARRIAGE, "Đăng ký kết hôn")
            service.save_settings({MARRIAGE: ["full_name"]})
            db.session.flush()


def _link(tenant, citizen: str) -> str:
    return links.make_token(tenant.id, MARRIAGE, citizen)


def _merge(tenant_b, tenant_a) -> None:
    merged(tenant_b, tenant_a)


def test_a_form_link_sent_before_the_merge_registers_in_the_successor(client, tenant_a, tenant_b, opened):
    token, spent = _link(tenant_b, "8001"), _link(tenant_b, "8002")
    assert client.get(f"/{tenant_b.slug}/dang-ky/{token}").status_code == 200
    assert client.post(f"/{tenant_b.slug}/dang-ky/{spent}", data={"full_name": "Lê Văn C"}).status_code == 200

    _merge(tenant_b, tenant_a)

    moved = client.get(f"/{tenant_b.slug}/dang-ky/{token}")
    assert moved.status_code == 301 and moved.headers["Location"].endswith(f"/{tenant_a.slug}/dang-ky/{token}")
    new_link = f"/{tenant_a.slug}/dang-ky/{token}"
    assert client.get(new_link).status_code == 200
    sent = client.post(new_link, data={"full_name": "Trần Thị Bình"})
    assert sent.status_code == 200
    with as_tenant(tenant_a):
        registration = db.session.scalar(select(Registration).where(Registration.zalo_user_id == "8001"))
        assert registration.answers == {"full_name": "Trần Thị Bình"} and registration.reference in sent.text
    assert client.get(new_link).status_code == 410  # now spent
    assert client.get(f"/{tenant_a.slug}/dang-ky/{spent}").status_code == 410  # spent before the merge


def test_the_link_is_closed_when_the_successor_does_not_take_the_procedure(client, tenant_a, tenant_b, opened):
    token = _link(tenant_b, "8001")
    with as_tenant(tenant_a):
        service.save_settings({})
        db.session.flush()
    _merge(tenant_b, tenant_a)
    assert client.get(f"/{tenant_a.slug}/dang-ky/{token}").status_code == 410


def test_a_province_does_not_read_the_form_tokens_of_one_not_merged_into_it(client, tenant_a, tenant_b, opened):
    assert client.get(f"/{tenant_a.slug}/dang-ky/{_link(tenant_b, '8001')}").status_code == 404
