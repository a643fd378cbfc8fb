"""A message as paragraphs plus one call-to-action link, rendered as plain text and as simple HTML."""

from email.message import EmailMessage
from email.utils import make_msgid

from markupsafe import escape


def compose(to: str, subject: str, paragraphs: list[str], link: str, link_label: str, sender: str,
            closing: list[str] | None = None, lang: str = "vi") -> EmailMessage:
    """`paragraphs`, then the link (its own line in text, a link in HTML), then `closing` paragraphs.

    Plain text comes first (multipart/alternative): it is what a mail client without HTML shows, and the
    link in it is whole on one line so that it stays clickable.
    """
    closing = closing or []
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = to
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip("> ") or None)
    message.set_content("\n\n".join([*paragraphs, f"{link_label}:\n{link}", *closing]) + "\n")
    message.add_alternative(_html(subject, paragraphs, link, link_label, closing, lang), subtype="html")
    return message


def _html(subject: str, paragraphs: list[str], link: str, link_label: str, closing: list[str], lang: str) -> str:
    body = "".join(f"<p>{escape(text)}</p>" for text in paragraphs)
    body += (f'<p><a href="{escape(link)}" style="font-weight:bold">{escape(link_label)}</a></p>'
             f'<p style="font-size:smaller;word-break:break-all">{escape(link)}</p>')
    body += "".join(f"<p>{escape(text)}</p>" for text in closing)
    return (f'<!doctype html><html lang="{escape(lang)}"><head><meta charset="utf-8">'
            f"<title>{escape(subject)}</title></head><body>{body}</body></html>")
