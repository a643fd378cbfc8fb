"""The province console's message template pages: list, editor (with the no-JS preview), the live preview
endpoint, history, diff, restore; who may open them, and one province's templates only."""

import html
import re

import pytest
from flask import url_for
from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.extensions import db
from platform_core.notices import templates
from platform_core.notices.kinds import KINDS, MESSAGE_KINDS
from platform_core.notices.models import MessageTemplate
from platform_core.notices.placeholders import to_readable
from platform_core.notices.rendering import SAMPLE_CONTEXT, fields_of
from tests import factories
from tests.auth.support import sign_in
from tests.conftest import CANARY, TENANT_A_SLUG, TENANT_B_SLUG, as_tenant

CODE = SAMPLE_CONTEXT["ma_ho_so"]
RECEIVED_TEXT = "Kính gửi Ông/Bà {{ nguoi_nop }},\nHồ sơ {{ ma_ho_so }} đã được tiếp nhận.\nXin cảm ơn."


def url(app, endpoint: str, slug: str = TENANT_A_SLUG, **values) -> str:
    with app.test_request_context():
        return url_for(f"templates_admin.{endpoint}", tenant_slug=slug, **values)


def in_english(client):
    client.get("/?lang=en")  # the messages below are asserted in English; Vietnamese is the default
    return client


@pytest.fixture
def admin(tenant_a):
    return factories.create_user("quantri@bacninh.gov.vn", full_name="Trần Thị Lan", tenant=tenant_a, role="admin")


@pytest.fixture
def admin_client(client, admin):
    sign_in(client, admin.email)
    return in_english(client)


def form_data(tenant, kind: str = "received", **changes) -> dict:
    """What the editor posts for the current version of `kind`, with `changes`."""
    with as_tenant(tenant):
        current = templates.current_template(kind)
        data = {name: getattr(current, name) or "" for name in
                ("text", "card_header", "card_text", "status_colour", "zns_template_id")}
        data["zns_params"] = "\n".join(templates.zns_param_lines(current.zns_params))
        data["based_on"] = str(current.version)
    return {**data, **changes}


def versions(tenant, kind: str = "received") -> list[int]:
    db.session.expire_all()
    with as_tenant(tenant):
        return [template.version for template in templates.history(kind)]


def audit(tenant, action: str = templates.AUDIT_SAVED) -> list[AuditEvent]:
    with as_tenant(tenant):
        return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def page(response) -> str:
    return response.get_data(as_text=True)


# --- list and editor ---------------------------------------------------------------------------------------------

def test_the_list_shows_every_message_with_its_version_and_who_changed_it(app, admin_client, tenant_a, admin):
    admin_client.post(url(app, "edit", kind="refused"),
                      data=form_data(tenant_a, "refused", card_header="Hồ sơ chưa được tiếp nhận", action="save"))
    html = page(admin_client.get(url(app, "index")))
    with app.test_request_context("/?lang=en"):
        assert all(str(label) in html for label, _hint in KINDS.values())
    refused_row = re.search(r"<tr>\s*<td><a href=\"[^\"]*/refused\">.*?</tr>", html, re.S).group(0)
    assert re.search(r"<td[^>]*>2</td>", refused_row) and "Trần Thị Lan" in refused_row
    assert html.count("Default text from the province's files") == len(MESSAGE_KINDS) - 1


def test_every_message_kind_has_a_label():
    assert set(KINDS) == set(MESSAGE_KINDS)


def test_the_editor_shows_the_current_version_its_card_and_the_fields_available(app, admin_client, tenant_a):
    html = page(admin_client.get(url(app, "edit", kind="received")))
    current = form_data(tenant_a)
    assert f'value="{current["card_header"]}"' in html
    assert f'<p class="zcard__header">{current["card_header"]}</p>' in html
    assert f"<td>{CODE}</td>" in html and '<span class="zcard__button">Tra cứu</span>' in html
    assert "Bắc Ninh" in html  # the sample dossier is placed in the province
    assert "{{ ho_ten_sai }}" not in html
    assert "Kính gửi Ông/Bà [Họ tên người nộp]," in html and "{{ nguoi_nop }}" not in html  # the admin's words
    for label in ("Mã hồ sơ", "Họ tên người nộp", "Tên Zalo OA"):  # a button each, and the text to copy
        assert f'data-insert="[{label}]"' in html and f"<code data-picker-code>[{label}]</code>" in html
    assert 'data-insert="[Giấy tờ cần bổ sung]"' not in html  # only a supplement request carries documents
    assert 'data-preview-url="/bac-ninh/admin/templates/received/preview"' in html
    assert "js/template-preview.js" in html and "js/template-fields.js" in html


