"""Roles. `operator` runs the platform; `admin` and `officer` are per province (memberships)."""

from flask_babel import lazy_gettext as _l

ROLE_OPERATOR = "operator"
ROLE_ADMIN = "admin"
ROLE_OFFICER = "officer"

PLATFORM_ROLES = {ROLE_OPERATOR: _l("Platform operator")}
TENANT_ROLES = {ROLE_ADMIN: _l("Province administrator"), ROLE_OFFICER: _l("Officer")}

# A role includes the ones listed after it.
TENANT_ROLE_RANK = {ROLE_OFFICER: 1, ROLE_ADMIN: 2}

MIN_PASSWORD_LENGTH = 12

# Why a sign-in was refused, as the login_failed audit event records it (the audit log says it in words).
LOGIN_UNKNOWN_EMAIL, LOGIN_WRONG_PASSWORD, LOGIN_INACTIVE = "unknown_email", "wrong_password", "inactive"
