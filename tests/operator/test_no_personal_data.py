"""Operators run the platform without reading citizens' data: every console page shows aggregates and
platform facts only, whatever a citizen's rows, a failed job or a Zalo error contain."""

import re

from tests.operator.conftest import every_citizen_value

PAGES = ["/operator/", "/operator/tenants/da-nang", "/operator/go-live", "/operator/queues", "/operator/zalo",
         "/operator/tenants/bac-ninh"]


def test_no_operator_page_shows_a_citizens_data(operator_client, citizen_rows, failed_job, provinces):
    pages = {url: operator_client.get(url) for url in PAGES}
    assert {url: response.status_code for url, response in pages.items()} == dict.fromkeys(PAGES, 200)
    for url, response in pages.items():
        html = response.get_data(as_text=True)
        for value in every_citizen_value():
            assert value not in html, f"{value!r} shown on {url}"


def test_the_pages_still_show_what_operators_need(operator_client, citizen_rows, failed_job):
    overview = operator_client.get("/operator/").get_data(as_text=True)
    row = overview.split('href="/operator/tenants/da-nang">Đà Nẵng</a></th>')[1].split("</tr>")[0]
    assert "Reconnect needed" in row
    cells = [cell.split("</td>")[0].strip() for cell in re.split(r"<td[^>]*>", row)[3:]]  # after attention, status
    sent, failed, pending, depth = (int(cell) for cell in cells[1:5])
    assert sent == 1 and failed == 1 and pending >= 1 and depth >= 2  # the dossier's own delivery too
    assert "30 minutes" in cells[5]

    zalo = operator_client.get("/operator/zalo").get_data(as_text=True)
    assert "OA Đà Nẵng" in zalo and "refresh failed for ••• •••" in zalo

    go_live = operator_client.get("/operator/go-live").get_data(as_text=True)
    assert "Test message delivered to your Zalo: sent to ••• (•••)" in go_live

    queues = operator_client.get("/operator/queues").get_data(as_text=True)
    assert "no Zalo account for ••• (•••)" in queues
