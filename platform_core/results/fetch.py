"""Fetching a result by URL from one of the province's own systems, never from an arbitrary address (SSRF):

- the URL must be https, without credentials, and its host on the province's allow-list (a console setting);
- the host is resolved once, and every address it resolves to must be public; the connection then goes to that
  checked address (platform_core/outbound.py, shared with the registrations' webhook);
- no redirect is followed; the answer must be 200, at most MAX_BYTES, and all of it within
  FETCH_TIMEOUT_SECONDS.
A URL the province does not allow (scheme, credentials, host off the list, a private address) is a
SourceRefused (the API answers 403); a source that fails to give the file is a FieldError on `url` (422).
"""

import time
from urllib.parse import urlsplit

import httpx

from platform_core import outbound
from platform_core.errors import FieldError
from platform_core.results.constants import FETCH_TIMEOUT_SECONDS, MAX_BYTES, MAX_MB
from platform_core.settings.definitions import normal_host

SCHEMES = ("https",)


class SourceRefused(FieldError):
    """The URL is not one the province allows results to be fetched from."""


def fetch(url: str, allowed_hosts: list[str]) -> bytes:
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise SourceRefused("url", "must be an https:// address")
    if parts.username or parts.password:
        raise SourceRefused("url", "must not carry a user name or password")
    host = normal_host(parts.hostname or "")
    if not host or host not in allowed_hosts:
        raise SourceRefused("url", f"the host {host or '(none)'} is not on this province's list of result "
                                   "sources (console: Electronic results)")
    try:
        port = outbound.port_of(url)
    except ValueError:
        raise FieldError("url", "has an invalid port") from None
    try:
        address = outbound.resolve(host, port)
    except outbound.Unresolvable:
        raise FieldError("url", f"the host {host} cannot be resolved") from None
    except outbound.NotPublic:
        raise SourceRefused("url", f"the host {host} resolves to a private or reserved address") from None
    return _download(outbound.pinned(url, address))


def _download(request: outbound.Pinned) -> bytes:
    deadline = time.monotonic() + FETCH_TIMEOUT_SECONDS
    try:
        with httpx.Client(timeout=FETCH_TIMEOUT_SECONDS, follow_redirects=False, trust_env=False) as client, \
                client.stream("GET", request.url, headers={**request.headers, "Accept": "application/pdf"},
                              extensions=request.extensions) as response:
            if response.status_code != 200:
                raise FieldError("url", f"the source answered HTTP {response.status_code} (redirects are not "
                                        "followed)")
            if int(response.headers.get("Content-Length") or 0) > MAX_BYTES:
                raise FieldError("url", f"the file is larger than {MAX_MB} MB")
            return _body(response, deadline)
    except httpx.HTTPError as error:
        raise FieldError("url", f"the file could not be fetched ({type(error).__name__})") from None


def _body(response: httpx.Response, deadline: float) -> bytes:
    content = bytearray()
    for chunk in response.iter_bytes():
        content.extend(chunk)
        if len(content) > MAX_BYTES:
            raise FieldError("url", f"the file is larger than {MAX_MB} MB")
        if time.monotonic() > deadline:
            raise FieldError("url", f"the source took longer than {FETCH_TIMEOUT_SECONDS:.0f} seconds")
    return bytes(content)
