"""The Zalo HTTP client: OAuth v4, OA messages v3, ZNS and the read endpoints, stateless.

One `ZaloClient` per process wraps one `httpx.Client` (keep-alive, bounded pool), which worker threads share
safely, and for a delivery batch's many calls in flight an aiohttp session per sending thread
(`side_by_side`, zalo/async_calls.py); it never touches the database: the token store passes tokens in and
stores what comes back.

Every call goes through `_call`, which sends, times, parses and classifies:
- the token travels in a header named `access_token`, the app secret in `secret_key`, with underscores and
  no `Bearer` (docs/zalo-oa.md §1, "Caller authentication");
- success is read from the body, never from the HTTP status: `error == 0` on the OA API and ZNS, and
  `access_token` present on OAuth, whose failures can come with HTTP 200 (§1, §6); an empty token answer,
  or one without a refresh token, is a refusal too;
- timeouts, connection errors, HTTP 5xx without a Zalo body, and non-JSON answers raise
  `ZaloTransportError` (RETRY); Zalo's own errors raise `ZaloApiError` / `OAuthError` with an `Outcome`;
- `X-RateLimit-Limit` / `X-RateLimit-Remain` (§7) are exposed as `rate_limit` on results and errors.

Bad input found locally (an invalid phone number, a card that breaks Zalo's rules) raises `PhoneError` or
`MessageError`, both `ValueError`s, before any request is made. Logs carry method, path, status, Zalo code
and duration at debug level: never a token, a secret or a full phone number.
"""

import json
import logging
import os
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

import httpx

from platform_core.zalo.articles import Article, BroadcastTarget, broadcast_message
from platform_core.zalo.errors import (
    Family,
    RateLimit,
    ZaloError,
    ZaloTransportError,
    api_error,
    int_or_none,
    oauth_error,
)
from platform_core.zalo.messages import (
    PromotionCard,
    TransactionCard,
    file_message,
    image_message,
    request_user_info_message,
    text_message,
)
from platform_core.zalo.phone import to_zns

if TYPE_CHECKING:
    from platform_core.zalo.async_calls import Answer, CallRunner

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(connect=5, read=10, write=10, pool=5)
# Enough connections for a worker's thread pool; beyond it, callers wait up to the pool timeout.
DEFAULT_LIMITS = httpx.Limits(max_connections=64, max_keepalive_connections=32, keepalive_expiry=30)
DEFAULT_IN_FLIGHT = 256  # calls side by side (`side_by_side`), unless DELIVERY_CALLS_IN_FLIGHT says otherwise
MAX_FOLLOWERS_PER_PAGE = 50
MAX_FOLLOWERS_OFFSET = 9951  # user/getlist refuses larger offsets (docs/zalo-oa.md §4)
MAX_LISTABLE_FOLLOWERS = MAX_FOLLOWERS_OFFSET + MAX_FOLLOWERS_PER_PAGE  # 10,001
FALLBACK_EXPIRES_IN = 3600  # if Zalo's expires_in cannot be read, refresh early rather than late


# --- results ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TokenPair:
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_in: int  # seconds; Zalo sends a string ("90000")


@dataclass(frozen=True)
class SendResult:
    message_id: str  # later webhooks call it msg_id
    user_id: str
    quota: dict | None = None  # {quota_type: reply|sub_quota|purchase_quota|reward_quota, ...}; None when paid
    rate_limit: RateLimit | None = None


@dataclass(frozen=True)
class ZnsResult:
    msg_id: str
    sent_time: int | None  # epoch ms
    quota: dict | None = None  # {"dailyQuota": "…", "remainingQuota": "…"}, strings as Zalo sends them
    rate_limit: RateLimit | None = None


@dataclass(frozen=True)
class ZnsStatus:
    message_id: str
    status: int | None  # -1 unknown message, 0 pushed but not delivered, 1 delivered
    delivery_time: int | None
    rate_limit: RateLimit | None = None


@dataclass(frozen=True)
class ZnsQuota:
    daily_quota: int | None
    remaining_quota: int | None
    raw: dict = field(repr=False, default_factory=dict)
    rate_limit: RateLimit | None = None


