"""The end-to-end test runs a whole Motcua (tests/pipeline/stack.py) on its own database."""

import pytest

from tests.pipeline.stack import running_stack


@pytest.fixture(autouse=True)
def db_session():
    """This test uses the stack's own database, not the suite's rolled-back session."""
    yield None


@pytest.fixture
def stack(tmp_path, redis_url, zalo_sandbox):
    with running_stack(tmp_path, redis_url, zalo_sandbox) as stack:
        yield stack
