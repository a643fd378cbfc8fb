"""What each delivery was, named for the deliveries page: the dossier notices by the names the template editor
gives them (notices/kinds.py), and every other message a feature writes by its notification's event kind."""

from flask_babel import lazy_gettext as _l

from platform_core.notices.kinds import KINDS

OTHER_KINDS = {
    "bot_reply": _l("Bot's answer to a citizen"),
    "policy_news": _l("Policy news"),
    "rating_invitation": _l("Invitation to rate"),
    "feedback": _l("Feedback: news of its handling"),
    "feedback_overdue": _l("Feedback overdue: alert to administrators"),
    "consent_question": _l("Question: policy news by Zalo?"),
    "data_request_confirmation": _l("Confirmation of a data request"),
    "official_notice": _l("Notice to an official"),
    "official_digest": _l("Daily digest to an official"),
}
MESSAGE_KIND_LABELS = {**{kind: label for kind, (label, _when) in KINDS.items()}, **OTHER_KINDS}


def message_kind_label(kind: str | None) -> str:
    return str(MESSAGE_KIND_LABELS.get(kind, _l("Other message"))) if kind else ""
