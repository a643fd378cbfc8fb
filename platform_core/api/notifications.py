"""GET /api/v1/notifications/<id>: one notification and the state of each of its deliveries."""

from flask import abort, jsonify

from platform_core.api.blueprint import api_v1
from platform_core.dossiers import service
from platform_core.dossiers.schemas import NotificationView


@api_v1.get("/notifications/<notification_id>")
def get_notification(notification_id: str):
    notification = service.get_notification(notification_id)
    if notification is None:
        abort(404, description=f"no notification {notification_id} in this province")
    return jsonify(NotificationView().dump(notification))