@dataclass(frozen=True)
class ZnsTemplate:
    template_id: str
    name: str | None
    status: str | None  # ENABLE, PENDING_REVIEW, REJECT, DISABLE, DELETE
    params: tuple[dict, ...]  # listParams: [{name, require, type, maxLength, minLength, acceptNull}]
    tag: str | None  # TRANSACTION, CUSTOMER_CARE, PROMOTION
    raw: dict = field(repr=False, default_factory=dict)
    rate_limit: RateLimit | None = None


@dataclass(frozen=True)
class UserProfile:
    user_id: str
    user_id_by_app: str | None
    display_name: str | None
    is_follower: bool
    last_interaction_date: str | None  # "dd/mm/yyyy" as Zalo sends it
    raw: dict = field(repr=False, default_factory=dict)  # includes shared_info (phone, address)
    rate_limit: RateLimit | None = None


@dataclass(frozen=True)
class FollowerPage:
    total: int
    offset: int
    user_ids: tuple[str, ...]
    rate_limit: RateLimit | None = None


@dataclass(frozen=True)
class OaInfo:
    oa_id: str
    name: str | None
    oa_type: int | None  # 2 business, 4 government agency
    is_verified: bool
    num_follower: int | None
    raw: dict = field(repr=False, default_factory=dict)
    rate_limit: RateLimit | None = None


@dataclass(frozen=True)
class MessageQuota:
    last_interaction_ms: int | None
    cs_reply: dict  # {remain, total}
    promotion: dict  # {daily_remain, daily_total, monthly_remain, monthly_total}
    raw: dict = field(repr=False, default_factory=dict)
    rate_limit: RateLimit | None = None


@dataclass(frozen=True)
class ArticleDetail:
    article_id: str
    title: str | None
    status: str | None  # show, hide
    raw: dict = field(repr=False, default_factory=dict)
    rate_limit: RateLimit | None = None


@dataclass(frozen=True)
class _Answer:
    body: dict
    rate_limit: RateLimit | None

    @property
    def data(self) -> dict:
        data = self.body.get("data")
        return data if isinstance(data, dict) else {}


# --- the client ------------------------------------------------------------------------------------------------

