"""The console's search forms (GET: they change nothing, so they carry no CSRF token), and `options`."""

from flask_babel import lazy_gettext as _l
from wtforms import Form, SearchField, SelectChoice, SelectField
from wtforms.validators import Length, Optional


def options(labels: dict, blank=None) -> list[SelectChoice]:
    """Select options from a {value: label} vocabulary, with an optional "any" first."""
    choices = [SelectChoice("", blank)] if blank is not None else []
    return choices + [SelectChoice(value, label) for value, label in labels.items() if value is not None]


class DossierSearchForm(Form):
    q = SearchField(_l("Dossier code or applicant's phone number"), validators=[Optional(), Length(max=80)])


class AuditFilterForm(Form):
    action = SelectField(_l("Action"), validators=[Optional()], validate_choice=False)
