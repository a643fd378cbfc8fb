"""The ZNS rating path: a province names its ZNS rating template (checked with Zalo, the sandbox); a citizen
reachable only by phone is invited with it by ZNS; the rating they give with its stars comes back as Zalo's
`user_feedback` event and is recorded like one from the rating page. Anything else is ignored."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.ratings.constants import CHANNEL_ZNS
from platform_core.ratings.models import Rating
from platform_core.sandbox import events
from platform_core.settings.service import province_settings, save_setting
from tests.auth.support import csrf_token_from
from tests.citizens.conftest import run_pipeline
from tests.conftest import as_tenant
from tests.ratings.conftest import invitation_of, returned_dossier
from tests.zalo.conftest import connect_to_sandbox, now_ms, sandbox  # noqa: F401 - the fixture
from tests.zalo.staff_link_support import post_event

URL = "/bac-ninh/admin/ratings/zns"
TEMPLATE_ID = "260001"
PARAMS = [{"name": "ten_khach_hang", "require": True, "type": "STRING", "maxLength": 60},
          {"name": "ma_ho_so", "require": True, "type": "STRING", "maxLength": 40}]
GOOD = "ten_khach_hang: {{ nguoi_nop|truncate(60) }}\nma_ho_so: {{ ma_ho_so }}"
CODE = "H15.50.05.13-260715-0009"


@pytest.fixture
def oa(sandbox, tenant_a):  # noqa: F811
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    sandbox.add_template(TEMPLATE_ID, template_name="Đánh giá dịch vụ công", listParams=PARAMS)
    return seeded


@pytest.fixture
def with_template(oa, tenant_a):
    with as_tenant(tenant_a):
        params = {"ten_khach_hang": "{{ nguoi_nop }}", "ma_ho_so": "{{ ma_ho_so }}"}
        save_setting("rating_zns", {"zns_template_id": TEMPLATE_ID, "zns_params": params})
    return oa


def save(member, template_id: str, params: str):
    token = csrf_token_from(member.client.get(URL).get_data(as_text=True))
    return member.client.post(URL, data={"csrf_token": token, "zns_template_id": template_id, "zns_params": params})


def saved(tenant) -> dict | None:
    db.session.expire_all()
    with as_tenant(tenant):
        return province_settings().rating_zns


def test_an_admin_names_the_template_checked_with_zalo_and_can_remove_it(admin_a, tenant_a, oa, sandbox):  # noqa: F811
    admin_a.client.get("/?lang=en")
    response = save(admin_a, TEMPLATE_ID, GOOD)
    assert response.status_code == 302
    assert "ZNS rating template saved." in admin_a.client.get(URL).get_data(as_text=True)
    assert (saved(tenant_a)["zns_template_id"], saved(tenant_a)["zns_params"]["ma_ho_so"]) == (TEMPLATE_ID,
                                                                                "{{ ma_ho_so }}")
    assert "ma_ho_so: [Mã hồ sơ]" in admin_a.client.get(URL).get_data(as_text=True)  # as the editor writes fields
    assert [f"template_id={TEMPLATE_ID}" in r["query"] for r in sandbox.requests("/template/info/v2")] == [True]
    page = admin_a.client.get("/bac-ninh/admin/ratings/").get_data(as_text=True)
    assert f"template {TEMPLATE_ID}, for citizens reachable only by phone" in page
    assert save(admin_a, "", "").status_code == 302
    assert saved(tenant_a) is None


@pytest.mark.parametrize(("template_id", "params", "message"), [
    (TEMPLATE_ID, "ten_khach_hang {{ nguoi_nop }}", "Line 1: write “name: value”."),
    (TEMPLATE_ID, "ten_khach_hang: {{ ho_ten }}\nma_ho_so: {{ ma_ho_so }}", "ho_ten"),
    (TEMPLATE_ID, "ten_khach_hang: {{ nguoi_nop|truncate(60) }}", "also needs: ma_ho_so"),
    (TEMPLATE_ID, "ten_khach_hang: [Họ tên người nộp]\nma_ho_so: [Mã hồ sở]",
     "Line 2: there is no field “[Mã hồ sở]”: did you mean “[Mã hồ sơ]”?"),
    ("269999", GOOD, "Zalo has no ZNS template 269999"),
    ("abc", GOOD, "digits"),
])
def test_a_template_zalo_would_refuse_is_not_saved(admin_a, tenant_a, oa, template_id, params, message):
    admin_a.client.get("/?lang=en")
    response = save(admin_a, template_id, params)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert saved(tenant_a) is None


def test_officers_and_other_provinces_admins_get_404(officer_a, admin_b, oa):
    assert officer_a.client.get(URL).status_code == 404
    assert admin_b.client.get(URL).status_code == 404
    assert "ZNS rating template" not in officer_a.client.get("/bac-ninh/admin/ratings/").get_data(as_text=True)


def invited_by_zns(tenant, sandbox, oa):  # noqa: F811
    """A phone-only citizen's returned dossier, its invitation sent by ZNS; (invitation, the ZNS message)."""
    dossier = returned_dossier(CODE, zalo_user_id=None)
    run_pipeline(tenant)
    [message] = sandbox.messages(oa_id=oa.oa_id)
    return invitation_of(dossier), message


