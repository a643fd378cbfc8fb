"""The citizens' data pages' forms. The rules (purposes, periods, phone numbers) are the services'."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from platform_core.citizens.constants import (
    METHOD_COUNTER,
    METHOD_LABELS,
    METHOD_OFFICER,
    PURPOSE_LABELS,
    REQUEST_ERASE,
    REQUEST_EXPORT,
    REQUEST_KIND_LABELS,
    REQUEST_STOP,
    RETENTION_LABELS,
)
from platform_core.web.forms import options

DESK_METHODS = {method: METHOD_LABELS[method] for method in (METHOD_COUNTER, METHOD_OFFICER)}
DESK_REQUESTS = {kind: REQUEST_KIND_LABELS[kind] for kind in (REQUEST_STOP, REQUEST_EXPORT, REQUEST_ERASE)}
GRANT, WITHDRAW = "grant", "withdraw"
ZALO_ID_FIELD = {"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"}
PHONE_FIELD = {"type": "tel", "autocomplete": "off"}


class LookupForm(Form):
    """Find a citizen (GET: nothing changes, so no CSRF token)."""

    zalo_user_id = StringField(_l("Zalo user id"), validators=[Optional(), Length(max=40)], render_kw=ZALO_ID_FIELD)
    phone = StringField(_l("Mobile number"), validators=[Optional(), Length(max=20)], render_kw=PHONE_FIELD)


class CitizenForm(FlaskForm):
    """An action on the citizen being shown: who it is travels in hidden fields."""

    zalo_user_id = HiddenField()
    phone = HiddenField()


class ConsentForm(CitizenForm):
    purpose = SelectField(_l("Purpose"), choices=options(PURPOSE_LABELS), validators=[DataRequired()])
    action = SelectField(_l("The citizen"), choices=options({GRANT: _l("agrees"), WITHDRAW: _l("withdraws")}),
                         validators=[DataRequired()])
    method = SelectField(_l("How"), choices=options(DESK_METHODS), validators=[DataRequired()])
    evidence = StringField(_l("Evidence"), validators=[Optional(), Length(max=200)])


class StopForm(CitizenForm):
    method = SelectField(_l("How"), choices=options(DESK_METHODS), validators=[DataRequired()])


class EraseForm(CitizenForm):
    confirm = BooleanField(_l("I understand: the contact and chat data are erased for good; dossiers are kept."),
                           validators=[InputRequired(message=_l("Tick the box to confirm."))])


class RequestForm(FlaskForm):
    """A request received at the desk or in writing."""

    kind = SelectField(_l("Request"), choices=options(DESK_REQUESTS), validators=[DataRequired()])
    method = SelectField(_l("How"), choices=options(DESK_METHODS), validators=[DataRequired()])
    zalo_user_id = StringField(_l("Zalo user id"), validators=[Optional(), Length(max=40)], render_kw=ZALO_ID_FIELD)
    phone = StringField(_l("Mobile number"), validators=[Optional(), Length(max=20)], render_kw=PHONE_FIELD)


class CompleteForm(FlaskForm):
    outcome = TextAreaField(_l("Outcome"), validators=[DataRequired(message=_l("Say what was done.")),
                                                       Length(max=2000)])
    refused = BooleanField(_l("Refused (say why, and the law that requires keeping the data)"))


class ThirdPartyForm(FlaskForm):
    """The one button that gives a stop of processing the deadline for a processor or third party."""


class RetentionForm(FlaskForm):
    pass


for _kind, _label in RETENTION_LABELS.items():
    setattr(RetentionForm, _kind, IntegerField(_label, validators=[InputRequired(message=_l("Enter a number."))]))
