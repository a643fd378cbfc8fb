"""The result API's shapes: the JSON body that names a URL to fetch the file from, the multipart form's other
field, and what the API answers about a dossier's result."""

from urllib.parse import urlsplit

from marshmallow import Schema, ValidationError, fields

from platform_core.dossiers.schemas import LocalDateTime, Text
from platform_core.results import fetch

URL_PATTERN = r"^https://[^\s/?#@]+[^\s]*$"  # what the document says; `_web_address` checks the same
FILE_NAME_HELP = "the name the citizen sees (.pdf is added); default ket-qua-<dossier code>.pdf"


class ResultFileInput(Schema):
    """The multipart form's fields besides `file`."""

    file_name = Text(120, load_default=None, allow_none=True, metadata={"description": FILE_NAME_HELP})


def _web_address(value: str) -> None:
    """An address with a host, of a scheme fetch.py takes (https; its tests add http for a local source)."""
    parts = urlsplit(value)
    if parts.scheme not in fetch.SCHEMES or not parts.netloc or any(c.isspace() for c in value):
        raise ValidationError("must be an https:// address")


class ResultUrlInput(ResultFileInput):
    url = Text(2000, [_web_address], required=True, metadata={
        "pattern": URL_PATTERN,
        "description": "an https address on a host of the province's list of result sources (console: Electronic "
                       "results); redirects are not followed",
    })


class ResultView(Schema):
    """A result and what became of its message (results.service.ResultStatus)."""

    file_name = fields.String(attribute="result.file_name")
    size = fields.Integer(attribute="result.size", metadata={"description": "bytes"})
    sha256 = fields.String(attribute="result.sha256")
    source = fields.String(attribute="result.source", metadata={"enum": ["upload", "url"]})
    created_at = LocalDateTime(attribute="result.created_at")
    notification_id = fields.UUID(attribute="result.notification_id", allow_none=True,
                                  metadata={"description": "the message that carries it (GET /notifications/{id})"})
    sent_as = fields.String(allow_none=True, metadata={
        "enum": ["file", "link", None],
        "description": "file: a Zalo file message; link: a card with a signed download link; null: not sent yet",
    })
    seen = fields.Boolean(metadata={"description": "Zalo reported the message seen"})
    downloads = fields.Integer(attribute="result.downloads", metadata={"description": "through the signed link"})
    last_downloaded_at = LocalDateTime(attribute="result.last_downloaded_at", allow_none=True)
    removed_at = LocalDateTime(attribute="result.removed_at", allow_none=True,
                               metadata={"description": "replaced by a newer file, or past the retention period"})
