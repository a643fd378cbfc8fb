"""Every setting comes from an environment variable; with none set the app runs embedded (SQLite + bundled Redis)."""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE_PATH = REPO_ROOT / "instance"


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def _seconds_list(name: str, default: tuple[int, ...]) -> tuple[int, ...]:
    """"10,60,300": whole seconds, each at least 1; unset, `default`."""
    items = _list(name)
    if not items:
        return default
    values = tuple(int(item) for item in items)
    if any(value < 1 for value in values):
        raise ValueError(f"{name}: every wait must be at least 1 second")
    return values


def normalise_database_url(url: str) -> str:
    """`postgresql://` means psycopg 3 here (SQLAlchemy would otherwise look for psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def mail_settings() -> dict:
    """SMTP for invitation e-mails. No MAIL_SERVER (development): nothing is sent, links are logged instead.

    STARTTLS (MAIL_USE_TLS) is on unless MAIL_USE_SSL (implicit TLS, usually port 465) is chosen, so that the
    password never crosses the network in clear by default; turn both off only for a local relay.
    """
    use_ssl = _bool("MAIL_USE_SSL", False)
    use_tls = _bool("MAIL_USE_TLS", not use_ssl)
    if use_ssl and use_tls:
        raise ValueError("MAIL_USE_TLS and MAIL_USE_SSL are exclusive: STARTTLS or implicit TLS, not both")
    default_port = 465 if use_ssl else 587 if use_tls else 25
    return {
        "MAIL_SERVER": os.environ.get("MAIL_SERVER") or None,
        "MAIL_PORT": int(os.environ.get("MAIL_PORT") or default_port),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": use_tls,
        "MAIL_USE_SSL": use_ssl,
        "MAIL_FROM": os.environ.get("MAIL_FROM") or None,
    }


def zalo_prices() -> dict:
    """VND per message for the reports' cost estimate (dashboard/costs.py has the defaults and why ZNS has
    none): `ZALO_PRICE_CS_VND`, `ZALO_PRICE_TRANSACTION_VND`, `ZALO_PRICE_PROMOTION_VND`, `ZALO_PRICE_ZNS_VND`."""
    prices = {}
    for channel in ("cs", "transaction", "promotion", "zns"):
        raw = os.environ.get(f"ZALO_PRICE_{channel.upper()}_VND")
        if raw not in (None, ""):
            prices[channel] = int(raw)
    return {"ZALO_PRICES_VND": prices}


def load_settings(instance_path: Path) -> dict:
    """Read the environment once, when the app is created."""
    environment = os.environ.get("MOTCUA_ENV", "development")
    database_url = normalise_database_url(
        os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'motcua.sqlite3'}"
    )
    return {
        "ENV_NAME": environment,
        "PRODUCTION": environment == "production",
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "SECRET_KEY_FALLBACKS": _list("SECRET_KEY_FALLBACKS"),
        "ENCRYPTION_KEYS": _list("ENCRYPTION_KEYS"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # Migrations run as the schema owner; the app itself connects as a role that cannot bypass RLS.
        "DATABASE_OWNER_URL": normalise_database_url(os.environ.get("DATABASE_OWNER_URL") or database_url),
        "DATABASE_APP_ROLE": os.environ.get("DATABASE_APP_ROLE", "motcua_app"),
        "REDIS_URL": os.environ.get("REDIS_URL"),
        # SQLite only: BEGIN IMMEDIATE so that web, worker and pump processes never fail on a stale snapshot.
        "SQLITE_IMMEDIATE_TRANSACTIONS": _bool("SQLITE_IMMEDIATE_TRANSACTIONS", True),
        "TENANTS_DIR": os.environ.get("TENANTS_DIR", str(REPO_ROOT / "tenants")),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        "ZALO_OAUTH_URL": os.environ.get("ZALO_OAUTH_URL", "https://oauth.zaloapp.com"),
        "ZALO_OPENAPI_URL": os.environ.get("ZALO_OPENAPI_URL", "https://openapi.zalo.me"),
        "ZALO_BUSINESS_URL": os.environ.get("ZALO_BUSINESS_URL", "https://business.openapi.zalo.me"),
        # The OA's public page, which Zalo opens with its "Quan tâm" (follow) button; the QR code on a province's
        # page encodes it (docs/zalo-oa.md §4). `make run` points it at the sandbox's phone view.
        "ZALO_OA_PAGE_URL": os.environ.get("ZALO_OA_PAGE_URL", "https://zalo.me/{oa_id}"),
        # The Zalo sandbox's address (`make run` sets it): the setup wizard then offers an OA in the sandbox with
        # one click (zalo/sandbox_oa.py). Ignored in production.
        "ZALO_SANDBOX_URL": None if environment == "production" else os.environ.get("ZALO_SANDBOX_URL") or None,
        "ZALO_WEBHOOK_MAX_AGE_SECONDS": int(os.environ.get("ZALO_WEBHOOK_MAX_AGE_SECONDS", 3 * 3600)),
        # Zalo calls in flight per delivery job (zalo/async_calls.py; 1 sends one message at a time over httpx).
        "DELIVERY_CALLS_IN_FLIGHT": int(os.environ.get("DELIVERY_CALLS_IN_FLIGHT", 256)),
        # The most rows the pump claims for one delivery job: above a second's worth at Zalo's 4,000/min
        # (delivery/limiter.gathering). 1 is the one-job-per-message baseline `bench/delivery.py --naive` runs.
        "DELIVERY_BATCH_SIZE": int(os.environ.get("DELIVERY_BATCH_SIZE", 100)),
        # Messages per day and message class for a province not yet live (delivery/trial.py).
        "TRIAL_DAILY_CAP": int(os.environ.get("TRIAL_DAILY_CAP", 50)),
        # Milliseconds between the checks of a page waiting on something outside the browser (static/js/poll.js).
        "STATUS_POLL_MS": int(os.environ.get("STATUS_POLL_MS", 3000)),
        # Hours (Vietnam time, "start-end", end excluded) policy news is planned into: Zalo's promotion window
        # 06:00-21:59. Widen it only against a sandbox whose clock is set to daytime (tests, demos).
        "PROMOTION_HOURS": os.environ.get("PROMOTION_HOURS", "6-22"),
        "REQUIRE_2FA": _bool("REQUIRE_2FA", environment == "production"),
        "LOGIN_RATE_LIMIT": os.environ.get("LOGIN_RATE_LIMIT", "5 per minute"),
        # Feedback accepted from one address on a province's public form (feedback/public.py).
        "FEEDBACK_FORM_RATE_LIMIT": os.environ.get("FEEDBACK_FORM_RATE_LIMIT", "5 per hour"),
        # Dossier lookups from one address on a province's page: a code is short and guessable (frontdoor/).
        "DOSSIER_LOOKUP_RATE_LIMIT": os.environ.get("DOSSIER_LOOKUP_RATE_LIMIT", "30 per 10 minutes"),
        # Wrong phone digits on a result's download page (results/views.py), per link and per address: four digits
        # are 10,000 choices, so a link is closed after a few wrong tries.
        "RESULT_DIGITS_RATE_LIMIT": os.environ.get("RESULT_DIGITS_RATE_LIMIT", "5 per hour"),
        # Seconds between the attempts to POST a registration to a province's webhook (registrations/jobs.py).
        "REGISTRATION_WEBHOOK_RETRY_SECONDS": _seconds_list("REGISTRATION_WEBHOOK_RETRY_SECONDS",
                                                            (10, 60, 300, 1800, 3600)),
        # Whether the registrations' webhook may point at a private, loopback or reserved address (registrations/
        # webhook.py refuses them: SSRF). On outside production, where receivers listen on 127.0.0.1.
        "OUTGOING_WEBHOOK_ALLOW_PRIVATE": _bool("OUTGOING_WEBHOOK_ALLOW_PRIVATE", environment != "production"),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        # When Redis is unreachable, count in memory (per process) rather than fail the login page.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # How many reverse proxies set X-Forwarded-For/-Proto in front of the app (0: none, trust nothing).
        "PROXY_HOPS": int(os.environ.get("PROXY_HOPS", 0)),
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", environment == "production"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", environment == "production"),
        "PERMANENT_SESSION_LIFETIME": int(os.environ.get("SESSION_LIFETIME_SECONDS", 8 * 3600)),
        # hide_parameters: a database error's text (logged, shown in tracebacks) would otherwise carry the bound
        # values: citizens' names, phones, feedback.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "LANGUAGES": ["vi", "en"],
        "MAX_CONTENT_LENGTH": 5 * 1024 * 1024,
    } | mail_settings() | zalo_prices()
