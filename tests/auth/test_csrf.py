"""With CSRF protection on (production), sign-in and sign-out need the form's token."""

import pytest

from tests import factories
from tests.auth.support import csrf_token_from, sign_in


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def test_login_without_the_token_is_refused(client, csrf_on):
    factories.create_user("csrf@motcua.vn")
    response = sign_in(client, "csrf@motcua.vn")
    assert response.status_code == 400
    assert "Biểu mẫu có thể đã hết hạn." in response.get_data(as_text=True)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_login_with_the_token_from_the_form_works(client, csrf_on):
    factories.create_user("csrf-ok@motcua.vn")
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={
        "email": "csrf-ok@motcua.vn", "password": factories.DEFAULT_PASSWORD, "csrf_token": token,
    })
    assert response.status_code == 302


def test_logout_without_the_token_is_refused(client, app, monkeypatch):
    factories.create_user("csrf-out@motcua.vn")
    sign_in(client, "csrf-out@motcua.vn")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert client.post("/logout").status_code == 400
    page = client.get("/").get_data(as_text=True)
    assert "Đang đăng nhập" in page
    assert client.post("/logout", data={"csrf_token": csrf_token_from(page)}).status_code == 302
    assert "Đang đăng nhập" not in client.get("/").get_data(as_text=True)
