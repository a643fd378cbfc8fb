"""What citizens write to the OA about their data, and Zalo's user_withdraw: signed webhooks in, processed as the
worker does; the request, its clock, the one confirmation and the consent evidence out."""

import unicodedata

import pytest
from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.citizens import consent
from platform_core.citizens.bot import is_stop
from platform_core.citizens.constants import CONFIRMATION_KIND, PURPOSE_DOSSIER, PURPOSE_NEWS, PURPOSE_SURVEY
from platform_core.citizens.screen import STOPPED
from platform_core.delivery.constants import PENDING
from platform_core.extensions import db
from platform_core.zalo.models import DataSubjectRequest
from tests.citizens.conftest import CITIZEN, deliveries_to, process_webhook, withdraw_body, write
from tests.conftest import as_tenant
from tests.zalo.conftest import connected_a  # noqa: F401 - fixture


def data_requests(tenant) -> list[DataSubjectRequest]:
    with as_tenant(tenant):
        return list(db.session.scalars(select(DataSubjectRequest).order_by(DataSubjectRequest.received_at)))


@pytest.mark.parametrize("text", ["dừng", "Dừng", "DỪNG!", "dung", "STOP", "stop.", "huỷ nhận tin", "Hủy nhận tin",
                                  "dừng nhận tin", "Huy dang ky"])
def test_stop_words_with_or_without_diacritics(text):
    assert is_stop(text)


@pytest.mark.parametrize("text", ["đúng", "Đúng!", unicodedata.normalize("NFD", "đúng"),
                                  "dừng xử lý hồ sơ 000.00.24.H04-251128-0001", "stop by later",
                                  "hủy hồ sơ"])
def test_other_messages_are_not_a_stop(text):
    assert not is_stop(text)


def test_dung_stops_at_once_with_the_legal_clock_and_one_confirmation(client, connected_a, tenant_a):  # noqa: F811
    event = write(client, tenant_a, "dừng")
    [request] = data_requests(tenant_a)
    assert (request.kind, request.method, request.zalo_user_id, request.event_id) == (
        "stop", "zalo_chat", CITIZEN, event.id)
    assert request.status == "done" and request.completed_at is not None and request.outcome
    assert request.respond_by > request.received_at and (request.complete_by - request.received_at).days == 15
    [(notification, delivery)] = deliveries_to(tenant_a)
    assert notification.event_kind == CONFIRMATION_KIND and delivery.state == PENDING
    assert "dừng gửi tin nhắn" in notification.context["text"] and "đồng ý nhận thông báo hồ sơ" in \
        notification.context["text"]
    with as_tenant(tenant_a):
        assert consent.withdrawn(CITIZEN)
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"data_request_received", "data_request_completed"} <= actions


def test_a_second_stop_records_nothing_and_sends_nothing(client, connected_a, tenant_a):  # noqa: F811
    write(client, tenant_a, "dừng")
    write(client, tenant_a, "STOP")
    assert len(data_requests(tenant_a)) == 1
    assert len(deliveries_to(tenant_a)) == 1


def test_after_the_stop_the_bot_answers_nothing_more(client, connected_a, tenant_a):  # noqa: F811
    write(client, tenant_a, "dừng")
    write(client, tenant_a, "xin chào")
    [_, (notification, reply)] = deliveries_to(tenant_a)
    assert notification.event_kind == "bot_reply"
    assert (reply.state, reply.error_message) == ("failed", STOPPED)


def test_user_withdraw_stops_messages_and_stays_open_for_an_admin(client, connected_a, tenant_a):  # noqa: F811
    event = process_webhook(client, tenant_a, withdraw_body())
    assert event.status == "processed"
    [request] = data_requests(tenant_a)
    assert (request.kind, request.method, request.status, request.event_id) == (
        "withdraw", "zalo_user_withdraw", "open", event.id)
    assert request.respond_by and request.complete_by
    [(notification, _)] = deliveries_to(tenant_a)
    assert notification.event_kind == CONFIRMATION_KIND
    process_webhook(client, tenant_a, withdraw_body())  # a second data request: recorded, not confirmed again
    assert len(data_requests(tenant_a)) == 2 and len(deliveries_to(tenant_a)) == 1


def test_agreeing_to_policy_news_on_zalo_is_recorded_as_evidence_and_answered(client, connected_a, tenant_a):  # noqa: F811
    event = write(client, tenant_a, "Đồng ý tin chính sách")
    with as_tenant(tenant_a):
        assert consent.may_send(CITIZEN, None, PURPOSE_NEWS)
        [row] = consent.history(CITIZEN)
    assert (row.purpose, row.method, row.notice_version) == (PURPOSE_NEWS, "zalo_chat", "2026-01")
    assert event.event_key in row.evidence
    [(notification, delivery)] = deliveries_to(tenant_a)
    assert "tin chính sách" in notification.context["text"] and delivery.state == PENDING


def test_asking_about_policy_news_sends_the_notice_with_a_button_that_answers_it(client, connected_a, tenant_a):  # noqa: F811
    write(client, tenant_a, "tin chính sách")
    [(question, _)] = deliveries_to(tenant_a)
    assert "2026-01" in question.context["text"]
    [button] = question.context["buttons"]
    write(client, tenant_a, button["reply"])
    with as_tenant(tenant_a):
        assert consent.may_send(CITIZEN, None, PURPOSE_NEWS)


def test_withdrawing_one_purpose_on_zalo_leaves_the_others(client, connected_a, tenant_a):  # noqa: F811
    write(client, tenant_a, "không nhận khảo sát")
    with as_tenant(tenant_a):
        assert not consent.may_send(CITIZEN, None, PURPOSE_SURVEY)
        assert consent.may_send(CITIZEN, None, PURPOSE_DOSSIER)
        assert not consent.withdrawn(CITIZEN)


@pytest.mark.parametrize("text", ["Không nhận được thông báo hồ sơ", "Huyện có thông báo hồ sơ chưa?",
                                  "Huyện có tin tức gì mới không"])
def test_a_complaint_or_a_question_withdraws_nothing(client, connected_a, tenant_a, text):  # noqa: F811
    write(client, tenant_a, text)
    with as_tenant(tenant_a):
        assert consent.may_send(CITIZEN, None, PURPOSE_DOSSIER)
        assert not consent.standing(CITIZEN, None, PURPOSE_NEWS).refused


def test_after_a_stop_agreeing_again_to_dossier_notices_is_answered(client, connected_a, tenant_a):  # noqa: F811
    write(client, tenant_a, "dừng")
    write(client, tenant_a, "đồng ý nhận thông báo hồ sơ")
    [_, (_, answer)] = deliveries_to(tenant_a)
    assert answer.state == PENDING
    with as_tenant(tenant_a):
        assert consent.may_send(CITIZEN, None, PURPOSE_DOSSIER) and not consent.may_send(CITIZEN, None, PURPOSE_NEWS)
