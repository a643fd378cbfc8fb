"""Following the province's OA: the page Zalo opens with its "Quan tâm" (follow) button, and a QR code of it
for a phone's camera (docs/zalo-oa.md §4, "OA page")."""

from dataclasses import dataclass

from flask import current_app
from markupsafe import Markup

from platform_core.auth.totp import qr_svg
from platform_core.zalo.connection import get_connection


@dataclass(frozen=True)
class FollowLink:
    oa_name: str
    url: str
    qr: Markup


def follow_link(fallback_name: str) -> FollowLink | None:
    """The OA of the province in context, or None until the province has told us its OA id (wizard step 3)."""
    connection = get_connection()
    if connection is None or not connection.oa_id:
        return None
    url = current_app.config["ZALO_OA_PAGE_URL"].replace("{oa_id}", connection.oa_id)
    return FollowLink(oa_name=connection.oa_name or fallback_name, url=url, qr=qr_svg(url))
