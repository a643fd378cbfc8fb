"""The admin forms for a tenant's Zalo credentials (secrets are shown masked and kept when posted back), and for
the file or meta tag that verifies the platform's domain for the tenant's Zalo app."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp, StopValidation, ValidationError

from platform_core.zalo import site_verification

_ID = Regexp(r"^\d{5,30}$", message=_l("Digits only, as shown in Zalo's developer console."))
_SECRET = Length(max=200)
_TOKEN = Length(max=2000)
CREDENTIAL_FIELDS = ("app_id", "app_secret", "oa_id", "oa_secret_key")


class _KeepStored:
    """A secret left empty keeps the one already stored (the page shows it masked); with none stored, it is
    required."""

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field):
        if not (field.data or "").strip() and not form.stored.get(field.short_name):
            raise StopValidation(self.message)


class _Credentials:
    stored: dict = {}  # the connection's masked view: which secrets are already stored

    def credentials(self) -> dict:
        return {name: self[name].data for name in CREDENTIAL_FIELDS if name in self}


class ZaloCredentialsForm(_Credentials, FlaskForm):
    app_id = StringField(_l("App ID"), validators=[Optional(), _ID])
    app_secret = PasswordField(_l("App secret key"), validators=[Optional(), _SECRET])
    oa_id = StringField(_l("OA ID"), validators=[Optional(), _ID])
    oa_secret_key = PasswordField(_l("OA secret key (webhooks)"), validators=[Optional(), _SECRET])


class OAuthConnectForm(_Credentials, FlaskForm):
    """Connect through Zalo's permission page: the app's credentials here, the tokens from Zalo."""

    app_id = StringField(_l("App ID"), validators=[DataRequired(_l("Enter the app id.")), _ID])
    app_secret = PasswordField(_l("App secret key"),
                               validators=[_KeepStored(_l("Enter the app secret key.")), _SECRET])
    oa_secret_key = PasswordField(_l("OA secret key (webhooks)"),
                                  validators=[_KeepStored(_l("Enter the OA secret key.")), _SECRET])
    submit = SubmitField(_l("Continue to Zalo"))


class SandboxConnectForm(FlaskForm):
    """Development only (zalo/sandbox_oa.py): one button that gives the province an OA in the Zalo sandbox."""

    submit = SubmitField(_l("Create and connect a sandbox OA"))


class ManualConnectForm(_Credentials, FlaskForm):
    """Connect with tokens copied from Zalo's developer console (API Explorer), when OAuth cannot be used."""

    app_id = StringField(_l("App ID"), validators=[DataRequired(_l("Enter the app id.")), _ID])
    app_secret = PasswordField(_l("App secret key"),
                               validators=[_KeepStored(_l("Enter the app secret key.")), _SECRET])
    oa_id = StringField(_l("OA ID"), validators=[DataRequired(_l("Enter the OA id.")), _ID])
    oa_secret_key = PasswordField(_l("OA secret key (webhooks)"),
                                  validators=[_KeepStored(_l("Enter the OA secret key.")), _SECRET])
    access_token = PasswordField(_l("Access token"), validators=[DataRequired(_l("Enter the access token.")), _TOKEN])
    refresh_token = PasswordField(_l("Refresh token"),
                                  validators=[DataRequired(_l("Enter the refresh token.")), _TOKEN])
    submit = SubmitField(_l("Connect with these tokens"))


VERIFICATION_PROBLEMS = {
    "not_zalo_file": _l("Upload the file exactly as Zalo named it (zalo_verifier….html)."),
    "too_large": _l("This file is too large to be Zalo's verification file."),
    "not_text": _l("This file is not the HTML file Zalo gives."),
    "not_zalo_meta": _l("Paste the meta tag Zalo gives (<meta name=\"zalo-platform-site-verification\" "
                        "content=\"…\">), or only its content."),
    "nothing": _l("Upload Zalo's HTML file or paste its meta tag."),
    "taken": _l("Another province already published this file: download the file from your own Zalo app."),
}


class SiteVerificationForm(FlaskForm):
    """What the province's Zalo app gives to verify the platform's domain: the HTML file, the meta tag, or both."""

    file = FileField(_l("HTML file from Zalo"), render_kw={"accept": ".html,text/html"})
    meta_tag = StringField(_l("Or the meta tag from Zalo"), validators=[Optional(), Length(max=400)],
                       render_kw={"spellcheck": "false", "autocomplete": "off"})
    submit = SubmitField(_l("Publish on the platform's domain"))
    parsed_file: site_verification.VerificationFile | None = None
    parsed_meta: str | None = None

    def validate_file(self, field) -> None:
        upload = field.data
        if upload is None or not getattr(upload, "filename", None):
            return
        try:
            self.parsed_file = site_verification.read_file(
                upload.filename, upload.read(site_verification.MAX_FILE_BYTES + 1))
        except site_verification.VerificationError as error:
            raise ValidationError(VERIFICATION_PROBLEMS[error.message]) from error

    def validate_meta_tag(self, field) -> None:
        if (field.data or "").strip():
            try:
                self.parsed_meta = site_verification.meta_content(field.data)
            except site_verification.VerificationError as error:
                raise ValidationError(VERIFICATION_PROBLEMS[error.message]) from error

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.parsed_file is None and self.parsed_meta is None:
            self.form_errors.append(VERIFICATION_PROBLEMS["nothing"])
            return False
        return True
