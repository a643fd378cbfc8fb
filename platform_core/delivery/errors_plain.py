"""Why a delivery is not sent (yet), in plain words for province staff, and what they can do about it.

The "what happened" comes from the Zalo error taxonomy (zalo/errors.py), which already says it in Vietnamese
and English without any citizen's data. The "what to do" depends on the outcome, with a few codes that need
their own advice (a number with no Zalo account, a ZNS template problem). Failures without a Zalo code come
from the sender itself (delivery/sender.py, zalo/tokens.py) and are recognised by the start of their message.
Nothing here echoes Zalo's raw message: it may be English, technical, or quote what was sent.
"""

from dataclasses import dataclass

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from platform_core.delivery.constants import FAILED, ZNS
from platform_core.delivery.screens import explanations as screen_explanations
from platform_core.zalo.errors import Family, Outcome, classify, family_of_code

AUTOMATIC = _l("Nothing to do: the system sends it again automatically.")
GAVE_UP = _l("Zalo kept refusing it for a while. Retry it once the problem has passed; if it fails again, "
             "tell the platform operator.")
ADVICE = {
    Outcome.RETRY: AUTOMATIC,
    Outcome.RATE_LIMITED: AUTOMATIC,
    Outcome.REFRESH_TOKEN: AUTOMATIC,
    Outcome.DEFER_QUOTA: _l("Nothing to do: it is sent automatically when Zalo's quota allows."),
    Outcome.DEFER_NIGHT: _l("Nothing to do: it is sent automatically after 06:00."),
    Outcome.INELIGIBLE: _l("Ask the citizen to follow the province's Zalo OA or send it a message (for example "
                           "by scanning the OA's QR code at the counter), then retry. Otherwise reach them by "
                           "phone."),
    Outcome.CONFIGURATION: _l("An administrator must fix the province's Zalo setup (Zalo connection page), "
                              "then retry."),
    Outcome.PERMANENT: _l("This message cannot be sent as it is. An administrator should check the message "
                          "template, then retry; if it fails again, tell the platform operator."),
}
NO_ZALO_ACCOUNT = _l("This phone number has no Zalo account that can receive messages: reach the citizen "
                     "another way (a phone call, at the counter).")
WRONG_PHONE = _l("Correct the citizen's phone number in the one-stop software; retrying sends to the same "
                 "number.")
ZNS_TEMPLATE = _l("The ZNS template or its data needs attention: an administrator should check it on the "
                  "message templates page and in Zalo's ZNS console, then retry.")
RECONNECT = _l("An administrator must reconnect the province's Zalo OA (Zalo connection page, “Connect with "
               "Zalo”), checking the App ID and App Secret in Zalo's developer console, then retry.")
OLD_ZALO_APP = _l("The citizen's Zalo app is too old: ask them to update Zalo, then retry.")
CODE_ADVICE = {
    (Family.ZNS, -118): NO_ZALO_ACCOUNT,
    (Family.ZNS, -119): NO_ZALO_ACCOUNT,
    (Family.ZNS, -108): WRONG_PHONE,
    (Family.ZNS, -110): OLD_ZALO_APP,
    **{(Family.ZNS, code): ZNS_TEMPLATE for code in (-109, -111, -112, -1121, -1122, -1124, -113, -1131, -116,
                                                     -131, -145, -146)},
}

TRANSIENT = {Outcome.RETRY, Outcome.RATE_LIMITED, Outcome.REFRESH_TOKEN, Outcome.DEFER_QUOTA, Outcome.DEFER_NIGHT}

CANCELLED_BY_ADMIN = "cancelled by an administrator before it was sent"  # a broadcast stopped mid-way

# Failures the platform records without a Zalo code: (start of the stored message, what happened, advice).
OWN_FAILURES = (
    ("no channel reaches this citizen",
     _l("Neither a Zalo account nor a phone number Zalo can reach is known for this citizen."),
     _l("Ask the citizen to follow the province's Zalo OA, or record their mobile number in the one-stop "
        "software.")),
    ("message could not be built",
     _l("The message template could not be filled in for this dossier."),
     _l("An administrator should check the message template, then retry.")),
    ("worker stopped during the send",
     _l("The send was interrupted; whether Zalo received it is unknown."),
     AUTOMATIC),
    ("this province has not connected its Zalo OA",
     _l("The province's Zalo OA is not connected."),
     _l("Sending starts once an administrator connects the OA (Zalo connection page).")),
    ("the Zalo connection needs an admin to reconnect it",
     _l("The province's Zalo connection has expired."),
     _l("Sending resumes once an administrator reconnects the OA (Zalo connection page).")),
    (CANCELLED_BY_ADMIN,
     _l("An administrator cancelled the policy news before this message was sent."),
     _l("Nothing to do.")),
)
UNKNOWN = (_l("The message could not be sent, for a reason the system could not classify."),
           _l("Retry it; if it fails again, tell the platform operator the error code shown."))


@dataclass(frozen=True)
class Explanation:
    what: str
    advice: str
    code: int | None


def explain(delivery) -> Explanation | None:
    """The explanation of a delivery's last error, or None when it has none."""
    code, message = delivery.error_code, delivery.error_message or ""
    if code is None and not message:
        return None
    if code is None:
        known = (*OWN_FAILURES, *screen_explanations())  # the screens' refusals explain themselves
        what, advice = next(((what, advice) for start, what, advice in known if message.startswith(start)), UNKNOWN)
        return Explanation(str(what), str(advice), None)
    family = family_of_code(code, zns=delivery.channel == ZNS)
    info = classify(family, code, message)
    what = info.vi if str(get_locale() or "vi").startswith("vi") else info.en
    return Explanation(what, str(_advice(delivery, family, info)), code)


def _advice(delivery, family: Family, info) -> str:
    if delivery.state == FAILED and info.outcome in TRANSIENT:
        return GAVE_UP  # a transient error that outlasted every attempt
    if family is Family.OAUTH:
        return RECONNECT
    if not info.known:
        return UNKNOWN[1]  # nothing is known about it: no advice about templates or setup that may be wrong
    return CODE_ADVICE.get((family, info.code)) or ADVICE[info.outcome]
