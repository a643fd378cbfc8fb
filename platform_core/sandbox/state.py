"""In-memory state of the fake Zalo: apps, OAs, users, tokens, messages, ZNS templates, the request log.

The shapes follow docs/zalo-oa.md §9.3 ("State the fake keeps"). One re-entrant lock guards
everything: the server is threaded and tests hit it from several threads (concurrent refreshes are the
point of the single-use refresh token test). Nothing here touches the product's database.
"""

import secrets
import threading
from dataclasses import asdict, dataclass, field

from platform_core.sandbox.clock import Clock
from platform_core.sandbox.phones import normalise_phone

DEFAULT_RATE_LIMIT = 4000  # requests per app per minute (docs/zalo-oa.md §7)
DEFAULT_ZNS_DAILY_QUOTA = 5000  # a new OA's tier since 2024-03-12 (docs/zalo-oa.md §3)
PERMISSIONS = ("send_message", "manage_message", "manage_oa", "manage_user", "ads", "article", "shop",
               "call", "message_event", "user_event")


@dataclass
class App:
    app_id: str
    app_secret: str
    oa_id: str
    oa_secret_key: str
    webhook_url: str = ""
    permissions: list = field(default_factory=lambda: list(PERMISSIONS))
    slug: str = ""
    webhook_disabled: bool = False
    webhook_strikes: int = 0
    require_appsecret_proof: bool = False  # wrong proof: -242 (OA API) / -1241 (ZNS)


@dataclass
class OA:
    oa_id: str
    name: str
    oa_type: int = 4  # 4 = government agency, 2 = business (docs/zalo-oa.md §4)
    is_verified: bool = True
    num_follower: int | None = None  # None: count the seeded followers
    description: str = ""
    admin_phones: list = field(default_factory=list)  # ZNS development mode reaches only these (-127)
    zns_daily_quota: int = DEFAULT_ZNS_DAILY_QUOTA
    broadcast_allowed: bool = True  # False: the article broadcast answers -224 (docs/zalo-oa.md §2.1)


@dataclass
class User:
    oa_id: str
    user_id: str
    display_name: str
    user_id_by_app: str = ""
    phone: str = ""  # normalised 84...
    is_follower: bool = True
    last_interaction_ms: int | None = None
    blocked: bool = False  # restricted this message type from the OA (-244)
    banned: bool = False  # banned or inactive > 45 days (-227)
    zns_reachable: bool = True  # False: ZNS answers -114
    tags: list = field(default_factory=list)
    address: str = ""
    city: str = ""
    district: str = ""
    cs_window_start_ms: int | None = None  # start of the free 8-in-48 h reply window
    cs_free_used: int = 0
    promotions: dict = field(default_factory=dict)  # day -> count
    # What Zalo knows of the account, which the article broadcast's target matches (docs/zalo-oa.md §2.1):
    age_group: int | None = None  # 0: 0-12 … 7: 65 and over
    gender: int | None = None  # 1 male, 2 female
    region: int | None = None  # 0 North, 1 Centre, 2 South
    city_code: str = ""  # Zalo's own province code


@dataclass
class Template:
    template_id: str
    template_name: str
    status: str = "ENABLE"  # ENABLE, PENDING_REVIEW, REJECT, DISABLE, DELETE
    list_params: list = field(default_factory=list)  # [{name, require, type, maxLength, minLength, acceptNull}]
    template_tag: str = "TRANSACTION"
    night_restricted: bool = False  # -133 between 22:00 and 06:00
    price: str = "300"
    preview: str = ""  # text with <param> placeholders, for the phone view
    # listButtons as Zalo's template info gives them: [{type (1: open a URL), title, content}]; a URL button's
    # content may end in a <param> filled from template_data (docs/zalo-oa.md §3, buttons).
    buttons: list = field(default_factory=list)
    oa_ids: list = field(default_factory=list)  # empty: usable by every OA


@dataclass
class Token:
    value: str
    kind: str  # "code", "access", "refresh"
    app_id: str
    oa_id: str
    expires_ms: int
    used: bool = False
    revoked: bool = False
    challenge: str = ""


@dataclass
class Message:
    message_id: str
    oa_id: str
    user_id: str  # the UID, or the phone / hash for ZNS
    kind: str  # cs, transaction, promotion, article (a broadcast's copy), zns, user
    body: dict
    sent_ms: int
    app_id: str = ""
    status: str = "sent"  # sent, received, seen
    delivery_ms: int | None = None
    tracking_id: str = ""
    seq: int = 0  # orders messages sent within the same millisecond
    hidden: bool = False  # an oa.query.hide button's payload: sent to the OA, not shown in the chat


