"""The province profile (setup step 1): prefilled from the registry (tenants/<slug>/tenant.yaml), then the
province's own: its name, agencies and contacts are province settings (settings/definitions.py), its logo a file of
its own (models.ProvinceLogo). Agencies are edited as text, one per line (`name | level`), so the page needs no
script.
"""

import unicodedata
from dataclasses import dataclass

from sqlalchemy import select

from platform_core.audit.service import record_event
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.onboarding.models import ProvinceLogo
from platform_core.settings.definitions import check_agencies
from platform_core.settings.service import province_settings, save_settings
from platform_core.tenancy.models import Province, Tenant
from platform_core.web.images import image_type

LOGO_MAX_BYTES = 512 * 1024
LOGO_TYPES = ("image/png", "image/jpeg", "image/webp")
PROFILE_FIELDS = ("display_name", "agencies", "contact_name", "contact_email", "contact_phone", "address")


class ProfileError(FieldError):
    """A logo refused: `field` names the form field, `problem` (PROBLEMS) says why. (The other fields are province
    settings, refused by their definitions: settings/definitions.py.)"""

    def __init__(self, field: str, problem: str):
        super().__init__(field, PROBLEMS[problem])
        self.problem = problem


TOO_LARGE, NOT_AN_IMAGE = "too_large", "not_image"
PROBLEMS = {  # English, for logs and tests; the form shows translated texts for the same codes
    TOO_LARGE: f"the file is larger than {LOGO_MAX_BYTES // 1024} KB",
    NOT_AN_IMAGE: "the file is not a PNG, JPEG or WebP image",
}


@dataclass(frozen=True)
class Logo:
    data: bytes
    content_type: str


def saved_values() -> dict | None:
    """The profile the tenant in context saved (its settings, settings/definitions.py), or None before the first
    save: the name citizens see is then not given yet."""
    settings = province_settings()
    return None if settings.display_name is None else {name: getattr(settings, name) for name in PROFILE_FIELDS}


def prefilled(tenant: Tenant, contact_name: str | None = None, contact_email: str | None = None) -> dict:
    """Starting values from the registry row, completed by the invited person's name and e-mail."""
    province = db.session.scalar(select(Province).where(Province.slug == tenant.slug))
    registered = (province.profile if province else None) or {}
    return {
        "display_name": registered.get("oa_name") or tenant.name,
        "agencies": [{"name": item["name"], "level": item["level"]} for item in registered.get("agencies", [])],
        "contact_name": contact_name,
        "contact_email": registered.get("contact_email") or contact_email,
        "contact_phone": registered.get("contact_phone"),
        "address": None,
    }


def save(values: dict, logo: Logo | None = None, remove_logo: bool = False, actor=None, invitation=None) -> None:
    """Store the profile of the tenant in context (its settings, all checked before any is stored: FieldError) and
    its logo; audited as one change with the names of the changed fields (and, before the first admin account
    exists, the invitation whose holder made the change)."""
    created = saved_values() is None
    changed = save_settings({name: values[name] for name in PROFILE_FIELDS}, actor)
    if created:
        changed = list(PROFILE_FIELDS)
    if _store_logo(logo, remove_logo):
        changed.append("logo")
    details = {"fields": changed}
    if invitation is not None:
        details |= {"invitation_id": str(invitation.id), "email": invitation.email}
    record_event("profile_created" if created else "profile_updated", actor=actor, details=details)
    db.session.flush()


# --- agencies as text -----------------------------------------------------------------------------------------

def agencies_text(agencies: list[dict]) -> str:
    return "\n".join(f"{item['name']} | {item['level']}" for item in agencies)


def parse_agencies(text: str) -> list[dict]:
    """`name | level` lines (blank lines skipped), checked as the setting checks them (settings/definitions.py):
    AgencyError names the first bad line."""
    agencies, lines = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        name, separator, level = line.rpartition("|")
        agencies.append({"name": name.strip(), "level": _level_key(level) if separator else None})
        lines.append(number)
    return check_agencies(agencies, lines)


def _level_key(text: str) -> str:
    """`tinh`, but also `Tỉnh`, `TINH`, `xã`, `Nganh doc`: what people type for the level keys."""
    folded = unicodedata.normalize("NFD", text.strip().lower().replace("đ", "d"))
    return "".join(ch for ch in folded if not unicodedata.combining(ch)).replace(" ", "_")


# --- logo ----------------------------------------------------------------------------------------------------

def current_logo() -> ProvinceLogo | None:
    """The tenant-in-context's logo, image included."""
    return db.session.scalar(select(ProvinceLogo))


def has_logo() -> bool:
    """Whether the tenant in context has a logo, without reading the image."""
    return db.session.scalar(select(ProvinceLogo.id)) is not None


def _store_logo(logo: Logo | None, remove: bool) -> bool:
    """Keep the new logo, or remove the saved one; True when the logo changed."""
    if logo is None and not remove:
        return False
    saved = current_logo()
    if logo is not None:
        saved = saved or ProvinceLogo()
        saved.data, saved.content_type = logo.data, logo.content_type
        db.session.add(saved)
        return True
    if saved is not None:
        db.session.delete(saved)
    return saved is not None


def read_logo(data: bytes) -> Logo:
    """The upload as a Logo if it is a PNG, JPEG or WebP image of at most LOGO_MAX_BYTES; else ProfileError."""
    if len(data) > LOGO_MAX_BYTES:
        raise ProfileError("logo", TOO_LARGE)
    content_type = image_type(data)
    if content_type is None:
        raise ProfileError("logo", NOT_AN_IMAGE)
    return Logo(data, content_type)
