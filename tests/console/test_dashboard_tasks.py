"""The dashboard's "Waiting for you": what waits for someone in the province, how many, and where it is done."""

from datetime import timedelta

from platform_core.broadcasts.constants import PENDING_APPROVAL
from platform_core.broadcasts.models import Broadcast
from platform_core.db.types import utcnow
from platform_core.delivery.models import Delivery
from platform_core.extensions import db
from platform_core.feedback import service as feedback_service
from platform_core.feedback.constants import CHANNEL_WEB
from tests import factories
from tests.conftest import as_tenant
from tests.console.support import admin_a, officer_a, text_of  # noqa: F401 - fixtures
from tests.zalo.conftest import connected_a  # noqa: F401 - fixture

URL = "/bac-ninh/admin/?lang=en"
CONTENT = "Bộ phận một cửa xã hẹn trả kết quả trễ năm ngày mà không báo trước."


def feedback_due(tenant, in_days: float):
    """An open feedback whose current deadline (rejection or acceptance) falls `in_days` from now."""
    with as_tenant(tenant):
        feedback = feedback_service.submit(CHANNEL_WEB, CONTENT, name="Trần Thị Bình", phone="0987654321")
        feedback.deadline_reject_at = utcnow() + timedelta(days=in_days)
        db.session.flush()


def test_nothing_waiting_is_said_plainly(admin_a, connected_a):  # noqa: F811
    html = text_of(admin_a.client.get(URL))
    assert "Waiting for you" in html and "Nothing waits for anyone" in html


def test_overdue_and_soon_due_feedback_pending_news_and_failed_messages_are_listed(admin_a, tenant_a,  # noqa: F811
                                                                                  connected_a):  # noqa: F811
    feedback_due(tenant_a, -1)
    feedback_due(tenant_a, -3)
    feedback_due(tenant_a, 1)
    feedback_due(tenant_a, 10)  # not yet a task
    with as_tenant(tenant_a):
        db.session.add(Broadcast(title="Tin mới", body="Nội dung", status=PENDING_APPROVAL))
        factories.create_dossier("H15-TASK-01")
        for delivery in db.session.scalars(db.select(Delivery)).all():
            delivery.state = "failed"
        db.session.flush()
    html = text_of(admin_a.client.get(URL))
    assert "2 feedback are past their deadline." in html and "/bac-ninh/admin/feedback/?overdue=y" in html
    assert "1 feedback is due within two days." in html
    assert "1 policy news item waits for a second administrator&#39;s approval." in html
    assert "message failed in the last seven days." in html and "/bac-ninh/admin/deliveries/?state=failed" in html
    assert "Nothing waits for anyone" not in html and "Zalo connection cannot send" not in html


def test_a_zalo_connection_that_cannot_send_comes_first_for_admins_only(admin_a, officer_a):  # noqa: F811
    html = text_of(admin_a.client.get(URL))
    tasks = html[html.index("Waiting for you"):]
    assert tasks.index("The Zalo connection cannot send messages") < tasks.index("</ul>")
    assert "/bac-ninh/admin/zalo/" in tasks
    assert "The Zalo connection cannot send messages" not in text_of(officer_a.client.get(URL))


def test_the_tasks_are_in_vietnamese(admin_a, tenant_a, connected_a):  # noqa: F811
    feedback_due(tenant_a, -1)
    html = text_of(admin_a.client.get("/bac-ninh/admin/?lang=vi"))
    assert "Việc đang chờ" in html and "1 phản ánh, kiến nghị đã quá hạn." in html
