"""Recovery codes: ten one-time codes (stored hashed) that sign in instead of a TOTP code, and a new set from
/account/recovery-codes."""

import pytest
from sqlalchemy import select

from platform_core.audit.models import PlatformAuditEvent
from platform_core.auth import passwords, recovery
from platform_core.auth.models import RecoveryCode
from platform_core.extensions import db
from tests.auth.support import code_at, create_totp_user, recovery_codes_on, save_recovery_codes, sign_in

SIGNED_IN_VI = "Bạn đã đăng nhập bằng mã khôi phục"


def _signed_in(client) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


def _events(action: str) -> list[PlatformAuditEvent]:
    return db.session.scalars(select(PlatformAuditEvent).where(PlatformAuditEvent.action == action)).all()


@pytest.fixture
def user_with_codes():
    user, secret = create_totp_user("khoi-phuc@motcua.vn")
    codes = recovery.generate(user)
    db.session.flush()
    return user, secret, codes


# --- the codes ---------------------------------------------------------------------------------------------

def test_ten_distinct_codes_of_80_bits_are_stored_only_as_hashes(user_with_codes):
    user, _, codes = user_with_codes
    assert len(set(codes)) == 10
    assert all(recovery.CODE_PATTERN.match(code) and len(code.replace("-", "")) == 16 for code in codes)
    assert set("".join(codes).replace("-", "")) <= set(recovery.ALPHABET)
    hashes = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(hashes) == 10 and not {code for code in codes if any(code in h for h in hashes)}
    assert recovery.remaining(user) == 10
    assert _events("recovery_codes_generated")[0].details == {"count": 10}


def test_the_same_code_hashes_differently_for_another_user(user_with_codes):
    user, _, codes = user_with_codes
    other, _ = create_totp_user("khac@motcua.vn")
    assert recovery._hash(user, codes[0]) != recovery._hash(other, codes[0])


def test_a_code_works_once_however_it_is_typed(user_with_codes):
    user, _, codes = user_with_codes
    typed = codes[0].upper().replace("-", " ").replace("0", "O").replace("1", "L")
    assert recovery.use(user, typed) == 9
    assert recovery.use(user, codes[0]) is None
    assert recovery.use(user, "zzzz-zzzz-zzzz-zzzz") is None
    assert [event.details for event in _events("recovery_code_used")] == [{"remaining": 9}]
    assert len(_events("recovery_code_failed")) == 2


def test_a_new_set_replaces_the_old_one(user_with_codes):
    user, _, old = user_with_codes
    recovery.use(user, old[0])
    new = recovery.generate(user)
    db.session.flush()
    assert recovery.remaining(user) == 10
    assert recovery.use(user, old[1]) is None
    assert recovery.use(user, new[1]) == 9


def test_another_users_code_does_not_work(user_with_codes):
    _, _, codes = user_with_codes
    other, _ = create_totp_user("khac2@motcua.vn")
    assert recovery.use(other, codes[0]) is None


# --- at sign-in ------------------------------------------------------------------------------------------------

def test_a_recovery_code_completes_sign_in_and_says_how_many_are_left(client, user_with_codes):
    _, _, codes = user_with_codes
    sign_in(client, "khoi-phuc@motcua.vn")
    response = client.post("/login/verify", data={"code": codes[2]})
    assert response.status_code == 302 and _signed_in(client)
    html = client.get("/").get_data(as_text=True)
    assert f"{SIGNED_IN_VI}; mỗi mã chỉ dùng được một lần. Số mã còn lại: 9." in html


def test_a_used_recovery_code_is_refused_at_sign_in(client, user_with_codes):
    user, _, codes = user_with_codes
    recovery.use(user, codes[2])
    sign_in(client, "khoi-phuc@motcua.vn")
    response = client.post("/login/verify", data={"code": codes[2]})
    assert response.status_code == 200
    assert "Mã khôi phục không đúng hoặc đã được dùng." in response.get_data(as_text=True)
    assert not _signed_in(client)


