"""Setup step 4, the procedure catalogue: the national defaults with the province's file laid over them,
all chosen; one click stores them (those not chosen stored disabled) and moves on; inline edits are checked
like the console's; or a CSV/XLSX file goes through the console's importer and preview."""

import re

import pytest
from sqlalchemy import select

from platform_core.extensions import db
from platform_core.onboarding.models import SetupProgress
from platform_core.provisioning import starting_catalogue
from platform_core.settings.service import save_setting
from tests import factories
from tests.catalogue.conftest import events_of, procedures_of, signed_in, upload
from tests.conftest import CANARY, as_tenant

STEP = "/an-giang/setup/catalogue"
DEFAULT_CODES = ["1.001193", "1.000894", "1.004873", "2.000635", "1.004222", "1.013978", "1.013831", "1.013225",
                 "1.012575", "1.012812", "1.000656", "2.000806", "1.004194", "1.012786", "1.012783"]


@pytest.fixture
def province():
    """A province in the middle of its setup, with its own catalogue.yaml in tenants/ (agencies)."""
    return factories.create_tenant("an-giang", "An Giang", code="91", status="onboarding")


@pytest.fixture
def admin(app, province):
    factories.create_user("admin-ag@motcua.vn", tenant=province, role="admin")
    return signed_in(app, "admin-ag@motcua.vn")


def _text(response) -> str:
    return response.get_data(as_text=True)


def _checked(html: str) -> list[str]:
    return re.findall(r'name="chosen" value="([^"]+)" id="[^"]+" checked', html)


def _form_as_a_browser_posts_it(html: str) -> dict:
    """Every checked box, text input and selected option of the checklist, as the browser would send them."""
    data = {"chosen": _checked(html)}
    data.update(re.findall(r'<input class="field__input" id="[^"]+" name="([^"]+)" value="([^"]*)"', html))
    for name, options in re.findall(r'<select class="field__input" id="[^"]+" name="([^"]+)">(.*?)</select>', html,
                                    re.S):
        selected = re.search(r'<option value="([^"]*)" selected>', options)
        data[name] = selected.group(1) if selected else ""
    return data


def _offered(tenant) -> set[str]:
    return {code for code, procedure in procedures_of(tenant).items() if procedure.enabled}


def _steps_done(tenant) -> list[str]:
    with as_tenant(tenant):
        progress = db.session.scalar(select(SetupProgress).execution_options(populate_existing=True))
        return progress.completed_steps if progress else []


def test_the_step_starts_from_the_defaults_all_chosen_grouped_by_field(admin, province):
    response = admin.get(STEP)
    html = _text(response)
    assert response.status_code == 200
    assert "Step 4 of 7" in html
    assert sorted(_checked(html)) == sorted(DEFAULT_CODES)
    legends = re.findall(r"<legend>([^<]+)</legend>", html)
    assert legends == ["Hộ tịch", "Đăng ký, quản lý cư trú", "Đất đai", "Hoạt động xây dựng",
                       "Đăng ký, quản lý phương tiện giao thông"]
    assert "UBND cấp xã, tỉnh An Giang" in html  # tenants/an-giang/catalogue.yaml over the defaults
    assert 'href="/an-giang/setup/catalogue/import"' in html
    assert procedures_of(province) == {}  # looking writes no procedure


def test_one_click_stores_the_whole_catalogue_and_continues(admin, province):
    form = _form_as_a_browser_posts_it(_text(admin.get(STEP)))
    assert len(form) == 1 + 4 * len(DEFAULT_CODES)
    response = admin.post(STEP, data=form)
    assert response.status_code == 302
    assert response.headers["Location"] == "/an-giang/setup/templates"
    assert _offered(province) == set(DEFAULT_CODES)
    assert procedures_of(province)["1.001193"].agency == "UBND cấp xã, tỉnh An Giang"
    assert "catalogue" in _steps_done(province)
    assert events_of(province, "catalogue_setup_saved")[0].details == {"offered": 15, "not_offered": 0, "edited": 0}


