"""The message template editor's form, shared by the province console and the setup wizard.

The form only carries the fields, in the words the admin edits: fields as `[Mã hồ sơ]`, converted from and to the
stored Jinja here (notices/placeholders.py). Every rule (the fields a template may use, syntax, Zalo's lengths) is the
service's (notices/templates.py, rendering.validate); `show_errors` puts its messages on the fields, in the
admin's language.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from platform_core.notices.placeholders import UnknownPlaceholder, to_jinja, to_readable
from platform_core.notices.rendering import BRACES_HINT, N_, TEXT_LIMITS, Problem
from platform_core.notices.templates import zns_param_lines
from platform_core.zalo.messages import ROW_STYLES

COLOUR_LABELS = {
    "blue": _l("Blue: information"),
    "green": _l("Green: done, good news"),
    "yellow": _l("Yellow: the citizen needs to act or wait"),
    "red": _l("Red: refused"),
    "grey": _l("Grey: closed"),
}
EDITED_FIELDS = ("text", "card_header", "card_text", "status_colour", "zns_template_id", "zns_params")
WRITTEN_FIELDS = ("text", "card_header", "card_text")  # texts with fields in them (and each ZNS parameter)
TAKES_FIELDS = {"data-takes-fields": True}  # where the field buttons insert (static/js/template-fields.js)


def _blank_to_none(value):
    value = value.strip() if isinstance(value, str) else value
    return value or None


class ZnsFields:
    """The ZNS template id and its parameter lines (“name: value”), and how those lines are read: the template
    editor's and the ratings' ZNS template's."""

    zns_template_id = StringField(
        _l("ZNS template id"), filters=[_blank_to_none], render_kw={"inputmode": "numeric", "autocomplete": "off"},
        description=_l("For citizens reachable only by phone number: the id of a ZNS template Zalo approved for "
                       "your OA. Leave empty if you have none."))
    zns_params = TextAreaField(
        _l("ZNS parameters"), render_kw={"rows": 5, "spellcheck": "false", **TAKES_FIELDS},
        description=_l("One parameter a line, as “name: value”, e.g. customer_name: [Họ tên người nộp]. The names "
                       "are those of the ZNS template."))

    def _zns_params(self) -> dict[str, str]:
        params: dict[str, str] = {}
        for number, line in enumerate((self.zns_params.data or "").splitlines(), start=1):
            if not line.strip():
                continue
            name, colon, source = line.partition(":")
            name = name.strip()
            if not colon or not name:
                self._add_errors(self.zns_params, [_("Line %(line)s: write “name: value”.", line=number)])
            elif name in params:
                self._add_errors(self.zns_params, [_("Line %(line)s: “%(name)s” is given twice.", line=number,
                                                     name=name)])
            else:
                params[name] = self._jinja(self.zns_params, source.strip(), line=number)
        return params

    def _jinja(self, field, text, line: int | None = None):
        """`text` as stored (Jinja); a name between brackets that is no field is reported on `field`, and the
        text is passed on as written for the other checks."""
        try:
            return to_jinja(text)
        except UnknownPlaceholder as unknown:
            problems = [problem.translate(_) for problem in unknown.problems]
            if line is not None:
                problems = [_("Line %(line)s: %(problem)s", line=line, problem=problem) for problem in problems]
            self._add_errors(field, problems)
            return text

    @staticmethod
    def _add_errors(field, texts: list[str]) -> None:
        field.errors = [*field.errors, *texts]


