"""A rating link sent before a province merge keeps working after it (docs/domain.md §5.3), as result links do
(tests/results/test_links_after_merge.py): the merged province's address redirects to its successor, which reads
the token signed for the merged province and rates the dossier whose invitation moved there with its id. A
token of a province that was not merged into it still answers 404."""

from sqlalchemy import select

from platform_core.dossiers.service import get_dossier
from platform_core.extensions import db
from platform_core.ratings import service
from platform_core.ratings.models import Rating
from tests.conftest import as_tenant
from tests.console.support import text_of
from tests.mergers.seeding import merged
from tests.ratings.conftest import invitation_of, returned_dossier

CODE = "H15.50.05.13-260715-0009"


def _token(tenant) -> str:
    with as_tenant(tenant):
        return service.token_for(invitation_of(returned_dossier(CODE)))


def test_a_rating_link_sent_before_the_merge_rates_the_dossier_in_the_successor(client, tenant_a, tenant_b):
    token = _token(tenant_b)
    old_link = f"/{tenant_b.slug}/danh-gia/{token}"
    assert client.get(old_link).status_code == 200

    merged(tenant_b, tenant_a)

    moved = client.get(old_link)
    assert moved.status_code == 301 and moved.headers["Location"].endswith(f"/{tenant_a.slug}/danh-gia/{token}")
    new_link = f"/{tenant_a.slug}/danh-gia/{token}"
    page = client.get(new_link)
    assert page.status_code == 200 and CODE in text_of(page)
    assert client.post(new_link, data={"score": "5"}).status_code == 302
    with as_tenant(tenant_a):
        [rating] = db.session.scalars(select(Rating))
        assert rating.score == 5 and rating.dossier_id == get_dossier(CODE).id


def test_a_province_does_not_read_the_rating_tokens_of_one_not_merged_into_it(client, tenant_a, tenant_b):
    token = _token(tenant_b)
    assert client.get(f"/{tenant_a.slug}/danh-gia/{token}").status_code == 404
