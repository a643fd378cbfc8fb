"""Consent per purpose (docs/domain.md §6, §8.1): the API the other features call before writing to a citizen.

    from platform_core.citizens import consent
    consent.may_send(zalo_user_id, phone, consent.PURPOSE_NEWS)   # may this purpose reach them now?
    consent.withdrawn(zalo_user_id, phone)                       # did they stop everything ("dừng")?

A citizen is known by their OA-scoped Zalo user id, their phone (E.164), or both; a follower who shared their
phone links the two, so a stop written on Zalo also covers ZNS to the shared phone and the reverse.

Defaults, when the citizen has said nothing for a purpose (Law 91/2025 and Decree 356/2025: no pre-ticked or
silent consent; where consent is the basis it must be explicit and kept as evidence):
- policy_news: NOT sent without an explicit grant (a reply on Zalo, a button, or the desk's paper form).
  News is a purpose of the province's own; nothing the citizen asked for implies it.
- dossier_notifications: sent. The citizen asked for the service and gave the desk their phone or Zalo to be
  told about that dossier; telling them is part of handling the request they made (and the one-stop rules
  require the receipt, supplement, refusal and result notices), so it does not rest on a silent "yes".
- satisfaction_survey: sent, one invitation about the citizen's own returned dossier: the one-stop must
  collect the citizen's opinion on each dossier's handling (TT 01/2018 ch. III, Decision 766 satisfaction
  index, docs/domain.md §3). Answering it stays voluntary.
Either default ends when the citizen withdraws that purpose or stops everything; a stop ("dừng", Zalo's
`user_withdraw`, or the desk) ends every purpose at once, and only a new explicit grant after it reopens one.

The delivery pipeline enforces the refusals (citizens/screen.py): a stopped citizen gets nothing but the
confirmation of the stop, and a purpose the citizen withdrew is refused for the messages whose purpose is
known. Opt-in purposes (policy news) are the audience's business: select recipients with `has_active_grant`.
"""

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, false, null, or_, select, true, union_all

from platform_core.citizens.constants import (
    NOTICE_VERSION,
    PURPOSE_DOSSIER,
    PURPOSE_NEWS,
    PURPOSE_SURVEY,
    PURPOSES,
    REQUEST_REFUSED,
    REQUEST_STOP,
    REQUEST_WITHDRAW,
)
from platform_core.citizens.models import Consent
from platform_core.db import batch_facts
from platform_core.db.types import utcnow
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.zalo.events import known_follower
from platform_core.zalo.models import DataSubjectRequest, Follower

__all__ = ["PURPOSE_DOSSIER", "PURPOSE_NEWS", "PURPOSE_SURVEY", "may_send", "withdrawn", "grant", "withdraw",
           "current", "history", "has_active_grant", "Citizen", "citizen"]

DEFAULT_ALLOWED = {PURPOSE_DOSSIER: True, PURPOSE_SURVEY: True, PURPOSE_NEWS: False}
STOP_KINDS = (REQUEST_STOP, REQUEST_WITHDRAW)
STANDING = "citizens.standing"  # batch facts: Zalo user id -> (their consent rows, their last stop or None)


class ConsentError(FieldError):
    """A consent change refused (unknown purpose, nobody named); `field` names the form field."""


@dataclass(frozen=True)
class Citizen:
    """Every Zalo user id and phone that belong to one citizen in the tenant in context."""

    user_ids: frozenset[str]
    phones: frozenset[str]

    def __bool__(self) -> bool:
        return bool(self.user_ids or self.phones)

    def matches(self, user_column, phone_column=None):
        """A WHERE clause: `user_column` is one of the user ids or `phone_column` one of the phones."""
        conditions = [user_column.in_(self.user_ids)] if self.user_ids else []
        conditions += [phone_column.in_(self.phones)] if self.phones and phone_column is not None else []
        return or_(false(), *conditions)


def citizen(zalo_user_id: str | None = None, phone: str | None = None) -> Citizen:
    """The citizen known by `zalo_user_id` and/or `phone`, with the addresses their follower record links."""
    user_ids, phones = {zalo_user_id} - {None, ""}, {phone} - {None, ""}
    if user_ids or phones:
        identity = Citizen(frozenset(user_ids), frozenset(phones))
        for follower in db.session.scalars(select(Follower).where(
                identity.matches(Follower.zalo_user_id, Follower.phone_e164))):
            user_ids.add(follower.zalo_user_id)
            phones |= {follower.phone_e164} - {None}
    return Citizen(frozenset(user_ids), frozenset(phones))


