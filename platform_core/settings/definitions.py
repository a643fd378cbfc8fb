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


SETTINGS: dict[str, Setting] = {item.name: item.metadata["setting"] for item in fields(ProvinceSettings)}
