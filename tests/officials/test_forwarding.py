"""A feedback forwarded to an agency: that agency's officials in this province get a notice to handle it (what
it is about, never who sent it); another agency's or another province's officials get nothing; the officer
is told who was given it, or that nobody of that agency uses Motcua."""

from sqlalchemy import select

from platform_core.extensions import db
from platform_core.feedback import service as feedback_service
from platform_core.officials.models import InternalNotice
from tests.conftest import as_tenant
from tests.console.support import text_of
from tests.feedback.conftest import CONTENT, zalo_feedback
from tests.officials.conftest import make_official, sent_messages


def official_of(tenant, agency: str, email: str, ref: str, zalo_user_id: str | None = None):
    official = make_official(tenant, email, ref, zalo_user_id)
    with as_tenant(tenant):
        official.profile.agency = agency
        db.session.flush()
    return official


def forwarded(tenant, actor, agency: str):
    feedback = zalo_feedback(tenant)
    with as_tenant(tenant):
        for action, fields in (("accept", {}), ("classify", {"category": "regulation_content"}),
                               ("forward", {"agency": agency})):
            feedback_service.act(feedback, action, actor, **fields)
        db.session.flush()
    return feedback


def notices(tenant) -> list[InternalNotice]:
    with as_tenant(tenant):
        return list(db.session.scalars(select(InternalNotice)))


def test_the_agencys_officials_get_a_notice_about_it_without_who_sent_it(tenant_a, tenant_b, officer_a):
    justice = official_of(tenant_a, "Sở Tư pháp", "tu-phap@bacninh.gov.vn", "TP-1", "zalo-tu-phap")
    official_of(tenant_a, "Sở Xây dựng", "xay-dung@bacninh.gov.vn", "XD-1", "zalo-xay-dung")
    official_of(tenant_b, "Sở Tư pháp", "tu-phap@danang.gov.vn", "TP-1", "zalo-b-tu-phap")
    feedback = forwarded(tenant_a, officer_a.user, "  sở tư   pháp ")
    [notice] = notices(tenant_a)
    assert (notice.user_id, notice.kind, notice.urgency) == (justice.user.id, "incoming_document", "khan")
    assert feedback.code in notice.title and CONTENT in notice.body
    [(recipient, context)] = [m for m in sent_messages(tenant_a) if m[0] == "zalo-tu-phap"]
    assert "Nguyễn Văn An" not in str(context)  # the submitter stays in the console
    assert notices(tenant_b) == []


def test_forwarding_to_an_agency_nobody_uses_motcua_for_makes_no_notice(tenant_a, officer_a):
    official_of(tenant_a, "Sở Xây dựng", "xay-dung@bacninh.gov.vn", "XD-1", "zalo-xay-dung")
    forwarded(tenant_a, officer_a.user, "Bộ Tư pháp")
    assert notices(tenant_a) == []


def test_the_officer_is_told_who_was_given_it(officer_a, tenant_a):
    official_of(tenant_a, "Sở Tư pháp", "tu-phap@bacninh.gov.vn", "TP-1", "zalo-tu-phap")
    client = officer_a.client
    client.get("/?lang=en")
    for agency, said in (("Sở Tư pháp", "Officials of Sở Tư pháp given a notice to handle it: 1"),
                         ("Bộ Tư pháp", "No official of Bộ Tư pháp uses Motcua")):
        feedback = zalo_feedback(tenant_a)
        base = f"/bac-ninh/admin/feedback/{feedback.id}"
        for action, data in (("accept", {}), ("classify", {"classify-category": "regulation_content"}),
                             ("forward", {"forward-agency": agency})):
            assert client.post(f"{base}/{action}", data=data).status_code == 302
        assert said in text_of(client.get(base))
