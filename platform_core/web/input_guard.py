"""What the edge refuses before any view, service or database sees it: NUL characters, and JSON nested too deeply
to parse.

- NUL: PostgreSQL's text types cannot hold U+0000, so a NUL in a login e-mail, a slug, a search or a form
  field became a 500 from the driver (and SQLite would store it). No field of ours has a use for it: every
  path part, query string, form field (and uploaded file name) and header is checked here, before the URL's
  tenant is even looked up, and the request is answered 400 naming the field. JSON bodies are checked where
  they are read (api/dossiers.py `json_object`), with the same `first_nul`.
- Deep JSON: the standard decoder raises RecursionError on `[[[[…` 20,000 deep, which no `except ValueError`
  around a parse catches. The app's JSON provider turns it into the ValueError every caller expects, so
  `request.get_json(silent=True)` gives None and the view answers 400 as for any other body that is not JSON.
"""

from collections.abc import Callable, Iterable

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest

NUL = "\x00"


class NulRefused(BadRequest):
    """A request carrying a NUL character; `field` names where (shown on the error page and in JSON)."""

    def __init__(self, field: str):
        super().__init__(f"{field}: must not contain NUL characters")
        self.field = field


class GuardedJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, with a body nested too deeply to parse refused as invalid JSON."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def init_input_guard(app: Flask, reads_own_json: Callable[[], bool]) -> None:
    """`reads_own_json()`: the request goes to a view that parses and checks its JSON body itself (the API, the
    webhook, which must verify the raw body before anything is said about it)."""
    app.json = GuardedJSONProvider(app)

    # App-wide URL value preprocessors run before every blueprint's (the tenant's slug is resolved in one) and
    # before every before_request hook.
    @app.url_value_preprocessor
    def _refuse_bad_input(endpoint, view_args) -> None:
        field = (first_nul(view_args or {})
                 or _first_nul_in_pairs(request.args.items(multi=True), "")
                 or _first_nul_in_pairs(request.headers.items(), "header ")
                 or _first_nul_in_form()
                 or (None if reads_own_json() else _first_nul_in_json_form()))
        if field:
            raise NulRefused(field)


def _first_nul_in_form() -> str | None:
    if request.method not in ("POST", "PUT", "PATCH", "DELETE") or request.is_json:
        return None
    uploads = ((name, upload.filename or "") for name, upload in request.files.items(multi=True))
    return _first_nul_in_pairs(request.form.items(multi=True), "") or _first_nul_in_pairs(uploads, "")


def _first_nul_in_json_form() -> str | None:
    """Flask-WTF reads a JSON body as the form's data (`ImmutableMultiDict(request.get_json())`): anything but
    an object of text (or lists of text) cannot be, and its strings reach the database like form fields."""
    if not request.is_json or request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return None
    body = request.get_json(silent=True)
    if body is None:
        return None  # not JSON at all: Flask-WTF finds no fields
    if not isinstance(body, dict):
        raise BadRequest("the body must be a form or a JSON object")
    for name, value in body.items():
        if not isinstance(value, str) and not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise BadRequest(f"{printable(name)}: a form field's value must be text")
    return first_nul(body)


def _first_nul_in_pairs(pairs: Iterable[tuple[str, str]], prefix: str) -> str | None:
    for name, value in pairs:
        if NUL in name or NUL in value:
            return prefix + printable(name)
    return None


def first_nul(value, path: str = "") -> str | None:
    """The dotted path of the first string holding a NUL in a parsed JSON value (keys included), else None.
    Walks with a stack: a body may be nested as deeply as the decoder allows."""
    stack = [(path, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                return where or "_body"
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{where}.{printable(str(key))}" if where else printable(str(key))
                if NUL in str(key):
                    return child_path
                stack.append((child_path, child))
        elif isinstance(item, list):
            stack.extend((f"{where}.{index}" if where else str(index), child) for index, child in enumerate(item))
    return None


def printable(name: str) -> str:
    """A field name as it can be shown back: its NULs written as \\0."""
    return name.replace(NUL, "\\0")
