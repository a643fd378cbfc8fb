"""A GCRA rate limiter in Redis (one Lua call, Redis's own clock), per tenant OA and message class.

GCRA keeps one number per key, the theoretical arrival time (TAT). A request is allowed when it would not
push the TAT more than `burst` emission intervals into the future. `acquire(n)` grants up to n requests at
once (the pump claims that many deliveries) and says how long until the next one would be allowed.
"""

from dataclasses import dataclass

from platform_core.jobs.connection import get_redis

_SCRIPT = """
local key = KEYS[1]
local interval = tonumber(ARGV[1])      -- ms between requests at the steady rate
local tolerance = tonumber(ARGV[2])     -- ms of burst allowed ahead of now
local wanted = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local tat = tonumber(redis.call('GET', key) or now)
if tat < now then tat = now end
local granted = 0
while granted < wanted and (tat + interval - tolerance) <= now do
  tat = tat + interval
  granted = granted + 1
end
if granted > 0 then
  redis.call('SET', key, tat, 'PX', math.max(1, tat - now + tolerance))
end
local retry_after = 0
if granted < wanted then retry_after = tat + interval - tolerance - now end
return {granted, retry_after}
"""


@dataclass(frozen=True)
class Grant:
    granted: int
    retry_after_ms: int


def limiter_key(tenant_id, message_class: str) -> str:
    return f"motcua:rl:{tenant_id}:{message_class}"


def acquire(key: str, per_minute: int, burst: int, wanted: int) -> Grant:
    if wanted <= 0:
        return Grant(0, 0)
    interval = 60_000 / per_minute
    tolerance = interval * max(burst, 1)
    script = get_redis().register_script(_SCRIPT)
    granted, retry_after = script(keys=[key], args=[interval, tolerance, wanted])
    return Grant(int(granted), int(retry_after))


def daily_key(tenant_id, message_class: str, day: str) -> str:
    return f"motcua:daily:{tenant_id}:{message_class}:{day}"


def daily_remaining(key: str, cap: int | None) -> int | None:
    """How many more sends today's cap allows (None: no cap)."""
    if cap is None:
        return None
    used = int(get_redis().get(key) or 0)
    return max(cap - used, 0)


def count_daily(key: str, sent: int) -> None:
    pipe = get_redis().pipeline()
    pipe.incrby(key, sent)
    pipe.expire(key, 2 * 86400)
    pipe.execute()
