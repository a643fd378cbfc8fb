"""Feedback and petitions: taking one in (Zalo, web form, officer), the officer's steps through the state
machine of docs/domain.md §8.2 (anything else is refused with a reason), the citizen's added information and
reaction, and the overdue sweep. No request objects here: views, the bot and jobs call these functions inside
the tenant and commit themselves.
"""

import uuid
from collections.abc import Callable
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from platform_core.audit.service import record_event
from platform_core.clock import VIETNAM, vn_date
from platform_core.db.types import utcnow
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.feedback import attachments, deadlines, notify
from platform_core.feedback.constants import (
    ANSWER,
    ANSWERED,
    ATTACH,
    CATEGORY_LABELS,
    CHANNEL_LABELS,
    CLASSIFY,
    CLOSE,
    CLOSED,
    CODE_PREFIX,
    FORWARD,
    MAX_CONTENT_CHARS,
    MIN_CONTENT_CHARS,
    OFFICER_ACTIONS,
    OPEN_STATES,
    OVERDUE,
    PUBLISH,
    PUBLISHED,
    REACT,
    REACTION_LABELS,
    REJECT,
    REQUEST_SUPPLEMENT,
    STATUS_LABELS,
    SUBMIT,
    SUPPLEMENT,
    TRANSITIONS,
)
from platform_core.feedback.models import Feedback, FeedbackAttachment, FeedbackEvent
from platform_core.web.paging import Page, paginate
from platform_core.zalo.models import Follower
from platform_core.zalo.phone import PhoneError, to_e164

REACTABLE = (ANSWERED, PUBLISHED, CLOSED)
# What each officer action needs besides the state: (form field, message when it is missing).
REQUIRED = {
    REJECT: ("note", _l("Give the reason the feedback is not accepted: the citizen is told.")),
    REQUEST_SUPPLEMENT: ("note", _l("Say what information is needed: the citizen is told.")),
    FORWARD: ("agency", _l("Name the agency the feedback is forwarded to.")),
    ANSWER: ("answer", _l("Write the answer: the citizen receives it on Zalo.")),
}
_forward_listeners: list[Callable[..., object]] = []
_forward_audiences: list[Callable[[str], int]] = []


class TransitionError(FieldError):
    """An action the feedback's state does not allow (field "action")."""

    def __init__(self, feedback: Feedback, action: str):
        super().__init__("action", _l("A feedback that is “%(status)s” cannot be moved this way.",
                                      status=STATUS_LABELS.get(feedback.status, feedback.status)))


# --- taking a feedback in ----------------------------------------------------------------------------------

def clean_content(content: str | None) -> str:
    text = (content or "").strip()
    if len(text) < MIN_CONTENT_CHARS:
        raise FieldError("content", _l("Write what the feedback or petition is about (at least %(count)d "
                                       "characters).", count=MIN_CONTENT_CHARS))
    if len(text) > MAX_CONTENT_CHARS:
        raise FieldError("content", _l("Keep the feedback under %(count)d characters.", count=MAX_CONTENT_CHARS))
    return text


def clean_phone(phone: str | None, required: bool) -> str | None:
    if not (phone or "").strip():
        if required:
            raise FieldError("phone", _l("Give a mobile number so that the province can reach you."))
        return None
    try:
        return to_e164(phone)
    except PhoneError as error:
        raise FieldError("phone", _l("This is not a Vietnamese mobile number.")) from error


def submit(channel: str, content: str | None, *, name: str | None = None, phone: str | None = None,
           zalo_user_id: str | None = None, dossier_code: str | None = None, address: str | None = None,
           actor=None, now: datetime | None = None) -> Feedback:
    """A new feedback with its code and deadlines, acknowledged to the citizen on Zalo when they can be
    reached (by their Zalo id, or a follower who shared this phone number). FieldError stores nothing."""
    if channel not in CHANNEL_LABELS:
        raise FieldError("channel", _l("Unknown channel."))
    text = clean_content(content)
    if zalo_user_id is None and not (name or "").strip():
        raise FieldError("name", _l("Give your full name."))
    phone_e164 = clean_phone(phone, required=zalo_user_id is None)
    now = now or utcnow()
    feedback = Feedback(channel=channel, content=text, submitter_name=(name or "").strip() or None,
                        submitter_phone=phone_e164, submitter_address=(address or "").strip() or None,
                        zalo_user_id=zalo_user_id or _zalo_user_by_phone(phone_e164),
                        related_dossier_code=(dossier_code or "").strip() or None,
                        entered_by_id=getattr(actor, "id", None), received_at=now)
    deadlines.start_clock(feedback, now)
    _insert_with_code(feedback, now)
    event = _record(feedback, SUBMIT, None, feedback.status, actor, note=None, now=now)
    notify.tell_citizen(feedback, event)
    if actor is not None:
        record_event("feedback_entered", actor=actor, target=feedback, details={"code": feedback.code})
    return feedback


