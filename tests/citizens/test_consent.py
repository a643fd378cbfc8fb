"""Consent per purpose: the defaults, explicit grants and withdrawals kept as evidence, a stop that ends every
purpose, and a citizen known by Zalo id and phone at once. Plus the requests' legal clock."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from platform_core.citizens import consent, requests
from platform_core.citizens.clock import deadlines
from platform_core.citizens.constants import (
    METHOD_COUNTER,
    METHOD_ZALO_CHAT,
    PURPOSE_DOSSIER,
    PURPOSE_NEWS,
    PURPOSE_SURVEY,
)
from platform_core.extensions import db
from platform_core.zalo.models import Follower
from tests.conftest import as_tenant

UID, PHONE = "8000101", "+84912000101"


def test_without_an_answer_dossier_notices_and_surveys_go_but_policy_news_needs_a_grant(tenant_a):
    with as_tenant(tenant_a):
        assert consent.may_send(UID, None, PURPOSE_DOSSIER)
        assert consent.may_send(UID, None, PURPOSE_SURVEY)
        assert not consent.may_send(UID, None, PURPOSE_NEWS)
        states = consent.current(UID)
    assert all(state.by_default for state in states.values())


def test_a_grant_is_recorded_with_method_notice_version_and_time_and_a_withdrawal_keeps_it(tenant_a):
    with as_tenant(tenant_a):
        row = consent.grant(PURPOSE_NEWS, method=METHOD_ZALO_CHAT, zalo_user_id=UID, evidence="đồng ý tin chính sách")
        assert consent.may_send(UID, None, PURPOSE_NEWS)
        consent.withdraw(PURPOSE_NEWS, method=METHOD_ZALO_CHAT, zalo_user_id=UID)
        assert not consent.may_send(UID, None, PURPOSE_NEWS)
        [kept] = consent.history(UID)
    assert kept is row and (kept.method, kept.notice_version) == ("zalo_chat", "2026-01")
    assert kept.granted_at is not None and kept.withdrawn_at >= kept.granted_at


def test_withdrawing_a_default_purpose_records_the_objection(tenant_a):
    with as_tenant(tenant_a):
        consent.withdraw(PURPOSE_SURVEY, method=METHOD_COUNTER, phone=PHONE)
        assert not consent.may_send(None, PHONE, PURPOSE_SURVEY)
        assert consent.may_send(None, PHONE, PURPOSE_DOSSIER)
        assert consent.standing(None, PHONE, PURPOSE_SURVEY).refused
        assert not consent.standing(None, PHONE, PURPOSE_NEWS).refused  # never asked is not a refusal
        consent.grant(PURPOSE_SURVEY, method=METHOD_COUNTER, phone=PHONE)
        assert consent.may_send(None, PHONE, PURPOSE_SURVEY)


def test_a_stop_ends_every_purpose_and_only_a_later_grant_reopens_one(tenant_a):
    with as_tenant(tenant_a):
        consent.grant(PURPOSE_NEWS, method=METHOD_ZALO_CHAT, zalo_user_id=UID)
        requests.stop(method=METHOD_ZALO_CHAT, zalo_user_id=UID)
        assert consent.withdrawn(UID)
        assert not any(consent.may_send(UID, None, purpose) for purpose in consent.DEFAULT_ALLOWED)
        consent.grant(PURPOSE_DOSSIER, method=METHOD_ZALO_CHAT, zalo_user_id=UID)
        assert not consent.withdrawn(UID)
        assert consent.may_send(UID, None, PURPOSE_DOSSIER)
        assert not consent.may_send(UID, None, PURPOSE_NEWS)  # the earlier grant was withdrawn by the stop
        assert not consent.may_send(UID, None, PURPOSE_SURVEY)  # defaults do not come back after a stop


def test_a_stop_by_phone_covers_the_zalo_account_that_shared_it_and_the_reverse(tenant_a):
    with as_tenant(tenant_a):
        db.session.add(Follower(zalo_user_id=UID, phone_e164=PHONE))
        db.session.flush()
        requests.stop(method=METHOD_COUNTER, phone=PHONE)
        assert consent.withdrawn(UID, None)
        assert consent.withdrawn(None, PHONE)
        assert not consent.withdrawn("8000999", None)


def test_consent_is_per_province(tenant_a, tenant_b):
    with as_tenant(tenant_b):
        requests.stop(method=METHOD_ZALO_CHAT, zalo_user_id=UID)
        consent.grant(PURPOSE_NEWS, method=METHOD_ZALO_CHAT, zalo_user_id="8000202")
    with as_tenant(tenant_a):
        assert not consent.withdrawn(UID)
        assert not consent.may_send("8000202", None, PURPOSE_NEWS)


def test_a_broadcast_audience_can_select_the_citizens_who_granted_policy_news(tenant_a):
    with as_tenant(tenant_a):
        consent.grant(PURPOSE_NEWS, method=METHOD_ZALO_CHAT, zalo_user_id="8000301")
        consent.grant(PURPOSE_NEWS, method=METHOD_ZALO_CHAT, zalo_user_id="8000302")
        consent.withdraw(PURPOSE_NEWS, method=METHOD_ZALO_CHAT, zalo_user_id="8000302")
        consent.grant(PURPOSE_SURVEY, method=METHOD_COUNTER, zalo_user_id="8000303")
        for user_id in ("8000301", "8000302", "8000303"):
            db.session.add(Follower(zalo_user_id=user_id, is_follower=True))
        db.session.flush()
        selected = select(Follower.zalo_user_id).where(consent.has_active_grant(PURPOSE_NEWS, Follower.zalo_user_id))
        assert set(db.session.scalars(selected)) == {"8000301"}


def test_a_grant_names_a_purpose_and_a_citizen(tenant_a):
    with as_tenant(tenant_a), pytest.raises(consent.ConsentError):
        consent.grant("marketing", method=METHOD_COUNTER, phone=PHONE)
    with as_tenant(tenant_a), pytest.raises(consent.ConsentError):
        consent.grant(PURPOSE_NEWS, method=METHOD_COUNTER)


def test_the_answer_is_due_after_two_working_days_and_the_request_done_in_fifteen_days(tenant_a):
    saturday_night = datetime(2026, 11, 28, 18, 0, tzinfo=UTC)  # 01:00 Sunday in Vietnam
    with as_tenant(tenant_a):
        respond_by, complete_by = deadlines(saturday_night, "stop")
    assert respond_by == datetime(2026, 12, 1, 16, 59, 59, 999999, tzinfo=UTC)  # end of Tuesday in Vietnam
    assert complete_by == datetime(2026, 12, 13, 18, 0, tzinfo=UTC)


def test_a_public_holiday_is_not_a_working_day_for_the_answer(tenant_a):
    before_national_day = datetime(2026, 8, 31, 3, 0, tzinfo=UTC)  # Monday 31/8; 31/8 to 2/9 are days off
    with as_tenant(tenant_a):
        respond_by, _ = deadlines(before_national_day, "stop")
    assert respond_by == datetime(2026, 9, 4, 16, 59, 59, 999999, tzinfo=UTC)  # Thursday 3/9 + Friday 4/9
