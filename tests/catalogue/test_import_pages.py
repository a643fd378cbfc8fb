"""Importing through the console: upload -> preview (nothing written) -> confirm (everything in one
transaction). Malformed files and rows are reported in the page and import nothing; the confirmation applies
only an upload this person made in this province, exactly as previewed."""

import io
import re

import pytest
from openpyxl import Workbook, load_workbook

from platform_core.catalogue import pending
from platform_core.jobs.connection import get_redis
from platform_core.settings.service import save_setting
from tests.catalogue.conftest import events_of, procedures_of, upload
from tests.conftest import CANARY, as_tenant

BASE = "/bac-ninh/admin/procedures/"
IMPORT = BASE + "import"
HEADER = "code,name,field,level,agency,online_level,processing_time_value,processing_time_unit,fee_vnd\n"
GOOD = HEADER + (
    "1.004222,Đăng ký thường trú,Hộ tịch,xa,Công an phường Kinh Bắc,mot_phan,,,20000\n"   # changed: agency, fee
    "1.000656,Đăng ký khai tử,Hộ tịch,xa,UBND cấp xã,toan_trinh,3,working_day,0\n"          # new
    "1.001193,Đăng ký khai sinh,Hộ tịch,xa,UBND xã Bắc Ninh,mot_phan,,,\n"                  # unchanged
)


def _text(response) -> str:
    return response.get_data(as_text=True)


def _confirm_url(html: str) -> str:
    match = re.search(r'<form method="post" action="([^"]+/import/[^"]+)" class="confirm">', html)
    assert match, "no confirmation form in the page"
    return match.group(1)


def _pending_keys() -> list[bytes]:
    return list(get_redis().scan_iter("motcua:catalogue-import:*"))


@pytest.fixture(autouse=True)
def no_pending_uploads():
    for key in _pending_keys():
        get_redis().delete(key)
    yield
    for key in _pending_keys():
        get_redis().delete(key)


def test_the_import_page_explains_the_columns(admin_client):
    html = _text(admin_client.get(IMPORT))
    assert 'type="file"' in html and 'enctype="multipart/form-data"' in html
    for column in ("code", "fee_vnd", "processing_time_unit", "enabled"):
        assert f"<code>{column}</code>" in html
    assert 'href="/bac-ninh/admin/procedures/export/csv"' in html


# --- preview, then confirm -------------------------------------------------------------------------------------

def test_a_preview_writes_nothing_and_the_confirmation_applies_it_all(admin_client, tenant_a, admin_a):
    preview = upload(admin_client, IMPORT, GOOD)
    html = _text(preview)
    assert preview.status_code == 200
    assert "thu-tuc.csv: 1 new, 1 changed, 1 unchanged." in html
    new = html[html.index('id="import-new"'):html.index("</table>", html.index('id="import-new"'))]
    assert "1.000656" in new and "Đăng ký khai tử" in new
    changed = html[html.index('id="import-changed"'):]
    assert re.search(r"<td>Agency</td><td>Công an xã Bắc Ninh</td><td><strong>Công an phường Kinh Bắc</strong>",
                     changed)
    assert re.search(r"<td>Fee \(VND\)</td><td><span aria-hidden=\"true\">—</span>.*?<strong>20000</strong>", changed)
    assert "Import 1 new and 1 changed procedures" in html
    assert set(procedures_of(tenant_a)) == {"1.004222", "1.001193"}  # nothing written yet

    done = admin_client.post(_confirm_url(html))
    assert done.status_code == 302 and done.headers["Location"] == BASE
    procedures = procedures_of(tenant_a)
    assert set(procedures) == {"1.004222", "1.001193", "1.000656"}
    assert (procedures["1.004222"].agency, procedures["1.004222"].fee_vnd) == ("Công an phường Kinh Bắc", 20000)
    new_one = procedures["1.000656"]
    assert (new_one.online_level, new_one.processing_time_value, new_one.enabled) == ("toan_trinh", 3, True)
    assert new_one.source_checksum is None  # the province's own data, not a tenants/ file's
    [event] = events_of(tenant_a, "catalogue_imported")
    assert event.actor_id == admin_a.id
    assert {key: event.details[key] for key in ("file", "created", "updated", "unchanged")} == {
        "file": "thu-tuc.csv", "created": 1, "updated": 1, "unchanged": 1}
    assert (event.details["created_codes"], event.details["updated_codes"]) == (["1.000656"], ["1.004222"])
    assert "Imported: 1 new and 1 changed procedures." in _text(admin_client.get(BASE))
    assert _pending_keys() == []


