"""`flask tenants ...` (sync, create, go-live, list)."""

from flask.cli import AppGroup

tenants_cli = AppGroup("tenants", help="Provinces on the platform.")
