"""A result link sent before a province merge keeps working after it (docs/domain.md §5.3): the merged province's
address redirects to its successor, which reads the token signed for the merged province and opens the result
that moved there with its id. A token of a province that was not merged into it still answers 404."""

from platform_core.extensions import db
from platform_core.results import links, service
from tests.conftest import as_tenant
from tests.console.support import text_of
from tests.mergers.seeding import merged
from tests.results.support import CODE, PDF, ready_dossier, results_of


def _result_of(tenant):
    ready_dossier(tenant)
    with as_tenant(tenant):
        result = service.attach(CODE, PDF, "giay-phep.pdf")
        db.session.flush()
        return result


def test_a_link_sent_before_the_merge_opens_the_result_in_the_successor(client, tenant_a, tenant_b):
    result_id = _result_of(tenant_b).id
    token = links.make_token(tenant_b.id, result_id)
    old_link = f"/{tenant_b.slug}/ket-qua/{token}"
    assert client.get(old_link).status_code == 200

    merged(tenant_b, tenant_a)

    moved = client.get(old_link)
    assert moved.status_code == 301 and moved.headers["Location"].endswith(f"/{tenant_a.slug}/ket-qua/{token}")
    new_link = f"/{tenant_a.slug}/ket-qua/{token}"
    page = client.get(new_link)
    assert page.status_code == 200 and CODE in text_of(page) and "4 số cuối" in text_of(page)
    download = client.post(new_link, data={"digits": "5678"})
    assert download.status_code == 200 and download.data == PDF
    [counted] = results_of(tenant_a)
    assert counted.id == result_id and counted.downloads == 1


def test_a_province_does_not_read_the_tokens_of_one_not_merged_into_it(client, tenant_a, tenant_b):
    result = _result_of(tenant_a)
    foreign = links.make_token(tenant_b.id, result.id)  # the right id, signed for another province
    assert client.get(f"/{tenant_a.slug}/ket-qua/{foreign}").status_code == 404
