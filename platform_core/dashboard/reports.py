"""A province's reports for a period: each a table (shown under its chart and downloadable as CSV).

Runs in the province's context: queries.py groups by tenant, and `_own` keeps this province's groups.
"""

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from platform_core.dashboard import costs, queries
from platform_core.dashboard.period import Period
from platform_core.dashboard.tables import Table, percent
from platform_core.delivery.constants import CHANNEL_LABELS, FAILED, STATE_LABELS, STATE_RANK
from platform_core.dossiers.constants import STATUS_LABELS
from platform_core.feedback.constants import STATUS_LABELS as FEEDBACK_STATUS_LABELS
from platform_core.ratings.constants import SCALE
from platform_core.web import charts
from platform_core.web.charts import Series

CHART_ROWS = 15  # the longest charts (procedures) draw the first rows; the table has them all
WEEKLY_AFTER_DAYS = 62  # longer periods draw followers by week
STATES = (*STATE_RANK, FAILED)


def _own(figures: dict, tenant_id) -> dict:
    """The groups of one province, without the tenant in the key."""
    return {key[1:] if len(key) > 2 else key[1]: value for key, value in figures.items() if key[0] == tenant_id}


def dossiers_by_status(period: Period, tenant_id) -> Table:
    counts = _own(queries.dossiers_by_status(period), tenant_id)
    rows = [[status, str(STATUS_LABELS.get(status, status)), counts[status]] for status in sorted(counts)]
    table = Table("dossiers-by-status", _("Dossiers by status"), [_("Code"), _("Status"), _("Dossiers")], rows,
                  total=["", _("All"), sum(counts.values())],
                  note=_("Dossiers received in the period, by the status they have now."))
    table.chart = charts.bar("chart-status", table.title, table.note, [row[1] for row in rows],
                             [row[2] for row in rows])
    return table


def dossiers_by_procedure(period: Period, tenant_id) -> Table:
    counts = _own(queries.dossiers_by_procedure(period), tenant_id)
    rows = sorted(([code, name, count] for (code, name), count in counts.items()), key=lambda row: (-row[2], row[0]))
    shown = rows[:CHART_ROWS]
    table = Table("dossiers-by-procedure", _("Dossiers by procedure"), [_("Code"), _("Procedure"), _("Dossiers")],
                  rows, total=["", _("All"), sum(counts.values())],
                  note=_("Dossiers received in the period, by procedure; the chart shows the %(count)s most "
                         "frequent, the table all of them.", count=CHART_ROWS))
    table.chart = charts.bar("chart-procedure", table.title, table.note, [row[1] for row in shown],
                             [row[2] for row in shown])
    return table


def on_time(period: Period, tenant_id, now: datetime | None = None) -> Table:
    by_month: dict[str, queries.Timeliness] = defaultdict(queries.Timeliness)
    for (month, _department), figures in _own(queries.timeliness(period, now), tenant_id).items():
        by_month[month].on_time += figures.on_time
        by_month[month].late += figures.late
    whole = queries.Timeliness()
    for figures in _own(queries.timeliness(period, now, by_month=False), tenant_id).values():
        whole.on_time += figures.on_time
        whole.late += figures.late
    rows = [[month, by_month[month].handled, by_month[month].on_time, by_month[month].late,
             percent(by_month[month].on_time, by_month[month].handled)] for month in period.months()]
    table = Table("on-time", _("On-time rate by month"),
                  [_("Month"), _("Handled"), _("On time"), _("Late"), _("On-time rate (%)")], rows,
                  total=[_("Whole period"), whole.handled, whole.on_time, whole.late,
                         percent(whole.on_time, whole.handled)],
                  note=_("Dossiers received or processed in the month, as Decision 766 counts them: those "
                         "unfinished at the month's end are judged at that end. Late: processing ended after the "
                         "appointment date, not counting the time spent waiting for the citizen's documents, or "
                         "documents were asked for more than once; a refusal or a stop ends processing too. The "
                         "whole period counts each dossier once."))
    table.chart = charts.stacked_bar(
        "chart-on-time", table.title, table.note, [row[0] for row in rows],
        [Series(_("On time"), [row[2] for row in rows]), Series(_("Late"), [row[3] for row in rows])])
    return table


