"""The citizen's rating page, opened from the Zalo message's link: `/<province>/danh-gia/<token>`.

Works without JavaScript on a phone. A link that is not ours, is another province's or names another
dossier answers 404; an expired one 410; a rating past its edit window is shown read-only (409 when a change
is posted). Never a 500 for a bad link.
"""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from platform_core.db.types import utcnow
from platform_core.extensions import db
from platform_core.ratings import service
from platform_core.ratings.constants import CHANNEL_WEB, EXPIRED, SCALE
from platform_core.ratings.forms import RatingForm
from platform_core.tenancy.resolution import tenant_blueprint

ratings_public_bp = tenant_blueprint("ratings_public", __name__, url_prefix="/danh-gia")
REFUSAL_STATUS = {service.INVALID: 404, EXPIRED: 410}


@ratings_public_bp.route("/<token>", methods=["GET", "POST"])
def rate(token: str):
    now = utcnow()
    try:
        invitation = service.check_link(token, now)
    except service.LinkRefused as refused:
        return render_template("ratings/refused.html", reason=refused.reason), REFUSAL_STATUS[refused.reason]
    dossier = service.dossier_of(invitation)
    page = {"dossier": dossier, "procedure": service.procedure_of(dossier), "tenant": g.tenant, "scale": SCALE}
    rating = service.rating_of(invitation)
    if not service.can_edit(rating, now):
        return _read_only(rating, page)
    form = RatingForm()
    if request.method == "GET" and rating is not None:
        form.fill_from(rating)
    if form.validate_on_submit():
        given = service.RatingInput(form.score.data, form.criteria_scores(), form.comment.data)
        try:
            service.submit(invitation, given, CHANNEL_WEB, now)
        except service.RatingLocked as locked:  # the window closed between reading and locking
            db.session.rollback()
            return _read_only(locked.rating, page)
        db.session.commit()
        flash(_("Thank you: your rating has been recorded."), "success")
        return redirect(url_for(".rate", token=token))
    status = 422 if form.errors else 200
    return render_template("ratings/rate.html", form=form, rating=rating, **page), status


def _read_only(rating, page: dict):
    """The rating as given, and why it cannot change; a change posted now is a conflict."""
    status = 409 if request.method == "POST" else 200
    return render_template("ratings/rated.html", rating=rating, **page), status