def test_choosing_a_subset_stores_the_others_disabled(admin, province):
    chosen = ["1.001193", "1.004222", "1.000656"]
    response = admin.post(STEP, data={"chosen": chosen})
    assert response.status_code == 302
    procedures = procedures_of(province)
    assert set(procedures) == set(DEFAULT_CODES)
    assert _offered(province) == set(chosen)
    [event] = events_of(province, "catalogue_setup_saved")
    assert event.details == {"offered": 3, "not_offered": 12, "edited": 0}
    again = _text(admin.get(STEP))  # going back shows what was chosen
    assert sorted(_checked(again)) == sorted(chosen)


def test_inline_edits_of_chosen_procedures_are_saved(admin, province):
    response = admin.post(STEP, data={
        "chosen": ["1.004222", "1.001193"],
        "agency-1.004222": "Công an phường Long Xuyên", "fee_vnd-1.004222": "15.000",
        "processing_time_value-1.004222": "5", "processing_time_unit-1.004222": "day",
        "agency-1.004873": "ignored: not chosen",
    })
    assert response.status_code == 302
    procedures = procedures_of(province)
    edited = procedures["1.004222"]
    assert (edited.agency, edited.fee_vnd, edited.processing_time_value, edited.processing_time_unit) == (
        "Công an phường Long Xuyên", 15000, 5, "day")
    assert procedures["1.004873"].agency == "UBND cấp xã, tỉnh An Giang"
    assert events_of(province, "catalogue_setup_saved")[0].details["edited"] == 1


def test_invalid_inline_values_are_shown_and_nothing_is_saved(admin, province):
    response = admin.post(STEP, data={
        "chosen": ["1.004222", "1.001193"], "fee_vnd-1.004222": "mười lăm nghìn", "agency-1.001193": "",
    })
    html = _text(response)
    assert response.status_code == 422
    assert re.search(r'id="fee_vnd-1\.004222-error">Must be a whole number, like 20000\.</p>', html)
    assert re.search(r'id="agency-1\.001193-error">Required\.</p>', html)
    assert 'value="mười lăm nghìn"' in html
    assert sorted(_checked(html)) == ["1.001193", "1.004222"]  # the choice is kept too
    assert procedures_of(province) == {}
    assert "catalogue" not in _steps_done(province)


def test_choosing_nothing_is_refused(admin, province):
    response = admin.post(STEP, data={})
    assert response.status_code == 422
    assert "Choose at least one procedure." in _text(response)
    assert procedures_of(province) == {}


def test_a_later_sync_of_unchanged_files_keeps_the_choices(admin, province):
    admin.post(STEP, data={"chosen": ["1.004222"], "agency-1.004222": "Công an phường Long Xuyên"})
    with as_tenant(province):
        starting_catalogue.load_starting_catalogue("an-giang")
    assert _offered(province) == {"1.004222"}
    assert procedures_of(province)["1.004222"].agency == "Công an phường Long Xuyên"


# --- the import path ----------------------------------------------------------------------------------------

def test_an_import_in_the_wizard_previews_against_the_defaults_then_returns_to_the_list(admin, province):
    text = ("code,name,field,level,agency,online_level,fee_vnd\n"
            "1.004222,Đăng ký thường trú,Đăng ký, quản lý cư trú,xa,Công an phường Long Xuyên,toan_trinh,20000\n"
            "1.004222.H91,Thủ tục riêng An Giang,Hộ tịch,tinh,Sở Tư pháp An Giang,khong,\n")
    text = text.replace("Đăng ký, quản lý cư trú", '"Đăng ký, quản lý cư trú"')
    preview = upload(admin, STEP + "/import", text)
    html = _text(preview)
    assert preview.status_code == 200
    assert "Step 4 of 7" in html
    assert "thu-tuc.csv: 1 new, 1 changed, 0 unchanged." in html
    assert "Công an cấp xã, tỉnh An Giang" in html  # the default it changes
    assert procedures_of(province) == {}
    url = re.search(r'action="(/an-giang/setup/catalogue/import/[^"]+)"', html).group(1)
    done = admin.post(url)
    assert done.status_code == 302 and done.headers["Location"] == STEP
    procedures = procedures_of(province)
    assert set(procedures) == set(DEFAULT_CODES) | {"1.004222.H91"}
    assert (procedures["1.004222"].agency, procedures["1.004222"].fee_vnd) == ("Công an phường Long Xuyên", 20000)
    assert events_of(province, "catalogue_imported")[0].details["created"] == 1
    listed = _text(admin.get(STEP))
    assert "Imported: 1 new and 1 changed procedures." in listed
    assert "1.004222.H91" in _checked(listed)
    assert "catalogue" not in _steps_done(province)  # the list is still to be saved


