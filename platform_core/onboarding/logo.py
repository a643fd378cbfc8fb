"""`/<slug>/logo`: the province's uploaded logo, public like the province's page.

Served with the type recorded when its first bytes were checked, and `nosniff`, so a browser never reads it
as anything else; the CSP forbids everything should it be opened on its own.
"""

from flask import abort, make_response, request

from platform_core.onboarding.profile import current_logo
from platform_core.tenancy.resolution import tenant_blueprint

tenant_logo_bp = tenant_blueprint("tenant_logo", __name__)


@tenant_logo_bp.get("/logo")
def logo():
    saved = current_logo()
    if saved is None:
        abort(404)
    response = make_response(saved.data)
    response.headers["Content-Type"] = saved.content_type
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "public, max-age=300"
    response.add_etag()
    return response.make_conditional(request)
