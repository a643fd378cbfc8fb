"""The province's public feedback form (`/<slug>/phan-anh`): name, mobile number, content, optional dossier
code. On success the page shows the code and the answer deadline (and the citizen hears on Zalo when the OA
knows their number). Accepted submissions are rate-limited per address and province."""

from datetime import datetime

from flask import current_app, g, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_limiter.util import get_remote_address

from platform_core.errors import FieldError
from platform_core.extensions import db, limiter
from platform_core.feedback import service
from platform_core.feedback.constants import CHANNEL_WEB
from platform_core.feedback.forms import SubmissionForm
from platform_core.tenancy.resolution import tenant_blueprint

feedback_public_bp = tenant_blueprint("feedback_public", __name__, url_prefix="/phan-anh")


def _sent_key() -> str:
    """The session entry with the code just given, per province (another province's page never shows it)."""
    return f"feedback_sent:{g.tenant.id}"


def _rate_limit() -> str:
    return current_app.config["FEEDBACK_FORM_RATE_LIMIT"]


def _address_in_province() -> str:
    return f"feedback:{g.tenant.id}:{get_remote_address()}"


@feedback_public_bp.route("/", methods=["GET", "POST"])
@limiter.limit(_rate_limit, key_func=_address_in_province, methods=["POST"],
               deduct_when=lambda response: response.status_code == 302)
def form():
    submission = SubmissionForm()
    if submission.validate_on_submit():
        try:
            feedback = service.submit(CHANNEL_WEB, submission.content.data, name=submission.name.data,
                                      phone=submission.phone.data, dossier_code=submission.dossier_code.data)
        except FieldError as error:
            getattr(submission, error.field, submission.content).errors.append(error.message)
        else:
            db.session.commit()
            session[_sent_key()] = {"code": feedback.code, "deadline": feedback.deadline_answer_at.isoformat()}
            return redirect(url_for(".sent"))
    status = 422 if submission.errors else 200
    return render_template("feedback/public_form.html", form=submission), status


@feedback_public_bp.get("/da-gui")
def sent():
    sent_feedback = session.get(_sent_key())
    if not sent_feedback:
        return redirect(url_for(".form"))
    return render_template("feedback/public_sent.html", code=sent_feedback["code"],
                           deadline=datetime.fromisoformat(sent_feedback["deadline"]))


@feedback_public_bp.errorhandler(RateLimitExceeded)
def _too_many(error):
    message = _("This address has sent several feedback already. Please try again later, or write to the "
                "province's Zalo OA.")
    return render_template("feedback/public_form.html", form=SubmissionForm(), error=message), 429