def test_a_confirmation_works_once(admin_client, tenant_a):
    url = _confirm_url(_text(upload(admin_client, IMPORT, GOOD)))
    assert admin_client.post(url).status_code == 302
    again = admin_client.post(url)
    assert again.status_code == 410
    assert "This upload has expired or is not yours." in _text(again)
    assert len(events_of(tenant_a, "catalogue_imported")) == 1


def test_a_file_that_changes_nothing_offers_nothing_to_confirm(admin_client):
    html = _text(upload(admin_client, IMPORT, "code,agency\n1.004222,Công an xã Bắc Ninh\n"))
    assert "Nothing to import: the file matches the catalogue." in html
    assert 'class="confirm"' not in html
    assert _pending_keys() == []


def test_if_the_catalogue_changed_since_the_preview_the_new_preview_is_shown(admin_client, tenant_a):
    url = _confirm_url(_text(upload(admin_client, IMPORT, "code,fee_vnd\n1.004222,20000\n1.001193,5000\n")))
    admin_client.post(BASE + "1.004222", data={"agency": "Công an xã Bắc Ninh", "online_level": "mot_phan",
                                               "fee_vnd": "20000", "enabled": "y"})
    response = admin_client.post(url)
    html = _text(response)
    assert response.status_code == 409
    assert "The catalogue changed since the preview." in html
    assert "0 new, 1 changed, 1 unchanged." in html
    assert procedures_of(tenant_a)["1.001193"].fee_vnd is None  # not applied without a new confirmation
    assert admin_client.post(url).status_code == 410             # the old token is gone
    assert admin_client.post(_confirm_url(html)).status_code == 302
    assert procedures_of(tenant_a)["1.001193"].fee_vnd == 5000


def test_if_someone_made_the_same_changes_meanwhile_there_is_nothing_left_to_confirm(admin_client, tenant_a):
    url = _confirm_url(_text(upload(admin_client, IMPORT, "code,fee_vnd\n1.004222,20000\n")))
    admin_client.post(BASE + "1.004222", data={"agency": "Công an xã Bắc Ninh", "online_level": "mot_phan",
                                               "fee_vnd": "20000", "enabled": "y"})
    html = _text(admin_client.post(url))
    assert "Nothing to import: the file matches the catalogue." in html
    assert 'class="confirm"' not in html
    assert events_of(tenant_a, "catalogue_imported") == []
    assert _pending_keys() == []


# --- malformed files and rows: reported, nothing imported ------------------------------------------------------

def test_a_malformed_csv_lists_every_row_error_and_imports_nothing(admin_client, tenant_a):
    text = HEADER + (
        "1.004222,Đăng ký thường trú,Hộ tịch,xa,Công an phường,mot_phan,,,20000\n"   # fine on its own
        "1.000656,Đăng ký khai tử,Hộ tịch,quan,UBND cấp xã,toan_trinh,,,0\n"         # unknown level
        "1.000657,Khác,Hộ tịch,xa,UBND cấp xã,khong,,,hai chục\n"                     # non-numeric fee
        ",Thiếu mã,Hộ tịch,xa,UBND cấp xã,khong,,,0\n"                                # missing code
        "1.004222,Đăng ký thường trú,Hộ tịch,xa,Công an,mot_phan,,,0\n"               # duplicate code
    )
    response = upload(admin_client, IMPORT, text)
    html = _text(response)
    assert response.status_code == 422
    assert "4 problems in thu-tuc.csv. Nothing has been imported" in html
    table = html[html.index('id="import-errors"'):]
    found = re.findall(r"<tr><td>(\d+)</td><td>[^<]*<code>(\w+)</code></td><td>([^<]+)</td></tr>", table)
    assert found == [
        ("3", "level", "Unknown value “quan”: write one of “Cấp tỉnh”, “Cấp xã”, “Cấp trung ương”."),
        ("4", "fee_vnd", "Must be a whole number, like 20000."),
        ("5", "code", "Required."),
        ("6", "code", "Code 1.004222 is also on row 2."),
    ]
    assert 'class="confirm"' not in html
    assert procedures_of(tenant_a)["1.004222"].agency == "Công an xã Bắc Ninh"
    assert set(procedures_of(tenant_a)) == {"1.004222", "1.001193"}
    assert events_of(tenant_a, "catalogue_imported") == []
    assert _pending_keys() == []


