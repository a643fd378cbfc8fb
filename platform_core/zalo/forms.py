"""The admin form for a tenant's Zalo credentials (secrets are shown masked and kept when posted back)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import Length, Optional, Regexp

_ID = Regexp(r"^\d{5,30}$", message=_l("Digits only, as shown in Zalo's developer console."))


class ZaloCredentialsForm(FlaskForm):
    app_id = StringField(_l("App ID"), validators=[Optional(), _ID])
    app_secret = PasswordField(_l("App secret key"), validators=[Optional(), Length(max=200)])
    oa_id = StringField(_l("OA ID"), validators=[Optional(), _ID])
    oa_secret_key = PasswordField(_l("OA secret key (webhooks)"), validators=[Optional(), Length(max=200)])

    def credentials(self) -> dict:
        return {name: self[name].data for name in ("app_id", "app_secret", "oa_id", "oa_secret_key")}