@dataclass(frozen=True)
class PurposeState:
    purpose: str
    allowed: bool
    by_default: bool  # no grant or withdrawal recorded: the default decides
    since: datetime | None


def last_stop(who: Citizen) -> datetime | None:
    """When the citizen last stopped everything (a refused request does not count)."""
    if not who:
        return None
    return db.session.scalar(select(DataSubjectRequest.received_at).where(
        who.matches(DataSubjectRequest.zalo_user_id, DataSubjectRequest.phone_e164),
        DataSubjectRequest.kind.in_(STOP_KINDS), DataSubjectRequest.status != REQUEST_REFUSED,
    ).order_by(DataSubjectRequest.received_at.desc()).limit(1))


def _rows(who: Citizen, purpose: str | None = None) -> list[Consent]:
    if not who:
        return []
    statement = select(Consent).where(who.matches(Consent.zalo_user_id, Consent.phone_e164))
    if purpose:
        statement = statement.where(Consent.purpose == purpose)
    return list(db.session.scalars(statement))


def _latest_change(row: Consent) -> datetime:
    return row.withdrawn_at or row.granted_at


def _state(purpose: str, rows: list[Consent], stopped_at: datetime | None) -> PurposeState:
    """Since a stop, only a grant given after it counts; otherwise the latest grant or withdrawal decides."""
    if stopped_at is not None:
        active = [row for row in rows if row.withdrawn_at is None and row.granted_at > stopped_at]
        since = max((row.granted_at for row in active), default=stopped_at)
        return PurposeState(purpose, bool(active), False, since)
    if not rows:
        return PurposeState(purpose, DEFAULT_ALLOWED[purpose], True, None)
    latest = max(rows, key=_latest_change)
    return PurposeState(purpose, latest.withdrawn_at is None, False, _latest_change(latest))


def current(zalo_user_id: str | None = None, phone: str | None = None) -> dict[str, PurposeState]:
    """Each purpose's state for the citizen now."""
    who = citizen(zalo_user_id, phone)
    rows, stopped_at = _rows(who), last_stop(who)
    return {purpose: _state(purpose, [row for row in rows if row.purpose == purpose], stopped_at)
            for purpose in PURPOSES}


@dataclass(frozen=True)
class Standing:
    stopped: bool  # stopped everything and granted nothing since (see `withdrawn`)
    refused: bool  # said no to the purpose asked about (withdrew it or stopped): not merely never asked


def standing(zalo_user_id: str | None, phone: str | None, purpose: str | None) -> Standing:
    """Both answers at once, in one query (the outbox asks this for every message it writes): the citizen's
    consents and stops, found by the addresses given and by those their follower record links (`citizen`'s
    linking, done in SQL); or nothing for a citizen of a batch of events (`remember_standings`)."""
    known = batch_facts.recall(STANDING, zalo_user_id) if zalo_user_id and not phone else batch_facts.MISSING
    if known is not batch_facts.MISSING:
        return _standing(*known, purpose)
    if not zalo_user_id and not phone:
        return Standing(False, False)
    rows = db.session.execute(_CONSENTS_AND_STOPS, {"user_id": zalo_user_id, "phone": phone}).all()
    stopped_at = max((row.granted_at for row in rows if row.stop), default=None)
    return _standing([row for row in rows if not row.stop], stopped_at, purpose)


def _consents_and_stops():
    """(stop, purpose, granted_at, withdrawn_at) of the consents (stop false) and the stops (stop true,
    received in granted_at; a refused request does not count) of the citizen known by the Zalo user id
    `user_id` and the phone `phone` (either may be NULL, which matches nothing), or by the ones their follower
    record links. Built once, with plain parameters rather than expanding IN lists: its SQL is then compiled
    once and cached, where lists were rendered again at every execution (the outbox asks this for every
    message the API writes)."""
    user_id, phone = bindparam("user_id"), bindparam("phone")
    linked = or_(Follower.zalo_user_id == user_id, Follower.phone_e164 == phone)

    def theirs(user_column, phone_column):
        return or_(user_column == user_id, phone_column == phone,
                   user_column.in_(select(Follower.zalo_user_id).where(linked)),
                   phone_column.in_(select(Follower.phone_e164).where(linked)))

    consents = select(false().label("stop"), Consent.purpose, Consent.granted_at, Consent.withdrawn_at).where(
        theirs(Consent.zalo_user_id, Consent.phone_e164))
    stops = select(true(), null(), DataSubjectRequest.received_at, null()).where(
        theirs(DataSubjectRequest.zalo_user_id, DataSubjectRequest.phone_e164),
        DataSubjectRequest.kind.in_(STOP_KINDS), DataSubjectRequest.status != REQUEST_REFUSED)
    return union_all(consents, stops)


