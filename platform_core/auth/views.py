"""Sign in (password, then a TOTP code for users who have one), TOTP enrolment, and sign out.

Between the password and the code the user is *pending*: only their id is in the session, they are not
logged in. Operators and province administrators without TOTP are held on the enrolment page while
REQUIRE_2FA is on.
"""

import json
import time
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user

from platform_core.auth import recovery, service, totp
from platform_core.auth.forms import LoginForm, SavedCodesForm, SignInCodeForm, TotpForm
from platform_core.auth.session import load_user
from platform_core.extensions import db, limiter
from platform_core.tenancy.constants import SERVED_STATUSES

auth_bp = Blueprint("auth", __name__)

PENDING_USER, PENDING_SINCE, NEXT, SETUP_SECRET = "auth_pending", "auth_pending_since", "auth_next", "auth_setup"
NEW_CODES, NEW_CODES_NEXT = "auth_new_codes", "auth_new_codes_next"
PENDING_TTL_SECONDS = 300
KEPT_ACROSS_LOGIN = ("lang",)
OPEN_DURING_ENROLMENT = {"static", "auth.totp_setup", "auth.logout", "health.healthz", "health.readyz"}


# --- rate limiting: failed attempts only, per client IP and per account (ASVS 6.1.1) -------------------------

def _login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_key() -> str:
    if request.endpoint == "auth.login_verify":
        return f"pending-user:{session.get(PENDING_USER, '')}"
    return f"email:{service.normalise_email(request.form.get('email'))}"


def _attempt_failed(response) -> bool:
    return getattr(response, "credentials_rejected", False)


def _limit_failures(view):
    for key_func in (get_remote_address, _account_key):
        view = limiter.limit(
            _login_rate_limit, key_func=key_func, methods=["POST"], deduct_when=_attempt_failed
        )(view)
    return view


def _reject(render, form, message: str):
    db.session.commit()  # the login_failed / totp_failed audit row
    response = make_response(render(form, error=message))
    response.credentials_rejected = True  # the only responses the limiter counts
    return response


@auth_bp.errorhandler(RateLimitExceeded)
def _too_many_attempts(error: RateLimitExceeded):
    message = _("Too many attempts. Please wait a minute, then try again.")
    if request.endpoint == "auth.login_verify":
        return _render_verify(SignInCodeForm(), error=message), 429
    return _render_login(LoginForm(), error=message), 429


# --- views --------------------------------------------------------------------------------------------------

@auth_bp.route("/login", methods=["GET", "POST"])
@_limit_failures
def login():
    if request.method == "GET" and current_user.is_authenticated:
        return redirect(_destination(_user(), request.args.get("next")))
    form = LoginForm(next=request.args.get("next"))
    if not form.validate_on_submit():
        return _render_login(form)
    user = service.authenticate(form.email.data, form.password.data)
    if user is None:
        return _reject(_render_login, form, _("Incorrect email or password."))
    if not user.has_totp:
        return _complete_login(user, form.next.data)
    db.session.commit()  # a password rehash
    _restart_session()
    session.update({PENDING_USER: user.get_id(), PENDING_SINCE: int(time.time()), NEXT: form.next.data})
    return redirect(url_for("auth.login_verify"))


@auth_bp.route("/login/verify", methods=["GET", "POST"])
@_limit_failures
def login_verify():
    user = _pending_user()
    if user is None:
        flash(_("Please sign in again."), "info")
        return redirect(url_for("auth.login"))
    form = SignInCodeForm()
    if not form.validate_on_submit():
        return _render_verify(form)
    if not recovery.looks_like_a_code(form.code.data):
        if not service.verify_totp(user, form.code.data):
            return _reject(_render_verify, form, _("That code is not valid. Enter the current code from your app."))
        return _complete_login(user, session.get(NEXT))
    left = recovery.use(user, form.code.data)
    if left is None:
        return _reject(_render_verify, form, _("That recovery code is not valid, or it was already used."))
    response = _complete_login(user, session.get(NEXT))
    flash(_("You signed in with a recovery code; each code works once. Codes left: %(count)s. If your phone is "
            "lost, ask your province's administrator or a platform operator to reset your two-step verification.",
            count=left), "info")  # after the login's fresh session, which would drop it
    return response


@auth_bp.route("/account/recovery-codes", methods=["GET", "POST"])
@login_required
def recovery_codes():
    """How many codes are left, and a new set (shown once) for a current TOTP code."""
    user = _user()
    if not user.has_totp:
        flash(_("Recovery codes stand in for your authenticator app: turn on two-step verification first."), "info")
        return redirect(url_for("auth.totp_setup"))
    form, error = TotpForm(), None
    if form.validate_on_submit():
        verified = service.verify_totp(user, form.code.data)
        codes = recovery.generate(user) if verified else None
        db.session.commit()  # the new codes, or the totp_failed audit row
        if verified:
            hold_new_codes(codes, url_for("web.index"))
            return redirect(url_for("auth.new_recovery_codes"))
        error = _("That code is not valid. Enter the current code from your app.")
    return render_template("auth/recovery_codes.html", form=form, error=error, remaining=recovery.remaining(user))