def test_a_supplement_request_offers_the_missing_documents_joined_or_one_per_line(app, admin_client):
    html = page(admin_client.get(url(app, "edit", kind="supplement_required")))
    assert 'data-insert="[Giấy tờ cần bổ sung]"' in html
    assert 'data-insert="[Giấy tờ cần bổ sung, mỗi giấy tờ một dòng]"' in html
    assert "[Giấy tờ cần bổ sung, mỗi giấy tờ một dòng]\n{% endif %}" in html  # the default text, as edited


def test_fields_written_in_brackets_are_saved_as_the_jinja_the_workers_render(app, admin_client, tenant_a):
    data = form_data(tenant_a, card_header="Đã nhận hồ sơ [mã hồ sơ]", action="save",
                     text="Kính gửi Ông/Bà [Họ tên người nộp],\n{% if ly_do %}Lý do: [Lý do]{% endif %} [[số 1]]")
    response = admin_client.post(url(app, "edit", kind="received"), data=data)
    assert response.status_code == 302
    with as_tenant(tenant_a):
        saved = templates.current_template("received")
        assert saved.card_header == "Đã nhận hồ sơ {{ ma_ho_so }}"
        assert saved.text == "Kính gửi Ông/Bà {{ nguoi_nop }},\n{% if ly_do %}Lý do: {{ ly_do }}{% endif %} [số 1]"


def test_a_syntax_error_quotes_the_line_as_the_admin_wrote_it(app, admin_client, tenant_a):
    data = form_data(tenant_a, card_text="Hồ sơ [Mã hồ sơ]\n{% if ly_do %}Lý do: [Lý do]", action="preview")
    shown = html.unescape(page(admin_client.post(url(app, "edit", kind="received"), data=data)))
    assert "syntax error on line 2 (“{% if ly_do %}Lý do: [Lý do]”): a {% if %} is never closed" in shown


def test_a_condition_on_a_field_in_brackets_is_told_how_conditions_name_fields(app, admin_client, tenant_a):
    data = form_data(tenant_a, card_text="{% if [Lý do] %}Lý do: [Lý do]{% endif %}", action="preview")
    shown = html.unescape(page(admin_client.post(url(app, "edit", kind="received"), data=data)))
    assert ("(“{% if [Lý do] %}Lý do: [Lý do]{% en…”): braces are not written as expected: a field is written "
            "[Mã hồ sơ]; inside {% %} it is named as in conditions, e.g. {% if ly_do %}") in shown


def test_an_unknown_field_in_brackets_is_named_and_nothing_is_saved(app, admin_client, tenant_a):
    data = form_data(tenant_a, card_text="Hồ sơ [Mã hồ sở] đã nhận.\nGửi [Người ký].", action="save")
    response = admin_client.post(url(app, "edit", kind="received"), data=data)
    assert response.status_code == 422 and versions(tenant_a) == [1]
    shown = html.unescape(page(response))
    assert "there is no field “[Mã hồ sở]” (line 1): did you mean “[Mã hồ sơ]”?" in shown
    assert "there is no field “[Người ký]” (line 2): pick a field from the list" in shown


