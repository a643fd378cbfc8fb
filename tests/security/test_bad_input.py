"""Bad input at every route the app registers: no 5xx anywhere (issue 12, "What it must show").

The routes come from `app.url_map`, not from a list written here, so a route added tomorrow is covered too. For
each method a route accepts, its path parameters are filled with plausible values (a served province, a UUID,
a procedure code) and with hostile ones (NUL, invalid UTF-8, 2,000 characters, path traversal, quotes), and it
gets NUL bytes in query strings, form fields, JSON strings and file names, JSON nested 20,000 deep, bodies
over the size limit, wrong JSON types, bytes that are not UTF-8 and content types it does not expect; signed
out, as a province admin, and as an operator. Every answer must be below 500.

Each role's sweep runs in one test (its rows rolled back at the end, as every test's) and reports every 5xx it
met, not only the first.
"""

import io
import re
import uuid

import pytest

from tests import factories
from tests.auth.support import sign_in
from tests.clients import isolated_client

IGNORED_METHODS = {"HEAD", "OPTIONS"}
DEEP_JSON = "[" * 20_000 + "]" * 20_000
FIELD_NAMES = ("email", "password", "name", "full_name", "phone", "content", "q", "code", "title", "body", "text",
               "agency", "reason", "status", "role", "kind", "action", "per_minute", "burst", "daily_cap",
               "fee_vnd", "token", "zalo_user_id", "user_id", "note", "page", "slug", "template", "message_class")
PLAUSIBLE = {"tenant_slug": "bac-ninh", "slug": "bac-ninh", "code": "1.004222", "kind": "dossier_received",
             "key": "monthly", "queue": "default", "message_class": "tx", "action": "acknowledge"}
# Already percent-encoded: the test client decodes them as a server would.
HOSTILE_TEXT = ("bac%00ninh", "%ff%fe%fa", "x" * 2000, "..%2F..%2Fetc%2Fpasswd%27%22%3Cscript%3E", "%20")
# Signed in, every page goes deeper and costs more: the inputs that broke something before, to stay within
# a few tens of seconds a role.
SIGNED_IN_HOSTILE_TEXT = HOSTILE_TEXT[:2]
SIGNED_IN_BODIES = {"form with NUL", "form not UTF-8", "form of numbers out of range", "JSON nested 20,000 deep",
                    "JSON of wrong types", "JSON array", "multipart with odd file names"}
PARAMETER = re.compile(r"<(?:(?P<converter>[a-zA-Z_]+)(?:\([^)]*\))?:)?(?P<name>[a-zA-Z_][a-zA-Z0-9_]*)>")
# Logging out ends the sweep's session: it goes last.
LAST = {"auth.logout"}


def routes(app) -> list[tuple[str, str, object]]:
    """(method, endpoint, rule) for every method of every rule, sign-out last."""
    found = [(method, rule.endpoint, rule) for rule in app.url_map.iter_rules()
             for method in sorted(rule.methods - IGNORED_METHODS)]
    return sorted(found, key=lambda item: (item[1] in LAST, item[2].rule, item[0]))


def plausible_value(rule, name: str) -> str:
    converter = type(rule._converters[name]).__name__
    if converter == "UUIDConverter":
        return str(uuid.uuid4())
    if converter == "IntegerConverter":
        return "1"
    if converter == "AnyConverter":
        return sorted(rule._converters[name].items)[0]
    if converter == "PathConverter":
        return "css/app.css"
    return PLAUSIBLE.get(name, "x")


def urls(rule, hostile_values) -> list[str]:
    """The rule with plausible values, then with each parameter replaced by each hostile value."""
    names = [match.group("name") for match in PARAMETER.finditer(rule.rule)]
    plausible = {name: plausible_value(rule, name) for name in names}
    variants = [plausible] + [plausible | {name: hostile} for name in names for hostile in hostile_values]
    return [PARAMETER.sub(lambda match, values=values: values[match.group("name")], rule.rule)
            for values in variants]


