"""The citizen's front door (`/<slug>/`) over HTTP: following the OA, a dossier's lookup under the bot's rules,
feedback, the catalogue searched and paged, and nothing for staff on a citizen's page."""

import re

import pytest

from platform_core.extensions import db
from platform_core.frontdoor.views import PROCEDURES_PER_PAGE
from platform_core.zalo.models import ZaloConnection
from tests import factories
from tests.conftest import CANARY, as_tenant

CODE = "H15.50.05.13-260715-0001"
OA_ID = "1357924680135792468"


def _text(response) -> str:
    return response.get_data(as_text=True)


def _connect_oa(tenant, oa_name="Trung tâm PVHCC tỉnh Bắc Ninh"):
    with as_tenant(tenant):
        db.session.add(ZaloConnection(status="connected", oa_id=OA_ID, oa_name=oa_name))
        db.session.flush()


def _lookup(client, code, address="198.51.100.7"):
    return client.get("/bac-ninh/tra-cuu", query_string={"ma": code}, environ_base={"REMOTE_ADDR": address})


# --- following the OA ------------------------------------------------------------------------------------

def test_the_page_links_to_the_oas_page_and_shows_its_qr_code(client, tenant_a):
    _connect_oa(tenant_a)
    html = _text(client.get("/bac-ninh/"))
    assert f'href="https://zalo.me/{OA_ID}"' in html
    assert "Quan tâm Trung tâm PVHCC tỉnh Bắc Ninh trên Zalo" in html
    figure = re.search(r'<figure class="follow__qr" role="img" aria-label="([^"]+)">\s*(<svg.*?</svg>)', html, re.S)
    assert figure and figure.group(1) == "Mã QR của Trung tâm PVHCC tỉnh Bắc Ninh trên Zalo"
    assert "<path" in figure.group(2)  # a drawn code, not an empty box


def test_the_qr_code_encodes_the_follow_address(app, client, tenant_a, monkeypatch):
    """Another address gives another code: the QR is drawn from the OA page's address, not a fixed image."""
    _connect_oa(tenant_a)
    first = re.search(r"<svg.*?</svg>", _text(client.get("/bac-ninh/")), re.S).group(0)
    monkeypatch.setitem(app.config, "ZALO_OA_PAGE_URL", "http://127.0.0.1:5055/#oa-{oa_id}")
    html = _text(client.get("/bac-ninh/"))
    assert f'href="http://127.0.0.1:5055/#oa-{OA_ID}"' in html
    assert re.search(r"<svg.*?</svg>", html, re.S).group(0) != first


def test_a_province_without_an_oa_says_so_instead_of_a_dead_link(client):
    html = _text(client.get("/bac-ninh/"))
    assert "Tỉnh chưa kết nối Zalo Official Account." in html
    assert "zalo.me" not in html and "<svg" not in html.split('class="front-door"')[1].split("</section>")[0]


def test_each_province_shows_its_own_oa(client, tenant_a, tenant_b):
    _connect_oa(tenant_b, oa_name=f"OA {CANARY}")
    assert CANARY not in _text(client.get("/bac-ninh/"))
    assert f"OA {CANARY}" in _text(client.get("/da-nang/"))


# --- looking a dossier up --------------------------------------------------------------------------------

def test_a_dossier_is_found_by_its_code_with_the_applicants_name_masked(client, tenant_a):
    with as_tenant(tenant_a):
        factories.create_dossier(CODE)
    response = _lookup(client, "h15.50.05.13 - 260715 - 0001")  # as a citizen types it
    html = _text(response)
    assert response.status_code == 200
    assert f"Hồ sơ {CODE}" in html
    assert "Thủ tục: Đăng ký thường trú" in html
    assert "Người nộp: Nguyễn V** A*" in html
    assert "Nguyễn Văn An" not in html and "0912345678" not in html and "912 345 678" not in html


def test_the_home_pages_form_leads_to_the_lookup(client):
    html = _text(client.get("/bac-ninh/"))
    form = re.search(r'<form method="get" action="([^"]+)">(.*?)</form>',
                     html, re.S)
    assert form and form.group(1) == "/bac-ninh/tra-cuu"
    assert 'name="ma"' in form.group(2)


def test_an_unknown_code_and_another_provinces_code_read_the_same(client, tenant_b):
    with as_tenant(tenant_b):
        factories.create_dossier(CODE)
    elsewhere, unknown = _lookup(client, CODE), _lookup(client, "H15.50.05.13-260715-0999")
    assert elsewhere.status_code == unknown.status_code == 404
    assert f"Không tìm thấy hồ sơ có mã {CODE} tại tỉnh Bắc Ninh." in _text(elsewhere)
    assert _text(elsewhere).replace(CODE, "X") == _text(unknown).replace("H15.50.05.13-260715-0999", "X")


