"""A real SMTP server for tests (aiosmtpd on a free port, in a thread), and the app configured to use it."""

from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from platform_core.jobs.embedded_redis import free_port

USERNAME, PASSWORD = "motcua-mailer", "smtp-test-password"


class Inbox:
    """aiosmtpd handler: every accepted message, parsed. The server answers 250 only after appending it."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        USERNAME.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


def start_smtp(auth: bool = False) -> tuple[Controller, Inbox]:
    inbox = Inbox()
    options = {"authenticator": _authenticator, "auth_required": True, "auth_require_tls": False} if auth else {}
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    return controller, inbox


def configure_mail(app, monkeypatch, port: int, auth: bool = False) -> None:
    settings = {
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_USE_TLS": False, "MAIL_USE_SSL": False,
        "MAIL_USERNAME": USERNAME if auth else None, "MAIL_PASSWORD": PASSWORD if auth else None,
        "MAIL_FROM": "Motcua <moi@motcua.test>",
    }
    for key, value in settings.items():
        monkeypatch.setitem(app.config, key, value)


@pytest.fixture
def smtp_inbox(app, monkeypatch) -> Inbox:
    """The app sends to a real SMTP server; the test reads what it received."""
    controller, inbox = start_smtp()
    configure_mail(app, monkeypatch, controller.port)
    yield inbox
    controller.stop()


@pytest.fixture
def smtp_inbox_with_auth(app, monkeypatch) -> Inbox:
    controller, inbox = start_smtp(auth=True)
    configure_mail(app, monkeypatch, controller.port, auth=True)
    yield inbox
    controller.stop()
