"""The reports pages and their CSV downloads: who may open them, what they show, and that another
province's data never appears."""

import csv
import io

import openpyxl
import pytest

from platform_core.dashboard import reports
from tests.conftest import CANARY
from tests.dashboard.conftest import OCTOBER_ARGS, POLICE

BASE = "/bac-ninh/admin/reports"


def text_of(response) -> str:
    return response.get_data(as_text=True)


def read_csv(response) -> list[list[str]]:
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeff")  # Excel's cue for UTF-8
    return list(csv.reader(io.StringIO(body[1:])))


def test_an_officer_sees_every_report_with_its_chart_table_and_csv_link(officer_a, october):
    html = text_of(officer_a.client.get(f"{BASE}/?{OCTOBER_ARGS}"))
    for key in reports.REPORTS:
        section = html.split(f'<section class="report" aria-labelledby="{key}-heading"')[1].split("</section>")[0]
        assert '<svg class="chart"' in section and 'role="img"' in section, key
        assert '<table class="table">' in section, key
        assert f'href="{BASE}/{key}.csv?period=custom&amp;date_from=2026-10-01&amp;date_to=2026-10-31"' in section
        assert f'href="{BASE}/{key}.xlsx?period=custom&amp;date_from=2026-10-01&amp;date_to=2026-10-31"' in section
    assert "From 01/10/2026 to 31/10/2026" in html  # dd/mm/yyyy in English too (web/dates.py)
    on_time = html.split('id="on-time-heading"')[1].split('id="messages-heading"')[0]
    assert "Đăng ký thường trú" in html and "<td>50</td>" in on_time


def test_a_period_typed_as_dd_mm_yyyy_is_linked_as_yyyy_mm_dd(officer_a, october):
    html = text_of(officer_a.client.get(f"{BASE}/?period=custom&date_from=1/10/2026&date_to=31/10/2026"))
    assert 'value="01/10/2026"' in html and 'value="31/10/2026"' in html  # the boxes show the product's form
    iso = "period=custom&amp;date_from=2026-10-01&amp;date_to=2026-10-31"
    assert f'href="{BASE}/on-time.csv?{iso}"' in html and f'href="{BASE}/on-time.xlsx?{iso}"' in html
    assert f'href="{BASE}/departments?{iso}"' in html
    assert officer_a.client.get(f"{BASE}/on-time.csv?{iso.replace('&amp;', '&')}").status_code == 200


def test_this_month_is_the_default_and_an_empty_period_says_so(officer_a):
    html = text_of(officer_a.client.get(f"{BASE}/?lang=en"))
    assert 'value="month" selected' in html or "selected value=\"month\"" in html
    assert "Nothing in this period." in html


def test_a_wrong_custom_period_is_explained_in_the_page(officer_a):
    response = officer_a.client.get(f"{BASE}/?period=custom&date_from=2026-10-31&date_to=2026-10-01&lang=en")
    assert response.status_code == 200
    assert "The end date is before the start date." in text_of(response)
    missing = officer_a.client.get(f"{BASE}/?period=custom&date_from=2026-10-01&lang=en")
    assert "Choose both dates." in text_of(missing)
    assert officer_a.client.get(f"{BASE}/on-time.csv?period=custom&date_from=x").status_code == 400


@pytest.mark.parametrize("key", list(reports.REPORTS))
def test_every_report_downloads_as_csv(officer_a, october, key):
    response = officer_a.client.get(f"{BASE}/{key}.csv?{OCTOBER_ARGS}")
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == \
        f'attachment; filename="bac-ninh-{key}-2026-10-01-2026-10-31.csv"'
    rows = read_csv(response)
    assert len(rows) > 1 and all(rows[0])


def test_csv_holds_the_headers_rows_and_total(officer_a, october):
    rows = read_csv(officer_a.client.get(f"{BASE}/zalo-cost.csv?{OCTOBER_ARGS}"))
    assert rows[0] == ["Channel", "Sent", "Free", "Paid", "Price (VND)", "Estimated cost (VND)"]
    assert rows[1] == ["Zalo message (consultation)", "3", "2", "1", "55", "55"]
    assert rows[-1] == ["All channels", "6", "2", "4", "", "385"]
    procedures = read_csv(officer_a.client.get(f"{BASE}/dossiers-by-procedure.csv?{OCTOBER_ARGS}"))
    assert ["1.004222", "Đăng ký thường trú", "2"] in procedures  # UTF-8 survives


