"""Every province setting, in this one file: a field of `ProvinceSettings` whose `setting(...)` says its default,
how a new value is checked and normalised (`clean`, raising FieldError), who may change it, whether it is secret
(stored encrypted, never shown in the audit log) and the audit event a change records.

Adding a setting is a field here; no migration (values are rows of `province_setting`, a setting never saved
reads as its default). The feature that uses it reads `province_settings().<name>` and writes with
`save_setting("<name>", value, actor)` (service.py). docs/architecture.md, "A new province setting".
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from flask_babel import lazy_gettext as _l

from platform_core.auth.constants import ROLE_ADMIN
from platform_core.auth.service import EMAIL_PATTERN, MAX_EMAIL_LENGTH
from platform_core.errors import FieldError

# --- the vocabulary the definitions below check against -------------------------------------------------------

# Data kinds a province keeps for a set time, then purges (nightly, citizens/retention.py); dossier records are
# kept by law. The labels are citizens/constants.RETENTION_LABELS.
RETENTION_CHAT, RETENTION_CONTACT, RETENTION_DELIVERIES = "chat_events", "inactive_contacts", "delivery_records"
RETENTION_RESULTS = "result_files"  # the electronic copies of results sent on Zalo (results/); the original stays
RETENTION_REGISTRATIONS = "registration_forms"  # the answers of forms sent from Zalo (registrations/)
DEFAULT_RETENTION_DAYS = {RETENTION_CHAT: 180, RETENTION_CONTACT: 730, RETENTION_DELIVERIES: 365,
                          RETENTION_RESULTS: 90, RETENTION_REGISTRATIONS: 90}
MIN_RETENTION_DAYS, MAX_RETENTION_DAYS = 30, 3650

MAX_ALLOWED_HOSTS = 20  # hosts a result may be fetched from (results/fetch.py)
_HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")
_ZNS_TEMPLATE_ID = re.compile(r"[0-9]{1,40}")  # as notices/rendering.ZNS_TEMPLATE_ID
_ZNS_PARAM = re.compile(r"[A-Za-z0-9_]{1,64}")  # a parameter's name as a ZNS template declares it

# The province's profile (setup step 1, onboarding/profile.py); tenants/<slug>/tenant.yaml gives agencies the same
# levels (provisioning/schemas.py)
AGENCY_LEVELS = ("tinh", "xa", "nganh_doc", "bo")
MAX_AGENCIES, MAX_AGENCY_NAME = 100, 200
MAX_DISPLAY_NAME, MAX_CONTACT_NAME, MAX_ADDRESS = 200, 120, 300
MAX_PHONE = 21  # a + and 20 digits or separators, as PHONE_PATTERN
PHONE_PATTERN = re.compile(r"^\+?[\d\s().-]{8,20}$")
NO_LEVEL, BAD_NAME, TOO_MANY = "no_level", "bad_name", "too_many"  # what is wrong with a list of agencies


def normal_host(host: str) -> str:
    """How hosts are compared: lower case, without a trailing dot, IDNA-encoded."""
    host = host.strip().lower().rstrip(".")
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


# --- checks ---------------------------------------------------------------------------------------------------


def _retention_days(value: dict) -> dict[str, int]:
    """Days per data kind; a kind not given keeps its default, an unknown kind is ignored."""
    days = _retention_loaded(value)
    for kind, number in days.items():
        if isinstance(number, bool) or not isinstance(number, int) \
                or not MIN_RETENTION_DAYS <= number <= MAX_RETENTION_DAYS:
            raise FieldError(kind, _l("Enter a number of days between %(low)d and %(high)d.",
                                      low=MIN_RETENTION_DAYS, high=MAX_RETENTION_DAYS))
    return days


def _retention_loaded(stored: dict) -> dict[str, int]:
    """A saved value has the kinds known when it was saved: a kind added since reads as its default."""
    return {kind: (stored or {}).get(kind, days) for kind, days in DEFAULT_RETENTION_DAYS.items()}


def _result_hosts(value: list) -> list[str]:
    """Normalised (normal_host), duplicates and blanks dropped, in the order given."""
    cleaned = list(dict.fromkeys(normal_host(str(host)) for host in value or [] if str(host).strip()))
    if len(cleaned) > MAX_ALLOWED_HOSTS:
        raise FieldError("hosts", _l("At most %(count)d hosts.", count=MAX_ALLOWED_HOSTS))
    for host in cleaned:
        if not _HOST.fullmatch(host):
            raise FieldError("hosts", _l("Not a host name: %(host)s", host=host))
    return cleaned


def _rating_zns(value: dict | None) -> dict | None:
    """{"zns_template_id": "...", "zns_params": {parameter: expression}}, or None (no template). The expressions
    are checked against the dossier fields by the ratings form (notices/rendering.validate_zns), above this
    layer; here only the shape."""
    if not value or not value.get("zns_template_id"):
        return None
    template_id, params = str(value["zns_template_id"]).strip(), value.get("zns_params") or {}
    if not _ZNS_TEMPLATE_ID.fullmatch(template_id):
        raise FieldError("zns_template_id", _l("must be the ZNS template's id in Zalo (digits)"))
    if not isinstance(params, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in params.items()):
        raise FieldError("zns_params", _l("must map ZNS parameter names to expressions"))
    return {"zns_template_id": template_id, "zns_params": dict(params)}


def _result_zns(value: dict | None) -> dict | None:
    """{"template_id", "code_param", "link_param"}: the ZNS template the province registered for results and the
    names of its parameters for the dossier code and for the download link's path (docs/zalo-oa.md §3, "Results
    by ZNS"); None (no template) when the id is empty, whatever the names."""
    value = {key: str((value or {}).get(key) or "").strip() for key in ("template_id", "code_param", "link_param")}
    if not value["template_id"]:
        return None
    if not _ZNS_TEMPLATE_ID.fullmatch(value["template_id"]):
        raise FieldError("template_id", _l("A ZNS template id is a number, as Zalo's ZNS page shows it."))
    for name in ("code_param", "link_param"):
        if not _ZNS_PARAM.fullmatch(value[name]):
            raise FieldError(name, _l("Write the parameter's name as the template has it (letters, digits and _), "
                                      "e.g. dossier_code."))
    if value["code_param"] == value["link_param"]:
        raise FieldError("link_param", _l("The link needs a parameter of its own."))
    return value