def bodies(app) -> list[tuple[str, dict]]:
    """(label, keyword arguments of the test client's request) for a method that takes a body."""
    too_large = app.config["MAX_CONTENT_LENGTH"] + 1
    return [
        ("form with NUL", {"data": {name: "a\x00b" for name in FIELD_NAMES}}),
        ("form with NUL in names", {"data": {f"{name}\x00": "a" for name in FIELD_NAMES[:5]}}),
        ("form with long values", {"data": {name: "Đ" * 2000 for name in FIELD_NAMES[:6]}}),
        ("form of numbers out of range", {"data": {name: "-99999999999999999999999" for name in FIELD_NAMES}}),
        ("form not UTF-8", {"data": b"email=%ff%fe&name=\xff\xfe&q=\xc3", "content_type":
                            "application/x-www-form-urlencoded"}),
        ("JSON nested 20,000 deep", {"data": DEEP_JSON, "content_type": "application/json"}),
        ("JSON with NUL", {"json": {name: "a\x00b" for name in FIELD_NAMES} | {"applicant": {"name": "\x00"}}}),
        ("JSON of wrong types", {"json": {name: [{"x": None}, 1.5, True] for name in FIELD_NAMES}}),
        ("JSON array", {"json": [1, "a", None]}),
        ("JSON string", {"json": "x"}),
        ("JSON not UTF-8", {"data": b'{"name": "\xff\xfe"}', "content_type": "application/json"}),
        ("JSON not JSON", {"data": b"{'name': ", "content_type": "application/json"}),
        ("XML", {"data": b"<?xml version='1.0'?><a>&lt;</a>", "content_type": "application/xml"}),
        ("multipart with odd file names", {"data": {
            "file": (io.BytesIO(b"PK\x03\x04 not a workbook"), "a\x00.xlsx"),
            "logo": (io.BytesIO(b"\x89PNG\r\n"), "..\\..\\logo.png"),
            "banner": (io.BytesIO(b""), "")}, "content_type": "multipart/form-data"}),
        ("body over the limit", {"data": b"x" * too_large, "content_type": "application/x-www-form-urlencoded"}),
    ]


# Several parameters at once: every page reads its own.
QUERIES = ("?q=%00&page=%00&state=%00", "?q=%ff%fe&page=-1&status=%ff&code=%ff",
           "?page=99999999999999999999&from=2026-13-45&q=" + "x" * 1000, "?%00=1")


def sweep(app, client, hostile_values=HOSTILE_TEXT, body_labels=None) -> list[str]:
    """Every route, method and bad input through `client`; the requests answered 5xx."""
    failures = []
    for method, _endpoint, rule in routes(app):
        takes_body = method in ("POST", "PUT", "PATCH", "DELETE")
        for number, url in enumerate(urls(rule, hostile_values)):
            requests = [("as it is", {})]
            if number == 0:  # the many inputs on the plausible URL; the hostile URLs plainly
                requests += [(f"query {query[:30]}", {"query_string": query[1:]}) for query in QUERIES]
                requests += [(label, options) for label, options in (bodies(app) if takes_body else [])
                             if body_labels is None or label in body_labels]
            for label, options in requests:
                failures += _one(client, method, url, label, options)
    return failures


def _one(client, method: str, url: str, label: str, options: dict) -> list[str]:
    try:
        response = client.open(url, method=method, **options)
    except Exception as error:  # noqa: BLE001 - an exception escaping the app is a failure to report
        return [f"{method} {url[:80]} [{label}]: raised {type(error).__name__}: {error}"[:300]]
    if response.status_code >= 500:
        return [f"{method} {url[:80]} [{label}]: {response.status_code}"]
    return []


def signed_in(app, user):
    client = isolated_client(app)
    assert sign_in(client, user.email).status_code == 302
    return client


@pytest.fixture
def province_admin(app, tenant_a):
    return signed_in(app, factories.create_user("bad-input-admin@bac-ninh.vn", tenant=tenant_a, role="admin"))


@pytest.fixture
def operator(app):
    return signed_in(app, factories.create_user("bad-input-ops@motcua.vn", operator=True))


def test_no_route_answers_5xx_to_bad_input_signed_out(app, client):
    assert sweep(app, client) == []


def test_no_route_answers_5xx_to_bad_input_from_a_province_admin(app, province_admin):
    assert sweep(app, province_admin, SIGNED_IN_HOSTILE_TEXT, SIGNED_IN_BODIES) == []


def test_no_route_answers_5xx_to_bad_input_from_an_operator(app, operator):
    assert sweep(app, operator, SIGNED_IN_HOSTILE_TEXT, SIGNED_IN_BODIES) == []


def test_the_sweep_covers_every_route_of_the_url_map(app):
    """The sweep reaches each rule (a rule without methods of its own would be skipped silently)."""
    swept = {rule.rule for _method, _endpoint, rule in routes(app)}
    assert swept == {rule.rule for rule in app.url_map.iter_rules()}
    assert len(swept) > 100
