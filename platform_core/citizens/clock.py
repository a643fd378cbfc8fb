"""The legal clock of a data-subject request (Decree 356/2025, domain.md §6): answer within 2 working days,
complete within 15 days.

INTEGRATOR: this counts Saturdays and Sundays only. The feedback feature builds `platform_core/workdays/`
with Vietnam's public holidays; switch `add_working_days` below to it when both are merged.
"""

from datetime import datetime, timedelta

from platform_core.citizens.constants import COMPLETION_DAYS, RESPONSE_WORKING_DAYS
from platform_core.delivery.context import VIETNAM


def add_working_days(start: datetime, days: int) -> datetime:
    """`start` plus `days` working days (Monday to Friday, counted on Vietnam's calendar), same time of day."""
    local = start.astimezone(VIETNAM)
    while days > 0:
        local += timedelta(days=1)
        if local.weekday() < 5:
            days -= 1
    return local.astimezone(start.tzinfo)


def deadlines(received_at: datetime) -> tuple[datetime, datetime]:
    """(respond_by, complete_by) for a request received at `received_at`."""
    return add_working_days(received_at, RESPONSE_WORKING_DAYS), received_at + timedelta(days=COMPLETION_DAYS)
