"""The operator console's forms (CSRF comes with FlaskForm)."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from platform_core.auth.forms import invitee_email_field
from platform_core.onboarding.golive import MAX_REASON_LENGTH

# Zalo allows 4,000 requests a minute per app (docs/zalo-oa.md §7): no tenant's rate may exceed it.
ZALO_REQUESTS_PER_MINUTE = 4000
MAX_BURST = 1000
MAX_DAILY_CAP = ZALO_REQUESTS_PER_MINUTE * 60 * 24  # a whole day at Zalo's ceiling
_WHOLE_NUMBER = re.compile(r"^-?\d+$")


class WholeNumberField(IntegerField):
    """An integer field whose parse error is translated (WTForms ships no Vietnamese catalogue)."""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not text:
            return
        if not _WHOLE_NUMBER.match(text):
            raise ValueError(_l("Enter a whole number, without dots, commas or spaces."))
        self.data = int(text)


def _between(low: int, high: int) -> NumberRange:
    return NumberRange(low, high, message=_l("Enter a number from %(min)s to %(max)s."))


class InviteForm(FlaskForm):
    contact_name = StringField(
        _l("Contact name"),
        validators=[DataRequired(_l("Enter the person's name.")), Length(max=120)],
        render_kw={"autocomplete": "off"},
    )
    email = invitee_email_field(_l("E-mail"))


class ReasonForm(FlaskForm):
    """Suspend, resume and reject all need a reason: it goes into the history and the audit log."""

    reason = TextAreaField(
        _l("Reason"),
        validators=[DataRequired(_l("Give a reason.")), Length(max=MAX_REASON_LENGTH)],
        render_kw={"rows": 3},
    )


class LimitsForm(FlaskForm):
    per_minute = WholeNumberField(
        _l("Messages per minute"),
        validators=[InputRequired(_l("Enter a number.")), _between(1, ZALO_REQUESTS_PER_MINUTE)],
    )
    burst = WholeNumberField(
        _l("Burst"),
        validators=[InputRequired(_l("Enter a number.")), _between(1, MAX_BURST)],
    )
    daily_cap = WholeNumberField(_l("Daily cap"), validators=[Optional(), _between(0, MAX_DAILY_CAP)])

    def validate_burst(self, field):
        if field.data is not None and self.per_minute.data is not None and field.data > self.per_minute.data:
            raise ValidationError(_l("The burst cannot be larger than the rate per minute."))
