"""Forms of the team page (CSRF comes with FlaskForm)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from platform_core.auth.constants import ROLE_OFFICER, TENANT_ROLES
from platform_core.auth.forms import invitee_email_field
from platform_core.auth.service import MAX_NAME_LENGTH
from platform_core.web.forms import options


def _role_field(label):
    return SelectField(label, choices=options(TENANT_ROLES), default=ROLE_OFFICER,
                       validators=[DataRequired(_l("Choose a role."))])


class InviteForm(FlaskForm):
    email = invitee_email_field()
    full_name = StringField(_l("Full name"), validators=[DataRequired(_l("Enter the person's name.")),
                                                         Length(max=MAX_NAME_LENGTH)])
    role = _role_field(_l("Role"))


class RoleForm(FlaskForm):
    role = _role_field(_l("New role"))
