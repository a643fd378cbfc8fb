"""One module per setup step; importing them registers their views on `onboarding_bp`."""

from platform_core.onboarding.steps import admin, catalogue, go_live, profile, templates, test_message, zalo  # noqa: F401