def test_a_malformed_file_in_the_wizard_imports_nothing(admin, province):
    response = upload(admin, STEP + "/import", "code,level\n1.004222,quan\n9.99,xa\n")
    html = _text(response)
    assert response.status_code == 422
    assert "2 problems in thu-tuc.csv. Nothing has been imported" in html
    assert procedures_of(province) == {}


# --- who may open the step -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "url"), [("get", STEP), ("post", STEP), ("get", STEP + "/import"),
                                             ("post", STEP + "/import/" + "x" * 32)])
def test_an_officer_gets_404(app, province, method, url):
    factories.create_user("officer-ag@motcua.vn", tenant=province, role="officer")
    officer = signed_in(app, "officer-ag@motcua.vn")
    assert getattr(officer, method)(url, data={"chosen": ["1.004222"]}).status_code == 404
    assert procedures_of(province) == {}


def test_another_provinces_admin_gets_404(app, province, tenant_b):
    factories.create_user("admin-dn@motcua.vn", tenant=tenant_b, role="admin")
    other = signed_in(app, "admin-dn@motcua.vn")
    assert other.get(STEP).status_code == 404
    assert other.post(STEP, data={"chosen": ["1.004222"]}).status_code == 404
    assert procedures_of(province) == {}
    assert CANARY in procedures_of(tenant_b)["9.999999"].name


def test_a_province_admins_own_step_shows_no_other_provinces_procedures(app, tenant_a, tenant_b):
    factories.create_user("admin-bn@motcua.vn", tenant=tenant_a, role="admin")
    html = _text(signed_in(app, "admin-bn@motcua.vn").get("/bac-ninh/setup/catalogue"))
    assert CANARY not in html and "9.999999" not in html
    assert "UBND xã Bắc Ninh" in html  # its own stored procedure, as stored


def test_agencies_are_offered_from_the_provinces_profile(admin, province):
    with as_tenant(province):
        save_setting("agencies", [
            {"name": "Công an tỉnh An Giang", "level": "tinh"}])
    html = _text(admin.get(STEP))
    agency_inputs = re.findall(r'<input class="field__input" id="agency-[^"]+"[^>]*>', html)
    assert agency_inputs and all('list="province-agencies"' in tag for tag in agency_inputs)
    datalist = html.split('<datalist id="province-agencies">')[1].split("</datalist>")[0]
    assert re.findall(r'<option value="([^"]+)">', datalist) == ["Công an tỉnh An Giang"]


def test_a_large_import_in_the_wizard_is_previewed_page_by_page(admin, province):
    header = "code,name,field,level,agency,online_level\n"
    rows = "".join(f"8.{n:06d},Thủ tục thử {n},Thử nghiệm,xa,UBND cấp xã,khong\n" for n in range(150))
    html = _text(upload(admin, STEP + "/import", header + rows))
    url = re.search(r'action="(/an-giang/setup/catalogue/import/[^"]+)"', html).group(1)
    assert f'href="{url}?page=2" rel="next"' in html
    second = _text(admin.get(f"{url}?page=2"))
    table = second.split('id="import-new"')[1].split("</table>")[0]
    assert table.count("<tr>") == 1 + 50 and "8.000149" in table and "8.000099" not in table
    assert f'action="{url}"' in second  # the confirmation is still offered, above the table
