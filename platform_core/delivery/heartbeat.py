"""Which delivery batches are alive: a heartbeat per batch in Redis, so that the sweeper sends again the rest of a
batch whose worker died within seconds, and never a live batch however slow (docs/architecture.md, delivery
pipeline, "A killed worker").

- `beating(claim_token)` is around a batch's send (delivery/batch.py). The key `motcua:delivery:batch:<token>`
  (its value names the worker) is written before any row of the batch is marked `sending`, refreshed every
  BEAT_SECONDS by one thread per process for every batch the process is sending, and deleted when the batch
  ends, however it ends: a job timeout or an error leaves rows `sending` with their outcome unknown, and the
  sweeper gives them back at its next pass. A killed worker's keys expire TTL_SECONDS after its last beat.
- `may_send()` is the fence: false once this process has gone so long without a successful refresh that its
  keys may have expired. The batch then stops before its next wave, so that a worker cut off from Redis does not
  keep sending rows the sweeper may be handing to another.
- `check(tokens)` tells the sweeper which batches are alive, and whether a missing key means a dead batch: not
  until this Redis has held the heartbeats for TTL_SECONDS (it remembers since when, by its `run_id`, which a
  restart or a fail-over changes), so that every live batch has beaten into it since it came back. Until then
  the sweeper falls back to its 5-minute rule (delivery/sweeper.py).
"""

import logging
import os
import socket
import threading
import time
from contextlib import contextmanager, suppress

import redis
from rq import get_current_job

from platform_core.jobs.connection import get_redis

log = logging.getLogger(__name__)

# From the environment (README, "Settings"), not the app's config: the beating thread has no app context.
TTL_SECONDS = int(os.environ.get("DELIVERY_HEARTBEAT_TTL_SECONDS", 8))
BEAT_SECONDS = TTL_SECONDS / 8
FENCE_SECONDS = TTL_SECONDS - 2 * BEAT_SECONDS  # no successful beat for this long: stop sending
KEY = "motcua:delivery:batch:{}"
SINCE_KEY = "motcua:delivery:heartbeats-since"  # "<run_id> <Redis time>": since when this Redis holds them

_lock = threading.Lock()
_beating: dict[str, str] = {}  # key -> worker, the batches this process is sending
_state = {"connection": None, "last_beat": 0.0, "thread_pid": None}


@contextmanager
def beating(claim_token: str):
    """Keep the batch `claim_token` alive in Redis while the block runs (a Redis error here fails the job
    before any row is marked `sending`: its claim goes back to the pump)."""
    key, worker, connection = KEY.format(claim_token), _worker_name(), get_redis()
    started = time.monotonic()
    connection.set(key, worker, ex=TTL_SECONDS)
    with _lock:
        _beating[key] = worker
        _state["connection"] = connection
        _state["last_beat"] = max(_state["last_beat"], started)
        _start_thread()
    try:
        yield
    finally:
        with _lock:
            _beating.pop(key, None)
        with suppress(redis.RedisError):
            connection.delete(key)


def may_send() -> bool:
    """False when this process's heartbeats may have expired (Redis unreachable for FENCE_SECONDS)."""
    return time.monotonic() - _state["last_beat"] < FENCE_SECONDS


def check(tokens) -> tuple[set[str], bool]:
    """(the batches among `tokens` whose heartbeat is present, whether a missing one means a dead batch)."""
    tokens = list(tokens)
    connection = get_redis()
    pipeline = connection.pipeline(transaction=False)
    for token in tokens:
        pipeline.exists(KEY.format(token))
    alive = {token for token, present in zip(tokens, pipeline.execute(), strict=True) if present}
    return alive, _remembered_long_enough(connection)


def _remembered_long_enough(connection) -> bool:
    run_id = connection.info("server")["run_id"]
    seconds, micros = connection.time()
    now = seconds + micros / 1e6
    connection.set(SINCE_KEY, f"{run_id} {now}", nx=True)
    stored_run_id, since = (connection.get(SINCE_KEY) or b"- 0").decode().split()
    if stored_run_id != run_id:  # restored from a snapshot, or a replica promoted: it may have missed beats
        connection.set(SINCE_KEY, f"{run_id} {now}")
        return False
    return now - float(since) >= TTL_SECONDS


def _worker_name() -> str:
    job = get_current_job()
    if job is not None and job.worker_name:
        return job.worker_name
    return f"{socket.gethostname()}:{os.getpid()}"


def _start_thread() -> None:
    """One beating thread per process (started again in a forked child, which does not inherit it)."""
    if _state["thread_pid"] == os.getpid():
        return
    _state["thread_pid"] = os.getpid()
    threading.Thread(target=_beat_forever, name="delivery-heartbeat", daemon=True).start()


def _beat_forever() -> None:
    failing = False
    while True:
        time.sleep(BEAT_SECONDS)
        with _lock:
            beating, connection = dict(_beating), _state["connection"]
        if not beating:
            continue
        started = time.monotonic()
        try:
            pipeline = connection.pipeline(transaction=False)
            for key, worker in beating.items():
                pipeline.set(key, worker, ex=TTL_SECONDS)
            pipeline.execute()
        except redis.RedisError as error:
            if not failing:
                log.warning("delivery heartbeat: Redis unavailable (%s); batches stop sending after %s s",
                            error, FENCE_SECONDS)
            failing = True
            continue
        failing = False
        with _lock:
            _state["last_beat"] = max(_state["last_beat"], started)