def _zalo_user_by_phone(phone_e164: str | None) -> str | None:
    if not phone_e164:
        return None
    return db.session.scalar(select(Follower.zalo_user_id).where(Follower.phone_e164 == phone_e164,
                                                                 Follower.anonymised_at.is_(None)).limit(1))


def _insert_with_code(feedback: Feedback, now: datetime, attempts: int = 5) -> None:
    """"PA-YYMM-NNNN", numbered per tenant and month (Vietnam time); a concurrent submission that took the same
    number makes this one try the next."""
    prefix = f"{CODE_PREFIX}-{now.astimezone(VIETNAM):%y%m}-"
    taken = db.session.scalar(select(func.count()).select_from(Feedback).where(Feedback.code.like(f"{prefix}%")))
    for number in range(taken + 1, taken + 1 + attempts):
        feedback.code = f"{prefix}{number:04d}"
        try:
            with db.session.begin_nested():
                db.session.add(feedback)
            return
        except IntegrityError:
            if feedback in db.session:
                db.session.expunge(feedback)
    raise RuntimeError("no free feedback code after several attempts")


# --- the officer's steps ----------------------------------------------------------------------------------

def allowed_actions(feedback: Feedback) -> list[str]:
    """The officer's actions the feedback's state allows, in the order of the workflow."""
    return [action for action in OFFICER_ACTIONS if feedback.status in TRANSITIONS[action][0]]


def act(feedback: Feedback, action: str, actor, *, note: str | None = None, category: str | None = None,
        agency: str | None = None, answer: str | None = None, now: datetime | None = None) -> FeedbackEvent:
    """Apply an officer's `action`; TransitionError or FieldError (nothing changed) when it is not allowed."""
    if action not in OFFICER_ACTIONS:
        raise FieldError("action", _l("Unknown action."))
    values = {"note": (note or "").strip(), "agency": (agency or "").strip(), "answer": (answer or "").strip()}
    allowed_from, target = TRANSITIONS[action]
    if feedback.status not in allowed_from:
        raise TransitionError(feedback, action)
    if action in REQUIRED and not values[REQUIRED[action][0]]:
        raise FieldError(*REQUIRED[action])
    if action == CLASSIFY and category not in CATEGORY_LABELS:
        raise FieldError("category", _l("Choose a category from the list."))
    now = now or utcnow()
    _apply(feedback, action, values, category, actor, now)
    event = _record(feedback, action, feedback.status, target, actor, note=values["note"] or None, now=now)
    feedback.status = target
    notify.tell_citizen(feedback, event)
    if action == FORWARD:
        for listener in _forward_listeners:
            listener(feedback, values["agency"], now)
    record_event(f"feedback_{action}", actor=actor, target=feedback, details={"code": feedback.code})
    return event


def on_forwarded(listener: Callable[..., object], audience: Callable[[str], int] | None = None) -> None:
    """`listener(feedback, agency, now)` runs in the transaction that forwards a feedback to `agency`
    (officials/forwarding.py tells that agency's officials on Zalo); `audience(agency)` says how many people
    it tells, for the officer's page (`forward_audience`)."""
    _forward_listeners.append(listener)
    if audience is not None:
        _forward_audiences.append(audience)


def forward_audience(agency: str) -> int:
    """How many people the forward listeners tell about a feedback forwarded to `agency`."""
    return sum(audience(agency) for audience in _forward_audiences)


def _apply(feedback: Feedback, action: str, values: dict, category, actor, now: datetime) -> None:
    if action == CLASSIFY:
        feedback.category = category
        feedback.assigned_agency = values["agency"] or feedback.assigned_agency
    elif action == FORWARD:
        feedback.forwarded_to = values["agency"]
    elif action == ANSWER:
        feedback.answer, feedback.answered_at, feedback.answered_by_id = values["answer"], now, actor.id
        deadlines.start_publish_clock(feedback, now)
    elif action == PUBLISH:
        feedback.published_at = now
    elif action == CLOSE:
        feedback.closed_at = now
    # A new stage has its own deadline: the overdue flag of the previous one no longer applies.
    feedback.overdue_flagged_at = feedback.escalated_at = None


def _record(feedback: Feedback, action: str, from_status, to_status, actor, note, now) -> FeedbackEvent:
    last = db.session.scalar(select(func.max(FeedbackEvent.seq)).where(FeedbackEvent.feedback_id == feedback.id))
    event = FeedbackEvent(feedback_id=feedback.id, seq=(last or 0) + 1, action=action, from_status=from_status,
                          to_status=to_status, note=note, actor_id=getattr(actor, "id", None), occurred_at=now)
    db.session.add(event)
    db.session.flush()
    return event


