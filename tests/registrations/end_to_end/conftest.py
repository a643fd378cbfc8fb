"""The end-to-end registration tests run a whole Motcua (tests/pipeline/stack.py) on its own database."""

from tests.pipeline.conftest import db_session, stack  # noqa: F401 - fixtures
