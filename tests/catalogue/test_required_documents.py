"""The procedures' required documents (thành phần hồ sơ, issue 13 part 2): a column of the CSV/XLSX import, a field
of the console's edit page, a list in the API; stored one paper a line, so an exported file imports unchanged."""

import re

import pytest

from platform_core.catalogue.columns import Invalid, parse_documents
from tests import factories
from tests.catalogue.conftest import procedures_of, upload
from tests.conftest import as_tenant

BASE = "/bac-ninh/admin/procedures/"
PAPERS = "Tờ khai đăng ký thường trú\nGiấy tờ chứng minh chỗ ở hợp pháp"


def test_papers_are_read_one_a_line_or_separated_by_semicolons_without_list_marks():
    assert parse_documents("- Tờ khai; • Căn cước\r\n\n  Sổ hộ khẩu ") == "Tờ khai\nCăn cước\nSổ hộ khẩu"
    assert parse_documents(parse_documents("a; b")) == "a\nb"
    with pytest.raises(Invalid):
        parse_documents("x" * 4001)


def test_an_import_sets_the_papers_and_the_export_imports_back_unchanged(admin_client, tenant_a):
    papers = "Tờ khai đăng ký thường trú; Giấy tờ chứng minh chỗ ở hợp pháp"
    preview = upload(admin_client, BASE + "import", f"code,required_documents\n1.004222,{papers}\n")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "1 changed" in html
    confirm = re.search(r'<form method="post" action="([^"]+/import/[^"]+)" class="confirm">', html)[1]
    assert admin_client.post(confirm).status_code == 302
    assert procedures_of(tenant_a)["1.004222"].required_documents == PAPERS

    exported = admin_client.get(BASE + "export/csv").get_data()
    assert b"required_documents" in exported.splitlines()[0]
    again = upload(admin_client, BASE + "import", exported)
    assert "0 new, 0 changed" in again.get_data(as_text=True)


def test_the_console_edits_the_papers(admin_client, tenant_a):
    assert 'name="required_documents"' in admin_client.get(BASE + "1.004222").get_data(as_text=True)
    saved = admin_client.post(BASE + "1.004222", data={
        "agency": "Công an xã Bắc Ninh", "online_level": "mot_phan", "fee_vnd": "", "enabled": "y",
        "required_documents": "Tờ khai đăng ký thường trú\r\n- Giấy tờ chứng minh chỗ ở hợp pháp\r\n"})
    assert saved.status_code == 302
    assert procedures_of(tenant_a)["1.004222"].required_documents == PAPERS


def test_the_api_lists_the_papers(client, tenant_a):
    with as_tenant(tenant_a):
        procedures_of(tenant_a)["1.004222"].required_documents = PAPERS
        _, key = factories.create_api_key("một cửa A")
    body = client.get("/api/v1/procedures/1.004222", headers={"Authorization": f"Bearer {key}"}).get_json()
    assert body["required_documents"] == PAPERS.splitlines()
    listed = client.get("/api/v1/procedures", headers={"Authorization": f"Bearer {key}"}).get_json()
    assert {p["code"]: p["required_documents"] for p in listed["procedures"]}["1.001193"] == []
