"""Province console: API keys (administrators). A new key is shown once, on the response that creates it."""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from platform_core.apikeys import service
from platform_core.apikeys.forms import ApiKeyForm
from platform_core.apikeys.models import ApiKey
from platform_core.auth.models import User
from platform_core.auth.permissions import admin_required
from platform_core.extensions import db
from platform_core.tenancy.resolution import tenant_blueprint

apikeys_admin_bp = tenant_blueprint("apikeys_admin", __name__, url_prefix="/admin/api-keys")


@apikeys_admin_bp.get("/")
@admin_required
def index():
    return _render_index(ApiKeyForm())


@apikeys_admin_bp.post("/")
@admin_required
def create():
    form = ApiKeyForm()
    if not form.validate_on_submit():
        return _render_index(form)
    try:
        key, plaintext = service.create_key(form.name.data, form.kind.data, actor=current_user)
    except service.ApiKeyError as error:
        form[error.field].errors.append(error.message)
        return _render_index(form)
    db.session.commit()
    # Shown on this response only: no redirect (the key would sit in the session cookie), no caching.
    response = make_response(_render_index(ApiKeyForm(formdata=None), created=key, plaintext=plaintext))
    response.headers["Cache-Control"] = "no-store"
    return response


@apikeys_admin_bp.route("/<uuid:key_id>/revoke", methods=["GET", "POST"])
@admin_required
def revoke(key_id):
    key = db.session.scalar(select(ApiKey).where(ApiKey.id == key_id))
    if key is None or key.is_revoked:
        abort(404)
    if request.method == "GET":
        return render_template(
            "console/confirm.html",
            question=_("Revoke the key “%(name)s”?", name=key.name),
            explanation=_("Systems using it (%(prefix)s) are refused at once. This cannot be undone: they need a "
                          "new key.", prefix=key.display_prefix),
            button=_("Revoke the key"), cancel_url=url_for(".index"),
        )
    service.revoke_key(key, actor=current_user)
    db.session.commit()
    flash(_("The key “%(name)s” was revoked.", name=key.name), "success")
    return redirect(url_for(".index"))


def _render_index(form: ApiKeyForm, **shown) -> str:
    keys = list(db.session.scalars(select(ApiKey).order_by(ApiKey.revoked_at.is_not(None), ApiKey.created_at.desc())))
    creator_ids = {key.created_by_id for key in keys if key.created_by_id}
    creators = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(creator_ids)))} \
        if creator_ids else {}
    return render_template("apikeys/index.html", form=form, keys=keys, creators=creators, **shown)
