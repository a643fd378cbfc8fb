"""Requests to an address a province gives (a result fetched by URL, the registrations' webhook), never to the
platform's own network (SSRF): the host is resolved once, every address it resolves to must be public (no
loopback, private, link-local, reserved, shared or multicast address), and the connection then goes to that
checked address, the name kept for the Host header and TLS (`pinned`), so that a second resolution cannot lead
elsewhere. Callers say what a refusal means to their user (results/fetch.py, registrations/webhook.py)."""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PORTS = {"https": 443, "http": 80}


class HostRefused(Exception):
    """The host cannot be reached safely; `host` names it."""

    def __init__(self, host: str):
        super().__init__(host)
        self.host = host


class Unresolvable(HostRefused):
    """The host does not resolve."""


class NotPublic(HostRefused):
    """The host is, or resolves to, an address that is not public."""


@dataclass(frozen=True)
class Pinned:
    """A request to a checked address: `url` names the address, `headers` and `extensions` the host (for httpx:
    the Host header and the TLS server name)."""

    url: str
    headers: dict
    extensions: dict


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def literal_address(host: str) -> str | None:
    """The host itself when it is an IP address ("[::1]" included), else None."""
    try:
        return str(ipaddress.ip_address(host.strip("[]")))
    except ValueError:
        return None


def resolve(host: str, port: int, allow_private: bool = False) -> str:
    """The first address `host` resolves to, when every one of them is public (any, with `allow_private`)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Unresolvable(host) from None
    addresses = [info[4][0] for info in found]
    if not addresses:
        raise Unresolvable(host)
    if not allow_private and not all(is_public(address) for address in addresses):
        raise NotPublic(host)
    return addresses[0]


def port_of(url: str) -> int:
    """The URL's port, or its scheme's; ValueError when it has none that is valid."""
    parts = urlsplit(url)
    if parts.scheme not in DEFAULT_PORTS:
        raise ValueError(parts.scheme)
    return parts.port or DEFAULT_PORTS[parts.scheme]


def pinned(url: str, address: str) -> Pinned:
    """The request for `url` sent to `address`, a checked address of its host."""
    parts = urlsplit(url)
    port = port_of(url)
    netloc = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
    return Pinned(url=urlunsplit((parts.scheme, netloc, parts.path or "/", parts.query, "")),
                  headers={"Host": parts.netloc.rpartition("@")[2]},
                  extensions={"sni_hostname": (parts.hostname or "").rstrip(".")})
