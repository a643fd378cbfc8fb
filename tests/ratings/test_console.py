"""The console's satisfaction page: recent ratings with filters, the reports and the Decision 766 figure;
officers and admins of the province only, another province's rating is 404."""

import re

import pytest
from sqlalchemy import select

from platform_core.extensions import db
from platform_core.ratings import service
from platform_core.ratings.constants import CHANNEL_WEB, CHANNEL_ZALO
from platform_core.ratings.models import Rating
from tests.conftest import as_tenant
from tests.console.support import text_of
from tests.ratings.conftest import at, invitation_of, returned_dossier

PAGE = "/bac-ninh/admin/ratings/"
JULY = "?start=2026-07-01&end=2026-07-31"


@pytest.fixture
def ratings_a(tenant_a):
    with as_tenant(tenant_a):
        for number, (score, comment, channel) in enumerate(
                [(5, "Nhanh gọn", CHANNEL_ZALO), (1, "Phải đi lại ba lần", CHANNEL_WEB)], start=1):
            dossier = returned_dossier(f"H15-CON-{number:04d}")
            given = service.RatingInput(score, {"on_time": score}, comment)
            service.submit(invitation_of(dossier), given, channel, at(f"2026-07-2{number}T10:00:00+07:00"))
        return list(db.session.scalars(select(Rating).order_by(Rating.score)))


def test_an_officer_sees_the_reports_and_the_recent_ratings(officer_a, ratings_a):
    response = officer_a.client.get(PAGE + JULY)
    html = text_of(response)
    assert response.status_code == 200
    assert "H15-CON-0001" in html and "H15-CON-0002" in html and "Phải đi lại ba lần" in html
    assert "Mức độ hài lòng về giải quyết hồ sơ (Quyết định 766)" in html
    assert "<strong>50.0%</strong>" in html  # 2 handled, none late, one disliked
    assert "Đăng ký thường trú" in html and "Công an xã Bắc Ninh" in html and "07/2026" in html


def test_the_list_filters_by_level_and_procedure(officer_a, ratings_a):
    html = text_of(officer_a.client.get(PAGE + JULY + "&score=1"))
    recent = html.split('id="recent-heading"')[1]
    assert "H15-CON-0002" in recent and "H15-CON-0001" not in recent
    recent = text_of(officer_a.client.get(PAGE + JULY + "&procedure=1.001193")).split('id="recent-heading"')[1]
    assert "H15-CON-" not in recent


def test_a_period_without_ratings_says_so_and_bad_dates_fall_back(officer_a, ratings_a):
    html = text_of(officer_a.client.get(PAGE + "?start=2026-01-01&end=2026-01-31"))
    assert "Không có hồ sơ nào được tiếp nhận hoặc giải quyết trong kỳ này" in html and "H15-CON-0001" not in html
    response = officer_a.client.get(PAGE + "?start=2026-07-31&end=2026-07-01")
    assert response.status_code == 200 and "Không được trước ngày bắt đầu." in text_of(response)
    assert officer_a.client.get(PAGE + "?start=banana&score=9").status_code == 200


def test_a_rating_in_full(officer_a, ratings_a):
    worst = ratings_a[0]
    response = officer_a.client.get(f"{PAGE}{worst.id}")
    html = text_of(response)
    assert response.status_code == 200 and "Phải đi lại ba lần" in html and "Rất không hài lòng" in html
    assert "Trả kết quả đúng hẹn" in html and re.search(r"Trang đánh giá", html)


def test_another_provinces_ratings_are_404(admin_b, ratings_a):
    assert admin_b.client.get(f"/da-nang/admin/ratings/{ratings_a[0].id}").status_code == 404
    assert admin_b.client.get(f"{PAGE}{ratings_a[0].id}").status_code == 404
    assert admin_b.client.get(PAGE).status_code == 404
    html = text_of(admin_b.client.get("/da-nang/admin/ratings/" + JULY))
    assert "H15-CON-0001" not in html and "Nhanh gọn" not in html


def test_signed_out_visitors_are_sent_to_sign_in(client, ratings_a):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_invitations_sent_this_year_and_what_became_of_them(officer_a, ratings_a):
    html = text_of(officer_a.client.get(PAGE))  # this year: the invitations were sent today
    section = html.split('id="invitations-heading"')[1].split("</section>")[0]
    assert re.search(r"Đã gửi</dt><dd>2<", section) and re.search(r"Đã đánh giá</dt><dd>2 \(100.0%\)<", section)
    html = text_of(officer_a.client.get(PAGE + JULY))
    assert "Không có lời mời nào được gửi trong khoảng thời gian này." in html


def test_the_dossier_and_deliveries_pages_show_the_invitation_without_trouble(officer_a, ratings_a):
    assert officer_a.client.get(f"/bac-ninh/admin/dossiers/{ratings_a[0].dossier_id}").status_code == 200
    assert officer_a.client.get("/bac-ninh/admin/deliveries/").status_code == 200


def test_the_months_satisfaction_is_drawn_as_a_trend(officer_a, tenant_a, ratings_a):
    with as_tenant(tenant_a):
        dossier = returned_dossier("H15-CON-0003")
        service.submit(invitation_of(dossier), service.RatingInput(4), CHANNEL_ZALO, at("2026-08-03T10:00:00+07:00"))
    html = text_of(officer_a.client.get(PAGE + "?start=2026-07-01&end=2026-08-31&lang=vi"))
    chart = html[html.index('id="chart-ratings-trend-title"'):]
    chart = chart[:chart.index("</svg>")]
    assert "<polyline" in chart and "07/2026" in chart and "08/2026" in chart
    points = re.search(r'points="([^"]+)"', chart).group(1).split()
    assert len(points) == 2 and float(points[1].split(",")[1]) < float(points[0].split(",")[1])  # 50% -> 100%
