"""Each report's figures from known data (tests/dashboard/conftest.py `october`), in tenant A's context."""

from datetime import date

from platform_core.dashboard import departments, reports
from platform_core.dashboard.period import Period
from tests import factories
from tests.conftest import as_tenant
from tests.dashboard.conftest import CITIZEN, COMMUNE, OCTOBER, POLICE, finished_dossier, vn


def rows_of(table) -> dict:
    return {row[0] if len(row) == 2 else tuple(row[:2]): row for row in table.rows}


def test_dossiers_by_status_and_by_procedure(english, october, tenant_a):
    with as_tenant(tenant_a):
        status = reports.dossiers_by_status(OCTOBER, tenant_a.id)
        procedures = reports.dossiers_by_procedure(OCTOBER, tenant_a.id)
    assert [(row[0], row[1], row[2]) for row in status.rows] == [
        (4, "Being processed", 1), (9, "Result ready", 1), (10, "Result handed over", 2)]
    assert status.total[-1] == 4
    assert [(row[0], row[2]) for row in procedures.rows] == [("1.001193", 2), ("1.004222", 2)]
    assert procedures.rows[1][1] == "Đăng ký thường trú"


def test_on_time_rate_counts_supplement_pauses_and_an_open_dossier_past_its_appointment(english, october, tenant_a):
    """A-0004 finished a day late but waited 2 days for documents; A-0003, still open at the month's end, was due
    on the 20th: late (Decision 766 counts unfinished dossiers as of the period's end)."""
    with as_tenant(tenant_a):
        table = reports.on_time(OCTOBER, tenant_a.id)
    assert table.rows == [["2026-10", 4, 2, 2, 50.0]]
    assert table.total[1:] == [4, 2, 2, 50.0]


def test_messages_by_channel_and_outcome_leave_simulated_ones_out(english, october, tenant_a):
    with as_tenant(tenant_a):
        table = reports.messages(OCTOBER, tenant_a.id)
    header = table.columns
    by_channel = {row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in table.rows}
    assert by_channel["Zalo message (consultation)"]["Sent"] == 3
    assert by_channel["Zalo transaction message"] == {
        "Waiting to be sent": 0, "Sending": 0, "Sent": 0, "Delivered": 1, "Seen": 1, "Failed": 0, "Total": 2}
    assert by_channel["ZNS by phone number"]["Failed"] == 1
    assert by_channel["Zalo promotion message"]["Sent"] == 1
    assert table.total[-1] == 7


def test_the_cost_estimate_counts_free_consultation_messages_and_prices_each_channel(english, october, tenant_a):
    with as_tenant(tenant_a):
        table = reports.zalo_cost(OCTOBER, tenant_a.id)
    rows = {row[0]: row[1:] for row in table.rows}
    # sent, free, paid, price, cost
    assert rows["Zalo message (consultation)"] == [3, 2, 1, 55, 55]
    assert rows["Zalo transaction message"] == [2, 0, 2, 165, 330]
    assert rows["ZNS by phone number"] == [0, 0, 0, None, None]  # failed, and no price set
    assert rows["Zalo promotion message"] == [1, 0, 1, 0, 0]
    assert table.total[-1] == 385
    assert "ZALO_PRICE_ZNS_VND" in table.note


def test_a_message_in_a_group_chat_of_the_oa_does_not_make_replies_free(english, october, tenant_a):
    """Only writing to the OA itself opens the free window; a message in one of its group chats (GMF) does not."""
    with as_tenant(tenant_a):
        factories.create_zalo_event("user_send_group_text", CITIZEN, vn(20, 9))
        table = reports.zalo_cost(OCTOBER, tenant_a.id)
    assert {row[0]: row[1:] for row in table.rows}["Zalo message (consultation)"] == [3, 2, 1, 55, 55]


def test_a_configured_zns_price_is_used(english, october, tenant_a, app, monkeypatch):
    monkeypatch.setitem(app.config, "ZALO_PRICES_VND", {"zns": 300, "cs": 60})
    with as_tenant(tenant_a):
        table = reports.zalo_cost(OCTOBER, tenant_a.id)
    rows = {row[0]: row[1:] for row in table.rows}
    assert rows["ZNS by phone number"][3] == 300 and rows["Zalo message (consultation)"][4] == 60
    assert "ZALO_PRICE_ZNS_VND" not in table.note


