"""Satisfaction by procedure, agency and month, and Decision 766's dossier-satisfaction figure."""

from datetime import date, timedelta

import pytest

from platform_core.extensions import db
from platform_core.feedback.models import Feedback
from platform_core.ratings import reports, service
from platform_core.ratings.constants import CHANNEL_WEB
from tests import factories
from tests.dossiers.support import record
from tests.ratings.conftest import at, invitation_of, returned_dossier

JULY = (date(2026, 7, 1), date(2026, 7, 31))


def rate(dossier, score: int, when: str) -> None:
    service.submit(invitation_of(dossier), service.RatingInput(score), CHANNEL_WEB, at(when))


@pytest.fixture
def rated(in_a):
    """Six ratings over two procedures; one given on 1 August 00:30 in Vietnam (31 July in UTC)."""
    plan = [("1.004222", 5, "2026-07-21T10:00:00+07:00"), ("1.004222", 4, "2026-07-22T10:00:00+07:00"),
            ("1.004222", 1, "2026-07-23T10:00:00+07:00"), ("1.001193", 5, "2026-07-24T10:00:00+07:00"),
            ("1.001193", 3, "2026-07-31T23:30:00+07:00"), ("1.001193", 2, "2026-08-01T00:30:00+07:00")]
    for number, (procedure, score, when) in enumerate(plan, start=1):
        rate(returned_dossier(f"H15-RATE-{number:04d}", procedure_code=procedure), score, when)


def test_satisfaction_by_procedure_counts_each_level_and_the_satisfied_share(rated):
    rows = reports.satisfaction_by(*JULY, group="procedure")
    assert [(row.key, row.label, row.total) for row in rows] == [
        ("1.004222", "Đăng ký thường trú", 3), ("1.001193", "Đăng ký khai sinh", 2)]
    assert rows[0].counts == {5: 1, 4: 1, 3: 0, 2: 0, 1: 1}
    assert (rows[0].satisfied, rows[0].percent_satisfied) == (2, 66.7)
    assert rows[1].percent_satisfied == 50.0


def test_satisfaction_by_agency_and_by_month_in_vietnamese_time(rated):
    agencies = {row.key: row.total for row in reports.satisfaction_by(*JULY, group="agency")}
    assert agencies == {"Công an xã Bắc Ninh": 3, "UBND xã Bắc Ninh": 2}
    months = reports.satisfaction_by(date(2026, 7, 1), date(2026, 8, 31), group="month")
    assert [(row.key, row.label, row.total) for row in months] == [("2026-07", "07/2026", 5), ("2026-08", "08/2026", 1)]
    assert months[1].counts[2] == 1


def test_an_unknown_group_is_refused(in_a):
    with pytest.raises(ValueError, match="unknown group"):
        reports.satisfaction_by(*JULY, group="commune")


def test_decision_766_figure_shows_its_parts(in_a):
    on_time = "2026-07-20T15:00:00+07:00"  # due 24/07 17:00
    rate(returned_dossier("H15-766-0001", result_at=on_time), 5, "2026-07-21T10:00:00+07:00")
    rate(returned_dossier("H15-766-0002", result_at="2026-07-27T15:00:00+07:00",
                          returned_at="2026-07-28T09:00:00+07:00"), 4, "2026-07-28T10:00:00+07:00")  # late
    rate(returned_dossier("H15-766-0003", result_at=on_time), 1, "2026-07-21T10:00:00+07:00")  # dislike
    disliked_with_feedback = returned_dossier("H15-766-0004", result_at=on_time)
    rate(disliked_with_feedback, 2, "2026-07-21T10:00:00+07:00")
    db.session.add(Feedback(code="PA-1", channel="web", content="Chậm", related_dossier_code="h15 766 0004"))
    returned_dossier("H15-766-0005", result_at=on_time, returned_at=None)  # finished (9), not rated
    returned_dossier("H15-766-0006", result_at="2026-08-02T09:00:00+07:00", returned_at=None)  # open at July's end
    factories.create_dossier("H15-766-0007")
    record("H15-766-0007", "processing", "2026-07-16T09:00:00+07:00")
    record("H15-766-0007", "stopped", "2026-07-17T09:00:00+07:00", reason="Không đủ điều kiện")  # an end, on time
    db.session.flush()

    figure = reports.decision_766_figure(*JULY)
    assert (figure.handled, figure.unfinished, figure.late, figure.with_feedback, figure.disliked) == (7, 1, 2, 1, 2)
    assert figure.with_feedback_or_dislike == 2  # 0004 has both and counts once
    assert (figure.late_rate, figure.feedback_or_dislike_rate, figure.figure) == (28.6, 28.6, 42.8)
    assert not figure.meets_target


