"""The console's search forms (GET: they change nothing, so they carry no CSRF token)."""

from flask_babel import lazy_gettext as _l
from wtforms import Form, SearchField, SelectField
from wtforms.validators import Length, Optional


class DossierSearchForm(Form):
    q = SearchField(_l("Dossier code or applicant's phone number"), validators=[Optional(), Length(max=80)])


class AuditFilterForm(Form):
    action = SelectField(_l("Action"), validators=[Optional()], validate_choice=False)
