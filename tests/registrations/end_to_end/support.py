"""What the end-to-end registration tests share: the marriage procedures and an admin of the province, the
province running with a worker and the pump, the console signed in, the citizen's messages in the sandbox, a
form link made as the bot makes it."""

from datetime import UTC, datetime

import httpx

from platform_core.extensions import db
from platform_core.registrations import service
from tests import factories
from tests.auth.support import add_membership
from tests.pipeline.stack import add_province

MARRIAGE = "1.000894"


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def seed(stack, **marriage) -> None:
    """The marriage procedures of the catalogue and an admin of the province."""
    with stack.app.app_context(), stack.in_tenant("bac-ninh"):
        factories.create_procedure(MARRIAGE, "Đăng ký kết hôn", agency="UBND xã Tiên Du", processing_time_value=3,
                                   processing_time_unit="working_day", fee_vnd=0, result="Giấy chứng nhận kết hôn",
                                   **marriage)
        factories.create_procedure("1.000893", "Đăng ký kết hôn có yếu tố nước ngoài", processing_time_value=10,
                                   processing_time_unit="working_day")
        admin = factories.create_user("admin@bac-ninh.test", full_name="Quản trị Bắc Ninh")
        add_membership(admin, factories.tenant_by_slug("bac-ninh"), "admin")
        db.session.commit()
        db.session.remove()


def running_province(stack, sandbox, **marriage):
    """Bắc Ninh connected to its sandbox OA (receipts after 100 ms), seeded, with a worker and the pump running;
    returns the province (tests/pipeline/stack.add_province)."""
    province = add_province(stack, sandbox, "bac-ninh", "Bắc Ninh")
    sandbox.settings(receipt_delay_ms=100, echo_sends=False)
    seed(stack, **marriage)
    stack.start_workers(1)
    stack.start_pump()
    return province


def console(stack) -> httpx.Client:
    client = httpx.Client(base_url=stack.url, timeout=10)
    assert client.post("/login", data={"email": "admin@bac-ninh.test",
                                       "password": factories.DEFAULT_PASSWORD}).status_code == 302
    return client


def chat(sandbox, province, citizen, marker: str) -> list:
    return [message for message in sandbox.messages(oa_id=province.oa_id, user_id=citizen["user_id"])
            if marker in str(message["body"])]


def form_link(stack, zalo_user_id: str, code: str = MARRIAGE) -> str:
    """The link the bot would send this citizen (tests/registrations/end_to_end/test_registration_on_zalo.py
    shows the bot sending it)."""
    with stack.app.app_context(), stack.in_tenant("bac-ninh"):
        return service.form_url(factories.tenant_by_slug("bac-ninh"), code, zalo_user_id)
