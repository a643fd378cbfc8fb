"""Attaching a dossier's electronic result, sending it to the citizen, the download behind the signed link, the
province's allow-list of result sources, and the retention purge of result files.

A result is attached to a dossier whose result is ready (9) or handed over (10): the file is checked (a PDF of at
most MAX_BYTES,
    MAX_MB, docs/zalo-oa.md §4), stored encrypted (results/storage.py) and a notification written to the
outbox in the same transaction (its renderer, results/renderer.py, sends the file or the link). Attaching again
replaces the result: its link stops working at once and its file is removed when the replacement commits. The
file follows its row's transaction both ways (results/storage.py).
"""

import hashlib
import hmac
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from platform_core.audit.service import record_event
from platform_core.db.cross_tenant import cross_tenant
from platform_core.db.tenant_context import require_tenant
from platform_core.db.types import utcnow
from platform_core.delivery import outbox
from platform_core.delivery.models import Delivery
from platform_core.dossiers import service as dossiers
from platform_core.dossiers.constants import RESULT_READY, RETURNED
from platform_core.dossiers.errors import Conflict
from platform_core.dossiers.models import Dossier
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.results import fetch, links, storage
from platform_core.results.constants import (
    DIGITS,
    EVENT_KIND,
    FILE_NAME_LENGTH,
    MAX_ALLOWED_HOSTS,
    MAX_BYTES,
    MAX_MB,
    ORPHAN_GRACE_HOURS,
    PDF_MAGIC,
    REMOVED_REPLACED,
    REMOVED_RETENTION,
    SOURCE_UPLOAD,
    SOURCE_URL,
)
from platform_core.results.models import DossierResult, ResultSettings
from platform_core.tenancy.service import predecessors_of

RESULT_STATUSES = (RESULT_READY, RETURNED)
_UNSAFE_NAME = re.compile(r"[^0-9A-Za-z._-]+")


# --- attaching ----------------------------------------------------------------------------------------------


def attach(code: str, content: bytes, file_name: str | None = None, simulated: bool = False) -> DossierResult:
    """The uploaded PDF becomes the dossier's result, and its message to the citizen is written."""
    dossier = _dossier_with_result(code)
    return _store(dossier, _checked(content), file_name, SOURCE_UPLOAD, None, simulated)


def attach_from_url(code: str, url: str, file_name: str | None = None, simulated: bool = False) -> DossierResult:
    """The same, fetched from a host on the province's allow-list (results/fetch.py). The dossier is checked
    before the fetch and locked only after it (a fetch may take FETCH_TIMEOUT_SECONDS)."""
    _dossier_with_result(code, lock=False)
    content = _checked(fetch.fetch(url, allowed_hosts()), field="url")
    return _store(_dossier_with_result(code), content, file_name, SOURCE_URL, url, simulated)


def _dossier_with_result(code: str, lock: bool = True) -> Dossier:
    dossier = dossiers.get_dossier(code, for_update=lock)
    if dossier.status not in RESULT_STATUSES:
        raise Conflict({"status": ["a result can be attached once the dossier's result is ready (result_ready) or "
                                   "handed over (returned)"]})
    return dossier


def _checked(content: bytes, field: str = "file") -> bytes:
    if not content:
        raise FieldError(field, "the file is empty")
    if len(content) > MAX_BYTES:
        raise FieldError(field, f"the file is larger than {MAX_MB} MB, the most Zalo takes")
    if not content.startswith(PDF_MAGIC):
        raise FieldError(field, "the file is not a PDF")
    return content


