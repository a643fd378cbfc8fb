"""One Zalo client per app process: it holds a keep-alive connection pool that threads share."""

from flask import current_app

_EXTENSION_KEY = "motcua_zalo_client"


def zalo_client():
    client = current_app.extensions.get(_EXTENSION_KEY)
    if client is None:
        from platform_core.zalo.client import ZaloClient

        client = ZaloClient.from_config(current_app.config)
        current_app.extensions[_EXTENSION_KEY] = client
    return client