def _text(key: str, limit: int, pattern: re.Pattern | None = None, wrong=None, blank=None):
    """A line of text, trimmed. None is "not given" (the default); a blank is None too, unless `blank` says why the
    setting needs a value. Longer than `limit`, or not matching `pattern`, is refused (with `wrong`)."""
    def clean(value) -> str | None:
        if value is None:
            return None
        text = str(value).strip()
        if not text and blank is not None:
            raise FieldError(key, blank)
        if len(text) > limit:
            raise FieldError(key, _l("Write at most %(count)d characters.", count=limit))
        if text and pattern is not None and not pattern.match(text):
            raise FieldError(key, wrong)
        return text or None
    return clean


class AgencyError(FieldError):
    """A list of agencies refused: `problem` (NO_LEVEL, BAD_NAME, TOO_MANY) says why, `line` which entry (from 1;
    the line of the setup form's text, onboarding/profile.parse_agencies)."""

    def __init__(self, problem: str, line: int | None = None):
        super().__init__("agencies", _agency_refusal(problem, line))
        self.problem, self.line = problem, line


def _agency_refusal(problem: str, line: int | None):
    if problem == NO_LEVEL:
        return _l("Line %(line)s: end it with | and the level: tinh, xa, nganh_doc or bo.", line=line)
    if problem == BAD_NAME:
        return _l("Line %(line)s: the agency's name is missing or longer than 200 characters.", line=line)
    return _l("List at most 100 agencies.")


def check_agencies(agencies: list[dict], lines: list[int] | None = None) -> list[dict]:
    """`agencies` ({"name", "level"}) if every one has a level of AGENCY_LEVELS and a name of 1 to MAX_AGENCY_NAME
    characters, and there are at most MAX_AGENCIES; else AgencyError naming the first bad one by its number in
    `lines` (by default its place in the list)."""
    for line, agency in zip(lines or range(1, len(agencies) + 1), agencies, strict=True):
        if agency["level"] not in AGENCY_LEVELS:
            raise AgencyError(NO_LEVEL, line)
        if not agency["name"] or len(agency["name"]) > MAX_AGENCY_NAME:
            raise AgencyError(BAD_NAME, line)
    if len(agencies) > MAX_AGENCIES:
        raise AgencyError(TOO_MANY)
    return agencies


