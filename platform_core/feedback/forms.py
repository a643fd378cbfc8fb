"""Forms of the feedback pages: the inbox filters (GET, no CSRF), the officer's actions and entry, and the
public web form (both with CSRF, from FlaskForm)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, SearchField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from platform_core.feedback.constants import CATEGORY_LABELS, CHANNEL_LABELS, MAX_CONTENT_CHARS, STATUS_LABELS
from platform_core.web.forms import options


class InboxFilterForm(Form):
    q = SearchField(_l("Feedback code"), validators=[Optional(), Length(max=32)])
    status = SelectField(_l("Status"), choices=options(STATUS_LABELS, blank=_l("Any status")),
                         validators=[Optional()])
    channel = SelectField(_l("Channel"), choices=options(CHANNEL_LABELS, blank=_l("Any channel")),
                          validators=[Optional()])
    overdue = BooleanField(_l("Overdue only"))


class ActionForm(FlaskForm):
    """One form for every officer action (prefixed with the action's name, so that several can share a page);
    the service says which fields each action needs."""

    note = TextAreaField(_l("Reason or note"), validators=[Optional(), Length(max=2000)])
    category = SelectField(_l("Category"), choices=options(CATEGORY_LABELS), validators=[Optional()])
    agency = StringField(_l("Agency"), validators=[Optional(), Length(max=200)], render_kw={"list": "agencies"})
    answer = TextAreaField(_l("Answer"), validators=[Optional(), Length(max=MAX_CONTENT_CHARS)])


class SubmissionForm(FlaskForm):
    """The public web form, and the officer's entry of a feedback received by phone or at the counter."""

    name = StringField(_l("Full name"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("Mobile number"), validators=[Optional(), Length(max=20)],
                        render_kw={"type": "tel", "autocomplete": "tel"})
    content = TextAreaField(_l("Your feedback or petition"), validators=[Optional(), Length(max=MAX_CONTENT_CHARS)])
    dossier_code = StringField(_l("Dossier code (if it is about a dossier)"), validators=[Optional(), Length(max=80)])

