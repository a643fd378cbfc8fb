"""A feedback forwarded to an agency of the province: that agency's officials who use Motcua get a notice to
handle it on Zalo (a document to handle, urgent, due at the feedback's current deadline), once per forward.

The agency is matched by name, as the officer chose it (the province profile's agencies) and as each official's
profile names theirs, ignoring case and spacing. The notice carries what the feedback is about, never who sent
it: the submitter's name, phone and address stay in the console.
"""

from datetime import datetime

from flask_babel import force_locale

from platform_core.auth.models import User
from platform_core.extensions import db
from platform_core.feedback import deadlines
from platform_core.feedback.constants import CATEGORY_LABELS
from platform_core.officials import recipients, service
from platform_core.officials.constants import KIND_INCOMING, PLATFORM_SOURCE, URGENCY_URGENT
from platform_core.officials.models import OfficialProfile
from platform_core.text import fit

BODY_CHARACTERS = 400


def officials_of(agency: str) -> list[User]:
    """The province's active officials whose profile names `agency`."""
    wanted = _agency_key(agency)
    rows = db.session.execute(recipients.members_query().add_columns(OfficialProfile.agency).join(
        OfficialProfile, OfficialProfile.user_id == User.id).where(OfficialProfile.active.is_(True))).all()
    return [user for user, their_agency in rows if their_agency and _agency_key(their_agency) == wanted]


def audience_size(agency: str) -> int:
    return len(officials_of(agency))


def notify_forwarded(feedback, agency: str, now: datetime) -> int:
    """The notices for `agency`'s officials; returns how many were made."""
    users = officials_of(agency)
    if not users:
        return 0
    with force_locale("vi"):
        category = str(CATEGORY_LABELS.get(feedback.category, ""))
    data = {"kind": KIND_INCOMING, "urgency": URGENCY_URGENT, "due_at": deadlines.current_deadline(feedback),
            "title": f"Phản ánh, kiến nghị {feedback.code} được chuyển đến {agency}",
            "body": fit(f"{category}: {feedback.content}" if category else feedback.content, BODY_CHARACTERS),
            "source_system": PLATFORM_SOURCE, "source_ref": f"feedback_forwarded:{feedback.code}:{_agency_key(agency)}"}
    notices, _ = service.notify_users(users, data, now=now)
    return len(notices)


def _agency_key(name: str) -> str:
    return " ".join(name.split()).casefold()

