"""`flask delivery pump` and `flask delivery sweep`."""

import click
from flask.cli import AppGroup

from platform_core.audit.service import record_event
from platform_core.db.types import utcnow
from platform_core.delivery import pump
from platform_core.delivery.constants import CLASS_TX, MESSAGE_CLASSES
from platform_core.delivery.policy import limits_for, set_limits
from platform_core.delivery.sweeper import sweep_stale
from platform_core.extensions import db
from platform_core.jobs.stack_dumps import dump_stacks_on_sigusr1
from platform_core.jobs.stop_signal import StopSignal
from platform_core.tenancy.cli_support import tenant_argument_context

delivery_cli = AppGroup("delivery", help="The notification pipeline.")


@delivery_cli.command("pump")
@click.option("--once", is_flag=True, help="One pass, then exit.")
@click.option("--interval", type=click.FloatRange(min=0.01), default=0.2, show_default=True)
def pump_command(once, interval):
    """Claim due deliveries and queue them for the workers (run one; a second waits as standby)."""
    dump_stacks_on_sigusr1()
    pump.run(StopSignal().install(), interval=interval, once=once)


@delivery_cli.command("sweep")
def sweep_command():
    """Give back stale claims and interrupted sends (the scheduler runs this every minute)."""
    click.echo(sweep_stale(utcnow()))


@delivery_cli.command("limits")
@click.argument("slug")
@click.option("--class", "message_class", type=click.Choice(MESSAGE_CLASSES), default=CLASS_TX, show_default=True)
@click.option("--per-minute", type=click.IntRange(min=1, max=4000), help="Zalo allows 4,000 requests/minute per app.")
@click.option("--burst", type=click.IntRange(min=1, max=1000))
@click.option("--daily-cap", type=click.IntRange(min=0), help="Messages per day (the province's day); 0 stops sending.")
@click.option("--no-daily-cap", is_flag=True, help="Remove the daily cap.")
def limits_command(slug, message_class, per_minute, burst, daily_cap, no_daily_cap):
    """Show or set SLUG's sending limits for a message class."""
    with tenant_argument_context(slug):
        current = limits_for(message_class)
        if per_minute or burst or daily_cap is not None or no_daily_cap:
            cap = None if no_daily_cap else (current.daily_cap if daily_cap is None else daily_cap)
            set_limits(message_class, per_minute or current.per_minute, burst or current.burst, cap)
            record_event("rate_limits_changed", details={"class": message_class, "per_minute": per_minute,
                                                         "burst": burst, "daily_cap": cap})
            db.session.commit()
            current = limits_for(message_class)
    click.echo(f"{slug} {message_class}: {current.per_minute}/minute, burst {current.burst}, "
               f"daily cap {current.daily_cap if current.daily_cap is not None else 'none'}")
