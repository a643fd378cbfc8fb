"""Monthly Zalo usage per department, for the province's annual emulation review (thi đua).

A department is the agency of a dossier's procedure (catalogue), so a message about a dossier counts for the
agency handling it; notices to officials count for the official's agency (OfficialProfile.agency); ratings for
the agency copied on the rating; feedback for the agency it was assigned to. Messages with no dossier (bot
replies, policy news, notices, feedback acknowledgements) have no department and are shown on their own row.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _

from platform_core.dashboard import costs, queries
from platform_core.dashboard.period import Period
from platform_core.dashboard.tables import Table, percent
from platform_core.delivery.constants import CHANNEL_LABELS
from platform_core.web import charts
from platform_core.web.charts import Series


@dataclass
class Usage:
    handled: int = 0
    on_time: int = 0
    sent: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    delivered: int = 0
    seen: int = 0
    free_cs: int = 0
    notices: int = 0
    ratings: queries.RatingSum = field(default_factory=queries.RatingSum)
    answered: int = 0
    answered_on_time: int = 0


def usage(period: Period, tenant_id, now: datetime | None = None) -> dict[tuple, Usage]:
    """{(month, department or None): Usage} for one province."""
    result: dict[tuple, Usage] = defaultdict(Usage)

    def own(figures: dict):
        for key, value in figures.items():
            if key[0] == tenant_id:
                yield result[(key[1], key[2])], key, value

    for row, _key, figures in own(queries.timeliness(period, now)):
        row.handled += figures.handled
        row.on_time += figures.on_time
    for row, key, figures in own(queries.messages_sent(period, by_department=True)):
        row.sent[key[3]] += figures.sent
        row.delivered += figures.delivered
        row.seen += figures.seen
    for row, _key, free in own(queries.free_cs_counts(period, by_department=True)):
        row.free_cs += free
    for row, _key, count in own(queries.notices_sent(period)):
        row.notices += count
    for row, _key, ratings in own(queries.ratings_by_department(period)):
        row.ratings = ratings
    for row, _key, answered in own(queries.feedback_answered(period)):
        row.answered, row.answered_on_time = answered.answered, answered.on_time
    return dict(result)


def summary(period: Period, tenant_id, now: datetime | None = None) -> Table:
    rows = []
    figures = usage(period, tenant_id, now)
    for (month, department), row in sorted(figures.items(), key=lambda item: (item[0][0], item[0][1] is None,
                                                                               item[0][1] or "")):
        sent = sum(row.sent.values())
        average = row.ratings.average
        rows.append([
            month, department or _("No department (replies, news, notices)"), row.handled, row.on_time,
            *(row.sent.get(channel, 0) for channel in costs.CHANNELS), sent,
            percent(row.delivered, sent), percent(row.seen, sent), costs.total(costs.estimate(row.sent, row.free_cs)),
            row.notices, row.ratings.count, None if average is None else round(average, 2),
            row.answered, row.answered_on_time,
        ])
    table = Table(
        "departments", _("Monthly Zalo usage by department"),
        [_("Month"), _("Department"), _("Dossiers handled"), _("Handled on time"), _("Consultation messages"),
         _("Transaction messages"), _("ZNS messages"), _("Promotion messages"), _("Messages sent"),
         _("Delivered (%)"), _("Seen (%)"), _("Estimated cost (VND)"), _("Notices to officials"), _("Ratings"),
         _("Average rating"), _("Feedback answered"), _("Answered on time")],
        rows,
        note=_("For the annual emulation review: per month and department (the agency of the dossier's "
               "procedure; for notices, the official's agency; for feedback, the agency it was assigned to)."),
    )
    table.chart = _messages_chart(rows)
    return table


def _messages_chart(rows: list[list]):
    """Messages sent in the whole period per department, split by channel (the table has them by month)."""
    by_department: dict[str, list[int]] = {}
    for row in rows:
        sums = by_department.setdefault(row[1], [0] * len(costs.CHANNELS))
        for index in range(len(costs.CHANNELS)):
            sums[index] += row[4 + index]
    names = [name for name, sums in by_department.items() if any(sums)]
    series = [Series(str(CHANNEL_LABELS[channel]), [by_department[name][index] for name in names])
              for index, channel in enumerate(costs.CHANNELS)]
    return charts.stacked_bar("chart-departments", _("Messages sent by department"),
                              _("Messages sent in the period per department, by channel."), names, series)
