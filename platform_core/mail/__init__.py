"""Outgoing e-mail (invitations): composed with the standard library's email.message, sent with smtplib.

`compose()` builds a plain-text + HTML message; `send()` hands it to the SMTP server named by the MAIL_*
settings. Callers send from RQ jobs, never from a request, so that a slow or failing server is retried
instead of losing the message or holding a page.
"""

from platform_core.mail.compose import compose
from platform_core.mail.transport import is_configured, send, sender_address

__all__ = ["compose", "is_configured", "send", "sender_address"]
