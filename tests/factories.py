"""Factories for test data. Tenant-scoped ones run in the tenant in context (like the app)."""

import uuid
from datetime import timedelta

from sqlalchemy import insert, select

from platform_core.apikeys import service as apikeys
from platform_core.auth.models import Membership, User
from platform_core.auth.passwords import hash_password
from platform_core.catalogue.models import Procedure
from platform_core.citizens.consent import NOTICE_VERSION
from platform_core.citizens.constants import METHOD_ZALO_BUTTON, PURPOSE_NEWS
from platform_core.citizens.models import Consent
from platform_core.db.base import new_id
from platform_core.db.types import utcnow
from platform_core.delivery.models import Delivery, Notification
from platform_core.extensions import db
from platform_core.feedback.models import Feedback
from platform_core.ratings.models import Rating
from platform_core.tenancy.models import Tenant
from platform_core.zalo.models import Follower, ZaloEvent

DEFAULT_PASSWORD = "mot-cua-test-password"


def create_tenant(slug: str, name: str, code: str | None = None, status: str = "live") -> Tenant:
    tenant = Tenant(slug=slug, name=name, code=code, status=status)
    db.session.add(tenant)
    db.session.flush()
    return tenant


def tenant_by_slug(slug: str) -> Tenant:
    return db.session.scalar(select(Tenant).where(Tenant.slug == slug))


def create_procedure(code: str, name: str, **fields) -> Procedure:
    values = dict(field="Hộ tịch", level="xa", agency="UBND cấp xã", online_level="mot_phan") | fields
    procedure = Procedure(code=code, name=name, **values)
    db.session.add(procedure)
    db.session.flush()
    return procedure


def create_user(email: str, password: str = DEFAULT_PASSWORD, full_name: str = "Nguyễn Văn A",
                tenant: Tenant | None = None, role: str | None = None, operator: bool = False) -> User:
    user = User(email=email, full_name=full_name, password_hash=hash_password(password),
                platform_role="operator" if operator else None)
    db.session.add(user)
    db.session.flush()
    if tenant is not None:
        db.session.add(Membership(user_id=user.id, tenant_id=tenant.id, role=role or "officer"))
        db.session.flush()
    return user


def create_api_key(name: str = "test key", kind: str = "live"):
    """Returns (ApiKey, plaintext) for the tenant in context."""
    return apikeys.create_key(name, kind)


DOSSIER_DEFAULTS = {
    "procedure_code": "1.004222",
    "applicant": {"name": "Nguyễn Văn An", "phone": "0912345678"},
    "received_at": "2026-07-15T08:30:00+07:00",
    "due_at": "2026-07-24T17:00:00+07:00",
    "channel": 2,
}


def dossier_body(code: str = "H15.50.05.13-260715-0001", **fields) -> dict:
    """A valid creation body for POST /api/v1/dossiers (dates as the API takes them)."""
    return {"code": code} | DOSSIER_DEFAULTS | fields


def create_dossier(code: str = "H15.50.05.13-260715-0001", simulated: bool = False, **fields):
    """A dossier of the tenant in context, created through the service (so with its first event and
    notification, as the API would)."""
    from platform_core.dossiers import service
    from platform_core.dossiers.schemas import DossierInput

    dossier, _ = service.create_dossier(DossierInput().load(dossier_body(code, **fields)), simulated=simulated)
    return dossier


def create_delivery(channel: str | None, state: str, created_at, sent_at=None, dossier_id=None,
                    zalo_user_id: str | None = "5550000000000001", simulated: bool = False, **fields):
    """A notification and one delivery of the tenant in context, as the pipeline leaves them."""
    notification = Notification(event_kind="received", idempotency_key=f"factory-{uuid.uuid4().hex}",
                                dossier_id=dossier_id, simulated=simulated, created_at=created_at)
    db.session.add(notification)
    db.session.flush()
    delivery = Delivery(notification_id=notification.id, channel=channel, state=state, created_at=created_at,
                        sent_at=sent_at, recipient_zalo_user_id=zalo_user_id, simulated=simulated, **fields)
    db.session.add(delivery)
    db.session.flush()
    return delivery


def create_zalo_event(event_name: str, zalo_user_id: str, received_at):
    """A webhook event of the tenant in context, as received (processed)."""
    event = ZaloEvent(event_key=f"factory-{uuid.uuid4().hex}", event_name=event_name, zalo_user_id=zalo_user_id,
                      raw_body="{}", status="processed", received_at=received_at, processed_at=received_at)
    db.session.add(event)
    db.session.flush()
    return event


def create_rating(dossier, score: int, submitted_at, agency: str | None = None):
    """A citizen's rating of `dossier` (the tenant in context), submitted at `submitted_at`."""
    rating = Rating(dossier_id=dossier.id, channel="web", score=score, procedure_code=dossier.procedure_code,
                    agency=agency, submitted_at=submitted_at, editable_until=submitted_at + timedelta(hours=24))
    db.session.add(rating)
    db.session.flush()
    return rating


def create_feedback(code: str, received_at, content: str = "Thủ tục chậm", **fields):
    """A feedback or petition of the tenant in context."""
    feedback = Feedback(code=code, channel="web", content=content, received_at=received_at, **fields)
    db.session.add(feedback)
    db.session.flush()
    return feedback


def create_follower(zalo_user_id: str, followed_at=None, unfollowed_at=None, **fields):
    """A Zalo follower of the tenant in context (following unless `unfollowed_at` is after `followed_at`)."""
    following = followed_at is not None and (unfollowed_at is None or unfollowed_at < followed_at)
    follower = Follower(zalo_user_id=zalo_user_id, followed_at=followed_at, unfollowed_at=unfollowed_at,
                        is_follower=following, **fields)
    db.session.add(follower)
    db.session.flush()
    return follower


def add_news_followers(tenant_id, user_ids: list[str], consent: bool = True, **fields) -> list[str]:
    """Followers of the tenant `tenant_id` (the one in context), bulk-inserted by thousands, who (unless
    `consent=False`) agreed to receive policy news. Every row carries `tenant_id`: the statements are marked as
    scoped by hand (platform_core/db/session.py refuses an unmarked INSERT)."""
    rows = [{"tenant_id": tenant_id, "id": new_id(), "zalo_user_id": user_id, "is_follower": True, "shared_info": {},
             **fields} for user_id in user_ids]
    db.session.execute(insert(Follower).execution_options(tenant_scoped_by_caller=True), rows)
    if consent:
        db.session.execute(insert(Consent).execution_options(tenant_scoped_by_caller=True),
                           news_consent_rows(tenant_id, user_ids))
    return user_ids


def news_consent_rows(tenant_id, user_ids, granted_at=None) -> list[dict]:
    """Rows for a bulk insert into `consent`: each citizen agreed to policy news with the Zalo button."""
    granted_at = granted_at or utcnow()
    return [{"tenant_id": tenant_id, "id": new_id(), "zalo_user_id": user_id, "purpose": PURPOSE_NEWS,
             "method": METHOD_ZALO_BUTTON, "notice_version": NOTICE_VERSION, "granted_at": granted_at}
            for user_id in user_ids]
