"""The citizen's rating form (public page, with CSRF), the console's report filters (GET, no CSRF) and the
province's ZNS rating template (admins, with CSRF)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, RadioField, SearchField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from platform_core.notices.forms import ZnsFields, translate_errors
from platform_core.notices.templates import zns_param_lines
from platform_core.ratings.constants import CRITERIA, SCALE
from platform_core.ratings.service import MAX_COMMENT
from platform_core.web.dates import VnDateField

CRITERION_PREFIX = "criterion_"
LEVELS = [SelectChoice(score, label) for score, label in SCALE.items()]


class RatingForm(FlaskForm):
    score = RadioField(_l("How satisfied are you with how your dossier was handled?"), choices=LEVELS, coerce=int,
                       validators=[InputRequired(message=_l("Choose one of the five levels."))])
    comment = TextAreaField(_l("Comment (optional)"), validators=[Optional(), Length(max=MAX_COMMENT)])

    def criteria_fields(self) -> list:
        return [self[CRITERION_PREFIX + code] for code in CRITERIA]

    def criteria_scores(self) -> dict:
        """{criterion code: score} for the criteria answered."""
        return {code: int(self[CRITERION_PREFIX + code].data) for code in CRITERIA
                if self[CRITERION_PREFIX + code].data}

    def fill_from(self, rating) -> None:
        """Show a rating being changed as it is (on GET only: a POST keeps what was typed)."""
        self.score.data = rating.score
        self.comment.data = rating.comment
        for code, score in (rating.criteria_scores or {}).items():
            if code in CRITERIA:
                self[CRITERION_PREFIX + code].data = str(score)


def _criterion(label) -> SelectField:
    choices = [SelectChoice("", _l("No answer"))] + [SelectChoice(str(score), text) for score, text in SCALE.items()]
    return SelectField(label, choices=choices, default="", validators=[Optional()])


for _code, _label in CRITERIA.items():
    setattr(RatingForm, CRITERION_PREFIX + _code, _criterion(_label))


class RatingFilterForm(Form):
    """The console page's period and filters; the reports use the period, the list all of them."""

    start = VnDateField(_l("From"), validators=[Optional()])
    end = VnDateField(_l("To"), validators=[Optional()])
    procedure = SearchField(_l("Procedure code"), validators=[Optional(), Length(max=40)])
    score = SelectField(_l("Level"), choices=[SelectChoice("", _l("All levels"))]
                        + [SelectChoice(str(score), label) for score, label in SCALE.items()], default="",
                        validators=[Optional()])

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("Must not be before the start."))


class RatingZnsForm(ZnsFields, FlaskForm):
    """The ZNS rating template's id (empty: none) and its parameters, read and checked as the message
    templates' ZNS fields are."""

    @classmethod
    def of(cls, setting: dict | None) -> "RatingZnsForm":
        """The form for the `rating_zns` province setting as saved."""
        if setting is None:
            return cls(formdata=None)
        return cls(formdata=None, data={"zns_template_id": setting["zns_template_id"],
                                        "zns_params": "\n".join(zns_param_lines(setting["zns_params"]))})

    def zns_fields(self) -> dict:
        return {"zns_template_id": self.zns_template_id.data, "zns_params": self._zns_params()}

    def show_errors(self, errors: dict) -> None:
        for name, texts in translate_errors(errors).items():
            self._add_errors(self.zns_template_id if name == "zns_template_id" else self.zns_params, texts)

    @property
    def has_errors(self) -> bool:
        return bool(self.zns_template_id.errors or self.zns_params.errors)
