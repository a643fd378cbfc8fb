"""Operators' report across provinces: one row per province and the totals, counts only."""

import csv
import io

from tests.conftest import CANARY
from tests.dashboard.conftest import OCTOBER_ARGS
from tests.operator.conftest import every_citizen_value, platform_events

URL = "/operator/reports"


def csv_rows(response) -> list[list[str]]:
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_one_row_per_province_and_the_totals(operator_client, october):
    rows = csv_rows(operator_client.get(f"{URL}.csv?{OCTOBER_ARGS}"))
    header = rows[0]
    assert header[:4] == ["Province", "Dossiers received", "Dossiers handled", "On-time rate (%)"]
    by_name = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    bac_ninh, da_nang, total = by_name["Bắc Ninh"], by_name["Đà Nẵng"], by_name["All provinces"]
    assert (bac_ninh["Dossiers received"], bac_ninh["Dossiers handled"], bac_ninh["On-time rate (%)"]) \
        == ("4", "4", "50.0")
    assert (bac_ninh["Messages sent"], bac_ninh["Estimated cost (VND)"], bac_ninh["Ratings"]) == ("6", "385", "3")
    assert (bac_ninh["Feedback received"], bac_ninh["Feedback answered on time"], bac_ninh["Feedback overdue"]) \
        == ("4", "1", "1")
    assert bac_ninh["Followers at the end"] == "2"
    assert (da_nang["Dossiers received"], da_nang["Dossiers handled"], da_nang["On-time rate (%)"]) \
        == ("1", "1", "0.0")
    assert (da_nang["Messages sent"], da_nang["Estimated cost (VND)"], da_nang["Average rating"]) \
        == ("1", "165", "1.0")
    assert (total["Dossiers received"], total["Dossiers handled"], total["Messages sent"]) == ("5", "5", "7")
    assert (total["Estimated cost (VND)"], total["Ratings"], total["Average rating"]) == ("550", "4", "3.0")
    assert (total["Feedback received"], total["Feedback overdue"], total["Followers at the end"]) == ("5", "2", "3")


def test_the_page_is_in_the_operator_navigation_and_audited(operator_client, october):
    html = operator_client.get(f"{URL}?{OCTOBER_ARGS}").get_data(as_text=True)
    assert f'<a href="{URL}" aria-current="page">Reports across provinces</a>' in html
    assert "Bắc Ninh" in html and "Đà Nẵng" in html and "All provinces" in html
    chart = html.split('<svg class="chart"')[1].split("</svg>")[0]
    assert "Messages sent by province" in chart and "Bắc Ninh" in chart and "Đà Nẵng" in chart
    reasons = [event.details["reason"] for event in platform_events("cross_tenant_access")]
    assert "operator console: reports across provinces" in reasons


def test_no_personal_data_or_province_names_from_a_catalogue(operator_client, october, citizen_rows):
    for url in (f"{URL}?{OCTOBER_ARGS}", f"{URL}.csv?{OCTOBER_ARGS}", f"{URL}?lang=en", f"{URL}.csv"):
        response = operator_client.get(url)
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        for value in [*every_citizen_value(), CANARY, "Công an", "A-0001"]:
            assert value not in body, f"{value!r} on {url}"


def test_province_staff_get_404_and_nothing_is_read(admin_client):
    for url in (URL, f"{URL}.csv"):
        assert admin_client.get(url).status_code == 404
    assert platform_events("cross_tenant_access") == []