def feedback(sandbox, oa, tenant, client, **fields):  # noqa: F811
    """Zalo's user_feedback, built by the sandbox as it sends it, posted signed and processed."""
    body = events.build("user_feedback", sandbox.state.apps[oa.app_id], None, fields, now_ms())
    with as_tenant(tenant):
        db.session.flush()
    return post_event(client, tenant, oa, body, headers={"X-ZEvent-Server": "ZNS"})


def test_a_citizen_known_only_by_phone_is_invited_with_the_zns_template(in_a, tenant_a, with_template, sandbox):  # noqa: F811
    invitation, message = invited_by_zns(tenant_a, sandbox, with_template)
    assert message["kind"] == "zns" and message["user_id"].endswith("84912345678")
    assert message["body"]["template_id"] == TEMPLATE_ID
    assert message["body"]["template_data"] == {"ten_khach_hang": "Nguyễn Văn An", "ma_ho_so": CODE}
    assert invitation.status == "invited" and message["tracking_id"]


def test_without_a_template_a_phone_only_citizen_is_not_reached(in_a, tenant_a, oa, sandbox):  # noqa: F811
    returned_dossier(CODE, zalo_user_id=None)
    run_pipeline(tenant_a)
    assert sandbox.messages(oa_id=oa.oa_id) == []


def test_the_stars_given_in_zalo_are_recorded_as_the_rating(client, in_a, tenant_a, with_template, sandbox):  # noqa: F811
    invitation, message = invited_by_zns(tenant_a, sandbox, with_template)
    event = feedback(sandbox, with_template, tenant_a, client, msg_id=message["message_id"],
                     tracking_id=message["tracking_id"], rate=2, note="Phải đi lại nhiều lần",
                     feedbacks=["Thời gian xử lý lâu", "Hướng dẫn chưa rõ"])
    assert (event.status, event.from_zns) == ("processed", True)
    rating = db.session.scalar(select(Rating))
    assert (rating.score, rating.channel, rating.comment) == (2, CHANNEL_ZNS, "Phải đi lại nhiều lần")
    assert rating.tags == ["Thời gian xử lý lâu", "Hướng dẫn chưa rõ"] and rating.invitation_id == invitation.id
    db.session.refresh(invitation)
    assert invitation.status == "submitted"


def test_a_rating_found_by_zalos_message_id_alone_counts_too(client, in_a, tenant_a, with_template, sandbox):  # noqa: F811
    _, message = invited_by_zns(tenant_a, sandbox, with_template)
    feedback(sandbox, with_template, tenant_a, client, msg_id=message["message_id"], tracking_id="", rate=5)
    assert db.session.scalar(select(Rating.score)) == 5


@pytest.mark.parametrize("change", [
    {"msg_id": "not-ours", "tracking_id": "0" * 32},  # another template's rating, or not one of ours
    {"rate": 7},  # off the scale
    {"rate": "năm"},
])
def test_anything_else_is_ignored_and_records_nothing(client, in_a, tenant_a, with_template, sandbox, change):  # noqa: F811
    _, message = invited_by_zns(tenant_a, sandbox, with_template)
    fields = {"msg_id": message["message_id"], "tracking_id": message["tracking_id"], "rate": 4} | change
    assert feedback(sandbox, with_template, tenant_a, client, **fields).status == "ignored"
    assert db.session.scalar(select(Rating)) is None


def test_an_expired_invitation_is_not_rated(client, in_a, tenant_a, with_template, sandbox):  # noqa: F811
    invitation, message = invited_by_zns(tenant_a, sandbox, with_template)
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    event = feedback(sandbox, with_template, tenant_a, client, msg_id=message["message_id"],
                     tracking_id=message["tracking_id"], rate=5)
    assert event.status == "ignored" and db.session.scalar(select(Rating)) is None