def messages(period: Period, tenant_id) -> Table:
    counts = _own(queries.deliveries_by_channel_state(period), tenant_id)
    channels = sorted({channel for channel, _state in counts}, key=lambda channel: channel or "")
    rows = [[str(CHANNEL_LABELS.get(channel, channel)), *(counts.get((channel, state), 0) for state in STATES),
             sum(counts.get((channel, state), 0) for state in STATES)] for channel in channels]
    table = Table("messages", _("Messages by channel and outcome"),
                  [_("Channel"), *(str(STATE_LABELS[state]) for state in STATES), _("Total")], rows,
                  total=[_("All channels"), *(sum(row[index] for row in rows) for index in range(1, len(STATES) + 2))],
                  note=_("Messages created in the period, by where they stand now. Messages from test API keys "
                         "are not counted."))
    table.chart = charts.stacked_bar(
        "chart-messages", table.title, table.note, [row[0] for row in rows],
        [Series(str(STATE_LABELS[state]), [row[1 + index] for row in rows]) for index, state in enumerate(STATES)])
    return table


def cost_rows(sent: dict[str, int], free_cs: int) -> tuple[list[list], list]:
    """Rows (channel, sent, free, billable, price, cost) and the total row, for any sent-by-channel counts."""
    price, estimate = costs.prices(), costs.estimate(sent, free_cs)
    rows = []
    for channel in costs.CHANNELS:
        count = sent.get(channel, 0)
        free = free_cs if channel == costs.CS else 0
        rows.append([str(CHANNEL_LABELS[channel]), count, free, count - free,
                     price.get(channel), estimate.get(channel, 0 if price.get(channel) is not None else None)])
    total = [_("All channels"), sum(sent.values()), free_cs, sum(sent.values()) - free_cs, None,
             costs.total(estimate)]
    return rows, total


def zalo_cost(period: Period, tenant_id) -> Table:
    sent = {key[2]: figures.sent for key, figures in _own(queries.messages_sent(period), tenant_id).items()
            if key[2] is not None}
    free = sum(_own(queries.free_cs_counts(period), tenant_id).values())
    rows, total = cost_rows(sent, free)
    note = _("Estimate: messages Zalo accepted in the period times the price per message (consultation 55 VND "
             "after the free 8 messages within 48 hours of the citizen's last interaction, transaction 165 VND, "
             "promotion free within the package's allowance). Free consultation messages are worked out from "
             "the citizen's messages and follows we received, so a few may be counted as paid.")
    if costs.prices().get(costs.ZNS) is None:
        note += " " + _("The ZNS price depends on the template and is not set (ZALO_PRICE_ZNS_VND): ZNS "
                        "messages are counted but not priced.")
    table = Table("zalo-cost", _("Zalo cost estimate by channel (VND)"),
                  [_("Channel"), _("Sent"), _("Free"), _("Paid"), _("Price (VND)"), _("Estimated cost (VND)")],
                  rows, total=total, note=note)
    table.chart = charts.bar("chart-cost", table.title, note, [row[0] for row in rows],
                             [row[5] or 0 for row in rows])
    return table


def satisfaction(period: Period, tenant_id) -> Table:
    counts = _own(queries.ratings_by_score(period), tenant_id)
    total = sum(counts.values())
    rows = [[score, SCALE[score], counts.get(score, 0), percent(counts.get(score, 0), total)] for score in SCALE]
    average = round(sum(score * count for score, count in counts.items()) / total, 2) if total else None
    table = Table("satisfaction", _("Satisfaction"), [_("Score"), _("Level"), _("Ratings"), _("Share (%)")], rows,
                  total=[average, _("Average score"), total, percent(total, total)],
                  note=_("Ratings submitted in the period, by level (5 = very satisfied)."))
    table.chart = charts.bar("chart-satisfaction", table.title, table.note, [row[1] for row in rows],
                             [row[2] for row in rows])
    return table


