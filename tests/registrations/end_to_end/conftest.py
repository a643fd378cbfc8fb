"""The end-to-end registration tests run a whole Motcua (tests/pipeline/stack.py) on its own database: a SQLite
file, or a fresh PostgreSQL database when the suite runs on PostgreSQL."""

import pytest

from tests.pipeline.fixtures import db_session  # noqa: F401 - fixture
from tests.pipeline.stack import running_stack, stack_database


@pytest.fixture
def stack(tmp_path, redis_url, zalo_sandbox):
    with stack_database(tmp_path) as database, running_stack(tmp_path, redis_url, zalo_sandbox, database) as stack:
        yield stack
