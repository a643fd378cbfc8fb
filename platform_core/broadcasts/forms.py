"""The composer's form: fields only; the rules (lengths, the image, the audience) are the service's."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from platform_core.broadcasts import audience, service
from platform_core.broadcasts.constants import AUDIENCE_LABELS
from platform_core.catalogue.models import Procedure
from platform_core.db.types import utcnow
from platform_core.delivery.context import VIETNAM
from platform_core.errors import FieldError
from platform_core.extensions import db
from platform_core.zalo.messages import MAX_HEADER, PromotionCard


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
    audience = RadioField(_l("Who receives it"), default="all",
                          choices=[SelectChoice(kind, label) for kind, label in AUDIENCE_LABELS.items()])
    tag = SelectField(_l("Tag"), validate_choice=False)
    procedure_code = SelectField(_l("Procedure"), validate_choice=False)
    communes = StringField(_l("Communes"), description=_l("Separate the names with commas."))
    send_date = DateField(_l("Send on (optional)"), validators=[Optional()],
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
            scheduled_at=self.scheduled_at(), image=self.image_data, remove_image=bool(self.remove_image.data))

    def fill(self, broadcast) -> None:
        """Start from a saved draft (GET)."""
        chosen = broadcast.audience or {}
        self.title.data, self.body.data, self.article_url.data = broadcast.title, broadcast.body, broadcast.article_url
        self.audience.data = chosen.get("kind", "all")
        self.tag.data, self.procedure_code.data = chosen.get("tag", ""), chosen.get("procedure_code", "")
        self.communes.data = ", ".join(chosen.get("communes") or [])
        if broadcast.scheduled_at:
            local = broadcast.scheduled_at.astimezone(VIETNAM)
            self.send_date.data, self.send_time.data = local.date(), local.time().replace(second=0, microsecond=0)
