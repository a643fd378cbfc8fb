"""Failed sign-in attempts are limited per client IP and per account; successes are never counted."""

from tests import factories
from tests.auth.support import code_at, create_totp_user, fresh_address, sign_in

TOO_MANY_VI = "Bạn đã thử quá nhiều lần. Vui lòng chờ một phút rồi thử lại."


def _fail(client, email: str, address: str | None = None):
    extra = {"environ_base": {"REMOTE_ADDR": address}} if address else {}
    return sign_in(client, email, "wrong-password-xyz", **extra)


def test_sixth_failure_from_one_address_gets_a_friendly_429(client, app):
    assert app.config["LOGIN_RATE_LIMIT"] == "5 per minute"
    for attempt in range(5):
        assert _fail(client, f"ip-limit-{attempt}@motcua.vn").status_code == 200
    response = _fail(client, "ip-limit-5@motcua.vn")
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert TOO_MANY_VI in html
    assert 'role="alert"' in html and '<form method="post"' in html
    assert int(response.headers["Retry-After"]) > 0


def test_the_limit_also_blocks_a_correct_password_from_that_address(client):
    factories.create_user("blocked@motcua.vn")
    for _ in range(5):
        _fail(client, "someone-else@motcua.vn")
    assert sign_in(client, "blocked@motcua.vn").status_code == 429


def test_failures_on_one_email_from_many_addresses_are_limited(client):
    for _ in range(5):
        assert _fail(client, "target@motcua.vn", fresh_address()).status_code == 200
    assert _fail(client, "TARGET@motcua.vn", fresh_address()).status_code == 429
    assert _fail(client, "other-target@motcua.vn", fresh_address()).status_code == 200


def test_successful_sign_ins_are_not_counted(client):
    factories.create_user("often@motcua.vn")
    for _ in range(7):
        assert sign_in(client, "often@motcua.vn").status_code == 302


def test_wrong_totp_codes_are_limited_too(client):
    _, secret = create_totp_user("otp-limit@motcua.vn")
    sign_in(client, "otp-limit@motcua.vn")
    wrong = f"{(int(code_at(secret)) + 500_000) % 1_000_000:06d}"
    for _ in range(5):
        assert client.post("/login/verify", data={"code": wrong}).status_code == 200
    response = client.post("/login/verify", data={"code": code_at(secret)})
    assert response.status_code == 429
    assert TOO_MANY_VI in response.get_data(as_text=True)


def test_the_limited_page_is_english_for_english_visitors(client):
    client.get("/login?lang=en")
    for attempt in range(5):
        _fail(client, f"en-limit-{attempt}@motcua.vn")
    html = _fail(client, "en-limit-5@motcua.vn").get_data(as_text=True)
    assert "Too many attempts. Please wait a minute, then try again." in html
