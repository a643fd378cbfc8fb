"""Commands other features register are asked, in order, before the dossier lookup; a command that wrote its
own messages suppresses the text reply; texts no command claims still reach the lookup."""

import pytest

from platform_core.bot import commands
from platform_core.bot.commands import HANDLED, register_command
from tests.bot.test_bot_webhook import SENDER, deliver_and_process, only_reply_text, replies
from tests.zalo.conftest import connected_a, user_text  # noqa: F401 - fixture


@pytest.fixture
def registry(monkeypatch):
    """A registry of the test's own commands (the features' real ones are set aside)."""
    monkeypatch.setattr(commands, "_commands", {})
    return commands._commands


def test_the_first_command_in_order_that_answers_wins(client, connected_a, tenant_a, registry):  # noqa: F811
    asked = []

    def later(message):
        asked.append("later")
        return "later answer"

    def sooner(message):
        asked.append("sooner")
        return "sooner answer" if message.text.startswith("phản ánh") else None

    register_command("later", later, order=60)
    register_command("sooner", sooner, order=10)
    deliver_and_process(client, tenant_a, user_text("phản ánh đường hỏng", user_id=SENDER))
    assert only_reply_text(tenant_a) == "sooner answer"
    assert asked == ["sooner"]


def test_a_command_that_answered_with_its_own_messages_adds_no_reply(client, connected_a, tenant_a, registry):  # noqa: F811
    register_command("own", lambda message: HANDLED)
    deliver_and_process(client, tenant_a, user_text("XN 1234", user_id=SENDER))
    assert replies(tenant_a) == []


def test_text_no_command_claims_reaches_the_lookup(client, connected_a, tenant_a, registry):  # noqa: F811
    register_command("never", lambda message: None)
    deliver_and_process(client, tenant_a, user_text("hướng dẫn", user_id=SENDER))
    assert "tra cứu" in only_reply_text(tenant_a).lower()
