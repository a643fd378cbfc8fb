"""What the bot reads from the tenant's data. Every query is scoped to the tenant in context by the session,
so a code from another province is simply not found here (the answer cannot tell it apart from a typo)."""

from dataclasses import dataclass

from sqlalchemy import or_, select

from platform_core.bot.parser import code_key, fold
from platform_core.catalogue.models import Procedure
from platform_core.catalogue.service import list_procedures
from platform_core.db import batch_facts
from platform_core.db.tenant_context import require_tenant
from platform_core.dossiers.models import Dossier
from platform_core.extensions import db
from platform_core.tenancy.models import Province, Tenant
from platform_core.zalo.models import Follower, ZaloConnection

DESK = "bot.desk"  # batch facts: tenant id -> Desk


@dataclass(frozen=True)
class Desk:
    """The province as the answers name it: the OA's name, "tỉnh Bắc Ninh", and a hotline when published."""

    oa_name: str
    place: str
    hotline: str | None = None


@dataclass(frozen=True)
class Sender:
    """The citizen who wrote, with the phone they shared through `user_submit_info` (if they did)."""

    zalo_user_id: str
    phone_e164: str | None = None


def desk() -> Desk:
    """Read once per batch of events (db/batch_facts.py): it does not change while one runs."""
    tenant_id = require_tenant().id
    return batch_facts.recall_or(DESK, tenant_id, lambda: _desk(tenant_id))


def _desk(tenant_id) -> Desk:
    tenant = db.session.get(Tenant, tenant_id)
    profile = _province_profile(tenant.slug)
    connection = db.session.scalar(select(ZaloConnection))
    place = tenant.place_name
    oa_name = (connection and connection.oa_name) or profile.get("oa_name") or f"Zalo OA {place}"
    return Desk(oa_name=oa_name, place=place, hotline=_national_format(profile.get("contact_phone")))


def sender(follower: Follower) -> Sender:
    return Sender(zalo_user_id=follower.zalo_user_id, phone_e164=follower.phone_e164)


def find_dossier(code: str) -> Dossier | None:
    """The tenant's dossier whose code matches `code` once both are reduced to `code_key`.

    The exact code (a tapped "Tra cứu" button, a pasted code) hits the unique index; otherwise the indexed
    `code_key` column, kept by the model, does."""
    typed = code.strip()
    exact = db.session.scalar(select(Dossier).where(Dossier.code.in_({typed, typed.upper()})))
    if exact is not None:
        return exact
    key = code_key(code)
    if not key:
        return None
    return db.session.scalars(select(Dossier).where(Dossier.code_key == key).order_by(Dossier.created_at)).first()


def dossiers_of(sender: Sender, limit: int) -> list[Dossier]:
    """The citizen's dossiers, newest first: given their Zalo id, or filed with the phone they shared."""
    matches = [Dossier.applicant_zalo_user_id == sender.zalo_user_id]
    if sender.phone_e164:
        matches.append(Dossier.applicant_phone == sender.phone_e164)
    return list(db.session.scalars(select(Dossier).where(or_(*matches))
                                   .order_by(Dossier.received_at.desc()).limit(limit)))


def procedure_of(dossier: Dossier) -> Procedure | None:
    return db.session.scalar(select(Procedure).where(Procedure.id == dossier.procedure_id))


def search_procedures(name: str) -> list[Procedure]:
    """Enabled procedures whose name (or code) contains every word typed, diacritics ignored.

    A province's catalogue is a few hundred procedures, so they are matched in Python: SQL cannot strip
    Vietnamese diacritics portably (SQLite has no `unaccent`)."""
    words = fold(name).split()
    if not words:
        return []
    return [procedure for procedure in list_procedures(enabled=True)
            if all(word in fold(f"{procedure.name} {procedure.code}") for word in words)]


def _province_profile(slug: str) -> dict:
    province = db.session.scalar(select(Province).where(Province.slug == slug))
    return (province.profile or {}) if province else {}


def _national_format(phone: str | None) -> str | None:
    """+84912345678 -> 0912345678, the way Vietnamese hotlines are written."""
    if not phone:
        return None
    return "0" + phone[3:] if phone.startswith("+84") else phone