def test_satisfaction_counts_each_level(english, october, tenant_a):
    with as_tenant(tenant_a):
        table = reports.satisfaction(OCTOBER, tenant_a.id)
    assert [(row[0], row[2]) for row in table.rows] == [(5, 1), (4, 1), (3, 0), (2, 1), (1, 0)]
    assert table.rows[0][1] == "Rất hài lòng"
    assert table.total[0] == 3.67 and table.total[2] == 3


def test_feedback_by_status_and_against_its_deadline(english, october, tenant_a):
    with as_tenant(tenant_a):
        status = reports.feedback_by_status(OCTOBER, tenant_a.id)
        deadlines = reports.feedback_deadlines(OCTOBER, tenant_a.id)
    assert dict(status.rows) == {"Answered": 2, "Being handled": 1, "Not accepted": 1}
    assert dict(deadlines.rows) == {"Answered on time": 1, "Answered late": 1, "Not answered, overdue": 1,
                                    "Not answered, not yet due": 0, "Not accepted": 1}


def test_followers_over_time_by_day_then_by_week(english, october, tenant_a):
    with as_tenant(tenant_a):
        daily = reports.followers(OCTOBER, tenant_a.id)
        weekly = reports.followers(Period(date(2026, 9, 1), date(2026, 11, 15)), tenant_a.id)
    counts = {row[0]: row[1] for row in daily.rows}
    assert len(daily.rows) == 31
    assert (counts["2026-10-01"], counts["2026-10-05"], counts["2026-10-07"], counts["2026-10-10"],
            counts["2026-10-15"], counts["2026-10-31"]) == (2, 3, 4, 3, 2, 2)
    assert daily.rows[6][2:] == [1, 0] and daily.rows[14][2:] == [0, 1]
    assert weekly.columns[0] == "Week from" and weekly.rows[0][0] == "2026-08-31"  # the Monday
    assert weekly.rows[0][1] == 1 and weekly.rows[-1][1] == 2  # f4 alone on 1 Sept; two at the end
    assert sum(row[2] for row in weekly.rows) == 4 and sum(row[3] for row in weekly.rows) == 2


def test_the_department_summary(english, october, tenant_a):
    with as_tenant(tenant_a):
        table = departments.summary(OCTOBER, tenant_a.id)
    rows = {row[1]: dict(zip(table.columns, row, strict=True)) for row in table.rows}
    police, commune = rows[POLICE], rows[COMMUNE]
    assert (police["Dossiers handled"], police["Handled on time"]) == (2, 1)
    assert (police["Transaction messages"], police["Messages sent"], police["Delivered (%)"], police["Seen (%)"]) \
        == (2, 2, 100.0, 50.0)
    assert police["Estimated cost (VND)"] == 330
    assert (police["Ratings"], police["Average rating"]) == (2, 3.5)
    assert (police["Feedback answered"], police["Answered on time"]) == (2, 1)
    assert police["Notices to officials"] == 2
    assert (commune["Dossiers handled"], commune["Handled on time"], commune["Ratings"]) == (2, 1, 1)
    unattributed = rows["No department (replies, news, notices)"]
    assert (unattributed["Consultation messages"], unattributed["Promotion messages"]) == (3, 1)
    assert unattributed["Estimated cost (VND)"] == 55  # two of the three replies were free
    assert {row[0] for row in table.rows} == {"2026-10"}


def test_months_are_vietnam_months(english, tenant_a):
    """01:00 on 1 November in Vietnam is still 31 October in UTC: the result came in November. October judges
    the dossier unfinished at its end (due on the 31st: late); November counts it again, finished late; the
    whole period counts it once."""
    with as_tenant(tenant_a):
        finished_dossier("A-0010", "1.001193", received=30, due=31, completed=vn(1, 1, month=11), status=10)
        finished_dossier("A-0011", "1.001193", received=30, due=31, completed=vn(31, 23), status=9)
        table = reports.on_time(Period(date(2026, 10, 1), date(2026, 11, 30)), tenant_a.id)
    assert table.rows == [["2026-10", 2, 0, 2, 0.0], ["2026-11", 1, 0, 1, 0.0]]
    assert table.total[1:] == [2, 0, 2, 0.0]
