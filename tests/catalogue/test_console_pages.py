"""The province console's procedures pages: list, search, filters, pages, edit, enable/disable; who may see
them (admins of the province only) and that another province's procedures are never reachable."""

import re

import pytest

from platform_core.catalogue.constants import PAGE_SIZE
from platform_core.settings.service import save_setting
from tests import factories
from tests.auth.support import csrf_token_from
from tests.catalogue.conftest import events_of, procedures_of
from tests.conftest import CANARY, as_tenant

INDEX = "/bac-ninh/admin/procedures/"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _codes_listed(html: str) -> list[str]:
    return re.findall(r'href="/bac-ninh/admin/procedures/(\d[^"/]*)"', html)


# --- list, search, filters, pages ----------------------------------------------------------------------------

def test_the_list_shows_the_provinces_own_procedures(admin_client):
    response = admin_client.get(INDEX)
    html = _text(response)
    assert response.status_code == 200
    assert sorted(_codes_listed(html)) == ["1.001193", "1.004222"]
    assert "Công an xã Bắc Ninh" in html
    assert CANARY not in html


@pytest.mark.parametrize(("q", "expected"), [
    ("dang ky khai sinh", ["1.001193"]),      # no diacritics
    ("ĐĂNG KÝ THƯỜNG TRÚ", ["1.004222"]),     # capitals with diacritics
    ("thuong  tru dang", ["1.004222"]),       # words in any order, extra spaces
    ("1.0042", ["1.004222"]),                 # part of a code
    ("đăng ký", ["1.001193", "1.004222"]),
    ("khai tử", []),
])
def test_search_finds_code_or_name_whatever_the_accents(admin_client, q, expected):
    html = _text(admin_client.get(INDEX, query_string={"q": q}))
    assert sorted(_codes_listed(html)) == expected


def test_filters_by_field_and_by_status(admin_client, tenant_a):
    with as_tenant(tenant_a):
        factories.create_procedure("1.013978", "Đăng ký đất đai lần đầu", field="Đất đai")
        factories.create_procedure("1.013831", "Đăng ký biến động đất đai", field="Đất đai", enabled=False)
    html = _text(admin_client.get(INDEX, query_string={"field": "Đất đai"}))
    assert sorted(_codes_listed(html)) == ["1.013831", "1.013978"]
    assert "<option selected>Đất đai</option>" in html
    html = _text(admin_client.get(INDEX, query_string={"enabled": "no"}))
    assert _codes_listed(html) == ["1.013831"]
    html = _text(admin_client.get(INDEX, query_string={"field": "Hộ tịch", "enabled": "yes", "q": "khai"}))
    assert _codes_listed(html) == ["1.001193"]


def test_the_list_is_paginated_and_pages_keep_the_filters(admin_client, tenant_a):
    with as_tenant(tenant_a):
        for number in range(PAGE_SIZE + 5):
            factories.create_procedure(f"3.{number:06d}", f"Thủ tục thử {number}", field="Thử")
    first = _text(admin_client.get(INDEX, query_string={"field": "Thử"}))
    assert len(_codes_listed(first)) == PAGE_SIZE
    assert "Page 1 of 2" in first
    assert 'href="/bac-ninh/admin/procedures/?page=2&amp;field=Th%E1%BB%AD"' in first
    second = _text(admin_client.get(INDEX, query_string={"field": "Thử", "page": 2}))
    assert _codes_listed(second) == [f"3.{number:06d}" for number in range(PAGE_SIZE, PAGE_SIZE + 5)]
    beyond = _text(admin_client.get(INDEX, query_string={"field": "Thử", "page": 99}))
    assert "Page 2 of 2" in beyond


# --- who may open the pages ---------------------------------------------------------------------------------

ADMIN_PAGES = [
    ("get", INDEX), ("get", INDEX + "1.004222"), ("post", INDEX + "1.004222"),
    ("post", INDEX + "1.004222/enabled"), ("get", INDEX + "export/csv"), ("get", INDEX + "export/xlsx"),
    ("get", INDEX + "import"), ("post", INDEX + "import"), ("post", INDEX + "import/" + "x" * 32),
]


