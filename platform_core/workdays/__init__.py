"""Working days in Vietnam: weekends and public holidays as announced each year (docs/domain.md §10).

    from platform_core.workdays import calendar_for
    due = calendar_for(tenant.slug).add_working_days(received_at, 15)

Deadlines counted in working days (feedback, dossiers) end at the end of the last working day, Vietnam time.
"""

from platform_core.workdays.calendar import WorkCalendar, calendar_for  # noqa: F401 - the package's API
