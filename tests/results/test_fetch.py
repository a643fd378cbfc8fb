"""A result fetched by URL: only https, only from a host on the province's list, never from a private address
(resolved first, then connected to that very address), no redirects, bounded size. A refused URL answers 403
and fetches nothing; a source that fails answers 422."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from platform_core import outbound
from platform_core.results import fetch
from platform_core.results.constants import MAX_BYTES
from platform_core.settings.service import save_setting
from tests.conftest import as_tenant
from tests.dossiers.support import bearer
from tests.results.support import CODE, PDF, ready_dossier, results_of

HOST = "motcua.bac-ninh.test"


class Source(BaseHTTPRequestHandler):
    requests: list = []

    def do_GET(self):  # noqa: N802 - http.server's name
        Source.requests.append((self.path, self.headers.get("Host")))
        if self.path == "/moved.pdf":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data")
            self.end_headers()
            return
        body = b"%PDF-" + b"0" * MAX_BYTES if self.path == "/huge.pdf" else PDF
        self.send_response(200)
        self.send_header("Content-Type", "application/pdf")
        self.end_headers()  # no Content-Length: the size is counted while reading
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def source(monkeypatch):
    """A province system on 127.0.0.1, reached as HOST (fake DNS); http allowed for it in this test."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), Source)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Source.requests = []
    real = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port, *args, **kw: real(
        "127.0.0.1" if host == HOST else host, port, *args, **kw))
    monkeypatch.setattr(fetch, "SCHEMES", ("https", "http"))
    yield f"http://{HOST}:{server.server_port}"
    server.shutdown()


@pytest.fixture
def key_a(tenant_a):
    ready_dossier(tenant_a)
    with as_tenant(tenant_a):
        save_setting("result_hosts", [HOST.upper() + "."])  # normalised: lower case, no trailing dot
    return bearer(tenant_a)


def put_url(client, headers, url):
    return client.put(f"/api/v1/dossiers/{CODE}/result", headers=headers, json={"url": url})


def test_a_result_is_fetched_from_an_allowed_host_at_the_address_that_was_checked(client, tenant_a, key_a, source,
                                                                                   monkeypatch):
    checked = []
    monkeypatch.setattr(outbound, "is_public", lambda address: checked.append(address) or True)
    response = put_url(client, key_a, f"{source}/ket-qua/1.pdf?ma={CODE}")
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["source"] == "url" and response.get_json()["size"] == len(PDF)
    assert checked == ["127.0.0.1"]
    assert Source.requests == [(f"/ket-qua/1.pdf?ma={CODE}", f"{HOST}:{source.rsplit(':', 1)[1]}")]
    [result] = results_of(tenant_a)
    assert result.source_url.endswith("/ket-qua/1.pdf?ma=" + CODE)


def test_a_host_off_the_list_is_refused_without_being_fetched(client, tenant_a, key_a, source):
    response = put_url(client, key_a, source.replace(HOST, "127.0.0.1") + "/ket-qua/1.pdf")
    assert response.status_code == 403 and "not on this province's list" in response.get_json()["errors"]["url"][0]
    other = put_url(client, key_a, "https://evil.example.com/a.pdf")
    assert other.status_code == 403
    assert Source.requests == [] and results_of(tenant_a) == []


def test_an_allowed_host_that_resolves_to_a_private_address_is_refused(client, tenant_a, key_a, source):
    response = put_url(client, key_a, f"{source}/ket-qua/1.pdf")
    assert response.status_code == 403 and "private or reserved" in response.get_json()["errors"]["url"][0]
    assert Source.requests == [] and results_of(tenant_a) == []


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "192.168.0.9", "169.254.169.254", "::1",
                                     "fd00::1", "::ffff:10.0.0.1", "0.0.0.0", "100.64.0.1",  # noqa: S104
                                     "224.0.0.1"])
def test_private_and_reserved_addresses_are_not_public(address):
    assert not outbound.is_public(address)


def test_public_addresses_are(monkeypatch):
    assert outbound.is_public("203.113.130.1") and outbound.is_public("2001:4860:4860::8888")


def test_redirects_are_not_followed_and_size_is_bounded(client, tenant_a, key_a, source, monkeypatch):
    monkeypatch.setattr(outbound, "is_public", lambda address: True)
    moved = put_url(client, key_a, f"{source}/moved.pdf")
    assert moved.status_code == 422 and "HTTP 302" in moved.get_json()["errors"]["url"][0]
    huge = put_url(client, key_a, f"{source}/huge.pdf")
    assert huge.status_code == 422 and "larger than 5 MB" in huge.get_json()["errors"]["url"][0]
    assert [path for path, _ in Source.requests] == ["/moved.pdf", "/huge.pdf"]  # the metadata address never
    assert results_of(tenant_a) == []


def test_plain_http_and_credentials_are_refused_by_shape_or_by_rule(client, key_a):
    assert put_url(client, key_a, f"http://{HOST}/a.pdf").status_code == 422  # the schema: https only
    with_credentials = put_url(client, key_a, f"https://user:pw@{HOST}/a.pdf")
    assert with_credentials.status_code in (403, 422)
