"""The sandbox's article API and article broadcast (docs/zalo-oa.md §2.1): one call reaches every follower the
target matches, each sees the article in their phone view; an OA without the right gets -224."""

import pytest

from tests.sandbox.conftest import Province

ARTICLE = {"type": "normal", "title": "Chính sách hỗ trợ học phí 2026", "author": "UBND tỉnh Bắc Ninh",
           "description": "Từ 1/1/2026 học sinh được miễn học phí.",
           "cover": {"cover_type": "photo", "photo_url": "https://example.gov.vn/cover.jpg", "status": "show"},
           "body": [{"type": "text", "content": "Nội dung chi tiết."}], "status": "show", "comment": "hide"}


def article_id(province: Province) -> str:
    created = province.post("openapi", "/v2.0/article/create", ARTICLE)
    assert created["error"] == 0 and created["data"]["token"]
    verified = province.post("openapi", "/v2.0/article/verify", {"token": created["data"]["token"]})
    assert verified["error"] == 0
    return verified["data"]["id"]


def broadcast(province: Province, target: dict, attachment_id: str) -> dict:
    return province.post("openapi", "/v2.0/oa/message", {"recipient": {"target": target}, "message": {
        "attachment": {"type": "template", "payload": {"template_type": "media", "elements": [
            {"media_type": "article", "attachment_id": attachment_id}]}}}})


def reached(province: Province) -> set:
    return {m["user_id"] for m in province.sandbox.messages(oa_id=province.app.oa_id) if m["kind"] == "article"}


def test_an_article_is_created_verified_and_read_back(province):
    found = article_id(province)
    detail = province.get("openapi", "/v2.0/article/getdetail", id=found)
    assert detail["error"] == 0
    assert detail["data"]["title"] == ARTICLE["title"] and detail["data"]["status"] == "show"


def test_an_article_missing_its_title_is_refused(province):
    answer = province.post("openapi", "/v2.0/article/create", {**ARTICLE, "title": ""})
    assert answer["error"] == -201 and "title" in answer["message"]


def test_the_broadcast_reaches_every_follower_and_only_followers(province):
    followers = set(province.sandbox.add_users(province.app.app_id, 5))
    province.add_user(display_name="Không quan tâm", is_follower=False)
    answer = broadcast(province, {"gender": "0"}, article_id(province))
    assert answer["error"] == 0 and answer["data"]["message_id"]
    assert reached(province) == followers


def test_the_target_narrows_by_age_gender_and_city(province):
    women_35_44_hanoi = province.add_user(display_name="Chị Lan", age_group=4, gender=2, city_code="9")["user_id"]
    province.add_user(display_name="Anh Nam", age_group=4, gender=1, city_code="9")
    province.add_user(display_name="Bà Hoa", age_group=7, gender=2, city_code="9")
    province.add_user(display_name="Chị Mai", age_group=4, gender=2, city_code="4")
    answer = broadcast(province, {"ages": "3,4", "gender": "2", "cities": "9", "locations": "2"},
                       article_id(province))
    assert answer["error"] == 0
    assert reached(province) == {women_35_44_hanoi}  # cities replaced locations


@pytest.mark.parametrize("target", [{"ages": "9"}, {"gender": "x"}, {"colour": "1"}])
def test_a_code_zalo_does_not_define_is_refused(province, target):
    assert broadcast(province, target, article_id(province))["error"] == -201


def test_an_unknown_article_is_refused(province):
    assert broadcast(province, {"gender": "0"}, "not-an-article")["error"] == -201


def test_an_oa_not_allowed_to_broadcast_gets_224(zalo_sandbox):
    app = zalo_sandbox.add_app("ha-giang", oa={"broadcast_allowed": False})
    province = Province(zalo_sandbox, app, zalo_sandbox.mint_tokens(app.app_id)["access_token"])
    province.sandbox.add_users(app.app_id, 2)
    assert broadcast(province, {"gender": "0"}, article_id(province))["error"] == -224
    assert reached(province) == set()


def test_a_personal_v2_send_is_still_shut_down(province):
    user = province.add_user(display_name="An", last_interaction="now")
    body = {"recipient": {"user_id": user["user_id"]}, "message": {"text": "Chào"}}
    assert province.post("openapi", "/v2.0/oa/message", body)["error"] == -240


def test_the_phone_view_shows_the_broadcast_article(province):
    user = province.add_user(display_name="Nguyễn Văn An")
    broadcast(province, {"gender": "0"}, article_id(province))
    html = province.sandbox.http.get(f"/phone/{province.app.oa_id}/{user['user_id']}").text
    assert "Tin truyền thông (bài viết)" in html and ARTICLE["title"] in html and ARTICLE["description"] in html
