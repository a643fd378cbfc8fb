"""The province console's own pages: dashboard, dossiers (officers) and the audit log."""

from flask import render_template

from platform_core.auth.permissions import officer_required
from platform_core.tenancy.resolution import tenant_blueprint

console_bp = tenant_blueprint("console", __name__, url_prefix="/admin")


@console_bp.get("/")
@officer_required
def dashboard():
    return render_template("placeholder.html", title="console.dashboard")


@console_bp.get("/dossiers")
@officer_required
def dossiers():
    return render_template("placeholder.html", title="console.dossiers")


@console_bp.get("/audit")
@officer_required
def audit_log():
    return render_template("placeholder.html", title="console.audit_log")
