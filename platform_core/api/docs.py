"""`/api/v1/docs`: the API's documentation for people, Swagger UI (static/vendor/swagger-ui) over
`/api/v1/openapi.json`. Its own blueprint: the page is HTML in the site's frame, not an operation of the API
(whose blueprint answers JSON and whose routes must all be in the OpenAPI document). Public, like the document."""

from flask import Blueprint, render_template

api_docs_bp = Blueprint("api_docs", __name__)


@api_docs_bp.get("/api/v1/docs")
def page():
    return render_template("api/docs.html")
