"""The composer's form: fields only; the rules (lengths, the image, the audience) are the service's."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from platform_core.broadcasts import audience, service
from platform_core.broadcasts.constants import AUDIENCE_LABELS, CHANNEL_LABELS, CHANNEL_PROMOTION
from platform_core.catalogue.models import Procedure
from platform_core.clock import VIETNAM
from platform_core.db.types import utcnow
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.web.dates import VnDateField
from platform_core.zalo.articles import AGE_GROUPS
from platform_core.zalo.messages import MAX_HEADER, PromotionCard

GENDERS = {"0": _l("Everyone"), "1": _l("Men"), "2": _l("Women")}
REGIONS = {"0": _l("The North"), "1": _l("The Centre"), "2": _l("The South")}


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


class CheckboxesField(SelectMultipleField):
    widget, option_widget = ListWidget(prefix_label=False), CheckboxInput()


class BroadcastForm(FlaskForm):
    title = StringField(_l("Title"), description=_l("The card's bold first line. At most %(count)s characters.",
                                                    count=MAX_HEADER))
    body = TextAreaField(_l("Text"), render_kw={"rows": 6},
                         description=_l("At most %(count)s characters.", count=PromotionCard.MAX_TEXT))
    article_url = StringField(_l("Link to the full article (optional)"), render_kw={"type": "url"},
                              description=_l("Shown as a “Xem chi tiết” button on the card."))
    image = FileField(_l("Image (optional)"), render_kw={"accept": "image/png,image/jpeg"},
                      description=_l("PNG or JPEG, at most 1 MB; wider than tall (up to 5:1) suits the card best."))
    remove_image = BooleanField(_l("Remove the current image"))
    channel = RadioField(_l("How it is sent"), default=CHANNEL_PROMOTION,
                         choices=[SelectChoice(kind, label) for kind, label in CHANNEL_LABELS.items()])
    cover_url = StringField(_l("Article cover photo (article broadcast)"), render_kw={"type": "url"},
                            description=_l("The web address of the photo Zalo shows on the article."))
    ages = CheckboxesField(_l("Ages (article broadcast)"), validate_choice=False,
                           choices=[SelectChoice(str(code), label) for code, label in AGE_GROUPS.items()],
                           description=_l("None ticked: every age."))
    gender = SelectField(_l("Gender (article broadcast)"), choices=_choices(GENDERS), default="0")
    regions = CheckboxesField(_l("Regions (article broadcast)"), validate_choice=False,
                              choices=_choices(REGIONS), description=_l("None ticked: the whole country."))
    cities = StringField(_l("Zalo province codes (article broadcast, optional)"),
                         description=_l("Numbers separated by commas, as Zalo lists them; they replace the regions."))
    audience = RadioField(_l("Who receives it"), default="all",
                          choices=[SelectChoice(kind, label) for kind, label in AUDIENCE_LABELS.items()])
    tag = SelectField(_l("Tag"), validate_choice=False)
    procedure_code = SelectField(_l("Procedure"), validate_choice=False)
    communes = StringField(_l("Communes"), description=_l("Separate the names with commas."))
    send_date = VnDateField(_l("Send on (optional)"), validators=[Optional()],
                            description=_l("Leave empty to send it once approved. Vietnam time."))
    send_time = TimeField(_l("At"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.image_data = None
        self.tag.choices = [SelectChoice("", _l("Choose a tag"))] + [SelectChoice(tag, tag) for tag in audience.tags()]
        procedures = db.session.execute(db.select(Procedure.code, Procedure.name).order_by(Procedure.code)).all()
        self.procedure_code.choices = [SelectChoice("", _l("Choose a procedure"))] + [
            SelectChoice(code, f"{code} · {name}") for code, name in procedures]

    def validate_image(self, field) -> None:
        upload = field.data
        if upload is None or not getattr(upload, "filename", None):
            return
        data = upload.read(service.IMAGE_MAX_BYTES + 1)
        try:
            service.image_type(data)
        except FieldError as error:
            raise ValidationError(str(error.message)) from error
        self.image_data = data

    def validate_send_time(self, field) -> None:
        if bool(self.send_date.data) != bool(field.data):
            raise ValidationError(_l("Give both the date and the time, or neither."))
        scheduled = self.scheduled_at()
        if scheduled is not None and scheduled <= utcnow():
            raise ValidationError(_l("Choose a time in the future."))

    def scheduled_at(self) -> datetime | None:
        if not (self.send_date.data and self.send_time.data):
            return None
        return datetime.combine(self.send_date.data, self.send_time.data, tzinfo=VIETNAM)

    def draft(self) -> service.Draft:
        return service.Draft(
            title=self.title.data or "", body=self.body.data or "", article_url=self.article_url.data,
            audience={"kind": self.audience.data, "tag": self.tag.data, "procedure_code": self.procedure_code.data,
                      "communes": (self.communes.data or "").split(",")},
            scheduled_at=self.scheduled_at(), image=self.image_data, remove_image=bool(self.remove_image.data),
            channel=self.channel.data, cover_url=self.cover_url.data,
            article_target={"ages": self.ages.data or [], "gender": self.gender.data or "0",
                            "regions": self.regions.data or [], "cities": (self.cities.data or "").split(",")})

    def fill(self, broadcast) -> None:
        """Start from a saved draft (GET)."""
        chosen = broadcast.audience or {}
        self.title.data, self.body.data, self.article_url.data = broadcast.title, broadcast.body, broadcast.article_url
        self.audience.data = chosen.get("kind", "all")
        self.tag.data, self.procedure_code.data = chosen.get("tag", ""), chosen.get("procedure_code", "")
        self.communes.data = ", ".join(chosen.get("communes") or [])
        target = broadcast.article_target or {}
        self.channel.data, self.cover_url.data = broadcast.channel, broadcast.cover_url
        self.ages.data = [str(age) for age in target.get("ages") or ()]
        self.regions.data = [str(region) for region in target.get("regions") or ()]
        self.gender.data, self.cities.data = str(target.get("gender") or 0), ", ".join(target.get("cities") or ())
        if broadcast.scheduled_at:
            local = broadcast.scheduled_at.astimezone(VIETNAM)
            self.send_date.data, self.send_time.data = local.date(), local.time().replace(second=0, microsecond=0)
