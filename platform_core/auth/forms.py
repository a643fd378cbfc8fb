"""Sign-in and TOTP forms (CSRF comes with FlaskForm)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from platform_core.auth.service import MAX_EMAIL_LENGTH


class LoginForm(FlaskForm):
    email = StringField(
        _l("Email"),
        validators=[DataRequired(_l("Enter your email address.")), Length(max=MAX_EMAIL_LENGTH)],
        render_kw={"type": "email", "autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class TotpForm(FlaskForm):
    code = StringField(
        _l("Verification code"),
        validators=[
            DataRequired(_l("Enter the 6-digit code from your authenticator app.")),
            Regexp(r"^\s*\d{3}\s?\d{3}\s*$", message=_l("The code has 6 digits.")),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "7"},
    )
