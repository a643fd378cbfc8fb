"""Verifying the platform's domain for a province's Zalo app (docs/zalo-oa.md §5, "Setup"; "Domain verification").

Zalo accepts a webhook or callback URL only on a domain verified for the app, by a DNS TXT record, an HTML file at
the domain's root, or a meta tag on its home page. Every province reaches Zalo through the platform's one domain,
so each verifies that domain for its own app: its administrator uploads the HTML file Zalo gives (each app's has
its own name, `zalo_verifier<code>.html`, so every province's file can be served side by side) or pastes the meta
tag; the platform serves the file at `/<its name>` and puts every province's meta tag in the home page's head.
DNS records stay with the platform's operator.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from platform_core.audit.service import record_event
from platform_core.db.tenant_context import require_tenant
from platform_core.extensions import db
from platform_core.zalo.models import ZaloSiteVerification

META_NAME = "zalo-platform-site-verification"
FILE_NAME = re.compile(r"zalo_verifier[A-Za-z0-9_-]{8,80}\.html")
META_CONTENT = re.compile(r"[A-Za-z0-9_-]{8,100}")
MAX_FILE_BYTES = 4096  # Zalo's file is a few hundred bytes


class VerificationError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


@dataclass(frozen=True)
class VerificationFile:
    name: str
    body: str


def read_file(name: str, data: bytes) -> VerificationFile:
    """The file as Zalo gave it: its own name, small UTF-8 text."""
    name = (name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    if not FILE_NAME.fullmatch(name):
        raise VerificationError("file", "not_zalo_file")
    if len(data) > MAX_FILE_BYTES:
        raise VerificationError("file", "too_large")
    try:
        return VerificationFile(name, data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise VerificationError("file", "not_text") from None


def meta_content(text: str) -> str:
    """The verification code from Zalo's whole meta tag, or the code alone as pasted."""
    text = (text or "").strip()
    if text.startswith("<"):
        text = _MetaReader.content_of(text) or ""
    if not META_CONTENT.fullmatch(text):
        raise VerificationError("meta", "not_zalo_meta")
    return text


class _MetaReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.content = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "meta" and values.get("name") == META_NAME:
            self.content = (values.get("content") or "").strip()

    @classmethod
    def content_of(cls, tag: str) -> str | None:
        reader = cls()
        reader.feed(tag)
        return reader.content


def current() -> ZaloSiteVerification | None:
    """The tenant in context's published file and meta tag."""
    return db.session.scalar(select(ZaloSiteVerification).where(
        ZaloSiteVerification.tenant_id == require_tenant().id))


def publish(file: VerificationFile | None = None, meta: str | None = None, actor=None) -> ZaloSiteVerification:
    """Publish the tenant's file and/or meta tag (each replaces the one published before); audited."""
    if file is None and meta is None:
        raise VerificationError("file", "nothing")
    if file is not None and _published_elsewhere(file.name):
        raise VerificationError("file", "taken")
    record = current() or ZaloSiteVerification(tenant_id=require_tenant().id)
    if file is not None:
        record.file_name, record.file_body = file.name, file.body
    if meta is not None:
        record.meta_content = meta
    db.session.add(record)
    db.session.flush()
    record_event("zalo_site_verification_published", actor=actor,
                 details={"file_name": record.file_name, "meta": record.meta_content is not None})
    return record


def _published_elsewhere(file_name: str) -> bool:
    return db.session.scalar(select(ZaloSiteVerification.id).where(
        ZaloSiteVerification.file_name == file_name,
        ZaloSiteVerification.tenant_id != require_tenant().id)) is not None


def published_file(file_name: str) -> str | None:
    """The body of the file published under `file_name` by any province (what Zalo fetches), or None."""
    return db.session.scalar(select(ZaloSiteVerification.file_body).where(
        ZaloSiteVerification.file_name == file_name))


def meta_contents() -> list[str]:
    """Every province's meta tag content, for the home page's head."""
    return list(db.session.scalars(select(ZaloSiteVerification.meta_content).where(
        ZaloSiteVerification.meta_content.is_not(None)).order_by(ZaloSiteVerification.meta_content)))


def domain() -> str:
    """The domain Zalo must verify: the host of PUBLIC_BASE_URL."""
    return urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or ""


def home_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/"


def file_url(file_name: str) -> str:
    return home_url() + file_name
