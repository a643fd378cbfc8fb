"""Fixtures for tests that run a whole Motcua (stack.py) on its own database. A test module (or conftest)
imports them: `from tests.pipeline.fixtures import db_session, stack  # noqa: F401`."""

import pytest

from tests.pipeline.stack import running_stack


@pytest.fixture(autouse=True)
def db_session():
    """These tests use the stack's own database, not the suite's rolled-back session."""
    yield None


@pytest.fixture
def stack(tmp_path, redis_url, zalo_sandbox):
    with running_stack(tmp_path, redis_url, zalo_sandbox) as stack:
        yield stack
