"""The audit log as sentences: who did what to which thing, with the details a province administrator reads
("Email: lan@…", "Lý do: …"). The event code, the model's class name, ids and the remaining raw details stay
under "Technical details" for the operator or a support request; they never lead a row."""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from platform_core.auth.constants import LOGIN_INACTIVE, LOGIN_UNKNOWN_EMAIL, LOGIN_WRONG_PASSWORD
from platform_core.console.constants import AUDIT_ACTION_LABELS
from platform_core.results.constants import REFUSED_WRONG_DIGITS
from platform_core.zalo.tokens import refused_code

# The kinds of thing an event is about, by the class the audit service records (audit/service.py); TenantProfile
# names the province profile's table in the events recorded before migration 0027 made it province settings.
TARGET_LABELS = {
    "ApiKey": _l("API key"), "Broadcast": _l("Policy news"), "DataSubjectRequest": _l("Data request"),
    "Invitation": _l("Invitation"), "ZaloConnection": _l("Zalo connection"), "Feedback": _l("Feedback"),
    "TenantProfile": _l("Province profile"), "Procedure": _l("Procedure"), "User": _l("Member"),
    "Tenant": _l("Province"), "MessageTemplate": _l("Message template"), "Delivery": _l("Message"),
    "GuestListEntry": _l("Guest list entry"), "Follower": _l("Citizen on Zalo"), "Dossier": _l("Dossier"),
    "InternalNotice": _l("Notice to an official"), "GoLiveRequest": _l("Go-live request"),
}
# Details worth a sentence, by key; the rest stays technical.
DETAIL_LABELS = {
    "email": _l("E-mail"), "name": _l("Name"), "reason": _l("Reason"), "code": _l("Code"), "role": _l("Role"),
    "count": _l("Number"), "file_name": _l("File"), "days": _l("Days"), "to": _l("To"), "from": _l("From"),
    "dossier": _l("Dossier"), "dossier_code": _l("Dossier"), "procedure_code": _l("Procedure"),
    "reference": _l("Registration code"), "url": _l("Webhook address"),
}

# Reasons the code records as codes (auth/service.py, results/service.py), in words; an operator's typed reason
# is shown as typed. "wrong phone digits" is how result downloads were recorded before the code.
REASON_LABELS = {
    LOGIN_UNKNOWN_EMAIL: _l("No account has this e-mail"),
    LOGIN_WRONG_PASSWORD: _l("Wrong password"),
    LOGIN_INACTIVE: _l("The account is deactivated"),
    REFUSED_WRONG_DIGITS: _l("The last digits of the phone number did not match"),
    "wrong phone digits": _l("The last digits of the phone number did not match"),
}


@dataclass(frozen=True)
class AuditLine:
    actor: str
    what: str
    about: str | None
    facts: list[tuple[str, str]]
    technical: list[tuple[str, str]]


def audit_line(event) -> AuditLine:
    details = event.details or {}
    facts = [(str(label), _fact(key, details[key])) for key, label in DETAIL_LABELS.items()
             if details.get(key) not in (None, "", [], {})]
    technical = [("action", event.action), *((("target", f"{event.target_type} {event.target_id}"),)
                                             if event.target_type else ()),
                 *((key, _plain(value)) for key, value in sorted(details.items()) if key not in DETAIL_LABELS)]
    about = TARGET_LABELS.get(event.target_type)
    return AuditLine(actor=event.actor_email or _("The system"),
                     what=str(AUDIT_ACTION_LABELS.get(event.action, _l("Other change"))),
                     about=str(about) if about else None, facts=facts, technical=technical)


def _fact(key: str, value) -> str:
    if key == "reason" and isinstance(value, str):
        return _reason(value)
    return _plain(value)


def _reason(reason: str) -> str:
    """A recorded reason code in words; a token renewal Zalo refused (zalo/tokens.py) with Zalo's code; anything
    else is an operator's own words."""
    if reason in REASON_LABELS:
        return str(REASON_LABELS[reason])
    code = refused_code(reason)
    return reason if code is None else _("Zalo did not renew the access token (code %(code)s)", code=code)


def _plain(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_plain(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_plain(item)}" for key, item in value.items())
    return "—" if value is None else str(value)
