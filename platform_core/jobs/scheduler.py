"""`flask scheduler`: enqueues the periodic platform jobs on their intervals.

RQ 3's CronScheduler enqueues with the pickle serialiser, which our JSON-only workers refuse, so this is a
small loop of our own. Each run claims its time slot in Redis (`SET NX`), so a second scheduler started by
mistake enqueues nothing twice.

A Redis outage does not stop it: like the pump and the worker, it waits and tries again every tick (`/readyz`
reports the outage meanwhile), and when Redis is back every job whose slot was not claimed is enqueued at once.
"""

import contextlib
import importlib
import logging
import os
import time

import click
import redis
from flask.cli import with_appcontext

from platform_core.jobs.connection import get_redis
from platform_core.jobs.stack_dumps import dump_stacks_on_sigusr1
from platform_core.jobs.stop_signal import StopSignal

log = logging.getLogger(__name__)

TICK_SECONDS = 1.0
# A dead worker's batch goes on within seconds (delivery/sweeper.py). From the environment (README, "Settings").
SWEEP_SECONDS = int(os.environ.get("DELIVERY_SWEEP_SECONDS", 5))

# (dotted path of a @job function with cross_tenant=True, seconds between runs)
PERIODIC_JOBS = (
    ("platform_core.zalo.jobs.refresh_expiring_tokens", 600),
    ("platform_core.zalo.jobs.import_followers_everywhere", 3600),  # works at 03:00 in Vietnam
    ("platform_core.delivery.jobs.sweep", SWEEP_SECONDS),
    ("platform_core.feedback.jobs.flag_overdue_feedback_everywhere", 900),
    ("platform_core.citizens.jobs.purge_expired_data_everywhere", 3600),  # works at 02:00 in Vietnam
    ("platform_core.officials.jobs.resend_notices_everywhere", 60),
    ("platform_core.officials.jobs.send_digests_everywhere", 300),
    ("platform_core.officials.jobs.notify_dossiers_near_due_everywhere", 3600),
    ("platform_core.broadcasts.jobs.broadcasts_tick_everywhere", 60),
    ("platform_core.apikeys.jobs.write_last_used", 60),
    ("platform_core.mergers.jobs.resume_merges", 60),
    ("platform_core.registrations.jobs.requeue_deliveries", 60),  # webhook deliveries Redis never got or lost
)


def _load(dotted: str):
    module_name, _, attribute = dotted.rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def enqueue_due(now: float, jobs=PERIODIC_JOBS) -> list[str]:
    """Enqueue every job whose current slot has not been claimed yet; returns what was enqueued."""
    connection = get_redis()
    enqueued = []
    for dotted, interval in jobs:
        slot_key = f"motcua:periodic:{dotted}:{int(now // interval)}"
        if connection.set(slot_key, "1", nx=True, ex=interval * 2):
            try:
                _load(dotted).enqueue()
            except redis.RedisError:
                # Give the slot back, so that the job is enqueued when Redis answers again rather than being
                # skipped for a whole interval (best effort: Redis may be gone altogether).
                with contextlib.suppress(redis.RedisError):
                    connection.delete(slot_key)
                raise
            enqueued.append(dotted)
    return enqueued


def run(stop: StopSignal) -> None:
    """The scheduler loop: one pass per tick until `stop` is set."""
    outage = False
    while not stop.is_set():
        try:
            for dotted in enqueue_due(time.time()):
                log.info("enqueued %s", dotted)
            if outage:
                log.warning("scheduler: Redis is back; periodic jobs are enqueued again")
                outage = False
        except redis.RedisError as error:
            if not outage:
                log.warning("scheduler: Redis unavailable (%s); retrying every %.0f s", error, TICK_SECONDS)
                outage = True
        stop.wait(TICK_SECONDS)


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Enqueue what is due now and exit.")
@with_appcontext
def scheduler_command(once):
    """Enqueue periodic jobs (token refresh, sweeps); run exactly one per deployment."""
    if once:
        for dotted in enqueue_due(time.time()):  # by hand: a Redis error fails the command
            click.echo(f"enqueued {dotted}")
        return
    dump_stacks_on_sigusr1()
    run(StopSignal().install())