# --- the citizen's side -------------------------------------------------------------------------------------

def add_information(feedback: Feedback, text: str, now: datetime | None = None) -> FeedbackEvent:
    """The citizen's answer to a request for more information: intake starts again from now."""
    allowed_from, target = TRANSITIONS[SUPPLEMENT]
    if feedback.status not in allowed_from:
        raise TransitionError(feedback, SUPPLEMENT)
    note = clean_content(text)
    now = now or utcnow()
    event = _record(feedback, SUPPLEMENT, feedback.status, target, None, note=note, now=now)
    feedback.status = target
    deadlines.start_clock(feedback, now)
    feedback.overdue_flagged_at = feedback.escalated_at = None
    return event


def react(feedback: Feedback, reaction: str, now: datetime | None = None) -> FeedbackEvent:
    """The citizen likes or dislikes the answer (the last reaction counts)."""
    if reaction not in REACTION_LABELS:
        raise FieldError("reaction", _l("Unknown reaction."))
    if feedback.status not in REACTABLE:
        raise TransitionError(feedback, REACT)
    feedback.reaction, feedback.reaction_at = reaction, now or utcnow()
    return _record(feedback, REACT, None, None, None, note=reaction, now=feedback.reaction_at)


def attach_image(feedback: Feedback, image: attachments.Image, source_url: str | None = None,
                 now: datetime | None = None) -> FeedbackAttachment:
    """Store an image the citizen sent for `feedback` (AttachmentRefused past the per-feedback limit)."""
    attachment = attachments.attach(feedback, image, source_url)
    _record(feedback, ATTACH, None, None, None, note=image.content_type, now=now or utcnow())
    return attachment


# --- reading ------------------------------------------------------------------------------------------------

def get(feedback_id: uuid.UUID) -> Feedback | None:
    """The tenant's feedback (another tenant's is not found: tenant scoping)."""
    return db.session.scalar(select(Feedback).where(Feedback.id == feedback_id))


def find_by_code(code: str) -> Feedback | None:
    return db.session.scalar(select(Feedback).where(func.upper(Feedback.code) == code.strip().upper()))


def inbox(page: int, status: str | None = None, channel: str | None = None, overdue: bool = False,
          code: str | None = None, now: datetime | None = None) -> Page:
    """The inbox, newest first, filtered by status, channel, being overdue now, or a code (its digits suffice)."""
    statement = select(Feedback).order_by(Feedback.received_at.desc(), Feedback.code.desc())
    if status:
        statement = statement.where(Feedback.status == status)
    if channel:
        statement = statement.where(Feedback.channel == channel)
    if overdue:
        statement = statement.where(deadlines.overdue_clause(now or utcnow()))
    if code and code.strip():
        statement = statement.where(func.upper(Feedback.code).contains(code.strip().upper()))
    return paginate(statement, page)


def escalated() -> list[Feedback]:
    """Open feedback flagged overdue and escalated, for the banner at the top of the inbox."""
    return list(db.session.scalars(select(Feedback).where(Feedback.escalated_at.is_not(None),
                                                          Feedback.status.in_(OPEN_STATES))
                                   .order_by(Feedback.escalated_at)))


def history(feedback: Feedback) -> list[FeedbackEvent]:
    return list(db.session.scalars(select(FeedbackEvent).where(FeedbackEvent.feedback_id == feedback.id)
                                   .order_by(FeedbackEvent.seq)))


# --- deadlines ----------------------------------------------------------------------------------------------

def flag_overdue(now: datetime | None = None) -> list[Feedback]:
    """Flag every open feedback past the deadline of its stage, once per stage, and escalate it to the
    province's administrators (audit event + Zalo message to those who linked their account)."""
    now = now or utcnow()
    flagged, admin_accounts = [], None
    candidates = select(Feedback).where(Feedback.overdue_flagged_at.is_(None), deadlines.overdue_clause(now))
    for feedback in db.session.scalars(candidates).all():
        if admin_accounts is None:  # looked up once per sweep, and only when something is overdue
            admin_accounts = notify.admin_zalo_accounts()
        deadline = vn_date(deadlines.current_deadline(feedback))
        feedback.overdue_flagged_at = feedback.escalated_at = now
        _record(feedback, OVERDUE, None, None, None, note=deadline, now=now)
        record_event("feedback_overdue", target=feedback, details={"code": feedback.code, "deadline": deadline,
                                                                   "status": feedback.status})
        notify.escalate_to_admins(feedback, deadline, admin_accounts)
        flagged.append(feedback)
    return flagged
