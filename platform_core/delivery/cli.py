"""`flask delivery pump` and `flask delivery sweep`."""

import signal
import threading

import click
from flask.cli import AppGroup

from platform_core.db.types import utcnow
from platform_core.delivery import pump
from platform_core.delivery.sweeper import sweep_stale

delivery_cli = AppGroup("delivery", help="The notification pipeline.")


@delivery_cli.command("pump")
@click.option("--once", is_flag=True, help="One pass, then exit.")
@click.option("--interval", type=click.FloatRange(min=0.01), default=0.2, show_default=True)
def pump_command(once, interval):
    """Claim due deliveries and queue them for the workers (run one; a second waits as standby)."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    pump.run(stop, interval=interval, once=once)


@delivery_cli.command("sweep")
def sweep_command():
    """Give back stale claims and interrupted sends (the scheduler runs this every minute)."""
    click.echo(sweep_stale(utcnow()))