_CONSENTS_AND_STOPS = _consents_and_stops()


def standings(asked: list[tuple[str | None, str | None, str | None]]) -> list[Standing]:
    """`standing` for many (user id, phone, purpose) at once, in three queries whatever their number (the
    delivery screen asks this for a whole batch)."""
    ids = {user_id for user_id, _, _ in asked if user_id}
    phones = {phone for _, phone, _ in asked if phone}
    found = Citizen(frozenset(ids), frozenset(phones))
    followers = list(db.session.scalars(select(Follower).where(found.matches(Follower.zalo_user_id,
                                                                            Follower.phone_e164)))) if found else []
    people = [_linked(user_id, phone, followers) for user_id, phone, _ in asked]
    everyone = Citizen(frozenset().union(*(who.user_ids for who in people)),
                       frozenset().union(*(who.phones for who in people)))
    rows, stops = _rows(everyone), _stops(everyone)
    answers = []
    for who, (_, _, purpose) in zip(people, asked, strict=True):
        if not who:
            answers.append(Standing(False, False))
            continue
        mine = [row for row in rows if row.zalo_user_id in who.user_ids or row.phone_e164 in who.phones]
        stopped_at = max((at for user_id, phone, at in stops if user_id in who.user_ids or phone in who.phones),
                         default=None)
        answers.append(_standing(mine, stopped_at, purpose))
    return answers


def remember_standings(events) -> None:
    """A batch loader (zalo/events.py `on_batch`): the consent rows and last stop of every citizen who wrote in
    the batch, known by their Zalo id (and the phone their follower record shares), in two queries."""
    people = {event.zalo_user_id: _known_by_id(event.zalo_user_id) for event in events if event.zalo_user_id}
    if not people:
        return
    everyone = Citizen(frozenset().union(*(who.user_ids for who in people.values())),
                       frozenset().union(*(who.phones for who in people.values())))
    rows, stops = _rows(everyone), _stops(everyone)
    batch_facts.remember(STANDING, {
        user_id: ([row for row in rows if row.zalo_user_id in who.user_ids or row.phone_e164 in who.phones],
                  max((at for stop_user, stop_phone, at in stops
                       if stop_user in who.user_ids or stop_phone in who.phones), default=None))
        for user_id, who in people.items()})


def _known_by_id(user_id: str) -> Citizen:
    """`citizen(user_id)` from the batch's follower records."""
    follower = known_follower(user_id)
    return Citizen(frozenset({user_id}), frozenset({follower.phone_e164} - {None}) if follower else frozenset())


def changed(zalo_user_id: str | None, phone: str | None) -> None:
    """A consent or a stop was recorded for this citizen: a batch's facts about it no longer hold (about every
    citizen when a phone, which may link several, was named)."""
    batch_facts.forget(batch_facts.MISSING if phone else zalo_user_id, STANDING)


def _stops(who: Citizen) -> list[tuple]:
    """(user id, phone, when) of every stop by these citizens (a refused request does not count)."""
    if not who:
        return []
    return db.session.execute(select(
        DataSubjectRequest.zalo_user_id, DataSubjectRequest.phone_e164, DataSubjectRequest.received_at).where(
        who.matches(DataSubjectRequest.zalo_user_id, DataSubjectRequest.phone_e164),
        DataSubjectRequest.kind.in_(STOP_KINDS), DataSubjectRequest.status != REQUEST_REFUSED)).all()


def _linked(user_id: str | None, phone: str | None, followers) -> Citizen:
    """`citizen` from follower rows already read."""
    user_ids, phones = {user_id} - {None, ""}, {phone} - {None, ""}
    for follower in followers:
        if follower.zalo_user_id in user_ids or (follower.phone_e164 and follower.phone_e164 in phones):
            user_ids.add(follower.zalo_user_id)
            phones |= {follower.phone_e164} - {None}
    return Citizen(frozenset(user_ids), frozenset(phones))