@pytest.mark.parametrize(("method", "url"), ADMIN_PAGES)
def test_an_officer_gets_404_on_every_admin_page(officer_client, tenant_a, method, url):
    response = getattr(officer_client, method)(url, data={"offer": "no", "agency": "Cán bộ đổi"})
    assert response.status_code == 404
    assert procedures_of(tenant_a)["1.004222"].enabled is True
    assert procedures_of(tenant_a)["1.004222"].agency == "Công an xã Bắc Ninh"


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(INDEX)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(("method", "url"), [
    ("get", "/bac-ninh/admin/procedures/9.999999"),          # B's own procedure, through A's URL
    ("post", "/bac-ninh/admin/procedures/9.999999"),
    ("post", "/bac-ninh/admin/procedures/9.999999/enabled"),
    ("get", "/da-nang/admin/procedures/"),                    # B's pages
    ("get", "/da-nang/admin/procedures/9.999999"),
    ("post", "/da-nang/admin/procedures/9.999999/enabled"),
    ("get", "/da-nang/admin/procedures/export/csv"),
    ("get", "/da-nang/admin/procedures/import"),
])
def test_province_as_admin_gets_404_on_province_bs_procedures(admin_client, tenant_b, method, url):
    response = getattr(admin_client, method)(url, data={"offer": "no", "agency": "Đổi từ tỉnh A"})
    assert response.status_code == 404
    assert CANARY not in _text(response)
    canary = procedures_of(tenant_b)["9.999999"]
    assert (canary.enabled, canary.agency) == (True, f"UBND {CANARY}")


# --- edit --------------------------------------------------------------------------------------------------

def test_the_edit_page_shows_the_procedure(admin_client):
    html = _text(admin_client.get(INDEX + "1.004222"))
    assert "<h1>Đăng ký thường trú</h1>" in html
    assert 'value="Công an xã Bắc Ninh"' in html


def test_an_edit_is_saved_and_audited(admin_client, tenant_a, admin_a):
    response = admin_client.post(INDEX + "1.004222", data={
        "agency": "Công an phường Kinh Bắc", "online_level": "toan_trinh", "processing_time_value": "7",
        "processing_time_unit": "working_day", "processing_time_note": "", "fee_vnd": "20.000",
        "fee_note": "10.000 đ trực tuyến", "enabled": "y",
    })
    assert response.status_code == 302
    procedure = procedures_of(tenant_a)["1.004222"]
    assert (procedure.agency, procedure.online_level, procedure.fee_vnd, procedure.fee_note) == (
        "Công an phường Kinh Bắc", "toan_trinh", 20000, "10.000 đ trực tuyến")
    assert (procedure.processing_time_value, procedure.processing_time_unit) == (7, "working_day")
    [event] = events_of(tenant_a, "procedure_updated")
    assert event.actor_id == admin_a.id
    assert event.details["code"] == "1.004222"
    assert event.details["changes"]["fee_vnd"] == [None, 20000]
    assert event.details["changes"]["agency"] == ["Công an xã Bắc Ninh", "Công an phường Kinh Bắc"]
    assert "Procedure 1.004222 saved." in _text(admin_client.get(INDEX))


def test_invalid_values_are_shown_in_the_page_and_nothing_is_saved(admin_client, tenant_a):
    response = admin_client.post(INDEX + "1.004222", data={
        "agency": "", "online_level": "mot_phan", "processing_time_value": "3", "processing_time_unit": "",
        "fee_vnd": "hai mươi nghìn", "enabled": "y",
    })
    html = _text(response)
    assert response.status_code == 422
    assert "Some values need correcting" in html
    assert re.search(r'id="agency-error">Required\.</p>', html)
    assert re.search(r'id="fee_vnd-error">Must be a whole number, like 20000\.</p>', html)
    assert re.search(r'id="processing_time_unit-error">Give the time unit with the number\.</p>', html)
    assert 'value="hai mươi nghìn"' in html  # what was typed is kept
    procedure = procedures_of(tenant_a)["1.004222"]
    assert (procedure.agency, procedure.fee_vnd) == ("Công an xã Bắc Ninh", None)
    assert events_of(tenant_a, "procedure_updated") == []


