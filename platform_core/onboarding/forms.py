"""Forms of the invitation and of setup steps 1 (profile) and 2 (administrator account)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from platform_core.auth.forms import NewPasswordForm, full_name_field, totp_code_field
from platform_core.auth.service import MAX_EMAIL_LENGTH
from platform_core.onboarding import profile as profiles
from platform_core.settings.definitions import (
    MAX_ADDRESS,
    MAX_CONTACT_NAME,
    MAX_DISPLAY_NAME,
    MAX_PHONE,
    AgencyError,
)
from platform_core.web.forms import setting_check

LOGO_PROBLEM_MESSAGES = {
    profiles.TOO_LARGE: _l("The logo is larger than 512 KB. Choose a smaller image."),
    profiles.NOT_AN_IMAGE: _l("The logo must be a PNG, JPEG or WebP image."),
}


class ProfileForm(FlaskForm):
    """The texts are checked as the province settings they are (settings/definitions.py, `setting_check`)."""

    display_name = StringField(
        _l("Name shown to citizens"), validators=[setting_check("display_name")],
        render_kw={"autocomplete": "organization", "maxlength": MAX_DISPLAY_NAME, "required": True},
    )
    agencies = TextAreaField(
        _l("Agencies"),
        validators=[Length(max=30000)],
        render_kw={"rows": 8, "spellcheck": "false"},
    )
    contact_name = StringField(_l("Contact person"), validators=[setting_check("contact_name")],
                               render_kw={"autocomplete": "name", "maxlength": MAX_CONTACT_NAME})
    contact_email = StringField(
        _l("Contact e-mail"), validators=[setting_check("contact_email")],
        render_kw={"type": "email", "autocomplete": "email", "spellcheck": "false", "maxlength": MAX_EMAIL_LENGTH},
    )
    contact_phone = StringField(
        _l("Contact phone"), validators=[setting_check("contact_phone")],
        render_kw={"type": "tel", "autocomplete": "tel", "maxlength": MAX_PHONE},
    )
    address = StringField(_l("Address"), validators=[setting_check("address")],
                          render_kw={"autocomplete": "street-address", "maxlength": MAX_ADDRESS})
    logo = FileField(_l("Logo"), render_kw={"accept": "image/png,image/jpeg,image/webp"})
    remove_logo = BooleanField(_l("Remove the current logo"))

    def validate_agencies(self, field) -> None:
        try:
            self.parsed_agencies = profiles.parse_agencies(field.data)
        except AgencyError as error:
            raise ValidationError(str(error.message)) from error

    def validate_logo(self, field) -> None:
        upload = field.data
        self.parsed_logo = None
        if upload is None or not getattr(upload, "filename", None):
            return
        data = upload.read(profiles.LOGO_MAX_BYTES + 1)
        try:
            self.parsed_logo = profiles.read_logo(data)
        except profiles.ProfileError as error:
            raise ValidationError(LOGO_PROBLEM_MESSAGES[error.problem]) from error

    def profile_values(self) -> dict:
        """The settings the step saves, as typed: each setting trims its text, a blank is "not given"."""
        return {name: self[name].data for name in profiles.PROFILE_FIELDS} | {"agencies": self.parsed_agencies}


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
