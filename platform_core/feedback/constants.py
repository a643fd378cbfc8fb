"""PAKN vocabularies: states (docs/domain.md §8.2), channels, categories, deadlines in working days (§4)."""

from flask_babel import lazy_gettext as _l

# States. SUBMITTED -> (REJECTED | SUPPLEMENT_REQUESTED -> SUPPLEMENTED) -> ACCEPTED -> CLASSIFIED
# -> (FORWARDED | IN_PROGRESS) -> ANSWERED -> PUBLISHED -> CLOSED.
SUBMITTED, REJECTED, SUPPLEMENT_REQUESTED, SUPPLEMENTED = "submitted", "rejected", "supplement", "supplemented"
ACCEPTED, CLASSIFIED, FORWARDED, IN_PROGRESS = "accepted", "classified", "forwarded", "in_progress"
ANSWERED, PUBLISHED, CLOSED = "answered", "published", "closed"

STATUS_LABELS = {
    SUBMITTED: _l("Submitted"),
    REJECTED: _l("Not accepted"),
    SUPPLEMENT_REQUESTED: _l("More information requested"),
    SUPPLEMENTED: _l("Information added"),
    ACCEPTED: _l("Accepted"),
    CLASSIFIED: _l("Classified"),
    FORWARDED: _l("Forwarded to another agency"),
    IN_PROGRESS: _l("Being handled"),
    ANSWERED: _l("Answered"),
    PUBLISHED: _l("Published"),
    CLOSED: _l("Closed"),
}

# Channels.
CHANNEL_ZALO, CHANNEL_WEB, CHANNEL_OFFICER = "zalo_chat", "web", "officer"
CHANNEL_LABELS = {
    CHANNEL_ZALO: _l("Zalo chat"),
    CHANNEL_WEB: _l("Web form"),
    CHANNEL_OFFICER: _l("Entered by an officer"),
}

# Categories (Decree 20/2008 Art. 5, 9).
CATEGORY_REGULATION, CATEGORY_CONDUCT, CATEGORY_OTHER = "regulation_content", "official_conduct", "other"
CATEGORY_LABELS = {
    CATEGORY_REGULATION: _l("Content of a regulation"),
    CATEGORY_CONDUCT: _l("Conduct of an agency or official"),
    CATEGORY_OTHER: _l("Other"),
}

# Deadlines in working days (the national portal's figures used by Decision 766, docs/domain.md §4).
REJECT_WORKING_DAYS, SUPPLEMENT_WORKING_DAYS, ANSWER_WORKING_DAYS, PUBLISH_WORKING_DAYS = 2, 5, 15, 2

# Citizens' reactions to an answer.
LIKE, DISLIKE = "like", "dislike"

# Attachments (images a citizen sends on Zalo): accepted types and size.
ATTACHMENT_TYPES = ("image/jpeg", "image/png", "image/webp")
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS = 5

# What a feedback needs to be taken in (Decree 20/2008 Art. 7: its content; a web form also name and phone).
MIN_CONTENT_CHARS = 10
MAX_CONTENT_CHARS = 5000
CODE_PREFIX = "PA"

# Images sent on Zalo within this many minutes of a feedback (or while more information is requested) join it.
ATTACH_WINDOW_MINUTES = 30

# Steps of a feedback's history (FeedbackEvent.action). The officer's actions move it through the states.
SUBMIT, ACCEPT, REJECT, SUPPLEMENT = "submit", "accept", "reject", "supplement"
REQUEST_SUPPLEMENT = "request_supplement"
CLASSIFY, FORWARD, START, ANSWER, PUBLISH, CLOSE = "classify", "forward", "start", "answer", "publish", "close"
REACT, ATTACH, OVERDUE = "react", "attach", "overdue"

# action -> (states it may start from, state it leads to); docs/domain.md §8.2.
TRANSITIONS = {
    ACCEPT: ((SUBMITTED, SUPPLEMENTED), ACCEPTED),
    REJECT: ((SUBMITTED, SUPPLEMENTED), REJECTED),
    REQUEST_SUPPLEMENT: ((SUBMITTED, SUPPLEMENTED), SUPPLEMENT_REQUESTED),
    SUPPLEMENT: ((SUPPLEMENT_REQUESTED,), SUPPLEMENTED),
    CLASSIFY: ((ACCEPTED, CLASSIFIED), CLASSIFIED),
    FORWARD: ((CLASSIFIED, IN_PROGRESS), FORWARDED),
    START: ((CLASSIFIED,), IN_PROGRESS),
    ANSWER: ((CLASSIFIED, IN_PROGRESS), ANSWERED),
    PUBLISH: ((ANSWERED,), PUBLISHED),
    CLOSE: ((PUBLISHED,), CLOSED),
}
OFFICER_ACTIONS = (ACCEPT, REJECT, REQUEST_SUPPLEMENT, CLASSIFY, FORWARD, START, ANSWER, PUBLISH, CLOSE)
OPEN_STATES = (SUBMITTED, SUPPLEMENT_REQUESTED, SUPPLEMENTED, ACCEPTED, CLASSIFIED, IN_PROGRESS, ANSWERED)

ACTION_LABELS = {
    SUBMIT: _l("Submitted"),
    ACCEPT: _l("Accept"),
    REJECT: _l("Do not accept"),
    REQUEST_SUPPLEMENT: _l("Ask for more information"),
    SUPPLEMENT: _l("The citizen added information"),
    CLASSIFY: _l("Classify"),
    FORWARD: _l("Forward to another agency"),
    START: _l("Start handling"),
    ANSWER: _l("Answer"),
    PUBLISH: _l("Publish the answer"),
    CLOSE: _l("Close"),
    REACT: _l("The citizen reacted to the answer"),
    ATTACH: _l("Image attached"),
    OVERDUE: _l("Past its deadline: escalated to the administrators"),
}
REACTION_LABELS = {LIKE: _l("Satisfied"), DISLIKE: _l("Not satisfied")}