@pytest.mark.parametrize("typed", ["", "xin chào", "15/07/2025", "x" * 500])
def test_what_is_not_a_code_is_refused_with_a_field_message(client, typed):
    response = _lookup(client, typed)
    html = _text(response)
    assert response.status_code == 422
    assert re.search(r'<p class="field__error" id="ma-error">[^<]+</p>', html)
    assert 'aria-invalid="true"' in html


def test_the_lookup_page_without_a_code_is_the_form(client):
    response = client.get("/bac-ninh/tra-cuu")
    assert response.status_code == 200
    assert 'name="ma"' in _text(response) and "field__error" not in _text(response)


def test_lookups_are_rate_limited_per_address_and_province(app, client, tenant_a, monkeypatch):
    monkeypatch.setitem(app.config, "DOSSIER_LOOKUP_RATE_LIMIT", "2 per hour")
    assert [_lookup(client, CODE, "203.0.113.8").status_code for _ in range(2)] == [404, 404]
    refused = _lookup(client, CODE, "203.0.113.8")
    assert refused.status_code == 429 and "Vui lòng thử lại sau ít phút" in _text(refused)
    assert _lookup(client, CODE, "203.0.113.9").status_code == 404  # another address
    assert client.get("/bac-ninh/tra-cuu", environ_base={"REMOTE_ADDR": "203.0.113.8"}).status_code == 200
    assert client.get("/bac-ninh/", environ_base={"REMOTE_ADDR": "203.0.113.8"}).status_code == 200


# --- feedback, and nothing for staff ---------------------------------------------------------------------

def test_the_page_links_to_the_feedback_form(client):
    assert 'href="/bac-ninh/phan-anh/"' in _text(client.get("/bac-ninh/"))


@pytest.mark.parametrize("path", ["/bac-ninh/", "/bac-ninh/tra-cuu", "/bac-ninh/phan-anh/"])
def test_citizen_pages_offer_no_staff_sign_in(client, path):
    html = _text(client.get(path))
    assert 'href="/login"' not in html and "Đăng nhập" not in html
    assert '<a class="brand" href="/bac-ninh/">' in html


def test_other_visitor_pages_still_offer_sign_in(client):
    assert 'href="/login"' in _text(client.get("/"))


# --- the catalogue ---------------------------------------------------------------------------------------

def _many_procedures(tenant, count):
    with as_tenant(tenant):
        for number in range(count):
            factories.create_procedure(f"8.{number:06d}", f"Thủ tục thử số {number:04d}", field="Thử nghiệm")


def test_a_large_catalogue_is_cut_into_pages(client, tenant_a):
    _many_procedures(tenant_a, 45)  # with the two seeded ones: 47, three pages
    first = _text(client.get("/bac-ninh/"))
    assert first.count('<li class="procedure">') == PROCEDURES_PER_PAGE
    assert "Tỉnh/thành phố này có 47 thủ tục được theo dõi qua Zalo." in first
    assert "<span>Trang 1/3</span>" in first
    assert 'href="/bac-ninh/?page=2#thu-tuc" rel="next"' in first
    last = _text(client.get("/bac-ninh/?page=3"))
    assert last.count('<li class="procedure">') == 47 - 2 * PROCEDURES_PER_PAGE
    assert 'rel="next"' not in last and 'href="/bac-ninh/?page=2#thu-tuc" rel="prev"' in last
    assert _text(client.get("/bac-ninh/?page=999")) == last  # past the end is the last page
    assert _text(client.get("/bac-ninh/?page=abc")) == first


def test_the_catalogue_is_searched_without_diacritics_and_keeps_the_search_across_pages(client, tenant_a):
    _many_procedures(tenant_a, 25)
    html = _text(client.get("/bac-ninh/?q=dang+ky+khai+sinh"))
    assert "Đăng ký khai sinh" in html and "Đăng ký thường trú" not in html
    assert "Tìm thấy 1 thủ tục." in html
    paged = _text(client.get("/bac-ninh/?q=thu+tuc+thu"))
    assert 'href="/bac-ninh/?q=thu+tuc+thu&amp;page=2#thu-tuc"' in paged
    by_field = _text(client.get("/bac-ninh/?field=Th%E1%BB%AD+nghi%E1%BB%87m&page=2"))
    assert by_field.count('<li class="procedure">') == 5 and "Đăng ký khai sinh" not in by_field


def test_a_search_that_finds_nothing_says_what_to_try(client):
    response = client.get("/bac-ninh/?q=khong+co+thu+tuc+nay")
    assert response.status_code == 200
    assert "Không có thủ tục nào phù hợp." in _text(response)


def test_odd_search_input_is_not_an_error(client):
    for query in ({"q": "x" * 1000}, {"field": "không có"}, {"page": "-5"}):
        assert client.get("/bac-ninh/", query_string=query).status_code == 200


def test_disabled_procedures_and_another_provinces_stay_off_the_page(client, tenant_a):
    with as_tenant(tenant_a):
        factories.create_procedure("2.000900", "Thủ tục đã tắt", enabled=False)
    html = _text(client.get("/bac-ninh/?q=thu+tuc"))
    assert "Thủ tục đã tắt" not in html and CANARY not in html
