"""The citizen's registration form (the province chooses which of its fields are asked, and whether it asks for
an appointment when there are free slots for the procedure: none, optional or required), the console's empty
form that carries the CSRF token of its tables and buttons, and the console's forms for appointment slots and
the webhook."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from platform_core.registrations.constants import (
    ADDRESS_LENGTH,
    APPOINTMENT_NONE,
    APPOINTMENT_OPTIONAL,
    APPOINTMENT_REQUIRED,
    FIELD_ADDRESS,
    FIELD_BIRTH_DATE,
    FIELD_ID_NUMBER,
    FIELD_LABELS,
    FIELD_NAME,
    FIELD_NOTE,
    FIELD_PHONE,
    FIELDS,
    MAX_CAPACITY,
    NOTE_LENGTH,
)
from platform_core.web.dates import VnDateField

REQUIRED = InputRequired(message=_l("This field is required."))


class RegistrationForm(FlaskForm):
    full_name = StringField(FIELD_LABELS[FIELD_NAME], validators=[REQUIRED, Length(max=200)],
                            render_kw={"autocomplete": "name"})
    birth_date = VnDateField(FIELD_LABELS[FIELD_BIRTH_DATE], validators=[REQUIRED],
                             render_kw={"autocomplete": "bday"})
    id_number = StringField(FIELD_LABELS[FIELD_ID_NUMBER], validators=[
        REQUIRED, Regexp(r"^\s*\d{12}\s*$", message=_l("A citizen ID number has 12 digits."))],
        render_kw={"inputmode": "numeric", "maxlength": 12, "autocomplete": "off"})
    address = StringField(FIELD_LABELS[FIELD_ADDRESS], validators=[REQUIRED, Length(max=ADDRESS_LENGTH)],
                          render_kw={"autocomplete": "street-address"})
    phone = StringField(FIELD_LABELS[FIELD_PHONE], validators=[
        REQUIRED, Regexp(r"^\s*0\d{9}\s*$", message=_l("Enter a 10-digit phone number starting with 0."))],
        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    note = TextAreaField(FIELD_LABELS[FIELD_NOTE], validators=[Optional(), Length(max=NOTE_LENGTH)])
    # Not checked against the choices shown: a place taken since the page was opened is refused by the booking
    # itself (appointments.book), with the form shown again.
    appointment = SelectField(_l("Appointment at the one-stop centre"), validators=[REQUIRED], choices=[],
                              validate_choice=False)

    @classmethod
    def asking(cls, fields: list[str], slots: dict[str, list], appointment: str = APPOINTMENT_REQUIRED,
               **values) -> "RegistrationForm":
        """The form with only the fields the procedure asks and, unless the procedure takes no appointment, the
        free slots by day (none free: no appointment is asked); an optional appointment may be left unchosen."""
        form = cls(data=values) if values else cls()
        for name in FIELDS:
            if name not in fields:
                delattr(form, name)
        if not slots or appointment == APPOINTMENT_NONE:
            delattr(form, "appointment")
        elif appointment == APPOINTMENT_OPTIONAL:
            form.appointment.choices = {None: [SelectChoice("", _l("No appointment: the desk will contact me"))],
                                        **slots}
            form.appointment.validators, form.appointment.flags.required = [Optional()], False
        else:
            form.appointment.choices = slots
        return form

    def answers(self) -> dict[str, str]:
        values = {name: self[name].data for name in FIELDS if name in self}
        return {name: value.isoformat() if hasattr(value, "isoformat") else str(value or "").strip()
                for name, value in values.items()}


class SettingsForm(FlaskForm):
    """The CSRF token only: the table's checkboxes are read by name (`open`, `fields-<code>`)."""


class SlotsForm(FlaskForm):
    """Make appointment slots: each working day from the first to the last, from a start to an end, cut in slots
    of a length, each taking `capacity` citizens; for one procedure or ("") any procedure open to registration."""

    procedure_code = SelectField(_l("Procedure"), choices=[], validate_choice=True)
    first_day = VnDateField(_l("First day"), validators=[REQUIRED])
    last_day = VnDateField(_l("Last day"), validators=[Optional()])
    starts_at = TimeField(_l("Starting at"), validators=[REQUIRED])
    ends_at = TimeField(_l("Ending at"), validators=[REQUIRED])
    minutes = IntegerField(_l("Length of a slot (minutes)"), default=60,
                           validators=[REQUIRED, NumberRange(min=5, max=600)])
    capacity = IntegerField(_l("Citizens per slot"), default=5,
                            validators=[REQUIRED, NumberRange(min=1, max=MAX_CAPACITY)])


class WebhookForm(FlaskForm):
    url = StringField(_l("Webhook address"), validators=[REQUIRED, Length(max=500)],
                      render_kw={"placeholder": "https://", "inputmode": "url"})
