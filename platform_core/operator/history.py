"""A tenant's history (tenancy.TenantHistory) as the operator reads it: one sentence per change, in the UI's
language. The rows keep their machine values ("merge_in", "go-live approved"); only the reading changes, and
a reason an operator typed is shown as typed."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from platform_core.tenancy.constants import STATUSES

# The reasons the platform itself records with a status change (tenancy, onboarding).
SYSTEM_REASONS = {
    "go-live approved": _l("Go-live approved by the operator"),
    "go-live requested": _l("Go-live requested by the province"),
    "first administrator joined": _l("The first administrator joined"),
}


def change_sentence(entry) -> str:
    if entry.change == "status":
        return _("Status: %(old)s → %(new)s", old=_status(entry.old_value), new=_status(entry.new_value))
    if entry.change == "created":
        return _("Created as “%(name)s”", name=entry.new_value)
    if entry.change == "merge_in":
        if entry.legal_ref:
            return _("“%(old)s” merged into “%(new)s” (Resolution %(ref)s)", old=entry.old_value,
                     new=entry.new_value, ref=entry.legal_ref)
        return _("“%(old)s” merged into “%(new)s”", old=entry.old_value, new=entry.new_value)
    return _("Changed to “%(value)s”", value=entry.new_value)


def reason_text(entry) -> str:
    note = entry.note or ""
    return str(SYSTEM_REASONS[note]) if note in SYSTEM_REASONS else note


def _status(value: str | None) -> str:
    return str(STATUSES.get(value, value)) if value else "—"
