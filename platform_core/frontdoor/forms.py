"""The front door's two GET forms (no CSRF: they change nothing): the catalogue search and the dossier lookup."""

from flask_babel import lazy_gettext as _l
from wtforms import Form, SearchField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from platform_core.frontdoor.lookup import MAX_TYPED_CHARS, code_in


class CatalogueSearchForm(Form):
    q = SearchField(_l("Procedure name or code"), validators=[Optional(), Length(max=100)])
    field = SelectField(_l("Sector"), validators=[Optional()], validate_choice=False)


class LookupForm(Form):
    ma = StringField(_l("Dossier code"), validators=[
        DataRequired(_l("Enter the code printed on your receipt slip.")), Length(max=MAX_TYPED_CHARS)])

    def validate_ma(self, field) -> None:
        if code_in(field.data or "") is None:
            raise ValidationError(_l("This is not a dossier code. Copy it from the receipt slip, for example "
                                     "000.00.24.H04-251128-0001."))

    @property
    def code(self) -> str:
        return code_in(self.ma.data)
