"""Setup step 6, the test message: the admin links their own Zalo account (a code written to the OA), then
sends a test message through the real pipeline and watches it arrive. The page polls a small JSON status
(plain JS, static/js/poll.js) and works without JS through its "Check" button. Done once Zalo accepted it."""

from flask import flash, g, jsonify, redirect, url_for
from flask_babel import get_locale
from flask_login import current_user

from platform_core.auth.permissions import admin_required
from platform_core.extensions import db
from platform_core.onboarding import connectivity, wizard
from platform_core.onboarding.constants import STEP_TEST_MESSAGE
from platform_core.onboarding.views import onboarding_bp
from platform_core.zalo import sandbox_oa, staff_link
from platform_core.zalo.connection import get_connection
from platform_core.zalo.constants import STATUS_CONNECTED


@onboarding_bp.get("/test-message")
@admin_required
def test_message():
    connection = get_connection()
    connected = connection is not None and connection.status == STATUS_CONNECTED
    code = staff_link.waiting_code(current_user) if connected else None  # nothing could hear it yet
    status = _status()
    if status["done"] and not wizard.is_done(STEP_TEST_MESSAGE):
        wizard.mark_done(STEP_TEST_MESSAGE)
    db.session.commit()
    return wizard.render_step(
        STEP_TEST_MESSAGE, "onboarding/test_message.html", status=status, code=code, connected=connected,
        link=staff_link.status(current_user), oa_name=(connection and connection.oa_name) or g.tenant.name,
        next_url=wizard.step_url(wizard.next_step(STEP_TEST_MESSAGE)),
        # Against the Zalo sandbox (make run) the admin's phone is the sandbox's phone view.
        sandbox_phone_url=sandbox_oa.phone_view_url(connection.oa_id) if connected and sandbox_oa.enabled() else None,
    )


@onboarding_bp.post("/test-message")
@admin_required
def send_test_message():
    try:
        connectivity.send(current_user)
    except connectivity.NotLinked as error:
        flash(error.message, "error")
        return redirect(url_for(".test_message"))
    db.session.commit()
    return redirect(url_for(".test_message"))


@onboarding_bp.get("/test-message/status")
@admin_required
def test_message_status():
    """For the page's polling script: it reloads the page when `state` changes."""
    return jsonify(_status())


def _status() -> dict:
    link = staff_link.status(current_user)
    delivery = connectivity.latest_delivery()
    shown = connectivity.describe(delivery, str(get_locale()))
    return {"linked": link["linked"], "delivery": shown, "done": connectivity.succeeded(delivery),
            "state": f"{link['state']}|{shown['state'] if shown else ''}"}
