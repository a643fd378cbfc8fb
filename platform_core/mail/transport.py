"""SMTP delivery with the MAIL_* settings (platform_core/config.py): STARTTLS, implicit TLS, or plain relay.

Errors are not caught here: smtplib.SMTPException and OSError reach the calling job, which RQ retries.
"""

import smtplib
import ssl
from email.message import EmailMessage
from urllib.parse import urlsplit

from flask import current_app

TIMEOUT_SECONDS = 20


def is_configured() -> bool:
    """False in development (no MAIL_SERVER): callers log instead of sending."""
    return bool(current_app.config.get("MAIL_SERVER"))


def sender_address() -> str:
    """MAIL_FROM, else `Motcua <noreply@<host of PUBLIC_BASE_URL>>`."""
    configured = current_app.config.get("MAIL_FROM")
    if configured:
        return configured
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"
    return f"Motcua <noreply@{host}>"


def send(message: EmailMessage) -> None:
    config = current_app.config
    context = ssl.create_default_context()
    if config["MAIL_USE_SSL"]:
        connection = smtplib.SMTP_SSL(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=TIMEOUT_SECONDS,
                                      context=context)
    else:
        connection = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=TIMEOUT_SECONDS)
    with connection as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls(context=context)
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)
