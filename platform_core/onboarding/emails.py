"""Getting an invitation link to its person (placeholder until the `invite` branch adds SMTP)."""

import logging

log = logging.getLogger(__name__)


def deliver_invitation(invitation, link: str) -> None:
    """Without SMTP settings (development) the link is logged for the operator console and the CLI to show."""
    log.info("invitation link for %s: %s", invitation.email, link, extra={"tenant_id": str(invitation.tenant_id)})