def feedback_by_status(period: Period, tenant_id) -> Table:
    counts = _own(queries.feedback_by_status(period), tenant_id)
    rows = [[str(label), counts[status]] for status, label in FEEDBACK_STATUS_LABELS.items() if status in counts]
    table = Table("feedback-by-status", _("Feedback and petitions by status"), [_("Status"), _("Feedback")], rows,
                  total=[_("All"), sum(counts.values())], note=_("Received in the period, by where they stand now."))
    table.chart = charts.bar("chart-feedback-status", table.title, table.note, [row[0] for row in rows],
                             [row[1] for row in rows])
    return table


def deadline_labels() -> dict[str, str]:
    return {queries.ANSWERED_ON_TIME: _("Answered on time"), queries.ANSWERED_LATE: _("Answered late"),
            queries.OPEN_OVERDUE: _("Not answered, overdue"), queries.OPEN_IN_TIME: _("Not answered, not yet due"),
            queries.NOT_ACCEPTED: _("Not accepted")}


def feedback_deadlines(period: Period, tenant_id, now: datetime | None = None) -> Table:
    counts = _own(queries.feedback_deadlines(period, now), tenant_id)
    rows = [[label, counts.get(outcome, 0)] for outcome, label in deadline_labels().items()]
    table = Table("feedback-deadlines", _("Feedback answer deadlines"), [_("Outcome"), _("Feedback")], rows,
                  total=[_("All"), sum(counts.values())],
                  note=_("Received in the period, against the answer deadline (15 working days)."))
    table.chart = charts.bar("chart-feedback-deadlines", table.title, table.note, [row[0] for row in rows],
                             [row[1] for row in rows])
    return table


def followers(period: Period, tenant_id) -> Table:
    series = queries.followers(period).get(tenant_id) or queries.FollowerSeries()
    days = [day.isoformat() for day in period.days()]
    cumulative = series.cumulative(days)
    daily = [[day, cumulative[index], series.follows[day], series.unfollows[day]] for index, day in enumerate(days)]
    weekly = len(days) > WEEKLY_AFTER_DAYS
    rows = _by_week(daily) if weekly else daily
    table = Table("followers", _("Followers over time"),
                  [_("Week from") if weekly else _("Day"), _("Followers"), _("Followed"), _("Unfollowed")], rows,
                  note=_("Followers of the OA at the end of each day (or week); someone who left and came back "
                         "counts from their latest follow."))
    table.chart = charts.line("chart-followers", table.title, table.note, [row[0] for row in rows],
                              [Series(_("Followers"), [row[1] for row in rows])])
    return table


def _by_week(daily: list[list]) -> list[list]:
    """Daily rows folded into weeks starting on Monday: the count at the week's last day, follows summed."""
    weeks: dict[str, list] = {}
    for day, count, followed, unfollowed in daily:
        start = date.fromisoformat(day)
        monday = (start - timedelta(days=start.weekday())).isoformat()
        week = weeks.setdefault(monday, [monday, 0, 0, 0])
        week[1], week[2], week[3] = count, week[2] + followed, week[3] + unfollowed
    return list(weeks.values())


REPORTS: dict[str, Callable[..., Table]] = {
    "dossiers-by-status": dossiers_by_status,
    "dossiers-by-procedure": dossiers_by_procedure,
    "on-time": on_time,
    "messages": messages,
    "zalo-cost": zalo_cost,
    "satisfaction": satisfaction,
    "feedback-by-status": feedback_by_status,
    "feedback-deadlines": feedback_deadlines,
    "followers": followers,
}


def all_reports(period: Period, tenant_id) -> list[Table]:
    return [report(period, tenant_id) for report in REPORTS.values()]
