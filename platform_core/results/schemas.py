"""The result API's shapes: the JSON body that names a URL to fetch the file from, the multipart form's other
field, and what the API answers about a dossier's result."""

from marshmallow import Schema, fields, validate

from platform_core.dossiers.schemas import LocalDateTime, Text

URL_PATTERN = r"^https://[^\s/?#@]+[^\s]*$"
FILE_NAME_HELP = "the name the citizen sees (.pdf is added); default ket-qua-<dossier code>.pdf"


class ResultFileInput(Schema):
    """The multipart form's fields besides `file`."""

    file_name = Text(120, load_default=None, allow_none=True, metadata={"description": FILE_NAME_HELP})


class ResultUrlInput(ResultFileInput):
    url = Text(2000, [validate.Regexp(URL_PATTERN, error="must be an https:// address")], required=True, metadata={
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
