"""The citizen's registration form (the province chooses which of its fields are asked) and the console's
empty form that carries the CSRF token of the settings table."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from platform_core.registrations.constants import (
    ADDRESS_LENGTH,
    FIELD_ADDRESS,
    FIELD_BIRTH_DATE,
    FIELD_ID_NUMBER,
    FIELD_LABELS,
    FIELD_NAME,
    FIELD_NOTE,
    FIELD_PHONE,
    FIELDS,
    NOTE_LENGTH,
)

REQUIRED = InputRequired(message=_l("This field is required."))


class RegistrationForm(FlaskForm):
    full_name = StringField(FIELD_LABELS[FIELD_NAME], validators=[REQUIRED, Length(max=200)],
                            render_kw={"autocomplete": "name"})
    birth_date = DateField(FIELD_LABELS[FIELD_BIRTH_DATE], validators=[REQUIRED],
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

    @classmethod
    def asking(cls, fields: list[str], **values) -> "RegistrationForm":
        """The form with only the fields the procedure asks."""
        form = cls(data=values) if values else cls()
        for name in FIELDS:
            if name not in fields:
                delattr(form, name)
        return form

    def answers(self) -> dict[str, str]:
        values = {name: self[name].data for name in FIELDS if name in self}
        return {name: value.isoformat() if hasattr(value, "isoformat") else str(value or "").strip()
                for name, value in values.items()}


class SettingsForm(FlaskForm):
    """The CSRF token only: the table's checkboxes are read by name (`open`, `fields-<code>`)."""