def file_name_for(code: str, given: str | None) -> str:
    """A name Zalo shows on the file message: the one given, made safe, or `ket-qua-<code>.pdf`; always .pdf."""
    stem = (given or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = stem[:-4] if stem.lower().endswith(".pdf") else stem
    stem = _UNSAFE_NAME.sub("-", stem).strip("-.") or _UNSAFE_NAME.sub("-", f"ket-qua-{code}").strip("-.")
    return f"{stem[:FILE_NAME_LENGTH]}.pdf"


def _store(dossier: Dossier, content: bytes, file_name: str | None, source: str, source_url: str | None,
           simulated: bool) -> DossierResult:
    now = utcnow()
    for previous in _current_results(dossier):
        _remove(previous, REMOVED_REPLACED, now)
    result = DossierResult(
        dossier_id=dossier.id, file_name=file_name_for(dossier.code, file_name), size=len(content),
        sha256=hashlib.sha256(content).hexdigest(), source=source, source_url=source_url, downloads=0,
        created_at=now,
    )
    db.session.add(result)
    db.session.flush()
    storage.write(result.id, content)
    notification = outbox.write(
        EVENT_KIND, _context(dossier, result), idempotency_key=f"result:{result.id}",
        zalo_user_id=dossier.applicant_zalo_user_id, phone=dossier.applicant_phone, dossier_id=dossier.id,
        simulated=simulated,
    )
    result.notification_id = notification.id
    record_event("result_attached", details={"dossier": dossier.code, "result": str(result.id), "source": source,
                                             "size": result.size, "sha256": result.sha256})
    return result


def _context(dossier: Dossier, result: DossierResult) -> dict:
    """What the renderer needs, as values (it runs in a worker): the link is signed when the message is sent.
    `zns`: the province's ZNS template for results, if it set one (a citizen reachable only by phone)."""
    return {"result_id": str(result.id), "tenant_id": str(require_tenant().id), "code": dossier.code,
            "file_name": result.file_name, "link_base": _link_base(), "link_path_base": _link_path_base(),
            "zns": zns_template()}


def _link_path_base() -> str:
    """The download page's path under PUBLIC_BASE_URL, without its token: `<province>/ket-qua/`."""
    return f"{require_tenant().slug}/ket-qua/"


def _link_base() -> str:
    """The download page's address without its token: `<PUBLIC_BASE_URL>/<province>/ket-qua/`."""
    return f"{current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/{_link_path_base()}"


def _current_results(dossier: Dossier) -> list[DossierResult]:
    return list(db.session.scalars(select(DossierResult).where(
        DossierResult.dossier_id == dossier.id, DossierResult.removed_at.is_(None))))


def _remove(result: DossierResult, reason: str, now: datetime) -> None:
    """The row is marked at once (its link stops working); the file goes when that is committed."""
    storage.remove_after_commit(result.id)
    result.removed_at, result.removed_reason = now, reason


# --- reading ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultStatus:
    """A result and what became of its message: sent as a file or a link, seen, downloaded."""

    result: DossierResult
    delivery: Delivery | None

    @property
    def sent_as(self) -> str | None:
        """`file` (a consultation message carrying it), `link` (a card with the signed link) or None."""
        if self.delivery is None or self.delivery.sent_at is None:
            return None
        return "file" if self.delivery.channel == "cs" else "link"

    @property
    def seen(self) -> bool:
        return self.delivery is not None and self.delivery.seen_at is not None


def current_result(dossier: Dossier) -> DossierResult | None:
    """The result the dossier's link would open: attached, not replaced nor removed, its file still there."""
    results = _current_results(dossier)
    return next((result for result in results if storage.exists(result.id)), None)


def latest_result(dossier: Dossier) -> DossierResult | None:
    return db.session.scalar(select(DossierResult).where(DossierResult.dossier_id == dossier.id)
                             .order_by(DossierResult.created_at.desc(), DossierResult.id.desc()).limit(1))


def status_of(result: DossierResult) -> ResultStatus:
    delivery = None
    if result.notification_id is not None:
        delivery = db.session.scalar(select(Delivery).where(Delivery.notification_id == result.notification_id))
    return ResultStatus(result, delivery)


def recent(limit: int = 50) -> list[tuple[ResultStatus, str]]:
    """The latest results with their dossier codes, newest first (the console's list)."""
    rows = db.session.execute(
        select(DossierResult, Dossier.code).join(Dossier, Dossier.id == DossierResult.dossier_id)
        .order_by(DossierResult.created_at.desc(), DossierResult.id.desc()).limit(limit)
    ).all()
    return [(status_of(result), code) for result, code in rows]


# --- the download behind the signed link --------------------------------------------------------------------


class LinkRefused(Exception):
    """`reason`: invalid (not ours, another province's, unknown), expired, or removed."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


INVALID, EXPIRED, REMOVED = "invalid", "expired", "removed"


def check_link(token: str) -> DossierResult:
    """The result a link opens in this province. A link a merged province sent before its merge reaches here by
    its old address's redirect (tenancy/resolution.py), signed for that province: its result moved here with
    the same id (mergers/rules.py), so tokens of the province's predecessors are read too."""
    tenant = require_tenant()
    result_id = _result_id(token, [tenant.id, *(merged.id for merged in predecessors_of(tenant))])
    result = db.session.get(DossierResult, (tenant.id, result_id))
    if result is None:
        raise LinkRefused(INVALID)
    if result.removed_at is not None:
        raise LinkRefused(REMOVED)
    return result


def _result_id(token: str, tenant_ids: list) -> uuid.UUID:
    expired = False
    for tenant_id in tenant_ids:
        try:
            return links.read_token(tenant_id, token)
        except links.ExpiredToken:
            expired = True
        except links.BadToken:
            continue
    raise LinkRefused(EXPIRED if expired else INVALID)


def fresh_link(result: DossierResult, dossier: Dossier, asked_by: str) -> str:
    """A link signed now, for the applicant who asked the OA again (results/bot.py); audited."""
    record_event("result_link_sent", details={"dossier": dossier.code, "result": str(result.id),
                                              "zalo_user_id": asked_by})
    return _link_base() + links.make_token(require_tenant().id, result.id)


def dossier_of(result: DossierResult) -> Dossier:
    return db.session.get(Dossier, (result.tenant_id, result.dossier_id))


def digits_match(result: DossierResult, typed: str) -> bool:
    """The last DIGITS digits of the applicant's phone, compared in constant time."""
    phone = re.sub(r"\D", "", dossier_of(result).applicant_phone or "")
    if len(phone) < DIGITS:
        return False
    return hmac.compare_digest(phone[-DIGITS:], (typed or "").strip())


def refuse_download(result: DossierResult) -> None:
    record_event("result_download_refused", details={"dossier": dossier_of(result).code, "result": str(result.id),
                                                     "reason": "wrong phone digits"})


def download(result: DossierResult, now: datetime | None = None) -> bytes:
    """The file's bytes; the download is counted and audited (the caller commits)."""
    now = now or utcnow()
    content = storage.read(result.id)
    result.downloads = (result.downloads or 0) + 1
    result.first_downloaded_at = result.first_downloaded_at or now
    result.last_downloaded_at = now
    record_event("result_downloaded", details={"dossier": dossier_of(result).code, "result": str(result.id),
                                               "download": result.downloads})
    return content


# --- the allow-list -----------------------------------------------------------------------------------------


def allowed_hosts() -> list[str]:
    settings = _settings()
    return list(settings.allowed_hosts or []) if settings else []


def set_allowed_hosts(hosts: list[str], actor=None) -> list[str]:
    """Replace the list (hosts normalised, duplicates dropped); audited with old and new lists."""
    cleaned = list(dict.fromkeys(fetch.normal_host(host) for host in hosts if host.strip()))
    if len(cleaned) > MAX_ALLOWED_HOSTS:
        raise FieldError("hosts", _l("At most %(count)d hosts.", count=MAX_ALLOWED_HOSTS))
    for host in cleaned:
        if not re.fullmatch(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+", host):
            raise FieldError("hosts", _l("Not a host name: %(host)s", host=host))
    before = allowed_hosts()
    settings = _settings() or ResultSettings()
    settings.allowed_hosts = cleaned
    db.session.add(settings)
    if before != cleaned:
        record_event("result_sources_changed", actor=actor, details={"before": before, "after": cleaned})
    return cleaned


# --- the ZNS template for results ---------------------------------------------------------------------------


def _settings() -> ResultSettings | None:
    return db.session.scalar(select(ResultSettings))


def zns_template() -> dict | None:
    """{template_id, code_param, link_param} of the province's ZNS template for results, or None."""
    settings = _settings()
    if settings is None or not settings.zns_template_id:
        return None
    return {"template_id": settings.zns_template_id, "code_param": settings.zns_code_param,
            "link_param": settings.zns_link_param}


def set_zns_template(template_id: str, code_param: str, link_param: str, actor=None) -> None:
    """Set (or, with an empty id, clear) the ZNS template for results; audited. The two parameter names are
    those the template was approved with (docs/zalo-oa.md §3, "Results by ZNS")."""
    template_id, code_param, link_param = (value.strip() for value in (template_id, code_param, link_param))
    if template_id and not re.fullmatch(r"\d{1,32}", template_id):
        raise FieldError("template_id", _l("A ZNS template id is a number, as Zalo's ZNS page shows it."))
    for field_name, name in (("code_param", code_param), ("link_param", link_param)):
        if template_id and not re.fullmatch(r"[A-Za-z0-9_]{1,64}", name):
            raise FieldError(field_name, _l("Write the parameter's name as the template has it (letters, digits "
                                            "and _), e.g. dossier_code."))
    if template_id and code_param == link_param:
        raise FieldError("link_param", _l("The link needs a parameter of its own."))
    settings = _settings() or ResultSettings(allowed_hosts=[])
    before = zns_template()
    settings.zns_template_id = template_id or None
    settings.zns_code_param = code_param if template_id else None
    settings.zns_link_param = link_param if template_id else None
    db.session.add(settings)
    db.session.flush()
    if before != zns_template():
        record_event("result_zns_template_changed", actor=actor, details={"before": before, "after": zns_template()})


# --- retention ----------------------------------------------------------------------------------------------


def purge_files(cutoff: datetime, now: datetime) -> int:
    """Remove the files of results attached before `cutoff` (the rows stay, marked); returns how many."""
    due = list(db.session.scalars(select(DossierResult).where(
        DossierResult.created_at < cutoff, DossierResult.removed_at.is_(None))))
    for result in due:
        _remove(result, REMOVED_RETENTION, now)
    return len(due)


def sweep_orphan_files() -> int:
    """Remove result files no province's row names, older than ORPHAN_GRACE_HOURS (left by a process killed between
    writing the file and committing its row); every province's results are read, so this runs once for all."""
    with cross_tenant("results: sweep of result files without a row"):
        known = list(db.session.scalars(select(DossierResult.id)))
    return storage.sweep_orphans(known, utcnow() - timedelta(hours=ORPHAN_GRACE_HOURS))