def _agencies(value: list) -> list[dict]:
    """[{"name": ..., "level": ...}], names trimmed (check_agencies)."""
    items = [item if isinstance(item, dict) else {} for item in value or []]
    return check_agencies([{"name": str(item.get("name") or "").strip(), "level": item.get("level")}
                           for item in items])


# --- the settings ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    default: Callable[[], Any]  # a factory: a mutable default is never shared between provinces
    clean: Callable[[Any], Any]  # the value to store, or FieldError
    editor: str  # who may change it: ROLE_ADMIN (the province's admins) or ROLE_OPERATOR (platform operators)
    audit_action: str  # the event a change records (console/constants.AUDIT_ACTION_LABELS names it)
    secret: bool = False  # stored encrypted (`province_setting.secret_value`); the audit says only that it changed
    load: Callable[[Any], Any] | None = None  # stored JSON -> value (say, defaults for kinds added since)


def setting(default: Callable[[], Any], clean: Callable[[Any], Any], *, audit_action: str,
            editor: str = ROLE_ADMIN, secret: bool = False, load: Callable[[Any], Any] | None = None):
    definition = Setting(default, clean, editor, audit_action, secret, load)
    return field(default_factory=default, metadata={"setting": definition})


@dataclass(frozen=True)
class ProvinceSettings:
    """A province's settings as read (service.province_settings()); every field is one setting."""

    # how long each kind of personal data is kept (citizens/retention.py, the console's Retention page)
    retention_days: dict[str, int] = setting(lambda: dict(DEFAULT_RETENTION_DAYS), _retention_days,
                                             load=_retention_loaded, audit_action="retention_changed")
    # the hosts of the province's own systems a result may be fetched from by URL (results/, console)
    result_hosts: list[str] = setting(list, _result_hosts, audit_action="result_sources_changed")
    # the ZNS template for results, for citizens reachable only by phone (results/renderer.py, its console page)
    result_zns: dict | None = setting(lambda: None, _result_zns, audit_action="result_zns_template_changed")
    # the ZNS rating template, for citizens reachable only by phone (ratings/zns.py, its console page)
    rating_zns: dict | None = setting(lambda: None, _rating_zns, audit_action="rating_zns_template_saved")

    # The province's profile: what it says about itself (setup step 1, onboarding/profile.py, which prefills it
    # from tenants/<slug>/tenant.yaml and records one audit event for the step). Its logo is a file, not a
    # setting: onboarding/models.ProvinceLogo.
    # the name citizens see (None until the province gives one: its registered name stands in)
    display_name: str | None = setting(lambda: None, _text("display_name", MAX_DISPLAY_NAME,
                                                           blank=_l("Enter the name citizens will see.")),
                                       audit_action="profile_updated")
    # its agencies, [{"name": ..., "level": one of AGENCY_LEVELS}] (catalogue, feedback, the notices' sample)
    agencies: list[dict] = setting(list, _agencies, audit_action="profile_updated")
    # its contact for citizens; the address is where appointments take place (registrations/)
    contact_name: str | None = setting(lambda: None, _text("contact_name", MAX_CONTACT_NAME),
                                       audit_action="profile_updated")
    contact_email: str | None = setting(lambda: None, _text(
        "contact_email", MAX_EMAIL_LENGTH, EMAIL_PATTERN, _l("Enter an e-mail address like name@example.gov.vn.")),
        audit_action="profile_updated")
    contact_phone: str | None = setting(lambda: None, _text(
        "contact_phone", MAX_PHONE, PHONE_PATTERN, _l("Enter a phone number, e.g. 0222 3822 123.")),
        audit_action="profile_updated")
    address: str | None = setting(lambda: None, _text("address", MAX_ADDRESS), audit_action="profile_updated")


SETTINGS: dict[str, Setting] = {item.name: item.metadata["setting"] for item in fields(ProvinceSettings)}
