"""Asking to go live: the checklist, computed live from the province's data, and the request an operator
approves or rejects (the operator's side lives in the operator console).

A request is accepted only when every check passes. It keeps a snapshot of the checklist as it stood, and
moves a province still `onboarding` to `trial`: it can then message its team and guest list while it waits.
A rejected request shows its reason and may be made again; a pending one may not be doubled.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from platform_core.audit.service import record_event
from platform_core.auth.constants import ROLE_ADMIN
from platform_core.auth.models import Membership, User
from platform_core.catalogue.models import Procedure
from platform_core.db.tenant_context import require_tenant
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.onboarding import connectivity, wizard
from platform_core.onboarding.constants import GO_LIVE_PENDING, STEP_GO_LIVE
from platform_core.onboarding.models import GoLiveRequest
from platform_core.tenancy.constants import STATUS_LIVE, STATUS_ONBOARDING, STATUS_TRIAL
from platform_core.tenancy.models import Tenant
from platform_core.tenancy.service import change_status
from platform_core.zalo.connection import get_connection
from platform_core.zalo.constants import STATUS_CONNECTED

MIN_ADMINS = 2


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    passed: bool
    fix_endpoint: str  # the page where it is put right
    fix_label: str


class GoLiveError(FieldError):
    """A request refused; the message is shown to the admin."""


# Each check's name, also for reading a stored snapshot ({key: passed}) back (the operator's go-live page).
CHECK_LABELS = {
    "zalo_connected": _l("Zalo OA connected"),
    "test_message_delivered": _l("Test message delivered to your Zalo"),
    "two_admins": _l("At least two administrators"),
    "catalogue_not_empty": _l("Procedure catalogue not empty"),
    "templates_reviewed": _l("Message templates reviewed"),
}


def checklist() -> list[Check]:
    """For the tenant in context, as things stand now."""
    return [
        Check("zalo_connected", CHECK_LABELS["zalo_connected"], _zalo_connected(), "onboarding.zalo",
              _l("Connect the Zalo OA")),
        Check("test_message_delivered", CHECK_LABELS["test_message_delivered"],
              connectivity.succeeded(connectivity.latest_delivery()), "onboarding.test_message",
              _l("Send the test message")),
        Check("two_admins", CHECK_LABELS["two_admins"], _admin_count() >= MIN_ADMINS, "team.index",
              _l("Invite a second administrator on the Team page")),
        Check("catalogue_not_empty", CHECK_LABELS["catalogue_not_empty"], _enabled_procedures() > 0,
              "onboarding.catalogue", _l("Choose the procedures you offer")),
        Check("templates_reviewed", CHECK_LABELS["templates_reviewed"],
              wizard.progress().templates_reviewed_at is not None, "onboarding.templates", _l("Review the templates")),
    ]


def latest_request() -> GoLiveRequest | None:
    return db.session.scalar(select(GoLiveRequest).order_by(GoLiveRequest.requested_at.desc()).limit(1))


def request_go_live(actor) -> GoLiveRequest:
    """Record the request (pending, with the checklist as it stands) and put the province in trial."""
    tenant = db.session.get(Tenant, require_tenant().id)
    if tenant.status == STATUS_LIVE:
        raise GoLiveError("status", _l("Your province is already live."))
    if tenant.status not in (STATUS_ONBOARDING, STATUS_TRIAL):
        raise GoLiveError("status", _l("Your province cannot request go-live in its current status."))
    latest = latest_request()
    if latest is not None and latest.status == GO_LIVE_PENDING:
        raise GoLiveError("request", _l("Your request is already waiting for an operator."))
    checks = checklist()
    if not all(check.passed for check in checks):
        raise GoLiveError("checklist", _l("Complete every item of the checklist first."))
    snapshot = {check.key: check.passed for check in checks}
    request = GoLiveRequest(status=GO_LIVE_PENDING, checklist=snapshot, requested_by_id=actor.id)
    db.session.add(request)
    db.session.flush()
    if tenant.status != STATUS_TRIAL:
        change_status(tenant, STATUS_TRIAL, actor=actor, reason="go-live requested")
    wizard.mark_done(STEP_GO_LIVE)
    record_event("go_live_requested", actor=actor, target=request, details={"checklist": snapshot})
    db.session.flush()
    return request


def requester_name(request: GoLiveRequest) -> str | None:
    user = db.session.get(User, request.requested_by_id) if request.requested_by_id else None
    return user.full_name if user else None


def _zalo_connected() -> bool:
    connection = get_connection()
    return connection is not None and connection.status == STATUS_CONNECTED


def _admin_count() -> int:
    """Active admins of the tenant in context (Membership is global: the tenant is named here)."""
    return db.session.scalar(
        select(func.count()).select_from(Membership).join(User, User.id == Membership.user_id)
        .where(Membership.tenant_id == require_tenant().id, Membership.role == ROLE_ADMIN, User.active.is_(True))
    )


def _enabled_procedures() -> int:
    return db.session.scalar(select(func.count()).select_from(Procedure).where(Procedure.enabled.is_(True)))
