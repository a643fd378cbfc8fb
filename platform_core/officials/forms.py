"""Console forms: an official's profile and a new notice (CSRF comes with FlaskForm). Times are typed in
Vietnam time."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from platform_core.officials.constants import (
    KIND_LABELS,
    KIND_MEETING,
    POSITIONS,
    SECRECY_LABELS,
    URGENCY_LABELS,
    URGENCY_NORMAL,
)
from platform_core.web.dates import VnDateTimeField
from platform_core.web.forms import options

HOUR_MESSAGE = _l("Enter an hour from 0 to 23.")


class ProfileForm(FlaskForm):
    external_ref = StringField(_l("Id in the province's document system"), validators=[Optional(), Length(max=80)])
    agency = StringField(_l("Agency"), validators=[Optional(), Length(max=200)])
    position = SelectField(_l("Position"), choices=options(POSITIONS, blank=_l("Not set")), validators=[Optional()])
    digest_hour = IntegerField(_l("Daily digest at (hour, Vietnam time)"), default=7,
                               validators=[InputRequired(HOUR_MESSAGE), NumberRange(0, 23, HOUR_MESSAGE)])
    active = BooleanField(_l("Receives notices"), default=True)


class NoticeForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=options(KIND_LABELS), validators=[DataRequired()])
    recipients = SelectMultipleField(_l("Officials"), validators=[DataRequired(_l("Choose at least one official."))])
    title = StringField(_l("Title"), validators=[DataRequired(_l("Enter a title.")), Length(max=300)])
    body = TextAreaField(_l("Text"), validators=[Optional(), Length(max=5000)])
    urgency = SelectField(_l("Urgency"), choices=options(URGENCY_LABELS), default=URGENCY_NORMAL)
    secrecy = SelectField(_l("Secrecy"), choices=options(SECRECY_LABELS), default="")
    starts_at = VnDateTimeField(_l("Meeting starts at"), validators=[Optional()])
    location = StringField(_l("Meeting place"), validators=[Optional(), Length(max=300)])
    due_at = VnDateTimeField(_l("To be handled by"), validators=[Optional()])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.kind.data == KIND_MEETING and not self.starts_at.data and not self.starts_at.errors:
            self.starts_at.errors = [*self.starts_at.errors, _l("Enter when the meeting starts.")]
            valid = False
        return valid

    def notice_data(self) -> dict:
        """What the service takes (as the API's schema loads it)."""
        return {"kind": self.kind.data, "recipients": self.recipients.data, "title": self.title.data.strip(),
                "body": (self.body.data or "").strip() or None, "urgency": self.urgency.data,
                "secrecy": self.secrecy.data, "starts_at": self.starts_at.data,
                "location": (self.location.data or "").strip() or None, "due_at": self.due_at.data}
