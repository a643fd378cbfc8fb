"""The legal clock of a data-subject request (Decree 356/2025, domain.md §6): answer within 2 working days
(the province's working-day calendar: weekends and Vietnam's public holidays), complete within 15 days."""

from datetime import datetime, timedelta

from platform_core.citizens.constants import COMPLETION_DAYS, RESPONSE_WORKING_DAYS
from platform_core.tenancy.context import current_tenant
from platform_core.workdays.calendar import calendar_for


def deadlines(received_at: datetime) -> tuple[datetime, datetime]:
    """(respond_by, complete_by) for a request received at `received_at`, in the tenant in context."""
    tenant = current_tenant()
    calendar = calendar_for(tenant.slug if tenant else None)
    return calendar.add_working_days(received_at, RESPONSE_WORKING_DAYS), received_at + timedelta(days=COMPLETION_DAYS)