def test_an_unknown_online_level_is_refused(admin_client, tenant_a):
    response = admin_client.post(INDEX + "1.004222", data={"agency": "X", "online_level": "nua_voi"})
    assert response.status_code == 422
    assert "Unknown value “nua_voi”: write one of “Toàn trình”, “Một phần”, “Không trực tuyến”." in _text(response)


def test_saving_without_changes_records_nothing(admin_client, tenant_a):
    page = _text(admin_client.get(INDEX + "1.001193"))
    values = dict(re.findall(r'name="(agency|fee_vnd|processing_time_value|processing_time_note|fee_note)"'
                             r'[^>]*value="([^"]*)"', page))
    response = admin_client.post(INDEX + "1.001193", data={**values, "online_level": "mot_phan", "enabled": "y"})
    assert response.status_code == 302
    assert events_of(tenant_a, "procedure_updated") == []


# --- enable / disable ---------------------------------------------------------------------------------------

def test_disable_and_enable_are_audited_and_return_to_the_same_list(admin_client, tenant_a):
    response = admin_client.post(INDEX + "1.004222/enabled", data={"offer": "no", "q": "thuong tru",
                                                                  "enabled": "yes", "evil": "x"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/bac-ninh/admin/procedures/?q=thuong+tru&enabled=yes"
    assert procedures_of(tenant_a)["1.004222"].enabled is False
    page = _text(admin_client.get(INDEX, query_string={"q": "thuong tru"}))
    assert "1.004222 is no longer offered to citizens." in page
    assert "Not offered" in page
    admin_client.post(INDEX + "1.004222/enabled", data={"offer": "yes"})
    assert procedures_of(tenant_a)["1.004222"].enabled is True
    assert [e.details["code"] for e in events_of(tenant_a, "procedure_disabled")] == ["1.004222"]
    assert [e.details["code"] for e in events_of(tenant_a, "procedure_enabled")] == ["1.004222"]


def test_disabling_twice_records_one_event(admin_client, tenant_a):
    admin_client.post(INDEX + "1.004222/enabled", data={"offer": "no"})
    admin_client.post(INDEX + "1.004222/enabled", data={"offer": "no"})
    assert len(events_of(tenant_a, "procedure_disabled")) == 1


# --- CSRF ---------------------------------------------------------------------------------------------------

@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


@pytest.mark.parametrize("url", [INDEX + "1.004222", INDEX + "1.004222/enabled", INDEX + "import",
                                 INDEX + "import/" + "x" * 32])
def test_a_post_without_the_csrf_token_is_refused(admin_client, tenant_a, csrf_on, url):
    response = admin_client.post(url, data={"offer": "no", "agency": "Không có mã CSRF"})
    assert response.status_code == 400
    procedure = procedures_of(tenant_a)["1.004222"]
    assert (procedure.enabled, procedure.agency) == (True, "Công an xã Bắc Ninh")


def test_a_post_with_the_pages_csrf_token_works(admin_client, tenant_a, csrf_on):
    token = csrf_token_from(_text(admin_client.get(INDEX)))
    response = admin_client.post(INDEX + "1.004222/enabled", data={"offer": "no", "csrf_token": token})
    assert response.status_code == 302
    assert procedures_of(tenant_a)["1.004222"].enabled is False


def test_the_agency_is_picked_from_the_provinces_agencies_or_typed(admin_client, tenant_a):
    with as_tenant(tenant_a):
        save_setting("agencies", [
            {"name": "Công an tỉnh Bắc Ninh", "level": "tinh"}, {"name": "UBND xã Yên Phong", "level": "xa"}])
    html = admin_client.get("/bac-ninh/admin/procedures/1.004222").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="agency"[^>]*list="province-agencies"', html) or \
        re.search(r'<input[^>]*list="province-agencies"[^>]*id="agency"', html)
    datalist = html.split('<datalist id="province-agencies">')[1].split("</datalist>")[0]
    assert re.findall(r'<option value="([^"]+)">', datalist) == ["Công an tỉnh Bắc Ninh", "UBND xã Yên Phong"]
