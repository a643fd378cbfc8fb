"""Server-rendered pages: Vietnamese by default, English on request, and a province's page shows only its own
catalogue."""

import contextvars
import re

import pytest
from flask import render_template
from werkzeug.exceptions import InternalServerError, NotFound, TooManyRequests

from tests import factories
from tests.auth.support import add_membership, sign_in
from tests.conftest import CANARY, as_tenant


def _text(response) -> str:
    return response.get_data(as_text=True)


# --- language ----------------------------------------------------------------------------------------------

def test_pages_are_vietnamese_by_default(client):
    html = _text(client.get("/login"))
    assert '<html lang="vi">' in html
    assert "Motcua — Một cửa trên Zalo" in html
    assert "<h1>Đăng nhập</h1>" in html
    assert "Chuyển đến nội dung chính" in html


def test_english_is_chosen_with_lang_and_remembered(client):
    html = _text(client.get("/login?lang=en"))
    assert '<html lang="en">' in html
    assert "<h1>Sign in</h1>" in html
    assert "Mật khẩu" not in html
    assert '<html lang="en">' in _text(client.get("/"))
    assert "<h1>Đăng nhập</h1>" in _text(client.get("/login?lang=vi"))


def test_language_links_keep_the_current_page(client):
    html = _text(client.get("/bac-ninh/"))
    assert 'href="/bac-ninh/?lang=en"' in html
    assert 'href="/bac-ninh/?lang=vi"' in html
    assert re.search(r'lang="vi" hreflang="vi"\s+aria-current="true"', html)


def test_unknown_language_falls_back_to_vietnamese(client):
    assert '<html lang="vi">' in _text(client.get("/?lang=fr"))


def test_every_page_has_a_skip_link_to_main(client):
    html = _text(client.get("/"))
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html


# --- landing page ------------------------------------------------------------------------------------------

def test_landing_describes_the_platform_to_visitors(client):
    html = _text(client.get("/"))
    assert "Motcua giúp mỗi tỉnh, thành phố báo cho người dân qua Zalo" in html
    assert 'href="/login"' in html


def test_landing_lists_the_provinces_of_the_signed_in_user(client, tenant_a, tenant_b):
    user = factories.create_user("nhieu@motcua.vn", tenant=tenant_a, role="officer")
    add_membership(user, tenant_b, "admin")
    sign_in(client, "nhieu@motcua.vn")
    html = _text(client.get("/"))
    assert '<a class="card__title" href="/bac-ninh/">Tỉnh Bắc Ninh</a>' in html
    assert '<a class="card__title" href="/da-nang/">Tỉnh Đà Nẵng</a>' in html
    assert "Cán bộ · Đang hoạt động" in html
    assert "Quản trị viên tỉnh · Đang hoạt động" in html
    assert html.index("Bắc Ninh") < html.index("Đà Nẵng")


def test_landing_shows_only_the_users_own_provinces(client, tenant_a):
    factories.create_user("mot@motcua.vn", tenant=tenant_a, role="officer")
    sign_in(client, "mot@motcua.vn")
    html = _text(client.get("/"))
    assert "Bắc Ninh" in html and "Đà Nẵng" not in html


def test_landing_for_an_operator_without_provinces(client):
    factories.create_user("van-hanh@motcua.vn", operator=True)
    sign_in(client, "van-hanh@motcua.vn")
    html = _text(client.get("/"))
    assert "Bạn đang đăng nhập với vai trò người vận hành nền tảng." in html
    assert "Bạn chưa thuộc tỉnh, thành phố nào." not in html


# --- a province's page -------------------------------------------------------------------------------------

def test_province_page_lists_only_its_own_procedures(client):
    html = _text(client.get("/bac-ninh/"))
    assert "<h1>Tỉnh Bắc Ninh</h1>" in html
    assert "Đăng ký khai sinh" in html and "Đăng ký thường trú" in html
    assert CANARY not in html
    assert CANARY in _text(client.get("/da-nang/"))


def test_province_page_shows_type_status_and_grouped_procedure_facts(client, tenant_a):
    with as_tenant(tenant_a):
        factories.create_procedure("2.000815", "Chứng thực bản sao từ bản chính", field="Chứng thực",
                                   processing_time_value=3, processing_time_unit="working_day", fee_vnd=2000,
                                   fee_note="mỗi trang", agency="UBND xã Yên Phong")
        factories.create_procedure("2.000900", "Thủ tục đã tắt", field="Chứng thực", enabled=False)
        factories.create_procedure("1.000001", "Đăng ký kết hôn", processing_time_value=1,
                                   processing_time_unit="day", fee_vnd=0)
    html = _text(client.get("/bac-ninh/"))
    assert "<dt>Loại đơn vị</dt><dd>Tỉnh</dd>" in html
    assert "Đang hoạt động" in html
    assert html.index(">Chứng thực</h3>") < html.index(">Hộ tịch</h3>")
    section = html[html.index(">Chứng thực</h3>"):html.index(">Hộ tịch</h3>")]
    assert "Chứng thực bản sao từ bản chính" in section
    assert "3 ngày làm việc" in section
    assert "2.000 đồng (mỗi trang)" in section
    assert "UBND xã Yên Phong" in section
    assert "Thủ tục đã tắt" not in html
    assert "1 ngày" in html and "Miễn phí" in html
    assert "Tỉnh/thành phố này có 4 thủ tục được theo dõi qua Zalo." in html


def test_province_page_in_english(client, tenant_a):
    with as_tenant(tenant_a):
        factories.create_procedure("2.000815", "Chứng thực bản sao", processing_time_value=2,
                                   processing_time_unit="working_day", fee_vnd=50000)
    html = _text(client.get("/bac-ninh/?lang=en"))
    assert "<dt>Unit type</dt><dd>Province</dd>" in html
    assert "2 working days" in html and "50,000 VND" in html


def test_unknown_province_is_a_friendly_404(client):
    response = client.get("/atlantis/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in _text(response)
    assert "Page not found" in _text(client.get("/atlantis/?lang=en"))


def test_suspended_province_is_not_served(client):
    factories.create_tenant("tam-dung", "Tạm Dừng", status="suspended")
    assert client.get("/tam-dung/").status_code == 404


# --- error pages -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("error, vietnamese, english", [
    (NotFound(), "Không tìm thấy trang", "Page not found"),
    (TooManyRequests(), "Quá nhiều yêu cầu", "Too many requests"),
    (InternalServerError(), "Đã có lỗi xảy ra", "Something went wrong"),
    (None, "Đã có lỗi xảy ra", "Something went wrong"),
])
def test_error_page_in_both_languages(app, error, vietnamese, english):
    for lang, expected in (("vi", vietnamese), ("en", english)):
        html = contextvars.Context().run(_render_error, app, lang, error)  # a fresh app context per language
        assert f"<h1>{expected}</h1>" in html
        assert f'<html lang="{lang}">' in html


def _render_error(app, lang: str, error) -> str:
    with app.test_request_context(f"/?lang={lang}"):
        return render_template("error.html", error=error)