@dataclass
class Settings:
    """Switches the spec calls for; reset with everything else."""
    access_token_ttl_s: int = 90000
    oauth_error_http_status: int = 200
    expired_token_error: int = -220
    permission_error: bool = False  # /v4/oa/permission redirects with an error instead of a code
    latency_ms: int = 0
    default_rate_limit: int = DEFAULT_RATE_LIMIT
    receipt_delay_ms: int | None = None  # None: no user_received_message after a send
    seen_after_receipt: bool = False
    echo_sends: bool = False  # emit oa_send_text after a cs text send
    retry_factor: float = 1.0  # webhook retry schedule multiplier
    send_timestamp_header: bool = False
    attachment_ttl_s: int = 7 * 24 * 3600
    promotion_daily_cap: int | None = None  # None: Zalo's rule (500, or 5% of followers above 10,000)
    phone_refresh_ms: int = 3000  # how often the phone view asks for new messages (browser tests shorten it)


class SandboxState:
    def __init__(self, clock: Clock | None = None) -> None:
        self.lock = threading.RLock()
        self.clock = clock or Clock()
        self.keep_path = None  # where kept apps are written (keeping.py); a reset leaves it and its file alone
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.generation = getattr(self, "generation", 0) + 1  # delayed work from before a reset is dropped
            self.apps: dict[str, App] = {}
            self.oas: dict[str, OA] = {}
            self.users: dict[tuple[str, str], User] = {}
            self.templates: dict[str, Template] = {}
            self.tokens: dict[str, Token] = {}
            self.messages: dict[str, Message] = {}
            self.attachments: dict[str, dict] = {}
            self.articles: dict[str, dict] = {}  # article id -> the article as created, plus its token
            self.requests: list[dict] = []
            self.deliveries: list[dict] = []
            self.faults: list[dict] = []
            self.rate_limits: dict[str, int] = {}
            self.rate_counts: dict[tuple[str, int], int] = {}
            self.zns_sent: dict[tuple[str, str], int] = {}  # (oa_id, day) -> count
            self.promotion_requests: dict[tuple[str, str], int] = {}
            self.settings = Settings()
            self.clock.reset()

    # --- lookups ----------------------------------------------------------------------------------------

    def app_for_oa(self, oa_id: str) -> App | None:
        return next((app for app in self.apps.values() if app.oa_id == oa_id), None)

    def user(self, oa_id: str, user_id: str) -> User | None:
        return self.users.get((oa_id, str(user_id)))

    def users_of(self, oa_id: str) -> list[User]:
        return [user for (oa, _), user in self.users.items() if oa == oa_id]

    def user_by_phone(self, oa_id: str, phone: str) -> User | None:
        return next((user for user in self.users_of(oa_id) if user.phone == phone), None)

    def follower_count(self, oa: OA) -> int:
        if oa.num_follower is not None:
            return oa.num_follower
        return sum(1 for user in self.users_of(oa.oa_id) if user.is_follower)

    # --- writes -----------------------------------------------------------------------------------------

    def add_oa(self, **fields) -> OA:
        oa = OA(**fields)
        with self.lock:
            self.oas[oa.oa_id] = oa
        return oa

    def add_app(self, **fields) -> App:
        app = App(**fields)
        with self.lock:
            self.apps[app.app_id] = app
        return app

    def add_user(self, **fields) -> User:
        user = User(**fields)
        user.user_id = str(user.user_id)
        user.phone = normalise_phone(user.phone) or ""
        if not user.user_id_by_app:
            user.user_id_by_app = new_id(19)
        with self.lock:
            self.users[(user.oa_id, user.user_id)] = user
        return user

    def add_template(self, **fields) -> Template:
        template = Template(**fields)
        with self.lock:
            self.templates[template.template_id] = template
        return template

    def record_message(self, **fields) -> Message:
        message = Message(message_id=fields.pop("message_id", None) or new_hex_id(), sent_ms=self.clock.now_ms(),
                          **fields)
        with self.lock:
            message.seq = len(self.messages) + 1
            self.messages[message.message_id] = message
        return message


def new_id(digits: int = 18) -> str:
    """Zalo ids are long decimal strings (UIDs, OA ids, app ids)."""
    return str(secrets.randbelow(9 * 10 ** (digits - 1)) + 10 ** (digits - 1))


def new_hex_id() -> str:
    return secrets.token_hex(16)


def as_dict(record) -> dict:
    return asdict(record)
