"""The end-to-end tests run a whole Motcua (tests/pipeline/stack.py) on its own database."""

from tests.pipeline.fixtures import db_session, stack  # noqa: F401 - fixtures
