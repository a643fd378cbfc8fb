"""The operator console (`/operator/`)."""

from flask import Blueprint, render_template

from platform_core.auth.permissions import operator_required

operator_bp = Blueprint("operator", __name__, url_prefix="/operator")


@operator_bp.get("/")
@operator_required
def tenants():
    return render_template("placeholder.html", title="operator.tenants")
