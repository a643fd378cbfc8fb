"""Setup step 1, the province profile: prefilled from the registry, validated field by field, saved (going back
shows it), a checked logo, and only for the invitation's holder or the province's admins."""

import io
import re
import struct
import zlib

import pytest
from sqlalchemy import select

from platform_core.audit.models import AuditEvent
from platform_core.extensions import db
from platform_core.onboarding import invitations, wizard
from platform_core.onboarding import profile as profiles
from platform_core.onboarding.models import ProvinceLogo
from platform_core.settings.definitions import BAD_NAME, NO_LEVEL, TOO_MANY, AgencyError
from tests import factories
from tests.auth.support import csrf_token_from, sign_in
from tests.conftest import as_tenant
from tests.onboarding.conftest import CONTACT_EMAIL, CONTACT_NAME, SLUG, input_value, text

PROFILE = f"/{SLUG}/setup/profile"
VALID = {
    "display_name": "Trung tâm Phục vụ hành chính công Hà Nội",
    "agencies": "Trung tâm PVHCC Hà Nội | tinh\r\nCông an phường Hoàn Kiếm | xã\r\n\r\nSở Tư pháp | Tỉnh",
    "contact_name": "Nguyễn Thị Lan",
    "contact_email": "pvhcc@hanoi.gov.vn",
    "contact_phone": "024 3825 3536",
    "address": "Số 1 Tràng Tiền, Hoàn Kiếm",
}


