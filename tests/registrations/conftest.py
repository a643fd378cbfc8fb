"""The registrations' tests share a local receiver for the webhook."""

import pytest

from tests.registrations.receiver import Receiver


@pytest.fixture
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.server.shutdown()
