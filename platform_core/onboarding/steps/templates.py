"""Setup step 5, `templates`: the Vietnamese messages citizens will get, each with its preview; the admin
edits any of them (the console's editor, framed by the wizard) and confirms they read right."""

from flask import redirect, request, url_for
from flask_login import current_user

from platform_core.audit.service import record_event
from platform_core.auth.permissions import admin_required
from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.notices import templates as message_templates
from platform_core.notices.kinds import KINDS
from platform_core.notices.views import editor_page
from platform_core.onboarding import wizard
from platform_core.onboarding.constants import STEP_TEMPLATES
from platform_core.onboarding.views import onboarding_bp

AUDIT_REVIEWED = "templates_reviewed"


@onboarding_bp.route("/templates", methods=["GET", "POST"])
@admin_required
def templates():
    """Every message with its card; POST ("These look right") finishes the step."""
    if request.method == "POST":
        mark_reviewed(current_user)
        db.session.commit()
        following = wizard.next_step(STEP_TEMPLATES)
        return redirect(wizard.step_url(following) if following else url_for("console.dashboard"))
    entries = message_templates.overview()
    previews = {entry.template.event_kind: message_templates.preview(entry.template.event_kind)
                for entry in entries}
    db.session.commit()  # version 1 of each message, made from the province's files, is kept from now on
    return wizard.render_step(STEP_TEMPLATES, "onboarding/templates.html", entries=entries, previews=previews,
                              kinds=KINDS)


@onboarding_bp.route("/templates/<kind>", methods=["GET", "POST"])
@admin_required
def template_edit(kind: str):
    return editor_page(
        kind, lambda **context: wizard.render_step(STEP_TEMPLATES, "onboarding/templates_edit.html", **context),
        saved_url=url_for("onboarding.templates"))


def mark_reviewed(actor) -> None:
    """The admin confirmed the messages: the step is done, the go-live checklist's "templates reviewed" is
    set, and the audit log says which version of each message was approved (version 1 of a message never
    edited is written now, so that the versions named exist)."""
    versions = {entry.template.event_kind: entry.template.version for entry in message_templates.overview()}
    wizard.progress().templates_reviewed_at = utcnow()
    wizard.mark_done(STEP_TEMPLATES)
    record_event(AUDIT_REVIEWED, actor=actor, details={"versions": versions})
