"""Setup step 5: every message's Vietnamese default with its card, the console's editor inside the wizard, and
"These look right", which finishes the step for the go-live checklist."""

import re

import pytest
from flask import url_for
from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.extensions import db
from platform_core.notices import templates
from platform_core.notices.kinds import MESSAGE_KINDS
from platform_core.notices.rendering import SAMPLE_CONTEXT
from platform_core.onboarding import wizard
from platform_core.onboarding.constants import STEP_TEMPLATES
from tests import factories
from tests.auth.support import add_membership, sign_in
from tests.conftest import TENANT_A_SLUG, TENANT_B_SLUG, as_tenant
from tests.notices.test_template_admin import form_data, in_english, versions


def step_url(app, endpoint: str = "templates", slug: str = TENANT_A_SLUG, **values) -> str:
    with app.test_request_context():
        return url_for(f"onboarding.{endpoint}", tenant_slug=slug, **values)


@pytest.fixture
def admin(tenant_a):
    return factories.create_user("quantri@bacninh.gov.vn", full_name="Trần Thị Lan", tenant=tenant_a, role="admin")


@pytest.fixture
def admin_client(client, admin):
    sign_in(client, admin.email)
    return in_english(client)


def progress(tenant):
    db.session.expire_all()
    with as_tenant(tenant):
        return wizard.progress()


def test_the_step_shows_every_message_with_its_card_and_an_edit_link(app, admin_client):
    html = admin_client.get(step_url(app)).get_data(as_text=True)
    assert "Step 5 of 7" in html
    assert html.count('<div class="zcard">') == len(MESSAGE_KINDS)
    assert html.count(f"<td>{SAMPLE_CONTEXT['ma_ho_so']}</td>") == len(MESSAGE_KINDS)
    assert "Hồ sơ đã được tiếp nhận" in html and "Xin lỗi và hẹn lại ngày trả kết quả" in html
    for kind in MESSAGE_KINDS:
        assert f'href="/bac-ninh/setup/templates/{kind}"' in html
    assert html.count("Default text.") == len(MESSAGE_KINDS)


def test_these_look_right_finishes_the_step_and_goes_to_the_next(app, admin_client, tenant_a, admin):
    assert progress(tenant_a).templates_reviewed_at is None
    response = admin_client.post(step_url(app))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/bac-ninh/setup/test-message")
    row = progress(tenant_a)
    assert row.templates_reviewed_at is not None
    assert STEP_TEMPLATES in row.completed_steps
    with as_tenant(tenant_a):
        [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "templates_reviewed"))
        assert event.actor_id == admin.id
        assert event.details == {"versions": dict.fromkeys(MESSAGE_KINDS, 1)}
        assert [t.version for t in templates.history("apology")] == [1]  # what was approved is on record


def test_an_edit_in_the_wizard_uses_the_console_editor_and_comes_back_to_the_step(app, admin_client, tenant_a):
    edit = step_url(app, "template_edit", kind="result_ready")
    html = admin_client.get(edit).get_data(as_text=True)
    assert "Step 5 of 7" in html and 'data-preview-url="/bac-ninh/admin/templates/result_ready/preview"' in html
    assert '<p class="zcard__header">Hồ sơ đã có kết quả</p>' in html

    data = form_data(tenant_a, "result_ready", card_header="Mời nhận kết quả hồ sơ {{ ma_ho_so }}", action="save")
    response = admin_client.post(edit, data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/bac-ninh/setup/templates")
    assert versions(tenant_a, "result_ready") == [2, 1]
    html = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"Mời nhận kết quả hồ sơ {SAMPLE_CONTEXT['ma_ho_so']}" in html
    assert "Edited by Trần Thị Lan (version 2)." in html


def test_an_unknown_field_is_refused_inside_the_wizard(app, admin_client, tenant_a):
    data = form_data(tenant_a, "received", card_text="Chào {{ ho_ten_sai }}", action="save")
    response = admin_client.post(step_url(app, "template_edit", kind="received"), data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Step 5 of 7" in html and "unknown field “ho_ten_sai”" in html
    assert versions(tenant_a) == [1]
    assert progress(tenant_a).templates_reviewed_at is None


def test_an_officer_gets_404(app, client, tenant_a):
    factories.create_user("canbo@bacninh.gov.vn", tenant=tenant_a, role="officer")
    sign_in(client, "canbo@bacninh.gov.vn")
    assert client.get(step_url(app)).status_code == 404
    assert client.post(step_url(app)).status_code == 404
    assert client.get(step_url(app, "template_edit", kind="received")).status_code == 404
    assert progress(tenant_a).templates_reviewed_at is None


def test_province_a_admin_gets_404_on_province_b_step(app, admin_client, tenant_b):
    assert admin_client.get(step_url(app, slug=TENANT_B_SLUG)).status_code == 404
    assert admin_client.post(step_url(app, slug=TENANT_B_SLUG)).status_code == 404
    assert admin_client.post(step_url(app, "template_edit", slug=TENANT_B_SLUG, kind="received"),
                             data=form_data(tenant_b, action="save")).status_code == 404
    assert progress(tenant_b).templates_reviewed_at is None
    assert versions(tenant_b) == [1]


def test_an_admin_of_both_provinces_reviews_each_separately(app, admin_client, admin, tenant_a, tenant_b):
    add_membership(admin, tenant_b, "admin")
    assert admin_client.post(step_url(app, slug=TENANT_B_SLUG)).status_code == 302
    assert progress(tenant_b).templates_reviewed_at is not None
    assert progress(tenant_a).templates_reviewed_at is None


def test_without_the_csrf_token_the_step_is_not_marked(app, admin_client, tenant_a, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert admin_client.post(step_url(app)).status_code == 400
    assert progress(tenant_a).templates_reviewed_at is None
    html = admin_client.get(step_url(app)).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    assert admin_client.post(step_url(app), data={"csrf_token": token}).status_code == 302
    assert progress(tenant_a).templates_reviewed_at is not None
