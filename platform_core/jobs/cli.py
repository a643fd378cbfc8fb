"""`flask worker`: RQ workers for the app's queues, with app and tenant context around every job."""

import click
from flask import current_app
from flask.cli import with_appcontext

from platform_core.jobs.connection import get_redis
from platform_core.jobs.queues import ALL_QUEUES
from platform_core.jobs.stack_dumps import dump_stacks_on_sigusr1
from platform_core.jobs.worker import build_worker


@click.command("worker")
@click.option("--queues", "-q", multiple=True, type=click.Choice(ALL_QUEUES),
              help="Queues to serve, in priority order (default: all).")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option("--simple", is_flag=True, help="Run jobs in this process instead of forking one per job.")
@click.option("--with-scheduler/--without-scheduler", default=True, help="Also move scheduled/retried jobs.")
@with_appcontext
def worker_command(queues, burst, simple, with_scheduler):
    """Run an RQ worker (transactional queues first)."""
    dump_stacks_on_sigusr1()
    worker = build_worker(current_app._get_current_object(), queues or ALL_QUEUES, get_redis(), simple=simple)
    worker.work(burst=burst, with_scheduler=with_scheduler, logging_level="INFO")
