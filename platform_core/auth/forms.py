"""Sign-in, TOTP, new-password and recovery-code forms (CSRF comes with FlaskForm)."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp, ValidationError

from platform_core.auth import passwords
from platform_core.auth.constants import MIN_PASSWORD_LENGTH
from platform_core.auth.recovery import CODE_PATTERN
from platform_core.auth.service import EMAIL_PATTERN, MAX_EMAIL_LENGTH, MAX_NAME_LENGTH

TOTP_PATTERN = re.compile(r"^\s*\d{3}\s?\d{3}\s*$")

PASSWORD_PROBLEM_MESSAGES = {
    passwords.TOO_SHORT: _l("Use at least %(count)s characters.", count=MIN_PASSWORD_LENGTH),
    passwords.TOO_COMMON: _l("This password is too common: choose another."),
    passwords.CONTAINS_EMAIL: _l("Do not use the name in your e-mail address (before the @) in the password."),
}
PASSWORD_HINT = _l("At least %(count)s characters; a few unrelated words are easy to remember and hard to guess.",
                   count=MIN_PASSWORD_LENGTH)


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


def totp_code_field() -> StringField:
    return StringField(
        _l("Verification code"),
        validators=[
            DataRequired(_l("Enter the 6-digit code from your authenticator app.")),
            Regexp(TOTP_PATTERN, message=_l("The code has 6 digits.")),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": "7"},
    )


class TotpForm(FlaskForm):
    code = totp_code_field()


def _totp_or_recovery_code(form, field) -> None:
    text = field.data or ""
    if not (TOTP_PATTERN.match(text) or CODE_PATTERN.match(text.strip())):
        raise ValidationError(_l("Enter the 6 digits from your app, or one of your recovery codes "
                                 "(16 letters and digits)."))


class SignInCodeForm(FlaskForm):
    """The second step of signing in: a TOTP code, or a recovery code when the phone is lost."""

    code = StringField(
        _l("Verification code"),
        validators=[DataRequired(_l("Enter the 6-digit code from your authenticator app.")), _totp_or_recovery_code],
        render_kw={"autocomplete": "one-time-code", "maxlength": "24", "spellcheck": "false",
                   "autocapitalize": "none"},
    )


class NewPasswordForm(FlaskForm):
    """A new password typed twice, checked against the rules (passwords.password_problems).

    `email` (the account's) is given by the view: the password must not contain its name.
    """

    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Choose a password.")), Length(max=1024)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(_l("Type the password again.")),
                    EqualTo("password", _l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, *args, email: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account_email = email

    def validate_password(self, field) -> None:
        problems = passwords.password_problems(field.data or "", self.account_email)
        if problems:
            raise ValidationError(" ".join(str(PASSWORD_PROBLEM_MESSAGES[problem]) for problem in problems))


def full_name_field() -> StringField:
    return StringField(
        _l("Full name"),
        validators=[DataRequired(_l("Enter your full name.")), Length(max=MAX_NAME_LENGTH)],
        render_kw={"autocomplete": "name"},
    )


def invitee_email_field(label=None) -> StringField:
    """The e-mail address of someone being invited (by an operator or a province admin)."""
    return StringField(
        label or _l("E-mail address"),
        validators=[DataRequired(_l("Enter the person's e-mail address.")), Length(max=MAX_EMAIL_LENGTH),
                    Regexp(EMAIL_PATTERN, message=_l("Enter an e-mail address like name@example.gov.vn."))],
        render_kw={"type": "email", "autocomplete": "off", "spellcheck": "false"},
    )


class SavedCodesForm(FlaskForm):
    saved = BooleanField(
        _l("I have saved my recovery codes somewhere safe"),
        validators=[DataRequired(_l("Confirm that you have saved the recovery codes: they are not shown again."))],
    )
