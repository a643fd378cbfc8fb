"""`flask tenants merge SOURCE TARGET [--dry-run]` and `flask tenants rename SLUG ...` (wiring.py adds them to
the `tenants` group). The logic lives in service.py and tenancy/service.py."""

from datetime import date

import click
from sqlalchemy import select

from platform_core.extensions import db
from platform_core.mergers import jobs, service
from platform_core.mergers.constants import FAILED, PLANNED, RUNNING
from platform_core.mergers.models import TenantMerge
from platform_core.tenancy import service as tenants
from platform_core.tenancy.cli_support import tenant_by_slug_or_fail
from platform_core.tenancy.constants import UNIT_TYPES


@click.command("merge")
@click.argument("source_slug", metavar="SOURCE")
@click.argument("target_slug", metavar="TARGET")
@click.option("--dry-run", is_flag=True, help="Show what would move, table by table; change nothing.")
@click.option("--legal-ref", help="The decision behind the merge, e.g. 202/2025/QH15 (kept in the history).")
@click.option("--here", is_flag=True, help="Run in this process, showing progress, instead of by a worker.")
@click.option("--chunk-size", type=click.IntRange(1, 10_000), help="Rows per committed chunk.")
def merge_command(source_slug, target_slug, dry_run, legal_ref, here, chunk_size):
    """Merge province SOURCE into TARGET. Run again after an interruption: it resumes where it stopped."""
    source, target = tenant_by_slug_or_fail(source_slug), tenant_by_slug_or_fail(target_slug)
    merge = _unfinished(source, target)
    if merge is None:
        try:
            plan = service.dry_run(source, target)
        except tenants.TenantError as error:
            db.session.rollback()
            raise click.ClickException(f"cannot merge {source_slug} into {target_slug}: {error.message}") from error
        echo_plan(plan)
        if dry_run:
            db.session.commit()  # the audit event of the reading
            return
        merge = service.start(source, target, legal_ref=legal_ref)
    elif dry_run:
        raise click.ClickException(f"a merge of {source_slug} into {target_slug} is under way ({merge.phase})")
    elif merge.status == FAILED:
        service.resume(merge)
    db.session.commit()
    if not here:
        jobs.run_merge.enqueue(str(merge.id), chunk_size)
        click.echo(f"Merge {merge.id} started by a worker; run this again with --here to follow it.")
        return
    _run_here(merge, chunk_size)


def _unfinished(source, target) -> TenantMerge | None:
    return db.session.scalar(select(TenantMerge).where(
        TenantMerge.source_id == source.id, TenantMerge.target_id == target.id,
        TenantMerge.status.in_((PLANNED, RUNNING, FAILED))))


def _run_here(merge: TenantMerge, chunk_size: int | None) -> None:
    service.record_run_access(merge)
    db.session.commit()
    shown = None
    try:
        while service.advance(merge.id, chunk_size):
            db.session.refresh(merge)
            line = f"{merge.phase} {merge.table_name or ''} {service.percent(merge)}%".strip()
            if line != shown:
                click.echo(line)
                shown = line
    except Exception as error:
        service.fail(merge.id, f"{type(error).__name__}: {error}")
        raise click.ClickException(f"the merge stopped: {error}; run the command again to resume") from error
    db.session.refresh(merge)
    if merge.status == RUNNING:
        click.echo("Waiting for the followers' messages to be sent; a worker resumes the merge then.")
        return
    click.echo(f"Done: {service.totals(merge)['copied']} rows moved.")


def echo_plan(plan: service.Plan) -> None:
    click.echo(f"Merge {plan.source.place_name} ({plan.source.slug}) into {plan.target.place_name} "
               f"({plan.target.slug})")
    click.echo(f"{'TABLE':<24} {'ACTION':<8} {'SOURCE':>8} {'MOVING':>8} {'TARGET':>8}  COLLISIONS")
    for row in plan.tables:
        collisions = ", ".join(f"{column}: {count}" for column, count in row.collisions.items() if count)
        click.echo(f"{row.table:<24} {row.action:<8} {row.source_rows:>8} {row.moving:>8} {row.target_rows:>8}"
                   f"  {collisions or '-'}")
    click.echo(f"Rows moving: {plan.moving}")
    if plan.oa_connected:
        click.echo(f"Followers told through the source's OA where to follow: {plan.followers_to_tell}")
    else:
        click.echo("The source's OA is not connected: its followers cannot be told.")


@click.command("rename")
@click.argument("slug")
@click.option("--name", help="The new name, without 'tỉnh' or 'thành phố' (e.g. Bắc Ninh).")
@click.option("--unit-type", type=click.Choice(tuple(UNIT_TYPES)), help="tinh or thanh_pho.")
@click.option("--legal-ref", help="The resolution, e.g. 39/2026/QH16.")
@click.option("--effective", type=click.DateTime(formats=["%Y-%m-%d"]), help="The day it takes effect.")
def rename_command(slug, name, unit_type, legal_ref, effective):
    """Rename province SLUG or change its kind; messages and pages use the new name at once."""
    tenant = tenant_by_slug_or_fail(slug)
    effective_date: date | None = effective.date() if effective else None
    try:
        tenants.rename(tenant, name=name, unit_type=unit_type, legal_ref=legal_ref, effective_date=effective_date)
    except tenants.TenantError as error:
        db.session.rollback()
        raise click.ClickException(f"cannot rename {slug}: {error.field}: {error.message}") from error
    db.session.commit()
    click.echo(f"{slug} is now {tenant.place_name}.")