def read_xlsx(response) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_a_report_downloads_as_xlsx_with_the_csvs_rows_and_numbers_as_numbers(officer_a, october):
    response = officer_a.client.get(f"{BASE}/zalo-cost.xlsx?{OCTOBER_ARGS}")
    assert response.status_code == 200
    assert response.content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="bac-ninh-zalo-cost-2026-10-01-2026-10-31.xlsx"'
    rows = read_xlsx(response)
    assert rows[1] == ["Zalo message (consultation)", 3, 2, 1, 55, 55]
    assert rows[-1] == ["All channels", 6, 2, 4, None, 385]
    as_csv = read_csv(officer_a.client.get(f"{BASE}/zalo-cost.csv?{OCTOBER_ARGS}"))
    assert [[("" if v is None else str(v)) for v in row] for row in rows] == as_csv
    departments = read_xlsx(officer_a.client.get(f"{BASE}/departments.xlsx?{OCTOBER_ARGS}"))
    assert len(departments) > 1 and POLICE in str(departments)
    assert officer_a.client.get(f"{BASE}/zalo-cost.pdf?{OCTOBER_ARGS}").status_code == 404


def test_the_department_summary_page_and_csv(officer_a, october):
    html = text_of(officer_a.client.get(f"{BASE}/departments?{OCTOBER_ARGS}"))
    assert "Monthly Zalo usage by department" in html and POLICE in html
    chart = html.split('<svg class="chart"')[1].split("</svg>")[0]
    assert "Messages sent by department" in chart and POLICE in chart
    rows = read_csv(officer_a.client.get(f"{BASE}/departments.csv?{OCTOBER_ARGS}"))
    assert rows[0][:4] == ["Month", "Department", "Dossiers handled", "Handled on time"]
    police = next(row for row in rows if row[1] == POLICE)
    assert police[:4] == ["2026-10", POLICE, "2", "1"]


def test_an_unknown_report_is_404(officer_a):
    assert officer_a.client.get(f"{BASE}/nothing.csv").status_code == 404


def test_someone_from_another_province_gets_404(admin_b, october):
    for url in (f"{BASE}/", f"{BASE}/on-time.csv", f"{BASE}/departments", f"{BASE}/departments.csv"):
        assert admin_b.client.get(url).status_code == 404, url


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(f"{BASE}/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_another_provinces_data_never_appears(officer_a, october):
    """Tenant B's dossier, rating, feedback and follower carry the canary and add to every count: neither
    the canary nor B's numbers reach A's pages or files."""
    pages = [f"{BASE}/?{OCTOBER_ARGS}", f"{BASE}/departments?{OCTOBER_ARGS}", f"{BASE}/departments.csv?{OCTOBER_ARGS}",
             *(f"{BASE}/{key}.csv?{OCTOBER_ARGS}" for key in reports.REPORTS)]
    for url in pages:
        body = text_of(officer_a.client.get(url))
        assert CANARY not in body and "9.999999" not in body, url
    satisfaction = read_csv(officer_a.client.get(f"{BASE}/satisfaction.csv?{OCTOBER_ARGS}"))
    assert satisfaction[-1][2] == "3"  # B's rating (score 1) is not counted
    assert satisfaction[5][2] == "0"
    followers = read_csv(officer_a.client.get(f"{BASE}/followers.csv?{OCTOBER_ARGS}"))
    assert followers[2] == ["2026-10-02", "2", "0", "0"]  # B's follower of the 2nd is not there


def test_the_pages_render_in_vietnamese(officer_a, october):
    officer_a.client.get("/?lang=vi")
    october = "period=custom&date_from=2026-10-01&date_to=2026-10-31"
    for url in (f"{BASE}/?{october}", f"{BASE}/departments?{october}"):
        response = officer_a.client.get(url)
        assert response.status_code == 200 and '<html lang="vi">' in text_of(response)
        assert '<svg class="chart"' in text_of(response)
