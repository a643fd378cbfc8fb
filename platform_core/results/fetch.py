"""Fetching a result by URL from one of the province's own systems, never from an arbitrary address (SSRF):

- the URL must be https, without credentials, and its host on the province's allow-list (a console setting);
- the host is resolved once, and every address it resolves to must be public (no loopback, private, link-local,
  reserved or multicast address); the connection then goes to that checked address (the name is kept for the
  Host header and TLS), so a second resolution cannot lead elsewhere;
- no redirect is followed; the answer must be 200, at most MAX_BYTES, and all of it within
  FETCH_TIMEOUT_SECONDS.
A URL the province does not allow (scheme, credentials, host off the list, a private address) is a
SourceRefused (the API answers 403); a source that fails to give the file is a FieldError on `url` (422).
"""

import ipaddress
import socket
import time
from urllib.parse import urlsplit, urlunsplit

import httpx

from platform_core.errors import FieldError
from platform_core.results.constants import FETCH_TIMEOUT_SECONDS, MAX_BYTES, MAX_MB
from platform_core.settings.definitions import normal_host

SCHEMES = ("https",)


class SourceRefused(FieldError):
    """The URL is not one the province allows results to be fetched from."""

DEFAULT_PORTS = {"https": 443, "http": 80}


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
        port = parts.port or DEFAULT_PORTS[parts.scheme]
    except ValueError:
        raise FieldError("url", "has an invalid port") from None
    address = public_address(host, port)
    pinned = urlunsplit((parts.scheme, _netloc(address, port), parts.path or "/", parts.query, ""))
    return _download(pinned, parts.netloc.rpartition("@")[2], host)


def public_address(host: str, port: int) -> str:
    """The first address `host` resolves to, when every one of them is public."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FieldError("url", f"the host {host} cannot be resolved") from None
    addresses = [info[4][0] for info in found]
    if not addresses or not all(is_public(address) for address in addresses):
        raise SourceRefused("url", f"the host {host} resolves to a private or reserved address")
    return addresses[0]


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _netloc(address: str, port: int) -> str:
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def _download(url: str, host_header: str, host: str) -> bytes:
    deadline = time.monotonic() + FETCH_TIMEOUT_SECONDS
    try:
        with httpx.Client(timeout=FETCH_TIMEOUT_SECONDS, follow_redirects=False, trust_env=False) as client, \
                client.stream("GET", url, headers={"Host": host_header, "Accept": "application/pdf"},
                              extensions={"sni_hostname": host}) as response:
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
