"""Authorization codes, access tokens and refresh tokens with Zalo's lifetimes (docs/zalo-oa.md §1).

code: 10 minutes, single use, bound to the PKCE challenge. access: 25 h (settable). refresh: 3 months,
single use: a successful refresh burns it, which is exactly what bites concurrent refreshers ([CBX]).
"""

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from platform_core.sandbox.state import App, SandboxState, Token

CODE_TTL_S = 10 * 60
REFRESH_TTL_S = 90 * 24 * 3600


def pkce_challenge(verifier: str) -> str:
    """base64url(sha256(ASCII(verifier))) without padding, as both official SDKs compute it."""
    digest = hashlib.sha256(verifier.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def _store(state: SandboxState, kind: str, app: App, ttl_s: int, challenge: str = "") -> Token:
    token = Token(value=secrets.token_urlsafe(48), kind=kind, app_id=app.app_id, oa_id=app.oa_id,
                  expires_ms=state.clock.now_ms() + ttl_s * 1000, challenge=challenge)
    with state.lock:
        state.tokens[token.value] = token
    return token


def issue_code(state: SandboxState, app: App, challenge: str = "") -> Token:
    return _store(state, "code", app, CODE_TTL_S, challenge)


def issue_pair(state: SandboxState, app: App) -> dict:
    """The success body of /v4/oa/access_token: top level, `expires_in` a string (docs/zalo-oa.md §1)."""
    ttl = state.settings.access_token_ttl_s
    access = _store(state, "access", app, ttl)
    refresh = _store(state, "refresh", app, REFRESH_TTL_S)
    return {"access_token": access.value, "refresh_token": refresh.value, "expires_in": str(ttl)}


def is_live(state: SandboxState, token: Token) -> bool:
    return not token.used and not token.revoked and token.expires_ms > state.clock.now_ms()


def consume(state: SandboxState, value: str, kind: str, app_id: str) -> Token | None:
    """Atomically take a single-use code or refresh token; None when unknown, used, expired or foreign."""
    with state.lock:
        token = state.tokens.get(value or "")
        if token is None or token.kind != kind or token.app_id != app_id or not is_live(state, token):
            return None
        token.used = True
        return token


@dataclass
class Caller:
    app: App
    token: Token


def authenticate(state: SandboxState, value: str | None) -> tuple[Caller | None, str]:
    """('missing' | 'unknown' | 'expired' | 'ok'): the API hosts turn the reason into their own codes."""
    if not value:
        return None, "missing"
    with state.lock:
        token = state.tokens.get(value)
        if token is None or token.kind != "access" or token.revoked:
            return None, "unknown"
        if token.expires_ms <= state.clock.now_ms():
            return None, "expired"
        app = state.apps.get(token.app_id)
    if app is None:
        return None, "unknown"
    return Caller(app, token), "ok"


def proof_ok(app: App, token: str, proof: str | None) -> bool:
    """appsecret_proof = hex HMAC-SHA256(key=app secret, message=access token), when the app requires it."""
    if not app.require_appsecret_proof:
        return True
    expected = hmac.new(app.app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()
    return bool(proof) and hmac.compare_digest(expected, proof)


def revoke(state: SandboxState, app_id: str, kind: str | None = None) -> int:
    """Kill an app's live tokens (all, or only 'access' / 'refresh'); returns how many."""
    count = 0
    with state.lock:
        for token in state.tokens.values():
            if token.app_id == app_id and (kind is None or token.kind == kind) and not token.revoked:
                token.revoked = True
                count += 1
    return count
