"""The form that creates an API key in the province console (CSRF comes with FlaskForm)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.validators import DataRequired, Length

from platform_core.apikeys.models import KIND_LIVE, KIND_TEST
from platform_core.web.forms import options

KIND_LABELS = {
    KIND_LIVE: _l("Live: messages reach citizens on Zalo"),
    KIND_TEST: _l("Test: goes through everything but never reaches Zalo (deliveries are simulated)"),
}


class ApiKeyForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the key a name.")), Length(max=80)],
                       description=_l("What uses it, e.g. “Một cửa production”."))
    kind = RadioField(_l("Kind"), choices=options(KIND_LABELS), default=KIND_TEST,
                      validators=[DataRequired(_l("Choose live or test."))])
