"""The daily digest (once a day at the official's hour, Vietnam time) and the platform's own notices for
dossiers near their appointment (to the one-stop desk)."""

from datetime import UTC, datetime, timedelta

from platform_core.officials import digest, near_due, service
from tests import factories
from tests.conftest import as_tenant
from tests.feedback.conftest import zalo_feedback
from tests.officials.conftest import make_official, sent_messages

MORNING = datetime(2026, 11, 30, 0, 30, tzinfo=UTC)  # 07:30 in Vietnam


def digests(tenant) -> list[dict]:
    return [context for _, context in sent_messages(tenant) if context["header"].startswith("Tổng hợp")]


def add_notices(tenant):
    with as_tenant(tenant):
        for kind, fields in (("incoming_document", {}), ("incoming_document", {"due_at": MORNING + timedelta(hours=5)}),
                             ("meeting", {"starts_at": MORNING + timedelta(hours=2), "location": "Phòng 1"}),
                             ("awaiting_approval", {"secrecy": "mat"})):
            service.create_notices({"kind": kind, "recipients": ["CB-001"], "title": f"Việc BÍ-MẬT {kind}",
                                    **fields}, now=MORNING - timedelta(days=1))


def test_the_digest_counts_open_notices_meetings_today_and_what_falls_due(tenant_a, official_a):
    official_a.profile.digest_hour = 7
    add_notices(tenant_a)
    with as_tenant(tenant_a):
        assert digest.send_digests(MORNING - timedelta(hours=1)) == 0  # 06:30: not yet
        assert digest.send_digests(MORNING) == 1
    [sent] = digests(tenant_a)
    assert sent["header"] == "Tổng hợp ngày 30/11/2026"
    assert sent["text"].splitlines()[1:] == [
        "Văn bản đến cần xử lý: 2", "Văn bản chờ phê duyệt: 1", "Lịch họp: 1",
        "Cuộc họp hôm nay: 1", "Sắp đến hạn (24 giờ tới): 1"]
    assert "BÍ-MẬT" not in str(sent)


def test_the_digest_is_sent_once_a_day(tenant_a, official_a):
    add_notices(tenant_a)
    with as_tenant(tenant_a):
        assert digest.send_digests(MORNING) == 1
        assert digest.send_digests(MORNING + timedelta(hours=3)) == 0
        assert digest.send_digests(MORNING + timedelta(days=1)) == 1
    assert official_a.profile.last_digest_on == "2026-12-01"
    assert len(digests(tenant_a)) == 2


def test_no_digest_when_nothing_is_open_or_the_official_is_inactive(tenant_a, official_a):
    with as_tenant(tenant_a):
        assert digest.send_digests(MORNING) == 0
    assert official_a.profile.last_digest_on == "2026-11-30"
    add_notices(tenant_a)
    official_a.profile.active = False
    with as_tenant(tenant_a):
        assert digest.send_digests(MORNING + timedelta(days=1)) == 0


def test_the_one_stop_desk_is_told_once_of_a_dossier_near_its_appointment(tenant_a, official_a):
    desk = make_official(tenant_a, "mot-cua@bacninh.gov.vn", "MC-01", "zalo-mot-cua", position="mot_cua")
    now = datetime(2026, 7, 23, 17, 0, tzinfo=UTC)  # the factory dossier is due 24/07 17:00 (+07:00)
    with as_tenant(tenant_a):
        factories.create_dossier("H15.50.05.13-260715-0001")
        factories.create_dossier("H15.50.05.13-260715-0002", due_at="2026-07-30T17:00:00+07:00")
        assert near_due.notify_dossiers_near_due(now) == 1
        assert near_due.notify_dossiers_near_due(now + timedelta(hours=1)) == 0
    [(recipient, context)] = [row for row in sent_messages(tenant_a) if row[1].get("header") == "Hồ sơ sắp đến hạn"]
    assert recipient == desk.zalo_user_id
    assert "H15.50.05.13-260715-0001" in context["text"] and "Hạn xử lý: 17:00 24/07/2026" in context["text"]


def test_the_one_stop_desk_is_told_once_of_feedback_near_its_deadline(tenant_a, official_a):
    desk = make_official(tenant_a, "mot-cua@bacninh.gov.vn", "MC-01", "zalo-mot-cua", position="mot_cua")
    feedback = zalo_feedback(tenant_a)  # Monday 2/11: to be accepted or refused by the end of Wednesday 4/11
    wednesday_morning = datetime(2026, 11, 4, 0, 0, tzinfo=UTC)
    with as_tenant(tenant_a):
        assert near_due.notify_dossiers_near_due(wednesday_morning - timedelta(days=1)) == 0  # 2 days away
        assert near_due.notify_dossiers_near_due(wednesday_morning) == 1
        assert near_due.notify_dossiers_near_due(wednesday_morning + timedelta(hours=1)) == 0
    [(recipient, context)] = [row for row in sent_messages(tenant_a) if feedback.code in row[1].get("text", "")]
    assert recipient == desk.zalo_user_id
