"""Linking a team member's Zalo account: a code asked for while signed in, written to the province's OA from
Zalo, matched for that tenant only, single use, 10 minutes; the member gets "linked" back through the outbox."""

from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from platform_core.audit.models import AuditEvent
from platform_core.auth.models import Membership
from platform_core.db.types import utcnow
from platform_core.delivery.models import Delivery
from platform_core.extensions import db
from platform_core.zalo import staff_link
from platform_core.zalo.models import Follower, StaffLinkCode
from tests import factories
from tests.conftest import as_tenant
from tests.delivery.trial_support import put_in_trial, run_pipeline
from tests.zalo.conftest import connect_to_sandbox
from tests.zalo.staff_link_support import write_to_oa


@pytest.mark.parametrize("text", ["MC-123456", "mc 123456", " Mc123456. ", "#MC-123456", "MC–123456"])
def test_codes_are_read_as_people_type_them(text):
    assert staff_link.parse_code(text) == "MC-123456"


@pytest.mark.parametrize("text", ["MC-12345", "tra cứu MC-123456", "000.00.24.H04-251128-0001", "", "123456"])
def test_other_text_is_not_a_code(text):
    assert staff_link.parse_code(text) is None


@pytest.fixture
def member(tenant_a):
    return factories.create_user("linker@bac-ninh.vn", full_name="Lê Văn Bình", tenant=tenant_a, role="admin")


@pytest.fixture
def oa(sandbox, tenant_a):
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)
    return seeded


def issue(tenant, user) -> StaffLinkCode:
    with as_tenant(tenant):
        return staff_link.issue_code(user)


def linked_to(tenant, user) -> Follower | None:
    with as_tenant(tenant):
        return staff_link.linked_follower(user)


def replies_to(tenant, user_id) -> list[tuple[Delivery, str]]:
    """Each delivery to `user_id` with its text (read inside the tenant: RLS hides it outside)."""
    with as_tenant(tenant):
        deliveries = db.session.scalars(select(Delivery).where(Delivery.recipient_zalo_user_id == user_id)
                                        .order_by(Delivery.created_at, Delivery.id))
        return [(delivery, delivery.notification.context["text"]) for delivery in deliveries]


def test_a_code_is_ten_minutes_single_use_and_replaces_the_earlier_one(tenant_a, member):
    first = issue(tenant_a, member)
    second = issue(tenant_a, member)
    assert second.code.startswith("MC-") and len(second.code) == 9
    assert timedelta(minutes=9) < second.expires_at - utcnow() <= timedelta(minutes=10)
    assert first.expires_at <= utcnow()  # retired: only the newest code works
    with as_tenant(tenant_a):
        assert staff_link.open_code(member).id == second.id


def test_writing_the_code_from_zalo_links_the_account_and_answers_linked(client, sandbox, oa, tenant_a, member):
    phone = sandbox.add_user(oa.app_id, display_name="Lê Văn Bình", last_interaction="now")
    code = issue(tenant_a, member)
    event = write_to_oa(client, tenant_a, oa, phone["user_id"], code.code.lower())
    assert event.status == "processed"
    follower = linked_to(tenant_a, member)
    assert follower.zalo_user_id == phone["user_id"] and follower.staff_linked_at
    with as_tenant(tenant_a):
        db.session.refresh(code)
        assert (code.used_at is not None, code.zalo_user_id) == (True, phone["user_id"])
        assert "staff_zalo_linked" in db.session.scalars(select(AuditEvent.action)).all()
    [(_, text)] = replies_to(tenant_a, phone["user_id"])
    assert "Lê Văn Bình" in text
    run_pipeline(tenant_a)
    [received] = sandbox.messages(oa_id=oa.oa_id, user_id=phone["user_id"])
    assert received["body"]["message"]["text"] == text


def test_in_trial_the_linked_reply_reaches_the_new_team_member(client, sandbox, oa, tenant_a, member):
    put_in_trial(tenant_a, "onboarding")
    phone = sandbox.add_user(oa.app_id, display_name="Lê Văn Bình", last_interaction="now")
    write_to_oa(client, tenant_a, oa, phone["user_id"], issue(tenant_a, member).code)
    run_pipeline(tenant_a)
    assert [reply.state for reply, _ in replies_to(tenant_a, phone["user_id"])] == ["sent"]


