"""Forms of the invitation and of setup steps 1 (profile) and 2 (administrator account)."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from platform_core.auth.forms import NewPasswordForm, full_name_field, totp_code_field
from platform_core.auth.service import EMAIL_PATTERN, MAX_EMAIL_LENGTH
from platform_core.onboarding import profile as profiles

PHONE_PATTERN = re.compile(r"^\+?[\d\s().-]{8,20}$")

PROFILE_PROBLEM_MESSAGES = {
    profiles.NO_LEVEL: _l("Line %(line)s: end it with | and the level: tinh, xa, nganh_doc or bo."),
    profiles.BAD_NAME: _l("Line %(line)s: the agency's name is missing or longer than 200 characters."),
    profiles.TOO_MANY: _l("List at most 100 agencies."),
    profiles.TOO_LARGE: _l("The logo is larger than 512 KB. Choose a smaller image."),
    profiles.NOT_AN_IMAGE: _l("The logo must be a PNG, JPEG or WebP image."),
}


def profile_problem(error: profiles.ProfileError) -> str:
    return str(PROFILE_PROBLEM_MESSAGES[error.problem]) % {"line": error.line}


class ProfileForm(FlaskForm):
    display_name = StringField(
        _l("Name shown to citizens"),
        validators=[DataRequired(_l("Enter the name citizens will see.")), Length(max=200)],
        render_kw={"autocomplete": "organization"},
    )
    agencies = TextAreaField(
        _l("Agencies"),
        validators=[Length(max=30000)],
        render_kw={"rows": 8, "spellcheck": "false"},
    )
    contact_name = StringField(_l("Contact person"), validators=[Optional(), Length(max=120)],
                               render_kw={"autocomplete": "name"})
    contact_email = StringField(
        _l("Contact e-mail"),
        validators=[Optional(), Length(max=MAX_EMAIL_LENGTH),
                    Regexp(EMAIL_PATTERN, message=_l("Enter an e-mail address like name@example.gov.vn."))],
        render_kw={"type": "email", "autocomplete": "email", "spellcheck": "false"},
    )
    contact_phone = StringField(
        _l("Contact phone"),
        validators=[Optional(), Regexp(PHONE_PATTERN, message=_l("Enter a phone number, e.g. 0222 3822 123."))],
        render_kw={"type": "tel", "autocomplete": "tel"},
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)],
                          render_kw={"autocomplete": "street-address"})
    logo = FileField(_l("Logo"), render_kw={"accept": "image/png,image/jpeg,image/webp"})
    remove_logo = BooleanField(_l("Remove the current logo"))

    def validate_agencies(self, field) -> None:
        try:
            self.parsed_agencies = profiles.parse_agencies(field.data)
        except profiles.ProfileError as error:
            raise ValidationError(profile_problem(error)) from error

    def validate_logo(self, field) -> None:
        upload = field.data
        self.parsed_logo = None
        if upload is None or not getattr(upload, "filename", None):
            return
        data = upload.read(profiles.LOGO_MAX_BYTES + 1)
        try:
            self.parsed_logo = profiles.read_logo(data)
        except profiles.ProfileError as error:
            raise ValidationError(profile_problem(error)) from error

    def profile_values(self) -> dict:
        return {
            "display_name": self.display_name.data.strip(),
            "agencies": self.parsed_agencies,
            "contact_name": _blank_to_none(self.contact_name.data),
            "contact_email": _blank_to_none(self.contact_email.data),
            "contact_phone": _blank_to_none(self.contact_phone.data),
            "address": _blank_to_none(self.address.data),
        }


def _blank_to_none(text: str | None) -> str | None:
    return (text or "").strip() or None


class AdminAccountForm(NewPasswordForm):
    """Step 2 on one page: name, password (twice) and the first TOTP code from the scanned QR code."""

    full_name = full_name_field()
    code = totp_code_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Name first, as read on the page (WTForms orders fields by declaration, base classes first).
        self._fields.move_to_end("full_name", last=False)


class TeamJoinForm(NewPasswordForm):
    full_name = full_name_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._fields.move_to_end("full_name", last=False)


class AcceptForm(FlaskForm):
    """A button (with its CSRF token) to accept an invitation with the account already signed in."""