@pytest.mark.parametrize(("content", "filename", "message"), [
    (b"%PDF-1.7\n\x00\x01\x02binary", "danh-muc.csv", "This is not a CSV file."),
    (b"%PDF-1.7\n", "danh-muc.pdf", "Choose a .csv or .xlsx file."),
    ("Danh sách thủ tục\ncode,agency\n", "danh-muc.csv", "The first row must name the columns"),
    ("ma,co_quan\n1.004222,x\n", "danh-muc.csv", "Not recognised: ma, co_quan."),
    (b"PK\x03\x04broken", "danh-muc.xlsx", "could not be read as an Excel workbook"),
    ("code,agency\n1.004222,Hòa Vang\n".encode("cp1252"), "danh-muc.csv", "not in UTF-8"),
    (b"", "danh-muc.csv", "The file is empty."),
    (b"code,agency\n" + b"9" * (2 * 1024 * 1024), "danh-muc.csv", "larger than 2 MB"),
])
def test_a_file_that_cannot_be_read_is_explained_never_a_500(admin_client, tenant_a, content, filename, message):
    response = upload(admin_client, IMPORT, content, filename)
    html = _text(response)
    assert response.status_code == 422
    assert f"{filename} was not imported." in html
    assert message in html
    assert set(procedures_of(tenant_a)) == {"1.004222", "1.001193"}


