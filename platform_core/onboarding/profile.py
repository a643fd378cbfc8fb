"""The province profile (setup step 1): prefilled from the registry (tenants/<slug>/tenant.yaml), then the
province's own. Agencies are edited as text, one per line (`name | level`), so the page needs no script.
"""

import unicodedata
from dataclasses import dataclass

from sqlalchemy import select

from platform_core.audit.service import record_event
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.provisioning.schemas import AGENCY_LEVELS
from platform_core.tenancy.models import Province, Tenant, TenantProfile
from platform_core.web.images import image_type

MAX_AGENCIES = 100
MAX_AGENCY_NAME = 200
LOGO_MAX_BYTES = 512 * 1024
LOGO_TYPES = ("image/png", "image/jpeg", "image/webp")
PROFILE_FIELDS = ("display_name", "agencies", "contact_name", "contact_email", "contact_phone", "address")


class ProfileError(FieldError):
    """A profile value refused: `field` names the form field, `problem` (PROBLEMS) says why, `line` where."""

    def __init__(self, field: str, problem: str, line: int | None = None):
        super().__init__(field, PROBLEMS[problem] + (f" (line {line})" if line else ""))
        self.problem = problem
        self.line = line


NO_LEVEL, BAD_NAME, TOO_MANY, TOO_LARGE, NOT_AN_IMAGE = "no_level", "bad_name", "too_many", "too_large", "not_image"
PROBLEMS = {  # English, for logs and tests; the form shows translated texts for the same codes
    NO_LEVEL: f"end the line with | and a level ({', '.join(AGENCY_LEVELS)})",
    BAD_NAME: f"give a name of 1 to {MAX_AGENCY_NAME} characters",
    TOO_MANY: f"at most {MAX_AGENCIES} agencies",
    TOO_LARGE: f"the file is larger than {LOGO_MAX_BYTES // 1024} KB",
    NOT_AN_IMAGE: "the file is not a PNG, JPEG or WebP image",
}


@dataclass(frozen=True)
class Logo:
    data: bytes
    content_type: str


def current_profile() -> TenantProfile | None:
    """The tenant-in-context's saved profile."""
    return db.session.scalar(select(TenantProfile))


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


def values(profile: TenantProfile) -> dict:
    return {name: getattr(profile, name) for name in PROFILE_FIELDS}


def save(values_: dict, logo: Logo | None = None, remove_logo: bool = False, actor=None,
         invitation=None) -> TenantProfile:
    """Create or update the profile of the tenant in context; audited with the names of the changed fields
    (and, before the first admin account exists, the invitation whose holder made the change)."""
    profile = current_profile()
    created = profile is None
    if created:
        profile = TenantProfile(display_name=values_["display_name"], agencies=[])
        db.session.add(profile)
    changed = [name for name in PROFILE_FIELDS if created or getattr(profile, name) != values_[name]]
    for name in PROFILE_FIELDS:
        setattr(profile, name, values_[name])
    if logo is not None:
        profile.logo, profile.logo_content_type = logo.data, logo.content_type
        changed.append("logo")
    elif remove_logo and profile.logo is not None:
        profile.logo, profile.logo_content_type = None, None
        changed.append("logo")
    db.session.flush()
    details = {"fields": changed}
    if invitation is not None:
        details |= {"invitation_id": str(invitation.id), "email": invitation.email}
    record_event("profile_created" if created else "profile_updated", actor=actor, target=profile, details=details)
    return profile


# --- agencies as text -----------------------------------------------------------------------------------------

def agencies_text(agencies: list[dict]) -> str:
    return "\n".join(f"{item['name']} | {item['level']}" for item in agencies)


def parse_agencies(text: str) -> list[dict]:
    """`name | level` lines (blank lines skipped); ProfileError names the first bad line."""
    agencies = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        name, separator, level = line.rpartition("|")
        name, level = name.strip(), _level_key(level)
        if not separator or level not in AGENCY_LEVELS:
            raise ProfileError("agencies", NO_LEVEL, number)
        if not name or len(name) > MAX_AGENCY_NAME:
            raise ProfileError("agencies", BAD_NAME, number)
        agencies.append({"name": name, "level": level})
    if len(agencies) > MAX_AGENCIES:
        raise ProfileError("agencies", TOO_MANY)
    return agencies


def _level_key(text: str) -> str:
    """`tinh`, but also `Tỉnh`, `TINH`, `xã`, `Nganh doc`: what people type for the level keys."""
    folded = unicodedata.normalize("NFD", text.strip().lower().replace("đ", "d"))
    return "".join(ch for ch in folded if not unicodedata.combining(ch)).replace(" ", "_")


# --- logo ----------------------------------------------------------------------------------------------------

def read_logo(data: bytes) -> Logo:
    """The upload as a Logo if it is a PNG, JPEG or WebP image of at most LOGO_MAX_BYTES; else ProfileError."""
    if len(data) > LOGO_MAX_BYTES:
        raise ProfileError("logo", TOO_LARGE)
    content_type = image_type(data)
    if content_type is None:
        raise ProfileError("logo", NOT_AN_IMAGE)
    return Logo(data, content_type)
