"""Onboarding vocabularies: invitation purposes, the wizard's steps, go-live request states."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l

PURPOSE_PROVINCE_SETUP = "province_setup"  # an operator invites a province's first admin
PURPOSE_TEAM = "team"  # a province admin invites an officer or another admin

INVITATION_LIFETIME = timedelta(days=7)

# The setup wizard, in order: (key, title). Each step's view lives in onboarding/steps/<key>.py.
STEP_PROFILE = "profile"
STEP_ADMIN = "admin"
STEP_ZALO = "zalo"
STEP_CATALOGUE = "catalogue"
STEP_TEMPLATES = "templates"
STEP_TEST_MESSAGE = "test_message"
STEP_GO_LIVE = "go_live"
STEPS = (
    (STEP_PROFILE, _l("Province profile")),
    (STEP_ADMIN, _l("Administrator account")),
    (STEP_ZALO, _l("Connect Zalo OA")),
    (STEP_CATALOGUE, _l("Procedure catalogue")),
    (STEP_TEMPLATES, _l("Message templates")),
    (STEP_TEST_MESSAGE, _l("Test message")),
    (STEP_GO_LIVE, _l("Request go-live")),
)
STEP_KEYS = tuple(key for key, _ in STEPS)

GO_LIVE_PENDING = "pending"
GO_LIVE_APPROVED = "approved"
GO_LIVE_REJECTED = "rejected"
GO_LIVE_STATUSES = {
    GO_LIVE_PENDING: _l("Waiting for approval"),
    GO_LIVE_APPROVED: _l("Approved"),
    GO_LIVE_REJECTED: _l("Rejected"),
}
