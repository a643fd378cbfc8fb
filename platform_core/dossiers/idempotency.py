"""Telling a retry from a different request: province systems resend on timeouts, so the same dossier code
(or Idempotency-Key) with the same content is answered with what was stored, and with different content is a
conflict. Content is compared after validation and normalisation (phone in E.164, instants in UTC), so
`0912 345 678` and `+84912345678`, or 08:00+07:00 and 01:00Z, are the same request."""

from datetime import UTC, datetime

from platform_core.db.checksum_upsert import checksum

APPLICANT_FIELDS = ("name", "phone", "zalo_user_id")
DOSSIER_FIELDS = ("code", "procedure_code", "external_id", "channel", "status", "received_at", "due_at")
EVENT_FIELDS = ("status", "occurred_at", "note", "reason", "missing_documents", "new_due_at")


def _plain(value):
    return value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value


def creation(values: dict) -> dict:
    """The comparable content of a normalised creation request."""
    applicant = values["applicant"]
    return {field: _plain(values.get(field)) for field in DOSSIER_FIELDS} | {
        "applicant": {field: applicant.get(field) for field in APPLICANT_FIELDS},
    }


def stored_creation(dossier) -> dict:
    """The same content rebuilt from a stored dossier (its first event holds the status it started in)."""
    values = {field: getattr(dossier, field) for field in DOSSIER_FIELDS if field != "status"}
    values["status"] = dossier.events[0].to_status
    values["applicant"] = {field: getattr(dossier, f"applicant_{field}") for field in APPLICANT_FIELDS}
    return creation(values)


def event(code: str, values: dict) -> dict:
    """The comparable content of an event request; the dossier code is part of it, so one key cannot be
    replayed against another dossier."""
    return {"dossier": code} | {field: _plain(values.get(field)) for field in EVENT_FIELDS}


def differences(requested: dict, stored: dict, prefix: str = "") -> list[str]:
    """Dotted names of the fields whose values differ (`due_at`, `applicant.phone`)."""
    names = []
    for field, value in requested.items():
        other = stored.get(field)
        if isinstance(value, dict) and isinstance(other, dict):
            names += differences(value, other, f"{prefix}{field}.")
        elif value != other:
            names.append(prefix + field)
    return names


__all__ = ["checksum", "creation", "differences", "event", "stored_creation"]
