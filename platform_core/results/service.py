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
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
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
    MAX_BYTES,
    MAX_MB,
    ORPHAN_GRACE_HOURS,
    PDF_MAGIC,
    REFUSED_WRONG_DIGITS,
    REMOVED_REPLACED,
    REMOVED_RETENTION,
    SOURCE_UPLOAD,
    SOURCE_URL,
)
from platform_core.results.models import DossierResult
from platform_core.settings.service import province_settings
from platform_core.tenancy.service import read_signed

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
    content = _checked(fetch.fetch(url, province_settings().result_hosts), field="url")
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
            "zns": province_settings().result_zns}


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
    try:
        result_id = read_signed(tenant.id, lambda tenant_id: links.read_token(tenant_id, token), links.BadToken)
    except links.ExpiredToken:
        raise LinkRefused(EXPIRED) from None
    except links.BadToken:
        raise LinkRefused(INVALID) from None
    result = db.session.get(DossierResult, (tenant.id, result_id))
    if result is None:
        raise LinkRefused(INVALID)
    if result.removed_at is not None:
        raise LinkRefused(REMOVED)
    return result


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
                                                     "reason": REFUSED_WRONG_DIGITS})


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