def png(size: int = 1) -> bytes:
    """A real 1x1 PNG, padded with an ancillary chunk to about `size` bytes."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    head = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    head += chunk(b"IDAT", zlib.compress(b"\0\0\0\0"))
    end = chunk(b"IEND", b"")
    padding = size - len(head) - len(end) - 12
    return head + (chunk(b"teXt", b"x" * padding) if padding > 0 else b"") + end


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40 + b"\xff\xd9"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 28
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def saved_profile(tenant) -> dict | None:
    with as_tenant(tenant):
        return profiles.saved_values()


def saved_logo(tenant) -> ProvinceLogo | None:
    with as_tenant(tenant):
        return db.session.scalar(select(ProvinceLogo).execution_options(populate_existing=True))


def post_profile(client, logo: tuple[bytes, str] | None = None, **changes):
    data = VALID | changes
    if logo is not None:
        data = data | {"logo": (io.BytesIO(logo[0]), logo[1])}
    return client.post(PROFILE, data=data, content_type="multipart/form-data")


# --- prefilled, saved, shown again --------------------------------------------------------------------------------

def test_the_form_is_prefilled_from_the_registry_and_the_invitation(holder):
    html = text(holder.get(PROFILE))
    assert input_value(html, "display_name") == "Trung tâm PVHCC Hà Nội"
    assert input_value(html, "contact_email") == "pvhcc@hanoi.example"
    assert input_value(html, "contact_phone") == "+842438253536"
    assert input_value(html, "contact_name") == CONTACT_NAME
    assert ("Trung tâm Phục vụ hành chính công thành phố Hà Nội | tinh\nCông an thành phố Hà Nội | tinh\n"
            "UBND cấp xã, thành phố Hà Nội | xa</textarea>") in html
    assert '<dd id="province-code">01</dd>' in html
    assert 'name="code"' not in html  # the code is shown, never posted
    assert "Bước 1/7" in html


def test_saving_stores_the_profile_and_leads_to_step_2(holder, invited):
    response = post_profile(holder)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/{SLUG}/setup/admin"
    profile = saved_profile(invited.tenant)
    assert profile["display_name"] == VALID["display_name"]
    assert profile["agencies"] == [{"name": "Trung tâm PVHCC Hà Nội", "level": "tinh"},
                                {"name": "Công an phường Hoàn Kiếm", "level": "xa"},
                                {"name": "Sở Tư pháp", "level": "tinh"}]
    assert (profile["contact_phone"], profile["address"]) == ("024 3825 3536", "Số 1 Tràng Tiền, Hoàn Kiếm")
    with as_tenant(invited.tenant):
        assert wizard.is_done("profile")
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "profile_created"))
    assert event.details["email"] == CONTACT_EMAIL
    assert event.details["invitation_id"] == str(invited.invitation.id)
    assert set(event.details["fields"]) == set(profiles.PROFILE_FIELDS)


def test_going_back_shows_what_was_saved(holder):
    post_profile(holder, display_name="Tên đã lưu", contact_phone="")
    html = text(holder.get(PROFILE))
    assert input_value(html, "display_name") == "Tên đã lưu"
    assert input_value(html, "contact_phone") in (None, "")
    assert "Sở Tư pháp | tinh</textarea>" in html
    second = post_profile(holder, display_name="Tên mới")
    assert second.status_code == 302
    with as_tenant(holder_tenant()):
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "profile_updated"))
    assert event.details["fields"] == ["display_name", "contact_phone"]


def holder_tenant():
    return factories.tenant_by_slug(SLUG)


# --- validation ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"display_name": "  "}, "display_name", "Nhập tên mà người dân sẽ thấy."),
    ({"agencies": "Sở Y tế | tinh\nSở Nội vụ"}, "agencies", "Dòng 2: cuối dòng cần có dấu | và cấp"),
    ({"agencies": "Sở Y tế | huyen"}, "agencies", "Dòng 1: cuối dòng cần có dấu | và cấp"),
    ({"agencies": " | xa"}, "agencies", "Dòng 1: thiếu tên cơ quan"),
    ({"contact_email": "pvhcc-at-hanoi"}, "contact_email", "Nhập địa chỉ email dạng ten@example.gov.vn."),
    ({"contact_phone": "gọi tôi"}, "contact_phone", "Nhập số điện thoại, ví dụ 0222 3822 123."),
])
def test_an_invalid_value_is_shown_next_to_its_field_and_nothing_is_saved(holder, invited, changes, field, message):
    response = post_profile(holder, **changes)
    assert response.status_code == 200
    html = text(response)
    assert f'<p class="field__error" id="{field}-error">{message}' in html
    assert f'<li><a href="#{field}">' in html  # the summary links to the field
    assert 'role="alert"' in html
    assert saved_profile(invited.tenant) is None
    if field != "agencies":
        assert "Công an phường Hoàn Kiếm | xã" in html  # what was typed is kept


def test_parse_agencies_reads_levels_as_people_type_them():
    parsed = profiles.parse_agencies("A | TỈNH\nB|Xã\n\nC | Ngành dọc\nD | bo\nE | tinh | xa")
    assert parsed == [{"name": "A", "level": "tinh"}, {"name": "B", "level": "xa"},
                      {"name": "C", "level": "nganh_doc"}, {"name": "D", "level": "bo"},
                      {"name": "E | tinh", "level": "xa"}]
    assert profiles.parse_agencies("") == []


@pytest.mark.parametrize(("text_", "problem", "line"), [
    ("A | tinh\nB", NO_LEVEL, 2),
    ("|tinh", BAD_NAME, 1),
    ("x" * 201 + " | tinh", BAD_NAME, 1),
    ("\n".join(f"Cơ quan {n} | xa" for n in range(101)), TOO_MANY, None),
])
def test_parse_agencies_names_the_problem_and_the_line(text_, problem, line):
    with pytest.raises(AgencyError) as refused:
        profiles.parse_agencies(text_)
    assert (refused.value.field, refused.value.problem, refused.value.line) == ("agencies", problem, line)


# --- logo ---------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("data", "filename", "content_type"), [
    (png(), "logo.png", "image/png"), (JPEG, "logo.jpg", "image/jpeg"), (WEBP, "logo.webp", "image/webp"),
    (png(), "logo.svg", "image/png"),  # the bytes decide, not the name
])
def test_a_logo_is_stored_and_served_with_its_type(holder, client, invited, data, filename, content_type):
    assert post_profile(holder, logo=(data, filename)).status_code == 302
    assert saved_logo(invited.tenant).content_type == content_type
    served = client.get(f"/{SLUG}/logo")
    assert served.status_code == 200
    assert served.data == data
    assert served.headers["Content-Type"] == content_type
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    assert client.get(f"/{SLUG}/logo", headers={"If-None-Match": served.headers["ETag"]}).status_code == 304
    assert f'src="/{SLUG}/logo"' in text(holder.get(PROFILE))


@pytest.mark.parametrize(("data", "filename", "message"), [
    (SVG, "logo.svg", "Biểu trưng phải là ảnh PNG, JPEG hoặc WebP."),
    (SVG, "logo.png", "Biểu trưng phải là ảnh PNG, JPEG hoặc WebP."),
    (b"GIF89a" + b"\0" * 20, "logo.gif", "Biểu trưng phải là ảnh PNG, JPEG hoặc WebP."),
    (png(512 * 1024 + 1), "logo.png", "Biểu trưng lớn hơn 512 KB."),
])
def test_a_bad_logo_is_refused_next_to_the_field(holder, invited, data, filename, message):
    response = post_profile(holder, logo=(data, filename))
    assert response.status_code == 200
    assert f'<p class="field__error" id="logo-error">{message}' in text(response)
    assert saved_profile(invited.tenant) is None


def test_a_logo_of_exactly_512_kb_is_accepted(holder, invited):
    data = png(512 * 1024)
    assert len(data) == 512 * 1024
    assert post_profile(holder, logo=(data, "logo.png")).status_code == 302


def test_saving_again_without_a_file_keeps_the_logo_and_it_can_be_removed(holder, invited):
    post_profile(holder, logo=(png(), "logo.png"))
    post_profile(holder, display_name="Khác")
    assert saved_logo(invited.tenant).data == png()
    post_profile(holder, remove_logo="y")
    assert saved_logo(invited.tenant) is None
    assert holder.get(f"/{SLUG}/logo").status_code == 404


def test_no_logo_is_404(client, tenant_a):
    assert client.get(f"/{tenant_a.slug}/logo").status_code == 404


# --- who may open it ------------------------------------------------------------------------------------------------

def test_without_invitation_or_account_the_step_asks_to_sign_in(client, invited):
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={PROFILE}"


def test_the_tenants_admin_may_edit_the_profile(client, tenant_a):
    factories.create_user("qt@bacninh.gov.vn", full_name="Quản Trị", tenant=tenant_a, role="admin")
    sign_in(client, "qt@bacninh.gov.vn")
    html = text(client.get("/bac-ninh/setup/profile"))
    assert input_value(html, "contact_name") == "Quản Trị"
    response = client.post("/bac-ninh/setup/profile", data=VALID, content_type="multipart/form-data")
    assert response.status_code == 302
    with as_tenant(tenant_a):
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "profile_created"))
    assert event.actor_email == "qt@bacninh.gov.vn"


def test_an_officer_gets_404(client, tenant_a):
    factories.create_user("cb@bacninh.gov.vn", tenant=tenant_a, role="officer")
    sign_in(client, "cb@bacninh.gov.vn")
    assert client.get("/bac-ninh/setup/profile").status_code == 404
    assert client.post("/bac-ninh/setup/profile", data=VALID).status_code == 404


def test_province_a_admin_on_province_b_setup_pages_gets_404(client, tenant_a, tenant_b, invited):
    factories.create_user("qt-a@bacninh.gov.vn", tenant=tenant_a, role="admin")
    sign_in(client, "qt-a@bacninh.gov.vn")
    for path in ("/da-nang/setup/profile", "/da-nang/setup/admin", PROFILE, f"/{SLUG}/setup/admin"):
        assert client.get(path).status_code == 404, path
    assert client.post("/da-nang/setup/profile", data=VALID).status_code == 404


def test_the_invitation_in_the_session_opens_nothing_in_another_province(holder, tenant_a):
    response = holder.get("/bac-ninh/setup/profile")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_a_withdrawn_invitation_closes_the_steps_at_once(holder, invited):
    with as_tenant(invited.tenant):
        invitations.revoke(invited.invitation)
        db.session.flush()
    assert holder.get(PROFILE).status_code == 302
    with holder.session_transaction() as session:
        assert "onboarding_invitation" not in session


def test_a_post_without_the_csrf_token_is_refused(holder, app, monkeypatch, invited):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert post_profile(holder).status_code == 400
    assert saved_profile(invited.tenant) is None
    token = csrf_token_from(text(holder.get(PROFILE)))
    response = holder.post(PROFILE, data=VALID | {"csrf_token": token}, content_type="multipart/form-data")
    assert response.status_code == 302


def test_the_page_says_the_registry_filled_the_agencies_only_when_it_did(holder, province):
    assert "Chúng tôi đã điền sẵn theo danh mục quốc gia" in text(holder.get(PROFILE))
    province.profile = {"oa_name": "Trung tâm PVHCC Hà Nội"}  # a province the registry knows no agencies of
    db.session.flush()
    html = text(holder.get(PROFILE))
    assert "Chúng tôi đã điền sẵn theo danh mục quốc gia" not in html
    assert "danh mục quốc gia chưa có cơ quan nào của Hà Nội, Ông/Bà hãy bổ sung bên dưới." in html
    assert re.search(r'<textarea[^>]*name="agencies"[^>]*>\s*</textarea>', html)
