"""Every event Zalo sends about the OA is accepted and stored, whatever its shape (docs/zalo-oa.md §5): the OA
is found where each event keeps it (the sender for the OA's own acts, the recipient for the citizen's, the
top level for group chats and account events). A 401 would make Zalo warn the province that its webhook is
broken. Events are built and signed by the Zalo sandbox and replayed byte for byte to the webhook."""

import pytest
from sqlalchemy import select

from platform_core.extensions import db
from platform_core.sandbox.events import BUILDERS
from platform_core.zalo.constants import EVENT_IGNORED
from platform_core.zalo.events import process
from platform_core.zalo.models import Follower, ZaloEvent
from tests.conftest import as_tenant
from tests.zalo.conftest import connect_to_sandbox, now_ms, signed

URL = "/zalo/webhook/bac-ninh"


@pytest.fixture
def oa(sandbox, tenant_a):
    seeded, _ = connect_to_sandbox(tenant_a, sandbox)  # no webhook URL: the sandbox keeps what it would send
    return seeded


@pytest.fixture
def citizen(sandbox, oa) -> str:
    return sandbox.add_user(oa.app_id, display_name="Nguyễn Thị Mai", phone="0912345678")["user_id"]


def deliver(client, sandbox, oa, citizen, name: str, **fields):
    """Have the sandbox build and sign `name`, then post the exact bytes and headers to the webhook."""
    record = sandbox.emit(name, oa.app_id, user_id=citizen, **fields)
    return client.post(URL, data=record["body"].encode(), headers=record["headers"])


def stored(tenant, name: str) -> list[ZaloEvent]:
    with as_tenant(tenant):
        return db.session.scalars(select(ZaloEvent).where(ZaloEvent.event_name == name)).all()


def test_every_event_the_sandbox_can_send_is_accepted_once(client, sandbox, oa, citizen, tenant_a):
    refused = {}
    for name in sorted(BUILDERS):
        response = deliver(client, sandbox, oa, citizen, name)
        if response.status_code != 200 or response.get_json()["duplicate"]:
            refused[name] = (response.status_code, response.get_json())
    assert refused == {}


def test_the_oas_own_reaction_is_stored_for_the_citizen_it_reacted_to(client, sandbox, oa, citizen, tenant_a):
    response = deliver(client, sandbox, oa, citizen, "oa_reacted_message", msg_id="m-42", react_icon="/-strong")
    assert response.status_code == 200 and response.get_json() == {"received": True, "duplicate": False}
    [event] = stored(tenant_a, "oa_reacted_message")
    assert event.zalo_user_id == citizen
    with as_tenant(tenant_a):
        assert process(event) == EVENT_IGNORED


def test_a_group_chat_message_is_stored_but_is_not_the_citizen_writing_to_the_oa(client, sandbox, oa, citizen,
                                                                                tenant_a):
    response = deliver(client, sandbox, oa, citizen, "user_send_group_text", text="Chào cả nhóm", group_id="g-7")
    assert response.status_code == 200
    [event] = stored(tenant_a, "user_send_group_text")
    assert event.zalo_user_id == citizen  # the member who wrote, not the group
    with as_tenant(tenant_a):
        assert process(event) == EVENT_IGNORED
        db.session.flush()
        assert db.session.scalars(select(Follower).where(Follower.zalo_user_id == citizen)).all() == []


def test_a_reaction_changed_later_is_a_new_event(client, sandbox, oa, citizen, tenant_a):
    deliver(client, sandbox, oa, citizen, "user_reacted_message", msg_id="m-9", react_icon="/-heart")
    sandbox.advance_clock(5)
    deliver(client, sandbox, oa, citizen, "user_reacted_message", msg_id="m-9", react_icon="/-strong")
    assert len(stored(tenant_a, "user_reacted_message")) == 2


def membership(group_id: str, oa_id: str = "3003001", timestamp: str | None = None) -> dict:
    """A GMF membership event (Zalo's `user_join_group`): OA and group at the top level, no sender."""
    return {"oa_id": oa_id, "group_id": group_id, "event_name": "user_join_group", "app_id": "1001001",
            "users": [{"id": "8000001"}], "timestamp": timestamp or now_ms()}


def test_group_events_of_two_groups_at_the_same_moment_are_both_kept(client, connected_a, tenant_a):
    moment = now_ms()
    for group in ("g-1", "g-2"):
        raw, headers = signed(membership(group, timestamp=moment))
        assert client.post(URL, data=raw, headers=headers).get_json() == {"received": True, "duplicate": False}
    assert len(stored(tenant_a, "user_join_group")) == 2


def test_a_group_event_naming_another_oa_is_401(client, connected_a, tenant_a):
    raw, headers = signed(membership("g-1", oa_id="3003002"))  # signed with bac-ninh's key, for da-nang's OA
    assert client.post(URL, data=raw, headers=headers).status_code == 401
    assert stored(tenant_a, "user_join_group") == []
