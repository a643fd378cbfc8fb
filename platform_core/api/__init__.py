"""The public REST API v1 for province systems. The API key decides the tenant."""

from platform_core.api import (  # noqa: F401 - registers the routes
    dossiers,
    notices,
    notifications,
    openapi,
    procedures,
    registrations,
    results,
)
from platform_core.api.blueprint import api_v1

__all__ = ["api_v1"]
