"""What an administrator reads when Zalo refuses to connect the province's OA (the wizard's step 3, the Zalo
connection page): Zalo's cause in plain words from the taxonomy (errors.py), the code for the operator, and
the next step. Zalo's own message is never shown: it is English and technical ("secret_key header is missing")."""

from flask_babel import get_locale
from flask_babel import gettext as _

from platform_core.zalo.errors import Family, Outcome, ZaloError


def refusal(error: ZaloError) -> str:
    cause = error.explanation(str(get_locale() or "vi"))
    code = f" ({_('code %(code)s', code=error.code)})" if error.code is not None else ""
    return _("Zalo refused the connection: %(cause)s%(code)s. %(next_step)s", cause=cause.rstrip("."), code=code,
             next_step=_next_step(error))


def _next_step(error: ZaloError) -> str:
    if error.family is Family.OAUTH:
        return _("Check the App ID and the App Secret on Zalo's developer site (developers.zalo.me, your app, "
                 "Settings), correct them here, then connect again.")
    if error.outcome in (Outcome.RETRY, Outcome.RATE_LIMITED):
        return _("Zalo could not answer just now: try again in a few minutes.")
    if error.outcome is Outcome.REFRESH_TOKEN:
        return _("The access token is no longer valid: connect again with “Connect with Zalo”.")
    return _("Fix this in the OA's or the app's settings on Zalo, then connect again; if it persists, tell the "
             "platform operator the code shown.")
