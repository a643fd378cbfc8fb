"""An operator's decision on a go-live request: approve (the tenant goes live) or reject with a reason.

The wizard's last step creates the request (pending, with the checklist as it stood) and moves the tenant to
`trial`; this module is the other half. Both functions run in the request's tenant context and write in the
caller's transaction. A rejection's reason is shown to the province's admins, so it is required. Either way
the province's admins are told on Zalo and by e-mail (officials/team_notices.py), with a link to where they
go on: the console once live, the wizard's last step (the reason, the request again) after a rejection.
"""

from sqlalchemy import select

from platform_core.audit.service import record_event
from platform_core.db.types import utcnow
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.officials import team_notices
from platform_core.officials.constants import KIND_GO_LIVE
from platform_core.onboarding.constants import GO_LIVE_APPROVED, GO_LIVE_PENDING, GO_LIVE_REJECTED
from platform_core.onboarding.models import GoLiveRequest
from platform_core.tenancy.constants import STATUS_TRIAL
from platform_core.tenancy.models import Tenant
from platform_core.tenancy.service import go_live

MAX_REASON_LENGTH = 2000


class GoLiveError(FieldError):
    """A decision refused: `request` (not pending), `status` (tenant not in trial) or `reason` (missing)."""


def pending_request(request_id) -> GoLiveRequest | None:
    """The tenant-in-context's pending request with this id (another tenant's id finds nothing)."""
    return db.session.scalar(
        select(GoLiveRequest).where(GoLiveRequest.id == request_id, GoLiveRequest.status == GO_LIVE_PENDING)
    )


def approve(request: GoLiveRequest, tenant: Tenant, actor) -> None:
    """The tenant goes live. Only from `trial`: a tenant suspended since it asked must be resumed first."""
    _check_open(request, tenant)
    go_live(tenant, actor=actor)
    _decide(request, GO_LIVE_APPROVED, actor, reason=None)
    record_event("go_live_approved", actor=actor, target=request, platform=True,
                 details={"tenant": tenant.slug})
    _tell_admins(request, tenant, actor, f"{tenant.name} đã chính thức hoạt động trên Motcua",
                 "Đơn vị vận hành đã duyệt đề nghị chính thức hoạt động. Từ nay tin nhắn đến được mọi công dân "
                 "quan tâm Zalo OA của tỉnh, thành phố, không còn giới hạn của chế độ dùng thử.",
                 team_notices.page_url("console.dashboard", tenant_slug=tenant.slug))


def reject(request: GoLiveRequest, tenant: Tenant, reason: str, actor) -> None:
    """The request is closed with the reason; the tenant stays in trial and may ask again."""
    reason = (reason or "").strip()
    if not reason:
        raise GoLiveError("reason", "say why, so that the province knows what to fix")
    if len(reason) > MAX_REASON_LENGTH:
        raise GoLiveError("reason", f"at most {MAX_REASON_LENGTH} characters")
    _check_open(request, tenant)
    _decide(request, GO_LIVE_REJECTED, actor, reason=reason)
    record_event("go_live_rejected", actor=actor, target=request, platform=True,
                 details={"tenant": tenant.slug, "reason": reason})
    _tell_admins(request, tenant, actor, f"Đề nghị chính thức hoạt động của {tenant.name} chưa được duyệt",
                 f"Lý do: {reason}\nKhắc phục xong, anh/chị gửi lại đề nghị ở bước cuối của trình thiết lập; "
                 "trong thời gian này tỉnh, thành phố vẫn ở chế độ dùng thử.",
                 team_notices.page_url("onboarding.go_live", tenant_slug=tenant.slug))


def _tell_admins(request: GoLiveRequest, tenant: Tenant, actor, title: str, body: str, link: str) -> None:
    team_notices.tell(team_notices.admins(), KIND_GO_LIVE, title, body, link, ref=f"go_live:{request.id}",
                      actor=actor)


def _check_open(request: GoLiveRequest, tenant: Tenant) -> None:
    if request.status != GO_LIVE_PENDING:
        raise GoLiveError("request", f"this request was already {request.status}")
    if request.tenant_id != tenant.id:
        raise GoLiveError("request", "this request belongs to another tenant")
    if tenant.status != STATUS_TRIAL:
        raise GoLiveError("status", f"{tenant.name} is {tenant.status}, not in trial")


def _decide(request: GoLiveRequest, status: str, actor, reason: str | None) -> None:
    request.status = status
    request.reason = reason
    request.decided_by_id = getattr(actor, "id", None)
    request.decided_at = utcnow()
