"""The app's Redis connection (RQ transport, rate limits). Created once per app, lazily."""

import redis
from flask import current_app

_EXTENSION_KEY = "motcua_redis"


def get_redis() -> redis.Redis:
    connection = current_app.extensions.get(_EXTENSION_KEY)
    if connection is None:
        connection = redis.Redis.from_url(
            current_app.config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5, health_check_interval=30
        )
        current_app.extensions[_EXTENSION_KEY] = connection
    return connection
