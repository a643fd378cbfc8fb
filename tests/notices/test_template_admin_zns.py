"""Saving a change to a template's ZNS fields asks Zalo (the sandbox) what the ZNS template takes: unknown or
disabled templates, parameter names and maxLength are refused with the parameter named; when Zalo cannot be
asked, the save goes ahead and the admin is told the check was skipped."""

import pytest

from tests.notices import test_template_admin as console
from tests.notices.test_template_admin import form_data, url, versions
from tests.zalo import conftest as zalo_conftest

admin, admin_client = console.admin, console.admin_client  # a signed-in admin of tenant A, in English
sandbox = zalo_conftest.sandbox  # the app's Zalo hosts pointed at the sandbox

PARAMS = [{"name": "customer_name", "require": True, "type": "STRING", "maxLength": 30},
          {"name": "dossier_code", "require": True, "type": "STRING", "maxLength": 40},
          {"name": "due_date", "require": False, "type": "DATE", "maxLength": 20}]
GOOD = "customer_name: {{ nguoi_nop|truncate(30) }}\ndossier_code: {{ ma_ho_so }}\ndue_date: {{ ngay_hen_tra }}"


@pytest.fixture
def connected(sandbox, tenant_a):
    zalo_conftest.connect_to_sandbox(tenant_a, sandbox)
    sandbox.add_template("250001", template_name="Tiếp nhận hồ sơ", listParams=PARAMS)
    sandbox.add_template("250002", template_name="Mẫu đã tắt", status="DISABLE", listParams=PARAMS)
    return sandbox


def save_zns(app, client, tenant, template_id: str, params: str):
    data = form_data(tenant, zns_template_id=template_id, zns_params=params, action="save")
    return client.post(url(app, "edit", kind="received"), data=data)


def test_parameters_matching_the_zalo_template_are_saved(app, admin_client, tenant_a, connected):
    response = save_zns(app, admin_client, tenant_a, "250001", GOOD)
    assert response.status_code == 302
    assert versions(tenant_a) == [2, 1]
    assert ["template_id=250001" in r["query"] for r in connected.requests("/template/info/v2")] == [True]
    assert "not checked" not in admin_client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_parameter_longer_than_zalo_allows_is_refused_naming_it(app, admin_client, tenant_a, connected):
    params = GOOD.replace("{{ nguoi_nop|truncate(30) }}", "Ông/Bà {{ nguoi_nop }}")
    response = save_zns(app, admin_client, tenant_a, "250001", params)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "customer_name: can come to 35 characters (with long values); the ZNS template takes at most 30" in html
    assert versions(tenant_a) == [1]


def test_names_the_zalo_template_lacks_or_needs_are_refused(app, admin_client, tenant_a, connected):
    params = "customer_name: {{ nguoi_nop|truncate(30) }}\nprocedure_name: {{ ten_thu_tuc }}"
    html = save_zns(app, admin_client, tenant_a, "250001", params).get_data(as_text=True)
    assert "ZNS template 250001 also needs: dossier_code" in html
    assert "procedure_name: ZNS template 250001 has no parameter of this name" in html
    assert versions(tenant_a) == [1]


def test_unknown_and_disabled_zalo_templates_are_refused(app, admin_client, tenant_a, connected):
    unknown = save_zns(app, admin_client, tenant_a, "259999", GOOD)
    assert unknown.status_code == 422
    assert "Zalo has no ZNS template 259999 for this OA" in unknown.get_data(as_text=True)
    disabled = save_zns(app, admin_client, tenant_a, "250002", GOOD)
    assert "ZNS template 250002 is DISABLE at Zalo; only an enabled template can be sent" in disabled.get_data(
        as_text=True)
    assert versions(tenant_a) == [1]


def test_when_zalo_does_not_answer_the_save_goes_ahead_and_says_so(app, admin_client, tenant_a, connected):
    connected.inject_fault(path="/template/info/v2", http_status=502, body="<html>Bad gateway</html>")
    response = save_zns(app, admin_client, tenant_a, "250001", GOOD)
    assert response.status_code == 302
    assert versions(tenant_a) == [2, 1]
    assert "not checked: Zalo did not answer" in admin_client.get(response.headers["Location"]).get_data(as_text=True)


def test_without_a_connected_oa_the_save_goes_ahead_and_says_so(app, admin_client, tenant_a):
    response = save_zns(app, admin_client, tenant_a, "250001", GOOD)
    assert response.status_code == 302
    assert versions(tenant_a) == [2, 1]
    assert "connect the Zalo OA to check them" in admin_client.get(response.headers["Location"]).get_data(
        as_text=True)


def test_zalo_is_not_asked_when_the_zns_fields_do_not_change(app, admin_client, tenant_a, connected):
    data = form_data(tenant_a, card_header="Tiêu đề khác", action="save")
    assert admin_client.post(url(app, "edit", kind="received"), data=data).status_code == 302
    assert connected.requests("/template/info/v2") == []
