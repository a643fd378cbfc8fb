"""A citizen reachable only by phone (the dossier names no Zalo account) and a result attached: with the
province's ZNS template for results set, the result goes by ZNS with the dossier code and the signed link's
path, which the template's button opens (docs/zalo-oa.md §3, "Results by ZNS"); the link opens the download page.
Without a template the delivery fails saying no channel reaches the citizen, and nothing is sent. The console
sets the template, refusing what Zalo would not take."""

import re

import pytest
from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.delivery import sender
from platform_core.delivery.models import Delivery
from platform_core.extensions import db
from platform_core.results import service
from platform_core.settings.service import province_settings, save_setting
from platform_core.zalo.client_registry import zalo_client
from tests.conftest import as_tenant
from tests.console.support import text_of
from tests.results.support import CODE, PDF, PHONE, ready_dossier
from tests.zalo.conftest import connect_to_sandbox

TEMPLATE = "239001"
BUTTON = "http://127.0.0.1:5000/<result_link>"


@pytest.fixture
def phone_only(sandbox, tenant_a):
    """The province connected to the sandbox, a citizen with a Zalo account on the applicant's phone, and the
    dossier that names only that phone."""
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    citizen = sandbox.add_user(seeded.app_id, display_name="Nguyễn Văn An", phone=PHONE)
    sandbox.add_template(TEMPLATE, template_name="Bản điện tử của kết quả",
                         preview="Hồ sơ <dossier_code> đã có bản điện tử của kết quả. Bấm “Tải kết quả”.",
                         listParams=[{"name": "dossier_code", "require": True, "maxLength": 40},
                                     {"name": "result_link", "require": True, "maxLength": 200}],
                         listButtons=[{"type": 1, "title": "Tải kết quả", "content": BUTTON}])
    ready_dossier(tenant_a, zalo_user_id=None)
    return seeded, citizen


def _send_result(tenant) -> Delivery:
    with as_tenant(tenant):
        result = service.attach(CODE, PDF, "ket-qua.pdf")
        db.session.flush()
        delivery = db.session.scalar(select(Delivery).where(Delivery.notification_id == result.notification_id))
        delivery.state, delivery.attempts = "sending", 1
        sender.send(delivery, zalo_client())
        return delivery


def test_the_result_goes_by_zns_with_the_link_that_opens_the_download_page(client, sandbox, tenant_a, phone_only):
    seeded, citizen = phone_only
    with as_tenant(tenant_a):
        save_setting("result_zns", {"template_id": TEMPLATE, "code_param": "dossier_code", "link_param": "result_link"})
    delivery = _send_result(tenant_a)
    assert (delivery.state, delivery.channel) == ("sent", "zns")
    [message] = [m for m in sandbox.messages(oa_id=seeded.oa_id) if m["kind"] == "zns"]
    data = message["body"]["template_data"]
    assert message["body"]["template_id"] == TEMPLATE and data["dossier_code"] == CODE
    assert re.fullmatch(r"bac-ninh/ket-qua/[\w.-]+", data["result_link"]) and len(data["result_link"]) <= 200
    page = client.get("/" + data["result_link"])  # what the button opens, under the platform's address
    assert page.status_code == 200 and "4 số cuối" in text_of(page)
    assert client.post("/" + data["result_link"], data={"digits": PHONE[-4:]}).data == PDF
    phone_view = sandbox.http.get(f"/phone/{seeded.oa_id}/{citizen['user_id']}").text  # the citizen's Zalo
    assert f'href="http://127.0.0.1:5000/{data["result_link"]}"' in phone_view and "Tải kết quả" in phone_view


def test_without_a_template_nothing_is_sent_and_the_delivery_says_why(sandbox, tenant_a, phone_only):
    seeded, _ = phone_only
    delivery = _send_result(tenant_a)
    assert delivery.state == "failed" and "no channel reaches this citizen" in delivery.error_message
    assert sandbox.messages(oa_id=seeded.oa_id) == []


def test_the_console_sets_the_template_and_refuses_what_zalo_would_not_take(admin_a, tenant_a):
    client = admin_a.client
    page = client.get("/bac-ninh/admin/results/")
    assert page.status_code == 200 and 'action="/bac-ninh/admin/results/zns"' in text_of(page)
    refused = client.post("/bac-ninh/admin/results/zns", data={"template_id": "mẫu 1", "code_param": "dossier_code",
                                                               "link_param": "result_link"})
    assert refused.status_code == 422 and "mẫu ZNS" in text_of(refused)
    same = client.post("/bac-ninh/admin/results/zns", data={"template_id": TEMPLATE, "code_param": "ma_ho_so",
                                                            "link_param": "ma_ho_so"})
    assert same.status_code == 422
    saved = client.post("/bac-ninh/admin/results/zns", data={"template_id": TEMPLATE, "code_param": "dossier_code",
                                                             "link_param": "result_link"})
    assert saved.status_code == 302
    with as_tenant(tenant_a):
        assert province_settings().result_zns == {"template_id": TEMPLATE, "code_param": "dossier_code",
                                          "link_param": "result_link"}
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "result_zns_template_changed"))
        assert event.details["after"]["template_id"] == TEMPLATE
    client.post("/bac-ninh/admin/results/zns", data={"template_id": "", "code_param": "", "link_param": ""})
    with as_tenant(tenant_a):
        assert province_settings().result_zns is None