@auth_bp.route("/account/recovery-codes/new", methods=["GET", "POST"])
@login_required
def new_recovery_codes():
    """New codes, shown until their owner confirms they saved them (then never again)."""
    codes = held_codes()
    if codes is None:
        return redirect(url_for("auth.recovery_codes"))
    form = SavedCodesForm()
    if form.validate_on_submit():
        return redirect(release_codes())
    return render_template("auth/recovery_codes_new.html", codes=codes, form=form)


# --- new recovery codes between the page that makes them and the page that shows them -----------------------

def hold_new_codes(codes: list[str], next_url: str) -> None:
    """Keep new codes (encrypted: the cookie is only signed) for the page that shows them, and where to go
    once they are saved. A redirect in between means a reload never makes another set."""
    session[NEW_CODES] = totp.seal(json.dumps(codes))
    session[NEW_CODES_NEXT] = next_url


def held_codes() -> list[str] | None:
    sealed = totp.unseal(session.get(NEW_CODES))
    return json.loads(sealed) if sealed else None


def release_codes() -> str:
    """Forget the codes; returns where to go next."""
    session.pop(NEW_CODES, None)
    return safe_next(session.pop(NEW_CODES_NEXT, None)) or url_for("web.index")


@auth_bp.route("/account/2fa/setup", methods=["GET", "POST"])
@login_required
def totp_setup():
    user = _user()
    if user.has_totp:
        flash(_("Two-step verification is already on for your account."), "info")
        return redirect(url_for("web.index"))
    secret = totp.unseal(session.get(SETUP_SECRET))
    if secret is None:
        secret = totp.new_secret()
        session[SETUP_SECRET] = totp.seal(secret)
    form, error = TotpForm(), None
    if form.validate_on_submit():
        enabled = service.enable_totp(user, secret, form.code.data)
        codes = recovery.generate(user) if enabled else None
        db.session.commit()
        if enabled:
            session.pop(SETUP_SECRET, None)
            flash(_("Two-step verification is on. You will need a code from your app each time you sign in."),
                  "success")
            hold_new_codes(codes, _destination(user, session.pop(NEXT, None)))
            return redirect(url_for("auth.new_recovery_codes"))
        error = _("That code is not valid. Enter the current code from your app.")
    return render_template(
        "auth/totp_setup.html", form=form, error=error, required=_enrolment_required(user),
        qr_code=totp.qr_svg(totp.provisioning_uri(secret, user.email)), secret=totp.grouped(secret),
    )


@auth_bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        service.record_logout(_user())
        db.session.commit()
    logout_user()
    _restart_session()
    flash(_("You have signed out."), "success")
    return redirect(url_for("web.index"))


@auth_bp.before_app_request
def _hold_until_enrolled():
    if request.endpoint in OPEN_DURING_ENROLMENT or not current_app.config["REQUIRE_2FA"]:
        return None
    if current_user.is_authenticated and service.must_enrol_totp(_user()):
        return redirect(url_for("auth.totp_setup"))
    return None


# --- helpers ------------------------------------------------------------------------------------------------

def _render_login(form: LoginForm, error: str | None = None):
    return render_template("auth/login.html", form=form, error=error)


def _render_verify(form: SignInCodeForm, error: str | None = None):
    return render_template("auth/verify.html", form=form, error=error)


def _user():
    """The real User behind `current_user` (the proxy's type would end up in audit rows)."""
    return current_user._get_current_object()


def _enrolment_required(user) -> bool:
    return current_app.config["REQUIRE_2FA"] and service.must_enrol_totp(user)


def _restart_session() -> None:
    """A new session at every privilege change (no fixation, ASVS 7.2.4); only the language survives."""
    kept = {key: session[key] for key in KEPT_ACROSS_LOGIN if key in session}
    session.clear()
    session.update(kept)


def _pending_user():
    user_id, since = session.get(PENDING_USER), session.get(PENDING_SINCE, 0)
    if not user_id or time.time() - since > PENDING_TTL_SECONDS:
        return None
    user = load_user(user_id)
    return user if user is not None and user.is_active and user.has_totp else None


def begin_session(user) -> None:
    """Sign `user` in on a fresh session (the caller commits the login_succeeded audit row)."""
    _restart_session()
    login_user(user)
    service.record_login(user)


def _complete_login(user, next_url: str | None):
    begin_session(user)
    db.session.commit()
    if _enrolment_required(user):
        session[NEXT] = next_url
        return redirect(url_for("auth.totp_setup"))
    return redirect(_destination(user, next_url))


def _destination(user, next_url: str | None = None) -> str:
    """`next` when it is a path on this site; else the console of the user's only province (staff sign in to
    work, not to read the citizens' page), or the landing page that lists their provinces."""
    if safe_next(next_url):
        return next_url
    if not user.is_operator:
        provinces = service.province_roles(user)
        if len(provinces) == 1 and provinces[0].tenant.status in SERVED_STATUSES:
            return url_for("console.dashboard", tenant_slug=provinces[0].tenant.slug)
    return url_for("web.index")


def safe_next(target: str | None) -> str | None:
    """A same-site relative path, or None: `//evil`, `/\\evil`, `https://evil` and control characters fail."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None
