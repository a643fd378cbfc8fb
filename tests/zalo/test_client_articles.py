"""The client's article API and article broadcast over HTTP against the sandbox (docs/zalo-oa.md §2.1)."""

import json

import pytest

from platform_core.zalo.articles import Article, BroadcastTarget
from platform_core.zalo.errors import Outcome, ZaloApiError
from platform_core.zalo.messages import MessageError

NEWS = Article(title="Miễn học phí từ 2026", author="UBND tỉnh Bắc Ninh", description="Học sinh được miễn học phí.",
               cover_url="https://example.gov.vn/cover.jpg", paragraphs=("Đoạn một.", "Đoạn hai."))


@pytest.fixture
def zapp(zalo_sandbox):
    return zalo_sandbox.add_app("bac-ninh")


@pytest.fixture
def token(zalo_sandbox, zapp):
    return zalo_sandbox.mint_tokens(zapp.app_id)["access_token"]


def test_create_then_verify_gives_the_article_id_zalo_reads_back(zalo_api, token, zalo_sandbox):
    article_token = zalo_api.create_article(token, NEWS)
    article_id = zalo_api.verify_article(token, article_token)
    detail = zalo_api.article_detail(token, article_id)
    assert detail.article_id == article_id and detail.title == NEWS.title and detail.status == "show"
    [created] = zalo_sandbox.requests(path_contains="/v2.0/article/create")
    sent = json.loads(created["body"])
    assert sent["body"] == [{"type": "text", "content": "Đoạn một."}, {"type": "text", "content": "Đoạn hai."}]
    assert sent["cover"] == {"cover_type": "photo", "photo_url": NEWS.cover_url, "status": "show"}


def test_broadcast_sends_the_target_as_zalo_codes_in_one_call(zalo_api, token, zalo_sandbox, zapp):
    zalo_sandbox.add_users(zapp.app_id, 3, gender=2, age_group=4)
    article_id = zalo_api.verify_article(token, zalo_api.create_article(token, NEWS))
    result = zalo_api.broadcast_article(token, article_id, BroadcastTarget(ages=(4, 3), gender=2))
    assert result.message_id
    [call] = zalo_sandbox.requests(path_contains="/v2.0/oa/message")
    body = json.loads(call["body"])
    assert body["recipient"] == {"target": {"ages": "3,4", "gender": "2"}}
    assert body["message"]["attachment"]["payload"]["elements"] == [
        {"media_type": "article", "attachment_id": article_id}]
    assert len([m for m in zalo_sandbox.messages(oa_id=zapp.oa_id) if m["kind"] == "article"]) == 3


def test_no_narrower_audience_means_every_gender(zalo_api, token, zalo_sandbox):
    article_id = zalo_api.verify_article(token, zalo_api.create_article(token, NEWS))
    zalo_api.broadcast_article(token, article_id, BroadcastTarget())
    [call] = zalo_sandbox.requests(path_contains="/v2.0/oa/message")
    assert json.loads(call["body"])["recipient"] == {"target": {"gender": "0"}}


def test_an_oa_not_allowed_to_broadcast_is_a_configuration_refusal(zalo_api, zalo_sandbox):
    app = zalo_sandbox.add_app("ha-giang", oa={"broadcast_allowed": False})
    token = zalo_sandbox.mint_tokens(app.app_id)["access_token"]
    article_id = zalo_api.verify_article(token, zalo_api.create_article(token, NEWS))
    with pytest.raises(ZaloApiError) as refused:
        zalo_api.broadcast_article(token, article_id, BroadcastTarget())
    assert refused.value.code == -224 and refused.value.outcome is Outcome.CONFIGURATION


def test_bad_article_and_target_fail_before_any_request(zalo_api, token, zalo_sandbox):
    with pytest.raises(MessageError):
        zalo_api.create_article(token, Article("", "a", "d", "https://x/c.jpg", ("p",)))
    with pytest.raises(MessageError):
        zalo_api.broadcast_article(token, "1", BroadcastTarget(ages=(8,)))
    assert zalo_sandbox.requests(path_contains="/v2.0/") == []
