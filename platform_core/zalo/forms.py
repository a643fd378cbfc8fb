"""The admin forms for a tenant's Zalo credentials (secrets are shown masked and kept when posted back)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp, StopValidation

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
