"""What every form of the server-rendered pages shares: select options from a vocabulary of labels, and fields
checked as the province setting they edit checks its values."""

from wtforms import SelectChoice
from wtforms.validators import ValidationError

from platform_core.errors import FieldError
from platform_core.settings.definitions import SETTINGS


def options(labels: dict, blank=None) -> list[SelectChoice]:
    """Select options from a {value: label} vocabulary, with an optional "any" first."""
    choices = [SelectChoice("", blank)] if blank is not None else []
    return choices + [SelectChoice(value, label) for value, label in labels.items() if value is not None]


def setting_check(key: str):
    """A validator: the field's value as province setting `key` would take it (settings/definitions.py), its
    refusal shown beside the field, so the page and the setting never disagree."""
    def check(form, field) -> None:
        try:
            SETTINGS[key].clean(field.data)
        except FieldError as error:
            raise ValidationError(str(error.message)) from error
    return check
