"""The console's forms for the catalogue. Values are read by the columns' parsers (columns.py), the same
ones an import uses, so a fee or a time is refused with the same words wherever it is typed."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from platform_core.catalogue.columns import BY_KEY, CHOICES, as_text, parse_cells

AGENCIES_LIST = "province-agencies"  # the <datalist> of catalogue/_agencies.html: the province's agencies
EDITABLE = ("agency", "online_level", "processing_time_value", "processing_time_unit", "processing_time_note",
            "fee_vnd", "fee_note", "required_documents", "enabled")


def _select(key: str, optional: bool = False) -> SelectField:
    choices = [SelectChoice(code, label) for code, label in CHOICES[key].items()]
    if optional:
        choices.insert(0, SelectChoice("", _l("Not stated")))
    return SelectField(BY_KEY[key].label, choices=choices, validate_choice=False)


class ProcedureForm(FlaskForm):
    """Edit one procedure. After `validate_on_submit()`, `values` holds the parsed values to save."""

    agency = StringField(BY_KEY["agency"].label, render_kw={"list": AGENCIES_LIST})
    online_level = _select("online_level")
    processing_time_value = StringField(BY_KEY["processing_time_value"].label)
    processing_time_unit = _select("processing_time_unit", optional=True)
    processing_time_note = StringField(BY_KEY["processing_time_note"].label)
    fee_vnd = StringField(BY_KEY["fee_vnd"].label)
    fee_note = StringField(BY_KEY["fee_note"].label)
    required_documents = TextAreaField(BY_KEY["required_documents"].label, render_kw={"rows": 5})
    enabled = BooleanField(_l("Offered to citizens"))

    def __init__(self, current: dict, **kwargs):
        data = {key: as_text(key, current[key]) for key in EDITABLE if key != "enabled"}
        super().__init__(data={**data, "enabled": current["enabled"]}, **kwargs)
        self.current = current
        self.values: dict = {}

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        cells = {key: self[key].data or "" for key in EDITABLE if key != "enabled"}
        cells["enabled"] = "yes" if self.enabled.data else "no"
        self.values, problems = parse_cells(cells, self.current)
        for key, message in problems.items():
            self[key].errors.append(message)
        return valid and not problems


class UploadForm(FlaskForm):
    """A CSV or XLSX file to import; the importer checks its type, size and content."""

    file = FileField(_l("CSV or XLSX file"))
