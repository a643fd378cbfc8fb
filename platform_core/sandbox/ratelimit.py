"""Per-app requests-per-minute budget with Zalo's headers (docs/zalo-oa.md §7, §9 item 21).

The window is the minute of the sandbox clock, so a test can exhaust the budget, see -32, advance the clock
to the next minute and see the count reset, without waiting.
"""

from platform_core.sandbox.state import SandboxState


def limit_for(state: SandboxState, app_id: str | None) -> int:
    return state.rate_limits.get(app_id or "", state.settings.default_rate_limit)


def take(state: SandboxState, app_id: str) -> tuple[bool, int, int]:
    """Count one request; (allowed, limit, remain after it)."""
    with state.lock:
        limit = limit_for(state, app_id)
        key = (app_id, state.clock.minute_key())
        used = state.rate_counts.get(key, 0)
        if used >= limit:
            return False, limit, 0
        state.rate_counts[key] = used + 1
        return True, limit, limit - used - 1


def remaining(state: SandboxState, app_id: str | None) -> tuple[int, int]:
    with state.lock:
        limit = limit_for(state, app_id)
        used = state.rate_counts.get((app_id or "", state.clock.minute_key()), 0)
        return limit, max(limit - used, 0)


def headers(limit: int, remain: int) -> dict:
    return {"X-RateLimit-Limit": str(limit), "X-RateLimit-Remain": str(remain)}
