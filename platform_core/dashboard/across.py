"""The operators' report: the provinces' key figures side by side, one row per tenant and a total.

Read inside `cross_tenant` (audited) with the same grouped queries as a province's own reports; only counts
and rates come out, never a name from a province's catalogue or a citizen's data.
"""

from collections import defaultdict
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from platform_core.dashboard import costs, queries
from platform_core.dashboard.period import Period
from platform_core.dashboard.tables import Table, percent
from platform_core.db.cross_tenant import cross_tenant
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.tenancy.models import Tenant
from platform_core.text import by_name
from platform_core.web import charts

COUNTS = ("received", "handled", "on_time", "sent", "delivered", "cost", "ratings", "score_total",
          "feedback", "answered_on_time", "overdue", "followers")


def _figures(period: Period, now: datetime) -> dict[object, dict[str, int]]:
    """{tenant id: {figure: number}} in one grouped query per figure."""
    figures: dict[object, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    for (tenant, _status), count in queries.dossiers_by_status(period).items():
        figures[tenant]["received"] += count
    for (tenant, *_rest), timely in queries.timeliness(period, now, by_month=False).items():
        figures[tenant]["handled"] += timely.handled
        figures[tenant]["on_time"] += timely.on_time
    sent: dict[object, dict[str, int]] = defaultdict(dict)
    for (tenant, _month, _department, channel), numbers in queries.messages_sent(period).items():
        sent[tenant][channel] = numbers.sent
        figures[tenant]["sent"] += numbers.sent
        figures[tenant]["delivered"] += numbers.delivered
    free = defaultdict(int)
    for (tenant, *_rest), count in queries.free_cs_counts(period).items():
        free[tenant] += count
    for tenant, by_channel in sent.items():
        figures[tenant]["cost"] = costs.total(costs.estimate(by_channel, free[tenant]))
    for (tenant, score), count in queries.ratings_by_score(period).items():
        figures[tenant]["ratings"] += count
        figures[tenant]["score_total"] += score * count
    for (tenant, outcome), count in queries.feedback_deadlines(period, now).items():
        figures[tenant]["feedback"] += count
        figures[tenant]["answered_on_time"] += count if outcome == queries.ANSWERED_ON_TIME else 0
        figures[tenant]["overdue"] += count if outcome == queries.OPEN_OVERDUE else 0
    days = [day.isoformat() for day in period.days()]
    for tenant, series in queries.followers(period).items():
        figures[tenant]["followers"] = series.cumulative(days)[-1]
    return figures


def _row(name: str, numbers: dict[str, int]) -> list:
    average = round(numbers["score_total"] / numbers["ratings"], 2) if numbers["ratings"] else None
    return [name, numbers["received"], numbers["handled"], percent(numbers["on_time"], numbers["handled"]),
            numbers["sent"], percent(numbers["delivered"], numbers["sent"]), numbers["cost"], numbers["ratings"],
            average, numbers["feedback"], numbers["answered_on_time"], numbers["overdue"], numbers["followers"]]


def provinces(period: Period, actor, now: datetime | None = None) -> Table:
    tenants = sorted(db.session.scalars(select(Tenant)), key=by_name)
    with cross_tenant("operator console: reports across provinces", actor=actor):
        figures = _figures(period, now or utcnow())
    empty = dict.fromkeys(COUNTS, 0)
    rows = [_row(tenant.name, figures.get(tenant.id, empty)) for tenant in tenants]
    totals = {name: sum(figures.get(tenant.id, empty)[name] for tenant in tenants) for name in COUNTS}
    table = Table(
        "provinces", _("Key figures by province"),
        [_("Province"), _("Dossiers received"), _("Dossiers handled"), _("On-time rate (%)"), _("Messages sent"),
         _("Delivered (%)"), _("Estimated cost (VND)"), _("Ratings"), _("Average rating"), _("Feedback received"),
         _("Feedback answered on time"), _("Feedback overdue"), _("Followers at the end")],
        rows, total=_row(_("All provinces"), totals),
        note=_("Counts only. Costs are estimates (see a province's reports for how they are worked out)."),
    )
    busy = [row for row in rows if row[4]]
    table.chart = charts.bar("chart-provinces", _("Messages sent by province"), table.note,
                             [row[0] for row in busy], [row[4] for row in busy])
    return table
