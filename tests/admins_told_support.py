"""A province's administrators for the end-to-end tests of what they are told (go-live decisions, policy news
to approve): each with their own Zalo account in the sandbox linked to Motcua or not, and a real SMTP server
that the stack's web process and workers send to."""

from dataclasses import dataclass
from datetime import UTC, datetime

from platform_core.extensions import db
from platform_core.zalo.models import Follower
from tests import factories
from tests.mail.smtp_server import start_smtp


@dataclass
class Admin:
    email: str
    name: str
    zalo_user_id: str | None  # None: they have not linked Zalo


def add_admins(stack, sandbox, province, people: list[tuple[str, str, bool]]) -> list[Admin]:
    """`people`: (e-mail, name, linked Zalo?). A linked admin follows the OA in the sandbox and has written to
    it lately (as after sending their link code), so Motcua answers them by consultation message."""
    admins = []
    with stack.app.app_context(), stack.in_tenant(province.slug):
        for email, name, linked in people:
            user = factories.create_user(email, full_name=name, tenant=factories.tenant_by_slug(province.slug),
                                         role="admin")
            zalo_user_id = None
            if linked:
                zalo_user_id = sandbox.add_user(province.app_id, display_name=name, is_follower=True,
                                                last_interaction="now")["user_id"]
                now = datetime.now(UTC)
                db.session.add(Follower(zalo_user_id=zalo_user_id, staff_user_id=user.id, staff_linked_at=now,
                                        last_interaction_at=now))
            admins.append(Admin(email, name, zalo_user_id))
        db.session.commit()
        db.session.remove()
    return admins


def texts(sandbox, province, zalo_user_id: str) -> list[str]:
    """What the sandbox received for this Zalo account, oldest first."""
    return [str(message["body"]) for message in sandbox.messages(oa_id=province.oa_id, user_id=zalo_user_id)]


def mail_to(inbox, address: str) -> list:
    return [message for message in inbox.messages if message["To"] == address]


def serve_mail(stack):
    """A real SMTP server for the stack: its web app and the workers it starts afterwards send there."""
    controller, inbox = start_smtp()
    settings = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(controller.port), "MAIL_USE_TLS": "0",
                "MAIL_FROM": "Motcua <moi@motcua.test>"}
    stack.env.update(settings)
    stack.app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False,
                            MAIL_FROM=settings["MAIL_FROM"])
    return controller, inbox