def test_a_code_works_once(client, sandbox, oa, tenant_a, member):
    first, second = (sandbox.add_user(oa.app_id, display_name=name, last_interaction="now")["user_id"]
                     for name in ("Người thứ nhất", "Người thứ hai"))
    code = issue(tenant_a, member).code
    write_to_oa(client, tenant_a, oa, first, code)
    write_to_oa(client, tenant_a, oa, second, code)
    assert linked_to(tenant_a, member).zalo_user_id == first
    [(_, refused)] = replies_to(tenant_a, second)
    assert "không hợp lệ" in refused or "not valid" in refused


def test_an_expired_code_links_nothing(client, sandbox, oa, tenant_a, member):
    phone = sandbox.add_user(oa.app_id, display_name="Lê Văn Bình", last_interaction="now")
    code = issue(tenant_a, member)
    with as_tenant(tenant_a):
        code.expires_at = utcnow() - timedelta(seconds=1)
        db.session.flush()
    write_to_oa(client, tenant_a, oa, phone["user_id"], code.code)
    assert linked_to(tenant_a, member) is None


def test_another_provinces_code_never_matches(client, sandbox, oa, tenant_a, tenant_b):
    other = factories.create_user("linker@da-nang.vn", tenant=tenant_b, role="admin")
    phone = sandbox.add_user(oa.app_id, display_name="Người Đà Nẵng", last_interaction="now")
    code = issue(tenant_b, other)
    write_to_oa(client, tenant_a, oa, phone["user_id"], code.code)  # B's code written to A's OA
    assert linked_to(tenant_a, other) is None and linked_to(tenant_b, other) is None
    with as_tenant(tenant_b):
        db.session.refresh(code)
        assert code.used_at is None


def test_someone_no_longer_a_member_cannot_link(client, sandbox, oa, tenant_a, member, db_session):
    phone = sandbox.add_user(oa.app_id, display_name="Lê Văn Bình", last_interaction="now")
    code = issue(tenant_a, member)
    db_session.execute(delete(Membership).where(Membership.user_id == member.id))
    write_to_oa(client, tenant_a, oa, phone["user_id"], code.code)
    assert linked_to(tenant_a, member) is None


def test_linking_a_new_account_unlinks_the_old_one(client, sandbox, oa, tenant_a, member):
    old, new = (sandbox.add_user(oa.app_id, display_name=name, last_interaction="now")["user_id"]
                for name in ("Điện thoại cũ", "Điện thoại mới"))
    write_to_oa(client, tenant_a, oa, old, issue(tenant_a, member).code)
    write_to_oa(client, tenant_a, oa, new, issue(tenant_a, member).code)
    with as_tenant(tenant_a):
        linked = db.session.scalars(select(Follower.zalo_user_id).where(Follower.staff_user_id == member.id)).all()
    assert linked == [new]


def test_a_dossier_code_still_goes_to_the_bot(client, sandbox, oa, tenant_a, member):
    phone = sandbox.add_user(oa.app_id, display_name="Công dân", last_interaction="now")
    write_to_oa(client, tenant_a, oa, phone["user_id"], "tra cứu 000.00.24.H04-251128-0001")
    [(_, text)] = replies_to(tenant_a, phone["user_id"])
    assert "000.00.24.H04-251128-0001" in text


def test_an_account_guessing_codes_is_stopped_after_five_wrong_ones(client, sandbox, oa, tenant_a, member):
    guesser, owner = (sandbox.add_user(oa.app_id, display_name=name, last_interaction="now")["user_id"]
                      for name in ("Người đoán mã", "Lê Văn Bình"))
    code = issue(tenant_a, member).code
    wrong = [f"MC-{(int(code[3:]) + n) % 1_000_000:06d}" for n in range(1, staff_link.MAX_WRONG_CODES + 1)]
    for guess in wrong:
        write_to_oa(client, tenant_a, oa, guesser, guess)
    write_to_oa(client, tenant_a, oa, guesser, code)  # the right code, too late: refused unread
    assert linked_to(tenant_a, member) is None
    texts = [text for _, text in replies_to(tenant_a, guesser)]
    assert len(texts) == staff_link.MAX_WRONG_CODES + 1 and not texts[0].startswith("Quá nhiều mã")
    assert texts[-1].startswith("Quá nhiều mã")
    write_to_oa(client, tenant_a, oa, owner, code)  # the member's own account is not held up
    assert linked_to(tenant_a, member).zalo_user_id == owner
