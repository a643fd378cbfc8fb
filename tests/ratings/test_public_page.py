"""The rating page opened from the Zalo link: Vietnamese, no JavaScript needed, one rating per dossier,
editable for 24 hours; refused links answer 404 (not ours, another dossier's or province's) or 410 (expired)."""

import re

import pytest
from sqlalchemy import select

from platform_core.extensions import db
from platform_core.ratings import service
from platform_core.ratings.constants import CHANNEL_WEB, EDIT_WINDOW
from platform_core.ratings.models import Rating
from platform_core.ratings.tokens import make_token
from tests.conftest import as_tenant
from tests.console.support import text_of
from tests.ratings.conftest import invitation_of, returned_dossier

CODE, OTHER = "H15.50.05.13-260715-0001", "H15.50.05.13-260715-0002"


@pytest.fixture
def invited(tenant_a):
    with as_tenant(tenant_a):
        return invitation_of(returned_dossier(CODE))


def page_of(tenant, invitation, slug="bac-ninh") -> str:
    with as_tenant(tenant):
        return f"/{slug}/danh-gia/{service.token_for(invitation)}"


def stored(tenant) -> Rating | None:
    with as_tenant(tenant):
        return db.session.scalar(select(Rating).execution_options(populate_existing=True))  # changed by requests


def test_the_page_asks_in_vietnamese_with_five_levels_and_optional_criteria(client, tenant_a, invited):
    response = client.get(page_of(tenant_a, invited))
    html = text_of(response)
    assert response.status_code == 200 and 'lang="vi"' in html
    assert CODE in html and "Đăng ký thường trú" in html and "Nguyễn Văn An" not in html
    levels = re.findall(r'<input[^>]*name="score"[^>]*value="(\d)"', html)
    assert levels == ["5", "4", "3", "2", "1"]
    for label in ("Rất hài lòng", "Hài lòng", "Bình thường", "Không hài lòng", "Rất không hài lòng"):
        assert f">{label}</label>" in html
    assert 'name="criterion_on_time"' in html and 'name="comment"' in html and "<script" not in html


def test_a_rating_is_recorded_then_shown_for_change(client, tenant_a, invited):
    url = page_of(tenant_a, invited)
    response = client.post(url, data={"score": "2", "criterion_on_time": "1", "criterion_staff_attitude": "",
                                      "comment": "Phải đi lại nhiều lần"})
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    rating = stored(tenant_a)
    assert (rating.score, rating.channel, rating.criteria_scores, rating.comment) == (
        2, CHANNEL_WEB, {"on_time": 1}, "Phải đi lại nhiều lần")
    html = text_of(client.get(url))
    assert "Không hài lòng" in html and "Phải đi lại nhiều lần" in html
    assert re.search(r'<input checked[^>]*value="2"|<input[^>]*value="2"[^>]*checked', html)
    response = client.post(url, data={"score": "5", "comment": ""})
    assert response.status_code == 302, text_of(response)
    rating = stored(tenant_a)
    assert (rating.score, rating.criteria_scores, rating.comment) == (5, {}, None)


def test_a_form_without_a_level_is_shown_again_with_the_error(client, tenant_a, invited):
    response = client.post(page_of(tenant_a, invited), data={"comment": "Tốt"})
    assert response.status_code == 422 and "Hãy chọn một trong năm mức" in text_of(response)
    response = client.post(page_of(tenant_a, invited), data={"score": "9"})
    assert response.status_code == 422 and stored(tenant_a) is None


def test_after_the_edit_window_the_link_shows_the_rating_read_only(client, tenant_a, invited):
    url = page_of(tenant_a, invited)
    client.post(url, data={"score": "4"})
    with as_tenant(tenant_a):
        rating = db.session.scalar(select(Rating))
        rating.submitted_at -= EDIT_WINDOW
        rating.editable_until -= EDIT_WINDOW
        db.session.flush()
    response = client.get(url)
    assert response.status_code == 200 and "không thể thay đổi" in text_of(response)
    assert 'name="score"' not in text_of(response)
    response = client.post(url, data={"score": "1"})
    assert response.status_code == 409 and stored(tenant_a).score == 4


def test_an_expired_link_answers_410(client, tenant_a, invited):
    with as_tenant(tenant_a):
        invited.expires_at = invited.invited_at
        db.session.flush()
    response = client.get(page_of(tenant_a, invited))
    assert response.status_code == 410 and "Đường dẫn đánh giá đã hết hạn" in text_of(response)
    assert client.post(page_of(tenant_a, invited), data={"score": "5"}).status_code == 410
    assert stored(tenant_a) is None


def test_a_link_for_another_dossier_or_tampered_answers_404(client, tenant_a, invited):
    with as_tenant(tenant_a):
        other = invitation_of(returned_dossier(OTHER))
        forged = make_token(invited.id, invited.nonce, other.dossier_id)
        token = service.token_for(invited)
    altered = token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:]
    for bad in (forged, altered, "abc", token.replace(".", "", 1)):
        response = client.get(f"/bac-ninh/danh-gia/{bad}")
        assert response.status_code == 404 and "Đường dẫn đánh giá không hợp lệ" in text_of(response)
        assert client.post(f"/bac-ninh/danh-gia/{bad}", data={"score": "1"}).status_code == 404
    assert stored(tenant_a) is None


def test_another_provinces_link_answers_404(client, tenant_a, tenant_b, invited):
    response = client.get(page_of(tenant_a, invited, slug="da-nang"))
    assert response.status_code == 404 and stored(tenant_a) is None


def test_the_form_needs_its_csrf_token(client, tenant_a, invited, csrf_on):
    assert client.post(page_of(tenant_a, invited), data={"score": "5"}).status_code == 400
    assert stored(tenant_a) is None
