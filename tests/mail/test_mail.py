"""platform_core.mail: messages as plain text + HTML, sent over SMTP to a real server."""

import smtplib

import pytest

from platform_core import mail
from platform_core.config import mail_settings
from tests.mail.smtp_server import configure_mail, start_smtp

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

LINK = "https://motcua.example/bac-ninh/setup/join/abc.def?x=1&y=<2>"


def _message(to="lan@bacninh.gov.vn"):
    return mail.compose(to, "Mời thiết lập Motcua", ["Xin chào Lan,", "Tỉnh <Bắc Ninh> & Motcua"], LINK,
                        "Bắt đầu", "Motcua <moi@motcua.test>", closing=["Bỏ qua nếu không mong đợi."])


def test_a_message_has_text_then_html_with_the_link_whole_and_escaped():
    message = _message()
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert f"Bắt đầu:\n{LINK}\n" in text.get_content()
    assert "Tỉnh <Bắc Ninh> & Motcua" in text.get_content()
    assert 'href="https://motcua.example/bac-ninh/setup/join/abc.def?x=1&amp;y=&lt;2&gt;"' in html.get_content()
    assert "Tỉnh &lt;Bắc Ninh&gt; &amp; Motcua" in html.get_content()
    assert html.get_content().index("Bắt đầu") < html.get_content().index("Bỏ qua")
    assert message["Message-ID"].endswith("@motcua.test>")


def test_send_delivers_to_a_real_smtp_server(smtp_inbox):
    mail.send(_message())
    [received] = smtp_inbox.messages
    assert received["Subject"] == "Mời thiết lập Motcua"
    assert received["To"] == "lan@bacninh.gov.vn"
    assert smtp_inbox.envelopes == [("moi@motcua.test", ["lan@bacninh.gov.vn"])]
    assert LINK in received.get_body(("plain",)).get_content()


def test_send_logs_in_when_a_username_is_set(smtp_inbox_with_auth):
    mail.send(_message())
    assert len(smtp_inbox_with_auth.messages) == 1


def test_a_wrong_password_raises_for_the_job_to_retry(app, monkeypatch):
    controller, inbox = start_smtp(auth=True)
    try:
        configure_mail(app, monkeypatch, controller.port, auth=True)
        monkeypatch.setitem(app.config, "MAIL_PASSWORD", "wrong")
        with pytest.raises(smtplib.SMTPAuthenticationError):
            mail.send(_message())
        assert inbox.messages == []
    finally:
        controller.stop()


def test_no_server_listening_raises(app, monkeypatch):
    controller, _ = start_smtp()
    port = controller.port
    controller.stop()
    configure_mail(app, monkeypatch, port)
    with pytest.raises(OSError):
        mail.send(_message())


def test_without_mail_server_nothing_is_configured(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    assert not mail.is_configured()


def test_the_sender_defaults_to_noreply_at_the_public_host(app, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_FROM", None)
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://motcua.gov.vn/")
    assert mail.sender_address() == "Motcua <noreply@motcua.gov.vn>"


@pytest.mark.parametrize(("environment", "expected"), [
    ({}, {"MAIL_SERVER": None, "MAIL_USE_TLS": True, "MAIL_USE_SSL": False, "MAIL_PORT": 587}),
    ({"MAIL_SERVER": "smtp.gov.vn", "MAIL_USE_SSL": "1"},
     {"MAIL_SERVER": "smtp.gov.vn", "MAIL_USE_TLS": False, "MAIL_USE_SSL": True, "MAIL_PORT": 465}),
    ({"MAIL_USE_TLS": "0", "MAIL_PORT": "2525"}, {"MAIL_USE_TLS": False, "MAIL_USE_SSL": False, "MAIL_PORT": 2525}),
    ({"MAIL_USE_TLS": "off"}, {"MAIL_PORT": 25}),
])
def test_settings_from_the_environment(monkeypatch, environment, expected):
    for name in ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS", "MAIL_USE_SSL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    settings = mail_settings()
    assert {key: settings[key] for key in expected} == expected


def test_tls_and_ssl_together_are_refused(monkeypatch):
    monkeypatch.setenv("MAIL_USE_TLS", "1")
    monkeypatch.setenv("MAIL_USE_SSL", "1")
    with pytest.raises(ValueError, match="exclusive"):
        mail_settings()