def test_saving_an_edit_adds_a_version_by_its_author_and_is_audited(app, admin_client, tenant_a, admin):
    data = form_data(tenant_a, card_header="Đã nhận hồ sơ {{ ma_ho_so }}", text=RECEIVED_TEXT,
                     status_colour="green", action="save")
    response = admin_client.post(url(app, "edit", kind="received"), data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/templates/received/history")
    assert versions(tenant_a) == [2, 1]
    with as_tenant(tenant_a):
        saved = templates.current_template("received")
        assert (saved.card_header, saved.text, saved.status_colour) == (
            "Đã nhận hồ sơ {{ ma_ho_so }}", RECEIVED_TEXT, "green")
        assert saved.created_by_id == admin.id
        assert templates.template_version("received", 1).card_header == "Hồ sơ đã được tiếp nhận"
    [event] = audit(tenant_a)
    assert (event.actor_id, event.details) == (admin.id, {"event_kind": "received", "version": 2})
    assert "saved as version 2" in page(admin_client.get(response.headers["Location"]))


def test_an_unknown_field_is_refused_naming_it_and_its_line_and_nothing_is_saved(app, admin_client, tenant_a):
    text = "Kính gửi Ông/Bà {{ nguoi_nop }},\nHồ sơ của {{ ho_ten_sai }} đã được tiếp nhận."
    response = admin_client.post(url(app, "edit", kind="received"), data=form_data(tenant_a, text=text, action="save"))
    assert response.status_code == 422
    html = page(response)
    assert '<p class="field__error" id="text-error">unknown field “ho_ten_sai” on line 2</p>' in html
    assert 'aria-invalid="true"' in html
    assert "Hồ sơ của {{ ho_ten_sai }} đã được tiếp nhận.</textarea>" in html  # what was typed is kept
    assert versions(tenant_a) == [1]
    assert audit(tenant_a) == []


def test_bad_syntax_is_refused_naming_the_line(app, admin_client, tenant_a):
    card_text = "Hồ sơ đã được tiếp nhận.\n{% if ngay_hen_tra %}Hẹn trả: {{ ngay_hen_tra }}"
    response = admin_client.post(url(app, "edit", kind="received"),
                                 data=form_data(tenant_a, card_text=card_text, action="save"))
    assert response.status_code == 422
    assert re.search(r'id="card_text-error">syntax error on line 2 \(“{% if ngay_hen_tra %}Hẹn trả: [^<]*”\): '
                     r'a {% if %} is never closed: add {% endif %}', html.unescape(page(response)))
    assert versions(tenant_a) == [1]


def test_texts_over_zalo_limits_are_refused(app, admin_client, tenant_a):
    response = admin_client.post(url(app, "edit", kind="received"),
                                 data=form_data(tenant_a, card_header="Thông báo " * 11, action="save"))
    assert response.status_code == 422
    assert "the fixed text alone is 110 characters; at most 100" in page(response)
    assert versions(tenant_a) == [1]


def test_the_preview_button_shows_the_entered_values_without_saving(app, admin_client, tenant_a):
    data = form_data(tenant_a, card_header="Xem trước {{ ma_ho_so }}", action="preview")
    response = admin_client.post(url(app, "edit", kind="received"), data=data)
    assert response.status_code == 200
    html = page(response)
    assert 'value="Xem trước {{ ma_ho_so }}"' in html
    assert f'<p class="zcard__header">Xem trước {CODE}</p>' in html
    assert versions(tenant_a) == [1]


def test_zns_parameters_are_one_a_line_and_unreadable_lines_are_reported(app, admin_client, tenant_a):
    bad = form_data(tenant_a, zns_template_id="231001", zns_params="customer_name: {{ nguoi_nop }}\nno colon here",
                    action="save")
    response = admin_client.post(url(app, "edit", kind="received"), data=bad)
    assert response.status_code == 422
    assert "Line 2: write “name: value”." in page(response)
    assert versions(tenant_a) == [1]

    good = {**bad, "zns_params": "customer_name: {{ nguoi_nop|truncate(30) }}\n\ndossier_code:{{ ma_ho_so }}"}
    assert admin_client.post(url(app, "edit", kind="received"), data=good).status_code == 302
    with as_tenant(tenant_a):
        saved = templates.current_template("received")
        assert (saved.zns_template_id, saved.zns_params) == (
            "231001", {"customer_name": "{{ nguoi_nop|truncate(30) }}", "dossier_code": "{{ ma_ho_so }}"})


def test_an_unknown_zns_field_is_reported_with_its_parameter(app, admin_client, tenant_a):
    data = form_data(tenant_a, zns_params="customer_name: {{ so_cmnd }}", action="save")
    response = admin_client.post(url(app, "edit", kind="received"), data=data)
    assert response.status_code == 422
    assert 'id="zns_params-error">customer_name: unknown field “so_cmnd”</p>' in page(response)


def test_saving_without_changes_adds_no_version(app, admin_client, tenant_a):
    response = admin_client.post(url(app, "edit", kind="received"), data=form_data(tenant_a, action="save"))
    assert response.status_code == 302
    assert versions(tenant_a) == [1]
    assert "no new version was saved" in page(admin_client.get(response.headers["Location"]))


def test_a_save_over_a_version_saved_meanwhile_is_refused(app, admin_client, tenant_a):
    stale = form_data(tenant_a, card_header="Bản của tôi", action="save")
    with as_tenant(tenant_a):
        templates.save_template("received", {"card_header": "Bản của đồng nghiệp"})
    response = admin_client.post(url(app, "edit", kind="received"), data=stale)
    assert response.status_code == 422
    assert "version 2 was saved while you were editing" in page(response)
    assert versions(tenant_a) == [2, 1]


# --- the live preview endpoint -------------------------------------------------------------------------------------

def test_the_preview_endpoint_returns_the_rendered_card(app, admin_client, tenant_a):
    data = form_data(tenant_a, card_header="Đã nhận {{ ma_ho_so }}", card_text="Chào {{ nguoi_nop }}.",
                     status_colour="green")
    response = admin_client.post(url(app, "preview", kind="received"), data=data)
    assert response.status_code == 200
    body = response.get_json()
    elements = body["card"]["payload"]["elements"]
    assert elements[0] == {"type": "header", "content": f"Đã nhận {CODE}"}
    assert elements[1] == {"type": "text", "content": f"Chào {SAMPLE_CONTEXT['nguoi_nop']}."}
    assert {"key": "Trạng thái", "value": "Đã tiếp nhận", "style": "green"} in elements[2]["content"]
    assert f'<p class="zcard__header">Đã nhận {CODE}</p>' in body["html"]
    assert body["text"].startswith(f"Kính gửi Ông/Bà {SAMPLE_CONTEXT['nguoi_nop']}")
    assert versions(tenant_a) == [1]


def test_the_preview_endpoint_refuses_unknown_fields_and_bad_syntax_with_422(app, admin_client, tenant_a):
    data = form_data(tenant_a, card_text="Chào {{ ho_ten_sai }}", card_header="{% if ly_do %}Lý do")
    response = admin_client.post(url(app, "preview", kind="received"), data=data)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert errors["card_text"] == ["unknown field “ho_ten_sai”"]
    assert errors["card_header"][0].startswith("syntax error on line 1")
    assert "unknown field “ho_ten_sai”" in response.get_json()["html"]
    assert versions(tenant_a) == [1]


def test_the_sample_dossier_is_at_the_status_the_message_is_about(app, admin_client, tenant_a):
    for kind, status in (("supplement_required", "Yêu cầu bổ sung"), ("result_ready", "Đã có kết quả"),
                         ("apology", "Đang xử lý")):
        card = admin_client.post(url(app, "preview", kind=kind), data=form_data(tenant_a, kind)).get_json()["card"]
        rows = {row["key"]: row["value"] for row in card["payload"]["elements"][-1]["content"]}
        assert rows["Trạng thái"] == status
        assert rows["Ngày hẹn trả"] == (SAMPLE_CONTEXT["ngay_hen_moi"] if kind == "apology"
                                        else SAMPLE_CONTEXT["ngay_hen_tra"])


# --- history, diff, restore --------------------------------------------------------------------------------------

def test_history_lists_every_version_with_author_and_restores(app, admin_client, tenant_a, admin):
    edit = url(app, "edit", kind="returned")
    admin_client.post(edit, data=form_data(tenant_a, "returned", card_header="Đã trả kết quả", action="save"))
    admin_client.post(url(app, "restore", kind="returned", version=1))
    html = page(admin_client.get(url(app, "history", kind="returned")))
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(\d+)</th>(.*?)</tr>", html, re.S)
    assert [number for number, _ in rows] == ["3", "2", "1"]
    assert "Trần Thị Lan" in rows[0][1] and "Restored from version 1" in rows[0][1] and "In use" in rows[0][1]
    assert "Default text from the province's files" in rows[2][1]


def test_a_later_version_without_a_known_author_is_not_called_the_default(app, admin_client, tenant_a):
    with as_tenant(tenant_a):
        templates.save_template("stopped", {"card_header": "Dừng giải quyết hồ sơ"})  # e.g. from a script
    html = page(admin_client.get(url(app, "history", kind="stopped")))
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(\d+)</th>(.*?)</tr>", html, re.S)
    assert "not recorded" in rows[0][1] and "Default text from the province's files" in rows[1][1]


def test_a_version_page_shows_the_diff_with_the_current_version(app, admin_client, tenant_a):
    with as_tenant(tenant_a):
        old_lines = templates.current_template("received").text.splitlines()
    new_text = "\n".join([old_lines[0], "Hồ sơ {{ ma_ho_so }} đã được tiếp nhận.", *old_lines[2:]])
    admin_client.post(url(app, "edit", kind="received"), data=form_data(tenant_a, text=new_text, action="save"))
    html = page(admin_client.get(url(app, "version", kind="received", version=1)))
    # in the editor's words: fields as [Mã hồ sơ]
    assert f"<del>{to_readable(old_lines[1])}</del>" in html.replace("&#34;", '"')
    assert "<ins>Hồ sơ [Mã hồ sơ] đã được tiếp nhận.</ins>" in html
    assert "Only in version 1" in html and "Only in version 2" in html
    assert f"<td>{to_readable(old_lines[0])}</td>" in html  # unchanged lines are shown, unmarked
    assert html.count("<table class=\"table diff\">") == 1  # only the field that changed
    assert "Restore version 1" in html


def test_the_service_diff_marks_removed_and_added_lines():
    older = MessageTemplate(**{**fields_of({}), "text": "a\nb\nc", "zns_params": {"x": "1"}})
    newer = MessageTemplate(**{**fields_of({}), "text": "a\nB\nc", "zns_params": {"x": "1", "y": "2"}})
    changes = {change.field: change.lines for change in templates.changes(older, newer)}
    assert changes == {
        "text": [("same", "a"), ("removed", "b"), ("added", "B"), ("same", "c")],
        "zns_params": [("same", "x: 1"), ("added", "y: 2")],
    }


def test_an_old_version_is_previewed_as_it_was(app, admin_client, tenant_a):
    admin_client.post(url(app, "edit", kind="received"),
                      data=form_data(tenant_a, card_header="Tiêu đề mới", action="save"))
    html = page(admin_client.get(url(app, "version", kind="received", version=1)))
    assert '<p class="zcard__header">Hồ sơ đã được tiếp nhận</p>' in html
    assert "Tiêu đề mới" in html  # in the diff, not in the preview
    assert '<p class="zcard__header">Tiêu đề mới</p>' not in html


def test_restore_adds_a_version_copying_the_old_one_and_is_audited(app, admin_client, tenant_a, admin):
    original = form_data(tenant_a, "refused")
    admin_client.post(url(app, "edit", kind="refused"),
                      data=form_data(tenant_a, "refused", card_text="Hồ sơ không được tiếp nhận.", action="save"))
    response = admin_client.post(url(app, "restore", kind="refused", version=1))
    assert response.status_code == 302 and response.headers["Location"].endswith("/refused/history")
    assert versions(tenant_a, "refused") == [3, 2, 1]
    assert form_data(tenant_a, "refused") == {**original, "based_on": "3"}
    assert audit(tenant_a)[-1].details == {"event_kind": "refused", "version": 3, "restored_from": 1}
    assert audit(tenant_a)[-1].actor_id == admin.id
    assert "Version 1 restored as version 3." in page(admin_client.get(response.headers["Location"]))


def test_restoring_the_version_in_use_adds_nothing(app, admin_client, tenant_a):
    form_data(tenant_a)  # version 1 exists
    admin_client.post(url(app, "restore", kind="received", version=1))
    assert versions(tenant_a) == [1]


def test_a_version_that_no_longer_passes_the_checks_is_not_restored(app, admin_client, tenant_a):
    with as_tenant(tenant_a):
        current = templates.current_template("received")
        current.is_current = False  # a version saved before today's checks, as if by an older release
        db.session.add(MessageTemplate(event_kind="received", version=2, is_current=True,
                                       **{**fields_of(current), "card_text": "{{ so_cmnd }}"}))
        templates.save_template("received", {"card_text": "Đã tiếp nhận."})
    response = admin_client.post(url(app, "restore", kind="received", version=2))
    assert response.status_code == 302 and response.headers["Location"].endswith("/received/versions/2")
    assert "Version 2 cannot be restored: Card text: unknown field “so_cmnd”" in page(
        admin_client.get(response.headers["Location"]))
    assert versions(tenant_a) == [3, 2, 1]


# --- who may open these pages ------------------------------------------------------------------------------------

def all_pages(app, slug: str = TENANT_A_SLUG, version: int = 1) -> list[tuple[str, str]]:
    return [
        ("get", url(app, "index", slug)),
        ("get", url(app, "edit", slug, kind="received")),
        ("post", url(app, "edit", slug, kind="received")),
        ("post", url(app, "preview", slug, kind="received")),
        ("get", url(app, "history", slug, kind="received")),
        ("get", url(app, "version", slug, kind="received", version=version)),
        ("post", url(app, "restore", slug, kind="received", version=version)),
    ]


def test_an_officer_gets_404_everywhere(app, client, tenant_a):
    factories.create_user("canbo@bacninh.gov.vn", tenant=tenant_a, role="officer")
    sign_in(client, "canbo@bacninh.gov.vn")
    for method, path in all_pages(app):
        assert getattr(client, method)(path, data=form_data(tenant_a, action="save")).status_code == 404, path
    assert versions(tenant_a) == [1]


def test_signed_out_visitors_are_sent_to_sign_in(app, client):
    response = client.get(url(app, "index"))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_messages_and_versions_are_404(app, admin_client):
    assert admin_client.get(url(app, "edit", kind="financial_obligation")).status_code == 404
    assert admin_client.get(url(app, "version", kind="received", version=9)).status_code == 404
    assert admin_client.post(url(app, "restore", kind="received", version=9)).status_code == 404


def test_province_a_admin_cannot_see_or_restore_province_b_versions(app, admin_client, tenant_a, tenant_b):
    form_data(tenant_a)  # version 1 exists
    with as_tenant(tenant_b):
        templates.save_template("received", {"card_header": f"Tiếp nhận {CANARY}"})
        templates.save_template("received", {"text": f"Hồ sơ {{{{ ma_ho_so }}}} {CANARY}"})
    for method, path in all_pages(app, TENANT_B_SLUG, version=2):
        response = getattr(admin_client, method)(path, data=form_data(tenant_b, action="save"))
        assert response.status_code == 404, path
        assert CANARY not in page(response)
    for method, path in all_pages(app, TENANT_A_SLUG, version=2)[-2:]:  # B's version numbers on A's pages
        assert getattr(admin_client, method)(path).status_code == 404, path
    for method, path in all_pages(app, TENANT_A_SLUG)[:-1]:
        if method == "get":
            assert CANARY not in page(admin_client.get(path)), path
    assert versions(tenant_a) == [1]
    assert versions(tenant_b) == [3, 2, 1]


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def test_posts_without_the_csrf_token_are_refused(app, admin_client, tenant_a, csrf_on):
    data = form_data(tenant_a, card_header="Không có mã chống giả mạo", action="save")
    for path in (url(app, "edit", kind="received"), url(app, "preview", kind="received"),
                 url(app, "restore", kind="received", version=1)):
        assert admin_client.post(path, data=data).status_code == 400, path
    assert versions(tenant_a) == [1]


def test_posts_with_the_page_token_work(app, admin_client, tenant_a, csrf_on):
    html = page(admin_client.get(url(app, "edit", kind="received")))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    data = form_data(tenant_a, card_header="Có mã {{ ma_ho_so }}")
    assert admin_client.post(url(app, "preview", kind="received"), data=data,
                             headers={"X-CSRFToken": token}).status_code == 200
    assert admin_client.post(url(app, "edit", kind="received"),
                             data={**data, "action": "save", "csrf_token": token}).status_code == 302
    assert versions(tenant_a) == [2, 1]
