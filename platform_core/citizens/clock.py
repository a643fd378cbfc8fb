"""The legal clock of a data-subject request (Decree 356/2025, docs/domain.md §6): answer within 2 working days
(the province's working-day calendar: weekends and Vietnam's public holidays, docs/domain.md §10), complete
within the days the kind of request allows (constants.COMPLETION_DAYS), longer for a stop a processor or third
party must carry out too."""

from datetime import datetime, timedelta

from platform_core.citizens.constants import (
    COMPLETION_DAYS,
    RESPONSE_WORKING_DAYS,
    STOPS_PROCESSING,
    THIRD_PARTY_COMPLETION_DAYS,
)
from platform_core.db.tenant_context import current_tenant
from platform_core.workdays.calendar import calendar_for


def completion_days(kind: str, third_party: bool = False) -> int:
    """Calendar days to complete a request of `kind`; `third_party` counts only for a stop of processing."""
    if third_party and kind in STOPS_PROCESSING:
        return THIRD_PARTY_COMPLETION_DAYS
    return COMPLETION_DAYS[kind]


def deadlines(received_at: datetime, kind: str, third_party: bool = False) -> tuple[datetime, datetime]:
    """(respond_by, complete_by) for a request of `kind` received at `received_at`, in the tenant in context."""
    tenant = current_tenant()
    calendar = calendar_for(tenant.slug if tenant else None)
    return (calendar.add_working_days(received_at, RESPONSE_WORKING_DAYS),
            received_at + timedelta(days=completion_days(kind, third_party)))