def _standing(rows: list, stopped_at, purpose: str | None) -> Standing:
    stopped = stopped_at is not None and not any(
        row.withdrawn_at is None and row.granted_at > stopped_at for row in rows)
    if purpose is None:
        return Standing(stopped, False)
    state = _state(purpose, [row for row in rows if row.purpose == purpose], stopped_at)
    return Standing(stopped, not state.allowed and not state.by_default)


def may_send(zalo_user_id: str | None, phone: str | None, purpose: str) -> bool:
    """Whether a message for `purpose` may reach this citizen now."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    who = citizen(zalo_user_id, phone)
    return _state(purpose, _rows(who, purpose), last_stop(who)).allowed


def withdrawn(zalo_user_id: str | None = None, phone: str | None = None) -> bool:
    """The citizen stopped everything and has granted nothing since: they get no message but the
    confirmation of their stop."""
    return standing(zalo_user_id, phone, None).stopped


def history(zalo_user_id: str | None = None, phone: str | None = None) -> list[Consent]:
    """Every grant and withdrawal recorded for the citizen, newest first (the evidence kept)."""
    return sorted(_rows(citizen(zalo_user_id, phone)), key=_latest_change, reverse=True)


def grant(purpose: str, *, method: str, zalo_user_id: str | None = None, phone: str | None = None,
          evidence: str | None = None, notice_version: str = NOTICE_VERSION) -> Consent:
    """Record an explicit grant (a new row: earlier grants stay as evidence)."""
    _check(purpose, zalo_user_id, phone)
    row = Consent(zalo_user_id=zalo_user_id or None, phone_e164=phone or None, purpose=purpose, method=method,
                  notice_version=notice_version, evidence=evidence, granted_at=utcnow())
    db.session.add(row)
    changed(zalo_user_id, phone)
    db.session.flush()
    return row


def withdraw(purpose: str, *, method: str, zalo_user_id: str | None = None, phone: str | None = None,
             evidence: str | None = None) -> list[Consent]:
    """Withdraw `purpose`: every active grant is stamped. With no grant to stamp (the default applied), the
    objection itself is recorded as a row granted and withdrawn at the same moment, so the default no longer
    applies and the evidence shows when and how the citizen said no."""
    _check(purpose, zalo_user_id, phone)
    now = utcnow()
    active = [row for row in _rows(citizen(zalo_user_id, phone), purpose) if row.withdrawn_at is None]
    changed(zalo_user_id, phone)
    if not active:
        objection = Consent(zalo_user_id=zalo_user_id or None, phone_e164=phone or None, purpose=purpose,
                            method=method, notice_version=NOTICE_VERSION, granted_at=now,
                            evidence=evidence or "objection to the default (no grant had been recorded)")
        db.session.add(objection)
        active = [objection]
    for row in active:
        row.withdrawn_at, row.withdrawn_method = now, method
    db.session.flush()
    return active


def withdraw_all(*, method: str, zalo_user_id: str | None = None, phone: str | None = None) -> int:
    """Stamp every active grant withdrawn (part of a stop); returns how many were."""
    now, count = utcnow(), 0
    changed(zalo_user_id, phone)
    for row in _rows(citizen(zalo_user_id, phone)):
        if row.withdrawn_at is None:
            row.withdrawn_at, row.withdrawn_method, count = now, method, count + 1
    db.session.flush()
    return count


def has_active_grant(purpose: str, user_id_column):
    """The citizen whose Zalo user id is in `user_id_column` has an active grant for `purpose` (a broadcast
    audience's filter for an opt-in purpose). `may_send` still decides for each one at send time (a later stop
    wins).

    A scalar subquery, one lookup on ix_consent_tenant_zalo_user_id per follower, not EXISTS: PostgreSQL turns
    EXISTS into a join planned from the statistics, and at 100,000 consents it chose a hash join that read every
    consent of the province for each chunk a broadcast plans (59–97 ms a statement; README, Performance). A
    scalar subquery is never turned into a join."""
    return select(Consent.id).where(Consent.zalo_user_id == user_id_column, Consent.purpose == purpose,
                                    Consent.withdrawn_at.is_(None)).limit(1).scalar_subquery().is_not(None)


def _check(purpose: str, zalo_user_id: str | None, phone: str | None) -> None:
    if purpose not in PURPOSES:
        raise ConsentError("purpose", _l("Choose a purpose."))
    if not zalo_user_id and not phone:
        raise ConsentError("zalo_user_id", _l("Enter a Zalo user id or a mobile number."))
