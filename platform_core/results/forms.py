"""The download page's question (the last digits of the applicant's phone) and the console's allow-list."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Regexp

from platform_core.results.constants import DIGITS
from platform_core.settings.definitions import MAX_ALLOWED_HOSTS


class DigitsForm(FlaskForm):
    digits = StringField(
        _l("Last %(count)d digits of the phone number given in the dossier", count=DIGITS),
        validators=[InputRequired(message=_l("Enter the digits.")),
                    Regexp(rf"^\s*\d{{{DIGITS}}}\s*$", message=_l("Enter exactly %(count)d digits.", count=DIGITS))],
        render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": DIGITS},
    )


class SourcesForm(FlaskForm):
    hosts = TextAreaField(
        _l("Hosts results may be fetched from"),
        validators=[Length(max=MAX_ALLOWED_HOSTS * 256)],
        description=_l("One host name a line, e.g. motcua.bacninh.gov.vn. Only https addresses on these hosts are "
                       "fetched, and never a private or internal address."),
    )

    def host_list(self) -> list[str]:
        return [line.strip() for line in (self.hosts.data or "").splitlines() if line.strip()]


class ZnsTemplateForm(FlaskForm):
    """The ZNS template the province registered with Zalo for results; an empty id turns ZNS off for results."""

    template_id = StringField(_l("ZNS template id"), validators=[Length(max=40)],
                              render_kw={"inputmode": "numeric", "autocomplete": "off"})
    code_param = StringField(_l("Parameter for the dossier code"), validators=[Length(max=64)],
                             render_kw={"autocomplete": "off", "placeholder": "dossier_code"})
    link_param = StringField(_l("Parameter for the link"), validators=[Length(max=64)],
                             render_kw={"autocomplete": "off", "placeholder": "result_link"})
