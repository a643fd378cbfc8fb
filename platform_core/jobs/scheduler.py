"""`flask scheduler`: enqueues the periodic platform jobs on their intervals.

RQ 3's CronScheduler enqueues with the pickle serialiser, which our JSON-only workers refuse, so this is a
small loop of our own. Each run claims its time slot in Redis (`SET NX`), so a second scheduler started by
mistake enqueues nothing twice.
"""

import importlib
import logging
import time

import click
from flask.cli import with_appcontext

from platform_core.jobs.connection import get_redis

log = logging.getLogger(__name__)

# (dotted path of a @job function with cross_tenant=True, seconds between runs)
PERIODIC_JOBS = (
    ("platform_core.zalo.jobs.refresh_expiring_tokens", 600),
    ("platform_core.zalo.jobs.requeue_stale_events", 60),
    ("platform_core.delivery.jobs.sweep", 60),
    ("platform_core.feedback.jobs.flag_overdue_feedback_everywhere", 900),
    ("platform_core.citizens.jobs.purge_expired_data_everywhere", 3600),  # works at 02:00 in Vietnam
    ("platform_core.officials.jobs.resend_notices_everywhere", 60),
    ("platform_core.officials.jobs.send_digests_everywhere", 300),
    ("platform_core.officials.jobs.notify_dossiers_near_due_everywhere", 3600),
    ("platform_core.broadcasts.jobs.broadcasts_tick_everywhere", 60),
)


def _load(dotted: str):
    module_name, _, attribute = dotted.rpartition(".")
    return getattr(importlib.import_module(module_name), attribute)


def enqueue_due(now: float, jobs=PERIODIC_JOBS) -> list[str]:
    """Enqueue every job whose current slot has not been claimed yet; returns what was enqueued."""
    redis = get_redis()
    enqueued = []
    for dotted, interval in jobs:
        slot = int(now // interval)
        if redis.set(f"motcua:periodic:{dotted}:{slot}", "1", nx=True, ex=interval * 2):
            _load(dotted).enqueue()
            enqueued.append(dotted)
    return enqueued


@click.command("scheduler")
@click.option("--once", is_flag=True, help="Enqueue what is due now and exit.")
@with_appcontext
def scheduler_command(once):
    """Enqueue periodic jobs (token refresh, sweeps); run exactly one per deployment."""
    while True:
        for dotted in enqueue_due(time.time()):
            log.info("enqueued %s", dotted)
        if once:
            return
        time.sleep(1)
