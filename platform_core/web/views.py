"""The platform's landing page."""

from flask import Blueprint

web_bp = Blueprint("web", __name__)


@web_bp.get("/")
def index():
    return "Motcua"
