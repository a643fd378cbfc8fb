"""The platform's notices to a province's administrators (officials/team_notices.py): who is told, what the
notice links to, that a province in trial still reaches its team, and that e-mails wait for the commit."""

from sqlalchemy import select

from platform_core.broadcasts import service as broadcasts
from platform_core.broadcasts.models import Broadcast
from platform_core.db.after_commit import after_commit
from platform_core.delivery.models import Delivery, Notification
from platform_core.extensions import db
from platform_core.officials.constants import KIND_BROADCAST_APPROVAL, PLATFORM_SOURCE
from platform_core.officials.messages import notice_email, notice_message
from platform_core.officials.models import InternalNotice
from tests import factories
from tests.conftest import as_tenant
from tests.delivery.trial_support import link_follower


def test_submitted_news_tells_the_other_admins_even_in_trial_with_a_link_to_it(tenant_a):
    tenant_a.status = "trial"
    author = factories.create_user("tac-gia@bacninh.gov.vn", full_name="Trần Thị Lan", tenant=tenant_a, role="admin")
    other = factories.create_user("duyet@bacninh.gov.vn", full_name="Lê Văn Hùng", tenant=tenant_a, role="admin")
    factories.create_user("can-bo@bacninh.gov.vn", tenant=tenant_a, role="officer")
    link_follower(tenant_a, "zalo-tac-gia", author)
    link_follower(tenant_a, "zalo-duyet", other)
    with as_tenant(tenant_a):
        broadcast = Broadcast(title="Lịch tiếp dân tháng 12", body="Nội dung", created_by_id=author.id)
        db.session.add(broadcast)
        db.session.flush()
        broadcasts.submit(broadcast, author)
        db.session.flush()
        [notice] = db.session.scalars(select(InternalNotice)).all()
        [delivery] = db.session.scalars(select(Delivery)).all()
        assert (notice.user_id, notice.kind, notice.source_system) == (other.id, KIND_BROADCAST_APPROVAL,
                                                                      PLATFORM_SOURCE)
        assert notice.link_url.endswith(f"/bac-ninh/admin/broadcasts/{broadcast.id}")
        assert notice.status == "sent" and delivery.state != "failed"  # the trial screen lets the team through
        context = db.session.scalar(select(Notification.context).where(Notification.id == delivery.notification_id))
        assert context["buttons"][0]["url"] == notice.link_url
        button_titles = [button.title for button in notice_message(notice, 0).buttons]
        email = notice_email(notice, "Lê Văn Hùng", "duyet@bacninh.gov.vn", "Motcua <moi@motcua.test>")
    assert button_titles == ["Mở trang xử lý", "Đã nhận"]
    assert email["Subject"] == "[Motcua] Tin “Lịch tiếp dân tháng 12” chờ phê duyệt"
    assert notice.link_url in email.get_body(("plain",)).get_content()


def test_work_after_commit_runs_once_committed_and_never_after_a_rollback():
    ran = []
    db.session.connection()  # inside a transaction, as a caller always is
    after_commit(db.session, lambda: ran.append("dropped"))
    db.session.rollback()
    db.session.connection()
    after_commit(db.session, lambda: ran.append("first"))
    with db.session.begin_nested():
        after_commit(db.session, lambda: ran.append("second"))
    assert ran == []
    db.session.commit()
    db.session.commit()
    assert ran == ["first", "second"]
