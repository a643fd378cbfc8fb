"""The province dashboard's "Waiting for you", in a real Chromium at a phone's 390 px and a laptop's 1280 px:
an administrator signs in, lands on the console, reads what waits (overdue feedback, policy news to approve,
failed messages, a Zalo connection that cannot send) and follows a task to the page where it is done.

Screenshots: docs/screenshots/dashboard-tasks-<width>.png (referenced from the README)."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from platform_core.broadcasts.constants import PENDING_APPROVAL
from platform_core.broadcasts.models import Broadcast
from platform_core.config import REPO_ROOT
from platform_core.db.types import utcnow
from platform_core.delivery.models import Delivery
from platform_core.extensions import db
from platform_core.feedback import service as feedback_service
from platform_core.feedback.constants import CHANNEL_WEB
from platform_core.tenancy.models import Tenant
from tests import factories
from tests.conftest import as_tenant
from tests.e2e.conftest import assert_fits, vi
from tests.e2e.test_layout import LAPTOP, PHONE, browse, sign_in  # noqa: F401 - fixture

pytestmark = pytest.mark.browser

ADMIN = "viec-cho@bacninh.gov.vn"
SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
CONTENT = "Bộ phận một cửa xã hẹn trả kết quả trễ năm ngày mà không báo trước."


@pytest.fixture(scope="module")
def waiting(site) -> None:
    """On the site's database: two overdue feedback, one policy news item to approve, one failed message."""
    with site["app"].app_context():
        bac_ninh = db.session.scalar(select(Tenant).where(Tenant.slug == "bac-ninh"))
        factories.create_user(ADMIN, full_name="Đỗ Thị Việc", tenant=bac_ninh, role="admin")
        with as_tenant(bac_ninh):
            for _ in range(2):
                feedback = feedback_service.submit(CHANNEL_WEB, CONTENT, name="Trần Thị Bình", phone="0987654321")
                feedback.deadline_reject_at = utcnow() - timedelta(days=1)
            db.session.add(Broadcast(title="Lịch tiếp dân tháng 12", body="Nội dung", status=PENDING_APPROVAL))
            factories.create_dossier("H15-VIEC-0001", procedure_code="1.001193")
            for delivery in db.session.scalars(select(Delivery)).all():
                delivery.state = "failed"
            db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390px", "1280px"])
def test_the_dashboard_says_what_waits_and_leads_to_it(site, waiting, browse, viewport):  # noqa: F811
    page = browse(viewport)
    sign_in(page, site, ADMIN)
    expect(page).to_have_url(re.compile(r"/bac-ninh/admin/$"))  # sign-in lands on the console
    tasks = page.get_by_role("region", name=vi("Waiting for you"))
    expect(tasks.get_by_text("2 phản ánh, kiến nghị đã quá hạn.")).to_be_visible()
    expect(tasks.get_by_text("1 tin chính sách đang chờ quản trị viên thứ hai phê duyệt.")).to_be_visible()
    expect(tasks.get_by_text(re.compile(r"\d+ tin nhắn gửi lỗi trong bảy ngày qua\."))).to_be_visible()
    expect(tasks.locator(".task").first).to_contain_text("Kết nối Zalo hiện không gửi được tin nhắn")
    assert_fits(page, viewport["width"])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"dashboard-tasks-{viewport['width']}.png", full_page=True)
    tasks.get_by_role("link", name="Xử lý phản ánh quá hạn").click()
    expect(page).to_have_url(re.compile(r"/bac-ninh/admin/feedback/\?overdue=y$"))
    expect(page.locator("main").get_by_text(CONTENT[:40])).to_have_count(2)