def test_decision_766_counts_refusals_stops_and_withdrawals_after_acceptance_as_ends_that_can_be_late(in_a):
    due = {"received_at": "2026-07-01T08:00:00+07:00", "due_at": "2026-07-03T17:00:00+07:00"}
    factories.create_dossier("H15-766-R", status="submitted", **due)
    record("H15-766-R", "refused", "2026-07-06T09:00:00+07:00", reason="Không thuộc thẩm quyền")  # late
    factories.create_dossier("H15-766-S", **due)
    record("H15-766-S", "processing", "2026-07-02T09:00:00+07:00")
    record("H15-766-S", "stopped", "2026-07-07T09:00:00+07:00", reason="Không đủ điều kiện")  # late
    factories.create_dossier("H15-766-W", **due)
    record("H15-766-W", "processing", "2026-07-02T09:00:00+07:00")
    record("H15-766-W", "withdrawal_requested", "2026-07-06T09:00:00+07:00")
    record("H15-766-W", "stopped", "2026-07-06T10:00:00+07:00", reason="Công dân rút hồ sơ")  # late
    factories.create_dossier("H15-766-X", status="submitted", **due)
    record("H15-766-X", "withdrawal_requested", "2026-07-06T09:00:00+07:00")
    record("H15-766-X", "stopped", "2026-07-06T10:00:00+07:00", reason="Công dân rút hồ sơ")  # never accepted
    db.session.flush()
    figure = reports.decision_766_figure(*JULY)
    assert (figure.handled, figure.unfinished, figure.late, figure.late_rate) == (3, 0, 3, 100.0)


def test_decision_766_two_supplement_requests_are_late_and_an_open_dossier_counts_at_the_period_end(in_a):
    factories.create_dossier("H15-766-T")  # received 15/07, due 24/07 17:00
    record("H15-766-T", "supplement_required", "2026-07-16T09:00:00+07:00", missing_documents=["Bản sao CCCD"])
    record("H15-766-T", "processing", "2026-07-17T09:00:00+07:00")
    record("H15-766-T", "supplement_required", "2026-07-18T09:00:00+07:00", missing_documents=["Giấy khai sinh"])
    record("H15-766-T", "processing", "2026-07-19T09:00:00+07:00")
    record("H15-766-T", "result_ready", "2026-07-20T09:00:00+07:00")  # before the appointment, yet late
    factories.create_dossier("H15-766-O")
    record("H15-766-O", "processing", "2026-07-16T09:00:00+07:00")  # still open on 31/07, due 24/07: late
    factories.create_dossier("H15-766-N", due_at="2026-09-30T17:00:00+07:00")
    record("H15-766-N", "processing", "2026-07-16T09:00:00+07:00")  # open, not yet due: on time
    db.session.flush()
    figure = reports.decision_766_figure(*JULY)
    assert (figure.handled, figure.unfinished, figure.late) == (3, 2, 2)
    june = reports.decision_766_figure(date(2026, 6, 1), date(2026, 6, 30))
    assert june.handled == 0  # received in July


def test_decision_766_of_the_period_under_way_is_judged_as_of_now(in_a):
    factories.create_dossier("H15-766-NOW")  # received 15/07, due 24/07 17:00, still processing
    record("H15-766-NOW", "processing", "2026-07-16T09:00:00+07:00")
    db.session.flush()
    before_due = at("2026-07-22T12:00:00+07:00")
    assert reports.decision_766_figure(*JULY, now=before_due).late == 0
    assert reports.decision_766_figure(*JULY, now=at("2026-07-25T12:00:00+07:00")).late == 1


def test_decision_766_figure_without_dossiers_is_empty(in_a):
    figure = reports.decision_766_figure(*JULY)
    assert (figure.handled, figure.figure, figure.late_rate, figure.meets_target) == (0, None, None, False)


def test_all_on_time_and_liked_reaches_the_target(in_a):
    for number in range(1, 4):
        rate(returned_dossier(f"H15-OK-{number:04d}"), 5, "2026-07-21T10:00:00+07:00")
    figure = reports.decision_766_figure(*JULY)
    assert (figure.figure, figure.meets_target) == (100.0, True)


def test_invitations_are_counted_by_what_became_of_them(in_a):
    rated, waiting, lapsed = (returned_dossier(f"H15-INV-{number:04d}") for number in range(1, 4))
    rate(rated, 4, "2026-07-21T10:00:00+07:00")
    invitation_of(lapsed).expires_at = invitation_of(lapsed).invited_at
    today = invitation_of(waiting).invited_at.date()
    summary = reports.invitation_summary(today - timedelta(days=1), today + timedelta(days=1))
    assert (summary.sent, summary.rated, summary.open, summary.expired) == (3, 1, 1, 1)
    assert summary.percent_rated == 33.3
    assert reports.invitation_summary(*JULY).sent == 0  # sent today, not in July
