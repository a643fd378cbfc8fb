"""A GCRA rate limiter in Redis (one Lua call, Redis's own clock).

GCRA keeps one number per bucket, the theoretical arrival time (TAT). A request is allowed when it would not
push the TAT more than `burst` emission intervals into the future. A request can name a minimum: granted less,
it is granted nothing and takes nothing (`gathering`: a backlog is served a second's worth at a time). A grant
request names one or more buckets and is granted what every one of them allows (the OA's bucket, and for bulk
its own cap as well); a whole tick's requests go in one script call and are served in the order given, so the
transactional requests listed first take from a shared OA bucket before bulk sees what is left
(docs/zalo-oa.md §7: the limit is per app).

Times are milliseconds as floats (60,000 / 3,500 is not a whole number); only the key's expiry, which Redis
wants whole, is rounded up.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from platform_core.jobs.connection import get_redis

_SCRIPT = """
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
local tats, expiry = {}, {}
local function tat_of(i)
  if tats[i] == nil then
    local stored = tonumber(redis.call('GET', KEYS[i]) or now)
    if stored < now then stored = now end
    tats[i] = stored
  end
  return tats[i]
end
local results, pos = {}, 2
for r = 1, tonumber(ARGV[1]) do
  local wanted, minimum, count = tonumber(ARGV[pos]), tonumber(ARGV[pos + 1]), tonumber(ARGV[pos + 2])
  pos = pos + 3
  local buckets, granted = {}, wanted
  for b = 1, count do
    local i, interval, tolerance = tonumber(ARGV[pos]), tonumber(ARGV[pos + 1]), tonumber(ARGV[pos + 2])
    pos = pos + 3
    -- room: how many more requests keep tat + n * interval - tolerance <= now
    local room = math.floor((now + tolerance - tat_of(i)) / interval + 1e-9)
    if room < granted then granted = room end
    buckets[b] = {i, interval, tolerance}
  end
  if granted < minimum then granted = 0 end
  local retry_after = 0
  for _, bucket in ipairs(buckets) do
    local i, interval, tolerance = bucket[1], bucket[2], bucket[3]
    tats[i] = tats[i] + granted * interval
    if granted > 0 then expiry[i] = tolerance end
    local needed = 1  -- the next request's worth: the minimum when this one waited for it
    if granted == 0 then needed = math.max(minimum, 1) end
    local wait = tats[i] + needed * interval - tolerance - now
    if granted < wanted and wait > retry_after then retry_after = wait end
  end
  results[r] = {granted, math.ceil(retry_after)}
end
for i, tolerance in pairs(expiry) do
  redis.call('SET', KEYS[i], tostring(tats[i]), 'PX', math.max(1, math.ceil(tats[i] - now + tolerance)))
end
return results
"""


@dataclass(frozen=True)
class Bucket:
    key: str
    per_minute: int
    burst: int

    @property
    def interval_ms(self) -> float:
        return 60_000 / self.per_minute

    @property
    def tolerance_ms(self) -> float:
        return self.interval_ms * max(self.burst, 1)


@dataclass(frozen=True)
class Request:
    buckets: tuple[Bucket, ...]
    wanted: int
    minimum: int = 1  # less than this is granted as nothing (and takes nothing): the request waits for more


def gathering(buckets: Sequence[Bucket], wanted: int) -> int:
    """The least worth granting to a backlog: a second of the tightest bucket's rate (never above its burst,
    which no grant can exceed), or everything wanted when that is less. A backlogged OA is then served in
    batches of about a second's worth instead of a tick's, so a delivery job's fixed cost is spread over
    several times the messages (issue 11); a quiet OA's one or two messages are still granted at once."""
    second = min(min(bucket.burst, -(-bucket.per_minute // 60)) for bucket in buckets)
    return max(1, min(wanted, second))


@dataclass(frozen=True)
class Grant:
    granted: int
    retry_after_ms: int


def oa_key(tenant_id) -> str:
    """The bucket every message class of the tenant's OA draws from."""
    return f"motcua:rl:{tenant_id}:oa"


def class_key(tenant_id, message_class: str) -> str:
    """A class's own cap inside the OA's bucket (bulk's share)."""
    return f"motcua:rl:{tenant_id}:{message_class}"


def acquire_many(requests: Sequence[Request]) -> list[Grant]:
    """Grant each request what all its buckets allow, in order, in one Redis round trip."""
    keys: dict[str, int] = {}
    args: list = [len(requests)]
    for request in requests:
        args += [max(request.wanted, 0), max(request.minimum, 0), len(request.buckets)]
        for bucket in request.buckets:
            index = keys.setdefault(bucket.key, len(keys) + 1)
            args += [index, repr(bucket.interval_ms), repr(bucket.tolerance_ms)]
    if not requests:
        return []
    script = get_redis().register_script(_SCRIPT)
    return [Grant(int(granted), int(retry)) for granted, retry in script(keys=list(keys), args=args)]


def acquire(key: str, per_minute: int, burst: int, wanted: int) -> Grant:
    """One bucket, one request."""
    if wanted <= 0:
        return Grant(0, 0)
    return acquire_many([Request((Bucket(key, per_minute, burst),), wanted)])[0]


def daily_key(tenant_id, message_class: str, day: str) -> str:
    return f"motcua:daily:{tenant_id}:{message_class}:{day}"


def daily_remaining(caps: dict[str, int]) -> dict[str, int]:
    """{daily key: how many more sends today's cap allows}, for every capped key at once (one MGET)."""
    if not caps:
        return {}
    used = get_redis().mget(list(caps))
    return {key: max(cap - int(count or 0), 0) for (key, cap), count in zip(caps.items(), used, strict=True)}


def count_daily(sent: dict[str, int]) -> None:
    """Add what was claimed to each day's count (one pipeline)."""
    if not sent:
        return
    pipe = get_redis().pipeline()
    for key, count in sent.items():
        pipe.incrby(key, count)
        pipe.expire(key, 2 * 86400)
    pipe.execute()