def test_posting_without_a_file_is_explained(admin_client):
    response = admin_client.post(IMPORT, data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose a file to upload." in _text(response)


# --- XLSX, and the round trip ---------------------------------------------------------------------------------

def test_an_xlsx_file_is_imported(admin_client, tenant_a):
    workbook = Workbook()
    workbook.active.append(["code", "agency", "fee_vnd", "processing_time_value", "processing_time_unit"])
    workbook.active.append(["1.001193", "UBND phường Vũ Ninh", 0, 1, "working_day"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    html = _text(upload(admin_client, IMPORT, buffer.getvalue(), "danh-muc.xlsx"))
    assert "danh-muc.xlsx: 0 new, 1 changed, 0 unchanged." in html
    admin_client.post(_confirm_url(html))
    procedure = procedures_of(tenant_a)["1.001193"]
    assert (procedure.agency, procedure.fee_vnd, procedure.processing_time_value) == ("UBND phường Vũ Ninh", 0, 1)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_imports_back_as_no_changes(admin_client, tenant_a, file_format):
    admin_client.post(BASE + "1.004222", data={
        "agency": "Công an xã, tỉnh Bắc Ninh", "online_level": "toan_trinh", "processing_time_value": "7",
        "processing_time_unit": "working_day", "processing_time_note": "kể từ ngày nhận đủ hồ sơ",
        "fee_vnd": "20000", "fee_note": "=10.000 đ \"trực tuyến\"", "enabled": "",
    })
    exported = admin_client.get(BASE + f"export/{file_format}")
    assert exported.status_code == 200
    assert 'filename="thu-tuc-bac-ninh-' in exported.headers["Content-Disposition"]
    html = _text(upload(admin_client, IMPORT, exported.data, f"export.{file_format}"))
    assert f"export.{file_format}: 0 new, 0 changed, 2 unchanged." in html
    assert "Nothing to import" in html


def test_the_export_holds_only_this_provinces_procedures(admin_client):
    csv_text = admin_client.get(BASE + "export/csv").data.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("code,name,field,level,agency,online_level,")
    assert [line.split(",")[0] for line in csv_text.splitlines()[1:]] == ["1.001193", "1.004222"]
    assert CANARY not in csv_text
    sheet = load_workbook(io.BytesIO(admin_client.get(BASE + "export/xlsx").data)).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["1.001193", "1.004222"]


# --- whose upload a confirmation may apply ---------------------------------------------------------------------

def test_another_provinces_cached_upload_cannot_be_confirmed(admin_of_both_client, tenant_a, tenant_b):
    """The same person administers both provinces: an upload checked in A is not found under B's URL."""
    text = "code,agency\n1.004222,Đổi bởi tệp của tỉnh A\n"
    url = _confirm_url(_text(upload(admin_of_both_client, IMPORT, text)))
    token = url.rsplit("/", 1)[1]
    response = admin_of_both_client.post(f"/da-nang/admin/procedures/import/{token}")
    assert response.status_code == 410
    assert procedures_of(tenant_b)["1.004222"].agency == f"Công an {CANARY}"
    assert procedures_of(tenant_a)["1.004222"].agency == "Công an xã Bắc Ninh"
    assert events_of(tenant_b, "catalogue_imported") == []
    with as_tenant(tenant_b):
        assert pending.find(token, user_id="anyone") is None
    assert [key.decode() for key in _pending_keys()] == [f"motcua:catalogue-import:{tenant_a.id}:{token}"]


def test_province_bs_admin_cannot_confirm_province_as_upload(admin_client, admin_b_client, tenant_a, tenant_b):
    url = _confirm_url(_text(upload(admin_client, IMPORT, "code,agency\n1.004222,Tỉnh A\n")))
    token = url.rsplit("/", 1)[1]
    assert admin_b_client.post(url).status_code == 404                                  # A's URL: not B's page
    assert admin_b_client.post(f"/da-nang/admin/procedures/import/{token}").status_code == 410
    assert procedures_of(tenant_a)["1.004222"].agency == "Công an xã Bắc Ninh"
    assert procedures_of(tenant_b)["1.004222"].agency == f"Công an {CANARY}"


def test_another_admins_upload_in_the_same_province_is_not_theirs(app, admin_client, tenant_a):
    from tests import factories
    from tests.catalogue.conftest import signed_in

    factories.create_user("admin-a2@motcua.vn", tenant=tenant_a, role="admin")
    other = signed_in(app, "admin-a2@motcua.vn")
    url = _confirm_url(_text(upload(admin_client, IMPORT, "code,agency\n1.004222,Người khác\n")))
    assert other.post(url).status_code == 410
    assert procedures_of(tenant_a)["1.004222"].agency == "Công an xã Bắc Ninh"


@pytest.mark.parametrize("token", ["short", "../../etc", "x" * 65])
def test_malformed_tokens_find_nothing(admin_client, token):
    assert admin_client.post(IMPORT + "/" + token).status_code in (404, 410)


# --- a sample file to start from, a preview that stays short ---------------------------------------------------

@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_sample_file_uses_the_provinces_agencies_and_imports_as_it_is(admin_client, tenant_a, file_format):
    with as_tenant(tenant_a):
        save_setting("agencies", [
            {"name": "UBND phường Kinh Bắc", "level": "xa"}, {"name": "UBND xã Yên Phong", "level": "xa"}])
    assert f'href="/bac-ninh/admin/procedures/import/sample.{file_format}"' in _text(admin_client.get(IMPORT))
    response = admin_client.get(f"{IMPORT}/sample.{file_format}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="mau-thu-tuc-bac-ninh.{file_format}"'
    body = response.get_data()
    if file_format == "xlsx":
        rows = list(load_workbook(io.BytesIO(body), read_only=True).worksheets[0].iter_rows(values_only=True))
        agencies = [row[rows[0].index("agency")] for row in rows[1:]]
    else:
        lines = body.decode("utf-8-sig").splitlines()
        agencies = [line.split(",")[lines[0].split(",").index("agency")] for line in lines[1:]]
    assert agencies == ["UBND phường Kinh Bắc", "UBND xã Yên Phong"]
    preview = upload(admin_client, IMPORT, body, filename=f"mau.{file_format}")
    assert preview.status_code == 200, _text(preview)
    assert 'id="import-new"' in _text(preview) and 'id="import-errors"' not in _text(preview)


def _without_csrf(html: str) -> str:
    """The page without its CSRF tokens, which carry the second they were signed in."""
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', html)


def test_a_large_preview_puts_the_button_first_and_pages_its_rows_by_a_hundred(admin_client):
    rows = "".join(f"8.{n:06d},Thủ tục thử {n},Thử nghiệm,xa,UBND cấp xã,khong,,,\n" for n in range(450))
    html = _text(upload(admin_client, IMPORT, HEADER + rows))
    assert html.index('class="confirm"') < html.index('id="import-new"')
    new_table = html.split('id="import-new"')[1].split("</table>")[0]
    assert new_table.count("<tr>") == 1 + 100  # the header row and the first hundred
    assert "8.000099" in new_table and "8.000100" not in new_table
    assert 'rel="next"' in html and "Page 1 of 5" in html
    page_5 = _text(admin_client.get(_confirm_url(html) + "?page=5"))
    table = page_5.split('id="import-new"')[1].split("</table>")[0]
    assert table.count("<tr>") == 1 + 50 and "8.000400" in table and "8.000449" in table and "8.000399" not in table
    assert page_5.index('class="confirm"') < page_5.index('id="import-new"') and 'rel="next"' not in page_5
    assert _confirm_url(page_5) == _confirm_url(html)
    assert _without_csrf(_text(admin_client.get(_confirm_url(html) + "?page=99"))) == _without_csrf(page_5)
    assert admin_client.get(_confirm_url(html).replace("/import/", "/import/x")).status_code == 410


def test_a_file_full_of_errors_lists_the_first_hundred_and_says_so(admin_client):
    rows = "".join(f"8.{n:06d},,,,,,,,\n" for n in range(300))  # new codes without their required columns
    response = upload(admin_client, IMPORT, HEADER + rows)
    html = _text(response)
    assert response.status_code == 422
    errors = html.split('id="import-errors"')[1].split("</table>")[0]
    assert errors.count("<tr>") == 1 + 100
    assert "The first 100 problems are listed" in html and 'class="confirm"' not in html