class TemplateForm(ZnsFields, FlaskForm):
    based_on = HiddenField()  # the version the admin started from (a save made meanwhile is not overwritten)
    card_header = StringField(
        _l("Card title"), render_kw=TAKES_FIELDS,
        description=_l("The bold first line of the card. At most %(limit)s characters.",
                       limit=TEXT_LIMITS["card_header"]))
    card_text = TextAreaField(
        _l("Card text"), render_kw={"rows": 4, "spellcheck": "false", **TAKES_FIELDS},
        description=_l("Under the title, at most %(limit)s characters. The platform adds the table (dossier code, "
                       "procedure, appointment, status) and the “Tra cứu” button.",
                       limit=TEXT_LIMITS["card_text"]))
    status_colour = SelectField(
        _l("Status colour"), choices=[SelectChoice(colour, COLOUR_LABELS[colour]) for colour in ROW_STYLES],
        description=_l("The colour of the “Trạng thái” row on the card."))
    text = TextAreaField(
        _l("Chat message"), render_kw={"rows": 10, "spellcheck": "false", **TAKES_FIELDS},
        description=_l("Sent instead of the card when the citizen wrote to the OA in the last 7 days. At most "
                       "%(limit)s characters.", limit=TEXT_LIMITS["text"]))

    @classmethod
    def of(cls, template) -> "TemplateForm":
        """The form filled with a saved version."""
        data = {name: getattr(template, name) for name in EDITED_FIELDS}
        data |= {name: to_readable(data[name]) for name in WRITTEN_FIELDS}
        data["zns_params"] = "\n".join(zns_param_lines(template.zns_params))
        return cls(formdata=None, data={**data, "based_on": template.version})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.general_errors: list[str] = []

    def template_fields(self) -> dict:
        """The entered values as the service takes them (Jinja). Unknown fields and ZNS lines it cannot read are
        reported on their field."""
        fields = {name: self[name].data for name in EDITED_FIELDS if name != "zns_params"}
        fields |= {name: self._jinja(self[name], fields[name]) for name in WRITTEN_FIELDS}
        fields["zns_params"] = self._zns_params()
        return fields

    def based_on_version(self) -> int | None:
        return int(self.based_on.data) if (self.based_on.data or "").isdigit() else None

    def show_errors(self, errors: dict) -> None:
        """The service's {field or "zns_params.<name>": [messages]} on the fields, translated."""
        for name, texts in translate_errors(errors).items():
            if name in EDITED_FIELDS:
                self._add_errors(self[name], texts)
            else:
                self.general_errors += texts

    @property
    def has_errors(self) -> bool:
        return bool(self.general_errors) or any(self[name].errors for name in EDITED_FIELDS)

    def error_messages(self) -> dict[str, list[str]]:
        """{field: [messages]} for the preview endpoint's JSON."""
        found = {name: list(self[name].errors) for name in EDITED_FIELDS if self[name].errors}
        if self.general_errors:
            found["_form"] = list(self.general_errors)
        return found



def translate_errors(errors: dict) -> dict[str, list[str]]:
    """The service's {field or "zns_params.<name>": [messages]} as {field: [messages in the admin's language]};
    a ZNS parameter's messages go to `zns_params`, led by the parameter's name."""
    translated: dict[str, list[str]] = {}
    for key, messages in errors.items():
        name, _dot, param = key.partition(".")
        texts = [_in_editor_words(message).translate(_) if isinstance(message, Problem) else str(message)
                 for message in messages]
        translated.setdefault(name, []).extend(f"{param}: {text}" if param else text for text in texts)
    return translated


# The checks' advice where the editor's words differ (a field is [Mã hồ sơ] there).
_EDITOR_ADVICE = {BRACES_HINT: N_("braces are not written as expected: a field is written [Mã hồ sơ]; inside "
                                  "{% %} it is named as in conditions, e.g. {% if ly_do %} … {% endif %}")}


def _in_editor_words(problem: Problem) -> Problem:
    """A check's message as the editor shows the texts: the line it quotes (a syntax error's) as the admin wrote
    it, fields as [Mã hồ sơ] (the line numbers are the same in both forms), and the advice in those terms."""
    if problem.msgid in _EDITOR_ADVICE:
        return Problem(_EDITOR_ADVICE[problem.msgid])
    params = {name: _in_editor_words(value) if isinstance(value, Problem) else value
              for name, value in problem.params.items()}
    if "text" in params:
        params["text"] = to_readable(params["text"])
    return Problem(problem.msgid, **params) if params else problem
