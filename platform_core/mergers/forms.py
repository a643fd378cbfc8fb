"""The merge tool's forms (CSRF comes with FlaskForm). The choices are the tenants, filled by the view."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from platform_core.tenancy.constants import UNIT_TYPES
from platform_core.web.dates import VnDateField
from platform_core.web.forms import options


class MergeForm(FlaskForm):
    source = SelectField(_l("Province that is merged (it closes)"),
                         validators=[DataRequired(_l("Choose the province that is merged."))])
    target = SelectField(_l("Province it is merged into (it continues)"),
                         validators=[DataRequired(_l("Choose the province it is merged into."))])
    legal_ref = StringField(_l("Legal reference"), validators=[Optional(), Length(max=120)],
                            render_kw={"placeholder": "202/2025/QH15"})

    def validate_target(self, field):
        if field.data and field.data == self.source.data:
            raise ValidationError(_l("A province cannot be merged into itself."))


class RenameForm(FlaskForm):
    tenant = SelectField(_l("Province"), validators=[DataRequired(_l("Choose a province."))])
    name = StringField(_l("New name, without “tỉnh” or “thành phố”"), validators=[Optional(), Length(max=120)])
    unit_type = SelectField(_l("Kind"), choices=options(UNIT_TYPES))
    legal_ref = StringField(_l("Legal reference"), validators=[Optional(), Length(max=120)],
                            render_kw={"placeholder": "39/2026/QH16"})
    effective = VnDateField(_l("Takes effect on"), validators=[Optional()])
