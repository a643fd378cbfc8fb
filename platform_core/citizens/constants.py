"""Consent purposes and methods (docs/domain.md §6, §8.1 Consent), data-subject request kinds, retention."""

from flask_babel import lazy_gettext as _l

from platform_core.settings.definitions import (  # the periods themselves are a province setting
    RETENTION_CHAT,
    RETENTION_CONTACT,
    RETENTION_DELIVERIES,
    RETENTION_REGISTRATIONS,
    RETENTION_RESULTS,
)

PURPOSE_DOSSIER, PURPOSE_NEWS, PURPOSE_SURVEY = "dossier_notifications", "policy_news", "satisfaction_survey"
PURPOSE_LABELS = {
    PURPOSE_DOSSIER: _l("Dossier notifications"),
    PURPOSE_NEWS: _l("Policy news"),
    PURPOSE_SURVEY: _l("Satisfaction surveys"),
}
PURPOSES = tuple(PURPOSE_LABELS)

METHOD_ZALO_CHAT, METHOD_ZALO_BUTTON, METHOD_WEB, METHOD_COUNTER = "zalo_chat", "zalo_button", "web", "counter"
METHOD_ZALO_WITHDRAW, METHOD_OFFICER = "zalo_user_withdraw", "officer"
METHOD_LABELS = {
    METHOD_ZALO_CHAT: _l("Written to the OA"),
    METHOD_ZALO_BUTTON: _l("Zalo button"),
    METHOD_WEB: _l("Web form"),
    METHOD_COUNTER: _l("At the desk, on paper"),
    METHOD_ZALO_WITHDRAW: _l("Zalo data request (user_withdraw)"),
    METHOD_OFFICER: _l("Recorded by an officer"),
}

# Data-subject requests.
REQUEST_WITHDRAW, REQUEST_STOP, REQUEST_EXPORT, REQUEST_ERASE = "withdraw", "stop", "export", "erase"
REQUEST_OPEN, REQUEST_DONE, REQUEST_REFUSED = "open", "done", "refused"
# Decree 356/2025 (docs/domain.md §6, "Data-subject rights"): answer within 2 working days; a request to stop
# processing (a stop, a withdrawn consent) is completed within 15 days, 20 when a processor or third party must
# stop too. The other rights are reported as 10-20 days without a figure per right: until the Decree's text is
# checked, a copy of the data and erasure take the shorter end, 10 days, so the console never shows a date later
# than the law's.
RESPONSE_WORKING_DAYS = 2
COMPLETION_DAYS = {REQUEST_STOP: 15, REQUEST_WITHDRAW: 15, REQUEST_EXPORT: 10, REQUEST_ERASE: 10}
THIRD_PARTY_COMPLETION_DAYS = 20
STOPS_PROCESSING = frozenset({REQUEST_STOP, REQUEST_WITHDRAW})  # the kinds a third party's part extends

REQUEST_KIND_LABELS = {
    REQUEST_WITHDRAW: _l("Withdraw consent (Zalo data request)"),
    REQUEST_STOP: _l("Stop messages"),
    REQUEST_EXPORT: _l("Copy of their data"),
    REQUEST_ERASE: _l("Erase contact and chat data"),
}
REQUEST_STATUS_LABELS = {REQUEST_OPEN: _l("Open"), REQUEST_DONE: _l("Completed"), REQUEST_REFUSED: _l("Refused")}
RETENTION_LABELS = {
    RETENTION_CHAT: _l("Chat messages: what citizens wrote and the replies sent in the chat"),
    RETENTION_CONTACT: _l("Contacts of citizens who no longer follow the OA and went quiet"),
    RETENTION_DELIVERIES: _l("Recipients of sent messages"),
    RETENTION_RESULTS: _l("Electronic results (PDF files) sent to citizens"),
    RETENTION_REGISTRATIONS: _l("What citizens filled in on registration forms from Zalo"),
}

# The privacy notice a grant refers to (shown in the consent question and on the counter form). Bump it when
# the notice's text changes: each Consent row keeps the version the citizen agreed to.
NOTICE_VERSION = "2026-01"

# The one message a stopped citizen still gets: the confirmation of their stop (citizens/requests.py).
CONFIRMATION_KIND = "data_request_confirmation"