def test_failed_recovery_codes_count_towards_the_limit(client, user_with_codes):
    _, secret, _ = user_with_codes
    sign_in(client, "khoi-phuc@motcua.vn")
    for _ in range(5):
        assert client.post("/login/verify", data={"code": "aaaa-bbbb-cccc-dddd"}).status_code == 200
    assert client.post("/login/verify", data={"code": code_at(secret)}).status_code == 429


def test_the_verify_page_mentions_recovery_codes(client, user_with_codes):
    sign_in(client, "khoi-phuc@motcua.vn")
    html = client.get("/login/verify").get_data(as_text=True)
    assert "Mất điện thoại? Hãy nhập một mã khôi phục thay cho mã xác thực." in html
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' not in html


# --- /account/recovery-codes -----------------------------------------------------------------------------------

def test_the_account_page_makes_a_new_set_for_a_current_code(client, user_with_codes):
    user, secret, old = user_with_codes
    sign_in(client, "khoi-phuc@motcua.vn")
    client.post("/login/verify", data={"code": old[0]})
    page = client.get("/account/recovery-codes").get_data(as_text=True)
    assert "Bạn còn 9 mã khôi phục chưa dùng." in page

    wrong = client.post("/account/recovery-codes", data={"code": "000000" if code_at(secret) != "000000" else "111111"})
    assert "Mã xác thực không đúng." in wrong.get_data(as_text=True)
    assert recovery.remaining(user) == 9

    made = client.post("/account/recovery-codes", data={"code": code_at(secret)})
    assert made.headers["Location"] == "/account/recovery-codes/new"
    new = recovery_codes_on(client.get("/account/recovery-codes/new").get_data(as_text=True))
    assert len(new) == 10 and not set(new) & set(old)
    refused = client.post("/account/recovery-codes/new", data={})
    assert "Hãy xác nhận đã lưu các mã khôi phục" in refused.get_data(as_text=True)
    assert save_recovery_codes(client) == "/"
    assert client.get("/account/recovery-codes/new").headers["Location"] == "/account/recovery-codes"
    assert recovery.use(user, old[1]) is None and recovery.use(user, new[0]) == 9


def test_without_totp_the_account_page_leads_to_enrolment(client):
    from tests import factories

    factories.create_user("chua-co@motcua.vn")
    sign_in(client, "chua-co@motcua.vn")
    assert client.get("/account/recovery-codes").headers["Location"] == "/account/2fa/setup"


def test_the_account_pages_need_a_signed_in_user(client):
    assert client.get("/account/recovery-codes").headers["Location"].startswith("/login")
    assert client.get("/account/recovery-codes/new").headers["Location"].startswith("/login")


def test_the_codes_are_not_readable_in_the_session_cookie(client, user_with_codes):
    _, secret, codes = user_with_codes
    sign_in(client, "khoi-phuc@motcua.vn")
    client.post("/login/verify", data={"code": codes[0]})
    client.post("/account/recovery-codes", data={"code": code_at(secret, 1)})
    new = recovery_codes_on(client.get("/account/recovery-codes/new").get_data(as_text=True))
    with client.session_transaction() as session:
        assert not any(code in str(dict(session)) for code in new)


# --- password rules ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("password", "email", "problems"), [
    ("ngắn", None, [passwords.TOO_SHORT]),
    ("password1234", None, [passwords.TOO_COMMON]),
    ("Minh.Tran-2026-mat-khau", "minh.tran@hanoi.gov.vn", [passwords.CONTAINS_EMAIL]),
    ("an-toan-vui-ve-2026", "an@hanoi.gov.vn", []),  # a two-letter name is not checked
    ("sen hồ gươm mùa thu", "lan@hanoi.gov.vn", []),
])
def test_password_problems(password, email, problems):
    assert passwords.password_problems(password, email) == problems
