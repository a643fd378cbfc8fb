from tests.mail.smtp_server import smtp_inbox, smtp_inbox_with_auth  # noqa: F401 - fixtures