class ZaloClient:
    """Thread-safe; make one per process (`from_config(app.config)`) and `close()` it at shutdown."""

    def __init__(self, oauth_url: str, openapi_url: str, business_url: str,
                 timeout: httpx.Timeout = DEFAULT_TIMEOUT, limits: httpx.Limits = DEFAULT_LIMITS,
                 in_flight: int = DEFAULT_IN_FLIGHT):
        self.oauth_url = oauth_url.rstrip("/")
        self.openapi_url = openapi_url.rstrip("/")
        self.business_url = business_url.rstrip("/")
        self._http = httpx.Client(timeout=timeout, limits=limits, follow_redirects=False)
        self._in_flight = in_flight
        self._local = threading.local()  # this thread's CallRunner (async_calls.py), made on first use
        self._runners: list[CallRunner] = []  # every thread's, to close them

    @classmethod
    def from_config(cls, config: Mapping, **kwargs) -> "ZaloClient":
        kwargs.setdefault("in_flight", config.get("DELIVERY_CALLS_IN_FLIGHT", DEFAULT_IN_FLIGHT))
        return cls(config["ZALO_OAUTH_URL"], config["ZALO_OPENAPI_URL"], config["ZALO_BUSINESS_URL"], **kwargs)

    def close(self) -> None:
        self._http.close()
        for runner in self._runners:
            runner.close()

    def side_by_side(self, fn, items) -> list:
        """[fn(item) for item in items] with the Zalo calls they make in flight together (up to `in_flight`):
        each runs in a greenlet on this thread's event loop and its calls go over aiohttp (async_calls.py)."""
        runner = getattr(self._local, "runner", None)
        if runner is None or runner.pid != os.getpid():
            from platform_core.zalo.async_calls import CallRunner  # aiohttp: async_calls.py says why it waits

            runner = self._local.runner = CallRunner(self._in_flight)
            self._runners.append(runner)
        return runner.map(fn, items)

    def __enter__(self) -> "ZaloClient":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # --- OAuth v4 (docs/zalo-oa.md §1) -------------------------------------------------------------------------

    def permission_url(self, app_id: str, redirect_uri: str, code_challenge: str | None, state: str) -> str:
        """Where an OA admin grants the app access; Zalo sends the browser back with `code` and `oa_id`."""
        params = {"app_id": app_id, "redirect_uri": redirect_uri, "code_challenge": code_challenge, "state": state}
        query = urlencode({key: value for key, value in params.items() if value is not None})
        return f"{self.oauth_url}/v4/oa/permission?{query}"

    def exchange_code(self, app_id: str, app_secret: str, code: str, code_verifier: str | None = None) -> TokenPair:
        form = {"app_id": app_id, "code": code, "grant_type": "authorization_code"}
        if code_verifier:
            form["code_verifier"] = code_verifier
        return self._token_request(app_secret, form)

    def refresh(self, app_id: str, app_secret: str, refresh_token: str) -> TokenPair:
        """Refresh tokens are single-use (docs/zalo-oa.md §1): the caller stores the new pair before using it."""
        form = {"app_id": app_id, "refresh_token": refresh_token, "grant_type": "refresh_token"}
        return self._token_request(app_secret, form)

    def _token_request(self, app_secret: str, form: dict) -> TokenPair:
        """POST /v4/oa/access_token, form-encoded, the app secret in the `secret_key` header."""
        answer = self._call(Family.OAUTH, "POST", f"{self.oauth_url}/v4/oa/access_token",
                            headers={"secret_key": app_secret}, data=form)
        body = answer.body
        if not body.get("refresh_token"):
            raise oauth_error({"error_description": "the answer has an access_token but no refresh_token"},
                              rate_limit=answer.rate_limit)
        return TokenPair(str(body["access_token"]), str(body["refresh_token"]), _expires_in(body))

    # --- OA messages v3 (docs/zalo-oa.md §2) -----------------------------------------------------------------

    def send_text(self, token: str, user_id: str, text: str, quote_message_id: str | None = None) -> SendResult:
        return self._send_message(token, "cs", user_id, text_message(text, quote_message_id))

    def send_image(self, token: str, user_id: str, url: str | None = None, attachment_id: str | None = None,
                   caption: str | None = None) -> SendResult:
        return self._send_message(token, "cs", user_id, image_message(url, attachment_id, caption))

    def send_file(self, token: str, user_id: str, file_token: str) -> SendResult:
        """A consultation message carrying a file uploaded by `upload_file` (docs/zalo-oa.md §2)."""
        return self._send_message(token, "cs", user_id, file_message(file_token))

    def request_user_info(self, token: str, user_id: str, title: str, subtitle: str, image_url: str) -> SendResult:
        return self._send_message(token, "cs", user_id, request_user_info_message(title, subtitle, image_url))

    def send_transaction(self, token: str, user_id: str, card: TransactionCard) -> SendResult:
        if isinstance(card, PromotionCard):
            raise TypeError("a PromotionCard goes through send_promotion")
        return self._send_message(token, "transaction", user_id, {"attachment": card.to_payload()})

    def send_promotion(self, token: str, user_id: str, card: PromotionCard) -> SendResult:
        if not isinstance(card, PromotionCard):
            raise TypeError("send_promotion takes a PromotionCard")
        return self._send_message(token, "promotion", user_id, {"attachment": card.to_payload()})

    def _send_message(self, token: str, kind: str, user_id: str, message: dict) -> SendResult:
        body = {"recipient": {"user_id": str(user_id)}, "message": message}
        answer = self._call(Family.OA, "POST", f"{self.openapi_url}/v3.0/oa/message/{kind}", token=token, json=body)
        data = answer.data
        return SendResult(str(data.get("message_id", "")), str(data.get("user_id") or user_id), data.get("quota"),
                          answer.rate_limit)

    def upload_image(self, token: str, filename: str, content: bytes, content_type: str) -> str:
        """Upload a jpg/png of at most 1 MB (docs/zalo-oa.md §4); returns its `attachment_id`, usable for 7 days."""
        answer = self._call(Family.OA, "POST", f"{self.openapi_url}/v2.0/oa/upload/image", token=token,
                            files={"file": (filename, content, content_type)})
        return str(answer.data.get("attachment_id", ""))

    def upload_file(self, token: str, filename: str, content: bytes, content_type: str = "application/pdf") -> str:
        """Upload a PDF, DOC or DOCX of at most 5 MB (docs/zalo-oa.md §4); returns the `token` a file message
        carries."""
        answer = self._call(Family.OA, "POST", f"{self.openapi_url}/v2.0/oa/upload/file", token=token,
                            files={"file": (filename, content, content_type)})
        return str(answer.data.get("token", ""))

    # --- articles and the article broadcast (docs/zalo-oa.md §2.1) ----------------------------------------------

    def create_article(self, token: str, article: Article) -> str:
        """Returns the token Zalo gives for the article being processed; `verify_article` turns it into its id."""
        answer = self._call(Family.OA, "POST", f"{self.openapi_url}/v2.0/article/create", token=token,
                            json=article.to_payload())
        return str(answer.data.get("token", ""))

    def verify_article(self, token: str, article_token: str) -> str:
        """The article's id (what a broadcast carries); -214 while Zalo is still processing it (RETRY)."""
        answer = self._call(Family.OA, "POST", f"{self.openapi_url}/v2.0/article/verify", token=token,
                            json={"token": article_token})
        return str(answer.data.get("id", ""))

    def article_detail(self, token: str, article_id: str) -> ArticleDetail:
        answer = self._call(Family.OA, "GET", f"{self.openapi_url}/v2.0/article/getdetail", token=token,
                            params={"id": article_id})
        data = answer.data
        return ArticleDetail(str(data.get("id") or article_id), data.get("title"), data.get("status"), data,
                             answer.rate_limit)

    def broadcast_article(self, token: str, article_id: str, target: BroadcastTarget) -> SendResult:
        """One call reaches every follower the target matches, outside the per-follower promotion cap; the
        answer carries a message id only (no recipient)."""
        body = {"recipient": {"target": target.to_payload()}, "message": broadcast_message(article_id)}
        answer = self._call(Family.OA, "POST", f"{self.openapi_url}/v2.0/oa/message", token=token, json=body)
        return SendResult(str(answer.data.get("message_id", "")), "", None, answer.rate_limit)

    # --- ZNS (docs/zalo-oa.md §3) --------------------------------------------------------------------------

    def send_zns(self, token: str, phone: str, template_id: str, template_data: Mapping[str, Any],
                 tracking_id: str, development: bool = False) -> ZnsResult:
        """A template message to a phone number, sent as `84…`; template values go as strings.
        `development=True` adds `mode: development`, which only reaches the OA's or app's admins."""
        if not tracking_id:
            raise ValueError("ZNS needs a tracking_id (our own reference, at most 48 characters)")
        body = {"phone": to_zns(phone), "template_id": str(template_id), "tracking_id": str(tracking_id),
                "template_data": {str(name): _zns_value(value) for name, value in template_data.items()}}
        if development:
            body["mode"] = "development"
        answer = self._call(Family.ZNS, "POST", f"{self.business_url}/message/template", token=token, json=body)
        data = answer.data
        return ZnsResult(str(data.get("msg_id", "")), int_or_none(data.get("sent_time")), data.get("quota"),
                         answer.rate_limit)

    def zns_status(self, token: str, message_id: str) -> ZnsStatus:
        answer = self._call(Family.ZNS, "GET", f"{self.business_url}/message/status", token=token,
                            params={"message_id": message_id})
        data = answer.data
        return ZnsStatus(message_id, int_or_none(data.get("status")), int_or_none(data.get("delivery_time")),
                         answer.rate_limit)

    def zns_quota(self, token: str) -> ZnsQuota:
        answer = self._call(Family.ZNS, "GET", f"{self.business_url}/message/quota", token=token)
        data = answer.data
        return ZnsQuota(int_or_none(data.get("dailyQuota")), int_or_none(data.get("remainingQuota")), data,
                        answer.rate_limit)

    def zns_template(self, token: str, template_id: str) -> ZnsTemplate:
        answer = self._call(Family.ZNS, "GET", f"{self.business_url}/template/info/v2", token=token,
                            params={"template_id": template_id})
        data = answer.data
        return ZnsTemplate(str(data.get("templateId") or template_id), data.get("templateName"), data.get("status"),
                           tuple(data.get("listParams") or ()), data.get("templateTag"), data, answer.rate_limit)

    # --- read endpoints (docs/zalo-oa.md §4) ----------------------------------------------------------------

    def user_detail(self, token: str, user_id: str) -> UserProfile:
        answer = self._get_openapi(token, "/v3.0/oa/user/detail", {"user_id": str(user_id)})
        data = answer.data
        return UserProfile(str(data.get("user_id") or user_id), data.get("user_id_by_app"), data.get("display_name"),
                           bool(data.get("user_is_follower")), data.get("user_last_interaction_date") or None, data,
                           answer.rate_limit)

    def followers(self, token: str, offset: int = 0, count: int = MAX_FOLLOWERS_PER_PAGE,
                  is_follower: bool | None = True, tag_name: str | None = None) -> FollowerPage:
        """One page of user/getlist; `count` is capped at 50 as Zalo requires."""
        query: dict[str, Any] = {"offset": offset, "count": min(count, MAX_FOLLOWERS_PER_PAGE)}
        if is_follower is not None:
            query["is_follower"] = is_follower
        if tag_name:
            query["tag_name"] = tag_name
        answer = self._get_openapi(token, "/v3.0/oa/user/getlist", query)
        data = answer.data
        user_ids = tuple(str(user["user_id"]) for user in data.get("users") or () if user.get("user_id"))
        return FollowerPage(int_or_none(data.get("total")) or 0, offset, user_ids, answer.rate_limit)

    def iter_followers(self, token: str, is_follower: bool | None = True,
                       tag_name: str | None = None) -> Iterator[str]:
        """Every user id Zalo serves, page after page (at most 10,001, see `next_page_offset`), each once."""
        offset: int | None = 0
        served = 0
        while offset is not None:
            page = self.followers(token, offset, MAX_FOLLOWERS_PER_PAGE, is_follower, tag_name)
            yield from page.user_ids[served - offset:] if served > offset else page.user_ids
            served = max(served, offset + len(page.user_ids))
            offset = next_page_offset(offset, len(page.user_ids), page.total)

    def oa_info(self, token: str) -> OaInfo:
        """getoa: the docs' example says `oaid`, its table `oa_id` (docs/zalo-oa.md §4, §8 item 13): take either."""
        answer = self._call(Family.OA, "GET", f"{self.openapi_url}/v2.0/oa/getoa", token=token)
        data = answer.data
        return OaInfo(str(data.get("oa_id") or data.get("oaid") or ""), data.get("name"),
                      int_or_none(data.get("oa_type")), bool(data.get("is_verified")),
                      int_or_none(data.get("num_follower")), data, answer.rate_limit)

    def message_quota(self, token: str, user_id: str) -> MessageQuota:
        """What this citizen can still receive: free cs replies and promotions (docs/zalo-oa.md §2)."""
        answer = self._call(Family.OA, "POST", f"{self.openapi_url}/v3.0/oa/quota/message", token=token,
                            json={"user_id": str(user_id)})
        data = answer.data
        return MessageQuota(int_or_none(data.get("last_interaction")), data.get("cs_reply") or {},
                            data.get("promotion") or {}, data, answer.rate_limit)

    def _get_openapi(self, token: str, path: str, query: dict) -> _Answer:
        """The v3 GET endpoints take their arguments as one JSON document in `?data=` (docs/zalo-oa.md §4)."""
        data = json.dumps(query, ensure_ascii=False, separators=(",", ":"))
        return self._call(Family.OA, "GET", f"{self.openapi_url}{path}", token=token, params={"data": data})

    # --- transport ---------------------------------------------------------------------------------------------

    def _call(self, family: Family, method: str, url: str, *, token: str | None = None,
              headers: dict | None = None, **request_kwargs) -> _Answer:
        """Send, time, parse and classify one call; the single place every endpoint goes through."""
        all_headers = {**({"access_token": token} if token else {}), **(headers or {})}
        started = time.perf_counter()
        response: httpx.Response | Answer | None = None
        code: object = None
        try:
            response = self._send(family, method, url, all_headers, request_kwargs)
            answer = _read_answer(family, response)
            code = answer.body.get("error", 0)
            return answer
        except ZaloError as error:
            code = error.code if error.code is not None else "transport"
            raise
        finally:
            _log_call(method, url, response, code, started)

    def _send(self, family: Family, method: str, url: str, headers: dict,
              request_kwargs: dict) -> "httpx.Response | Answer":
        runner = getattr(self._local, "runner", None)
        try:
            if runner is not None and runner.takes(request_kwargs):
                return runner.request(method, url, headers, request_kwargs.get("params"), request_kwargs.get("json"))
            return self._http.request(method, url, headers=headers, **request_kwargs)
        except httpx.TimeoutException as exc:
            raise ZaloTransportError(family, f"timed out ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise ZaloTransportError(family, f"connection failed ({type(exc).__name__})") from exc


def next_page_offset(offset: int, listed: int, total: int) -> int | None:
    """Where the next page of user/getlist starts, or None when the list is done. Zalo refuses offsets above
    9,951 (docs/zalo-oa.md §4), so pages start at 0, 50, … 9,950 and then 9,951: the last page overlaps the one
    before rather than skipping anyone, and 10,001 users at most can be listed."""
    following = offset + listed
    if listed == 0 or following >= total or offset >= MAX_FOLLOWERS_OFFSET:
        return None
    return min(following, MAX_FOLLOWERS_OFFSET)


def _read_answer(family: Family, response: "httpx.Response | Answer") -> _Answer:
    """The body decides: JSON with `error == 0` (or an access token) is success, a Zalo error body is classified,
    anything else (5xx page, broken JSON) is a transport problem worth retrying."""
    meta = {"rate_limit": RateLimit.from_headers(response.headers), "http_status": response.status_code}
    if family is Family.OAUTH and response.status_code < 500 and _empty(response):
        # An empty answer grants nothing: a refusal, so the token store keeps the pair it has (docs/zalo-oa.md §1).
        raise oauth_error({"error_description": "empty answer from the token endpoint"}, **meta)
    body = _json_object(response)
    if body is None or (response.status_code >= 500 and not _is_zalo_body(body)):
        raise ZaloTransportError(family, f"HTTP {response.status_code}, not a Zalo answer", raw=response.text[:500],
                                 **meta)
    if family is Family.OAUTH:
        if body.get("access_token"):
            return _Answer(body, meta["rate_limit"])
        raise oauth_error(body, **meta)
    if int_or_none(body.get("error")) == 0:
        return _Answer(body, meta["rate_limit"])
    raise api_error(family, body, **meta)


def _json_object(response: "httpx.Response | Answer") -> dict | None:
    try:
        body = response.json()
    except ValueError:  # includes JSONDecodeError and undecodable bytes
        return None
    return body if isinstance(body, dict) else None


def _empty(response: "httpx.Response | Answer") -> bool:
    """No body, or a JSON value with nothing in it (null, "", [], {})."""
    if not response.content.strip():
        return True
    try:
        return response.json() in (None, "", [], {})
    except ValueError:
        return False


def _is_zalo_body(body: dict) -> bool:
    return "error" in body or "error_name" in body or "access_token" in body


def _log_call(method: str, url: str, response: "httpx.Response | Answer | None", code: object, started: float) -> None:
    """Path only: tokens travel in headers and phones in bodies, so neither reaches the log."""
    logger.debug("zalo %s %s -> HTTP %s, error %s, %.0f ms", method, urlsplit(url).path,
                 response.status_code if response is not None else "-", code, (time.perf_counter() - started) * 1000)


def _expires_in(body: dict) -> int:
    seconds = int_or_none(body.get("expires_in"))
    if seconds is None or seconds <= 0:
        logger.warning("zalo: unreadable expires_in in the token answer; assuming %s s", FALLBACK_EXPIRES_IN)
        return FALLBACK_EXPIRES_IN
    return seconds


def _zns_value(value: Any) -> str:
    """ZNS wants every template parameter as a string (docs/zalo-oa.md §3)."""
    return "" if value is None else str(value)
